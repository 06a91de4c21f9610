"""A report as files: a printable Excel sheet with the commission's signature block, and CSV."""
import csv
import io
from numbers import Number

import xlsxwriter
from django.http import HttpResponse
from django.utils.translation import gettext as _

from .resources import neutralise


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


# The tables' cells: thin grey borders; headers bold on a pale fill.
BORDER = {"border": 1, "border_color": "#999999"}
HEADER = {**BORDER, "bold": True, "bg_color": "#F2E6E6", "align": "center", "valign": "vcenter", "text_wrap": True}


def _book(buffer):
    """A workbook written by XlsxWriter: a province's report has tens of thousands of cells (a
    5,000,000-registration country lists thousands of missing units), and XlsxWriter writes a cell
    in less than half of openpyxl's time. Strings are never read as formulas (write_string)."""
    return xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})


def _writer(sheet):
    def put(row, column, value, cell_format=None):
        """A cell by Excel's 1-based row and column, as the page shows it: numbers as numbers,
        any text (a name beginning "=" too) as text."""
        if isinstance(value, Number) and not isinstance(value, bool):
            sheet.write_number(row - 1, column - 1, value, cell_format)
        elif value is None or value == "":
            # An empty cell, with its border if it has one.
            sheet.write_blank(row - 1, column - 1, None, cell_format)
        else:
            sheet.write_string(row - 1, column - 1, str(value), cell_format)

    return put


def report_workbook(area, period, tables, *, made_on, taken):
    """A printable A4 sheet: heading, the tables, and a signature block for the head of the commission."""
    buffer = io.BytesIO()
    book = _book(buffer)
    sheet = book.add_worksheet(_("Báo cáo")[:31])
    style = {name: book.add_format(settings) for name, settings in (
        ("header", HEADER),
        ("label", {**BORDER, "text_wrap": True, "valign": "top"}),
        ("number", {**BORDER, "num_format": "#,##0"}),
        ("cell", BORDER),
        ("bold", {"bold": True}),
        ("title", {"bold": True, "font_size": 12}),
        ("note", {"italic": True}),
        ("heading", {"bold": True, "font_size": 14, "align": "center", "text_wrap": True}),
        ("centred bold", {"bold": True, "align": "center", "text_wrap": True}),
        ("centred italic", {"italic": True, "align": "center", "text_wrap": True}),
        ("right bold", {"bold": True, "align": "center"}),
        ("right italic", {"italic": True, "align": "center"}),
    )}
    put = _writer(sheet)
    # At least four columns: the commission's name on the left, the signature block on the right.
    width = max(4, max(len(table.columns) for table in tables) + 1)
    commission = str(area.get_commission_name() if area is not None else _("Ban Dân vận"))
    place = str(area) if area is not None else _("Toàn quốc")

    def merged(row, text, cell_format):
        sheet.merge_range(row - 1, 0, row - 1, width - 1, str(text), cell_format)

    def right(row, text, cell_format):
        # The right-hand block of an official document: the last three columns, centred.
        sheet.merge_range(row - 1, width - 3, row - 1, width - 1, str(text), cell_format)

    put(1, 1, commission.upper(), style["bold"])
    right(1, _("ĐẢNG CỘNG SẢN VIỆT NAM"), style["right bold"])
    right(2, _("Ngày lập: %(date)s") % {"date": made_on.strftime("%d/%m/%Y")}, style["right italic"])
    merged(4, _("BÁO CÁO KẾT QUẢ PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO”"), style["heading"])
    merged(5, _("Địa bàn: %(place)s") % {"place": place}, style["centred bold"])
    merged(6, str(period.label), style["centred bold"])
    merged(7, taken.taken_text() + (". " + taken.note() if taken.partial else "."), style["centred italic"])

    row = 9
    for table in tables:
        put(row, 1, str(table.title), style["title"])
        row += 1
        for column, header in enumerate([table.label_header, *table.columns], start=1):
            put(row, column, str(header), style["header"])
        row += 1
        for table_row in table.rows:
            put(row, 1, table_row.label, style["label"])
            for column, value in enumerate(table_row.values, start=2):
                put(row, column, value, style["number"] if isinstance(value, int) else style["cell"])
            row += 1
        if table.note:
            put(row, 1, table.note, style["note"])
            row += 1
        row += 1

    row += 1
    right(row, _("TM. %(commission)s") % {"commission": commission.upper()}, style["right bold"])
    right(row + 1, _("TRƯỞNG BAN"), style["right bold"])
    right(row + 2, _("(Ký, ghi rõ họ tên, đóng dấu)"), style["right italic"])

    sheet.set_column(0, 0, 42)
    sheet.set_column(1, width - 1, 15)
    sheet.set_paper(9)  # A4
    if width > 6:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.center_horizontally()
    sheet.set_margins(left=0.5, right=0.5)
    sheet.set_footer("&C" + _("Trang &P / &N"))
    book.close()
    return buffer.getvalue()


def list_workbook(title, headers, rows):
    """One named sheet of a list: bold frozen header with filters, grouped numbers, formulas kept as text."""
    buffer = io.BytesIO()
    book = _book(buffer)
    sheet = book.add_worksheet(str(title)[:31].translate(str.maketrans(":\\/?*[]", "-------")))
    header, number = book.add_format(HEADER), book.add_format({"num_format": "#,##0"})
    put = _writer(sheet)
    for column, text in enumerate(headers, start=1):
        put(1, column, str(text), header)
    for row, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            value = _cell(value)
            put(row, column, value, number if isinstance(value, int) else None)
    for index, text in enumerate(headers):
        longest = max([len(str(text))] + [len(str(r[index])) for r in rows[:500]])
        sheet.set_column(index, index, min(max(10, longest + 2), 60))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), max(len(headers) - 1, 0))
    book.close()
    return buffer.getvalue()


def table_workbook_response(title, headers, rows, *, filename):
    response = HttpResponse(list_workbook(title, headers, list(rows)),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
