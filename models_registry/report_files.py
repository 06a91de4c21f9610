"""A report as files: a printable Excel sheet with the commission's signature block, and CSV."""
import csv
import io
from copy import copy

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from .resources import FORMULA_PREFIXES, neutralise


def report_csv(area, period, tables, *, made_on, taken):
    """The same tables as CSV, for other software; UTF-8 with a BOM so Excel reads the diacritics.
    `taken` (services/as_of.py) says when the figures were read and how far an unfinished year ran."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Báo cáo phong trào thi đua “Dân vận khéo”")])
    writer.writerow([_("Địa bàn"), str(area) if area is not None else _("Toàn quốc")])
    writer.writerow([_("Thời gian"), str(period.label)])
    writer.writerow([_("Ngày lập"), made_on.strftime("%d/%m/%Y")])
    writer.writerow([taken.taken_text()])
    if taken.partial:
        writer.writerow([taken.note()])
    for table in tables:
        writer.writerow([])
        writer.writerow([str(table.title)])
        writer.writerow([str(table.label_header), *[str(c) for c in table.columns]])
        for row in table.rows:
            writer.writerow([_cell(row.label), *[_cell(v) for v in row.values]])
    return "\ufeff" + buffer.getvalue()


def _cell(value):
    return "" if value is None else neutralise(value)


THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2E6E6")


def table_styles():
    """The styles of the tables' cells, registered once in each workbook: giving each of a
    province's tens of thousands of cells its own border and alignment objects made openpyxl hash
    them cell by cell, seconds per export. New for each workbook, which binds them to itself.
    Named in Vietnamese: Excel lists them as cell styles."""
    return (
        NamedStyle("Tiêu đề cột", font=Font(bold=True), fill=HEADER_FILL, border=BOX,
                   alignment=Alignment(horizontal="center", vertical="center", wrap_text=True)),
        NamedStyle("Nhãn dòng", border=BOX, alignment=Alignment(wrap_text=True, vertical="top")),
        NamedStyle("Số liệu", border=BOX, number_format="#,##0"),
        NamedStyle("Ô bảng", border=BOX),
    )


def report_workbook(area, period, tables, *, made_on, taken):
    """A printable A4 sheet: heading, the tables, and a signature block for the head of the commission."""
    book = Workbook()
    for style in table_styles():
        book.add_named_style(style)
    sheet = book.active
    sheet.title = _("Báo cáo")
    # At least four columns: the commission's name on the left, the signature block on the right.
    width = max(4, max(len(table.columns) for table in tables) + 1)
    commission = str(area.get_commission_name() if area is not None else _("Ban Dân vận"))
    place = str(area) if area is not None else _("Toàn quốc")

    # A named style's settings as openpyxl stores them on a cell, copied to the next cell given it:
    # assigning the name looks the style up and binds it afresh, a second for a province's cells.
    styled = {}

    def put(row, column, value, style=None, **settings):
        cell = sheet.cell(row=row, column=column, value="" if value is None else value)
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            # Stored as text, never as a formula; the sheet shows exactly what the page does.
            cell.data_type = "s"
        if style in styled:
            cell._style = copy(styled[style])
        elif style is not None:
            cell.style = style
            styled[style] = copy(cell._style)
        for name, setting in settings.items():
            setattr(cell, name, setting)
        return cell

    def merged(row, text, **style):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        return put(row, 1, text, alignment=Alignment(horizontal="center", wrap_text=True), **style)

    def right(row, text, **style):
        # The right-hand block of an official document: the last three columns, centred.
        sheet.merge_cells(start_row=row, start_column=width - 2, end_row=row, end_column=width)
        return put(row, width - 2, text, alignment=Alignment(horizontal="center"), **style)

    put(1, 1, commission.upper(), font=Font(bold=True))
    right(1, _("ĐẢNG CỘNG SẢN VIỆT NAM"), font=Font(bold=True))
    right(2, _("Ngày lập: %(date)s") % {"date": made_on.strftime("%d/%m/%Y")}, font=Font(italic=True))
    merged(4, _("BÁO CÁO KẾT QUẢ PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO”"), font=Font(bold=True, size=14))
    merged(5, _("Địa bàn: %(place)s") % {"place": place}, font=Font(bold=True))
    merged(6, str(period.label), font=Font(bold=True))
    merged(7, taken.taken_text() + (". " + taken.note() if taken.partial else "."), font=Font(italic=True))

    row = 9
    for table in tables:
        put(row, 1, str(table.title), font=Font(bold=True, size=12))
        row += 1
        for column, header in enumerate([table.label_header, *table.columns], start=1):
            put(row, column, str(header), style="Tiêu đề cột")
        row += 1
        for table_row in table.rows:
            put(row, 1, table_row.label, style="Nhãn dòng")
            for column, value in enumerate(table_row.values, start=2):
                put(row, column, value, style="Số liệu" if isinstance(value, int) else "Ô bảng")
            row += 1
        if table.note:
            put(row, 1, table.note, font=Font(italic=True))
            row += 1
        row += 1

    row += 1
    right(row, _("TM. %(commission)s") % {"commission": commission.upper()}, font=Font(bold=True))
    right(row + 1, _("TRƯỞNG BAN"), font=Font(bold=True))
    right(row + 2, _("(Ký, ghi rõ họ tên, đóng dấu)"), font=Font(italic=True))

    sheet.column_dimensions["A"].width = 42
    for column in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 15
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE if width > 6 else sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.oddFooter.center.text = _("Trang &P / &N")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def list_workbook(title, headers, rows):
    """One named sheet of a list: bold frozen header with filters, grouped numbers, formulas kept as text."""
    book = Workbook()
    for style in table_styles():
        book.add_named_style(style)
    sheet = book.active
    sheet.title = str(title)[:31].translate(str.maketrans(":\\/?*[]", "-------"))
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
    for values in rows:
        sheet.append([_cell(v) for v in values])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
            elif isinstance(cell.value, str):
                cell.data_type = "s"
    for index, header in enumerate(headers, start=1):
        longest = max([len(str(header))] + [len(str(r[index - 1])) for r in rows[:500]])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(10, longest + 2), 60)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_workbook_response(title, headers, rows, *, filename):
    response = HttpResponse(list_workbook(title, headers, list(rows)),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
