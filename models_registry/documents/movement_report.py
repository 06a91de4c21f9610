"""Báo cáo kết quả phong trào: the dashboard's figures and tables for an area and period, as Word.

The figures are the ones the report page shows (the same report and tables); the document adds
the as-of date, the issuing body set for the area and its signature block. Official documents
are written in Vietnamese whatever language the page is shown in.
"""
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from . import area_signature, heading, render


def number(value):
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def _tables_subdoc(tables):
    def build(template):
        subdoc = template.new_subdoc()
        for table in tables:
            title = subdoc.add_paragraph()
            title.add_run(str(table.title)).bold = True
            grid = subdoc.add_table(rows=1, cols=len(table.columns) + 1)
            grid.style = "Table Grid"
            for cell, text in zip(grid.rows[0].cells, [table.label_header, *table.columns], strict=True):
                cell.text = str(text)
                cell.paragraphs[0].runs[0].bold = True
            for row in table.rows:
                cells = grid.add_row().cells
                cells[0].text = str(row.label)
                for cell, value in zip(cells[1:], row.values, strict=False):
                    cell.text = number(value)
                    if table.numeric:
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for row in grid.rows:
                for cell in row.cells:
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(11)
            if table.note:
                note = subdoc.add_paragraph()
                note.add_run(str(table.note)).italic = True
            subdoc.add_paragraph()
        return subdoc
    return build


def context(area, period, headline, *, made_on, taken):
    area_name = str(area) if area is not None else "toàn quốc"
    return {
        **heading(area, kind="BC", date=made_on),
        "area_name": area_name,
        "period": str(period.label).lower(),
        # "Số liệu tính đến ngày …": the day, the time the figures were read and, for an unfinished
        # year, what it is compared with.
        "as_of": f"{made_on:%d/%m/%Y} (lấy lúc {taken.clock()})" + (f". {taken.note()}" if taken.partial else ""),
        "rows": [{"label": str(label), "value": number(value), "change": change or "–"} for label, value, change in headline],
        "recipients": ["Thường trực cấp ủy (để báo cáo);", "Ban Dân vận cấp trên (để báo cáo);", "Lưu VT."],
        "sign": area_signature(area),
    }


def render_report(area, period, headline, tables, *, made_on, taken):
    return render("bao_cao.docx", context(area, period, headline, made_on=made_on, taken=taken),
                  subdocs={"tables": _tables_subdoc(tables)})
