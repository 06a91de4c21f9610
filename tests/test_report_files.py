"""A report as files: the CSV and the printable Excel sheet."""
import csv
import datetime
import io

import openpyxl

from models_registry.report_files import report_csv, report_workbook
from models_registry.report_tables import Table, TableRow
from models_registry.services.as_of import Taken
from models_registry.services.reports import Period

MADE_ON = datetime.date(2026, 11, 23)
TAKEN = Taken(datetime.datetime(2026, 11, 23, 7, 5, tzinfo=datetime.UTC), through=MADE_ON,
              compared_on=datetime.date(2025, 11, 23))


def table(label):
    return Table("don-vi", "Theo đơn vị", ["Tổng số"], [TableRow(label, [3])], label_header="Đơn vị")


def test_the_csv_keeps_a_cell_a_spreadsheet_would_run_as_text():
    content = report_csv(None, Period(2026, 2026), [table("\t=HYPERLINK(\"x\")")], made_on=MADE_ON, taken=TAKEN)
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert ["'\t=HYPERLINK(\"x\")", "3"] in rows


def test_the_csv_starts_with_a_byte_order_mark_so_excel_reads_diacritics():
    assert report_csv(None, Period(2026, 2026), [table("Chi bộ ấp Một")], made_on=MADE_ON, taken=TAKEN).startswith("\ufeff")


def test_the_sheet_stores_a_formula_like_name_as_text_and_is_dated():
    book = openpyxl.load_workbook(io.BytesIO(report_workbook(None, Period(2026, 2026), [table("=1+1")],
                                                             made_on=MADE_ON, taken=TAKEN)))
    cells = {cell.value: cell.data_type for row in book.active.iter_rows() for cell in row if cell.value}
    assert cells["=1+1"] == "s"
    assert "Ngày lập: 23/11/2026" in cells


def test_the_csv_and_the_sheet_say_when_their_figures_were_taken_and_how_far_the_year_ran():
    content = report_csv(None, Period(2026, 2026), [table("Ấp Một")], made_on=MADE_ON, taken=TAKEN)
    sheet = openpyxl.load_workbook(io.BytesIO(report_workbook(
        None, Period(2026, 2026), [table("Ấp Một")], made_on=MADE_ON, taken=TAKEN))).active
    text = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value)
    for written in (content, text):
        assert "Số liệu lấy lúc 14:05 ngày 23/11/2026" in written
        assert "Năm đang thực hiện, số liệu đến ngày 23/11/2026" in written and "đến ngày 23/11/2025" in written


def test_the_sheet_groups_its_numbers_and_frames_its_tables_under_bold_headers():
    figures = Table("don-vi", "Theo đơn vị", ["Tổng số", "Ghi chú"], [TableRow("Ấp Một", [1234567, ""])],
                    label_header="Đơn vị")
    sheet = openpyxl.load_workbook(io.BytesIO(report_workbook(
        None, Period(2026, 2026), [figures], made_on=MADE_ON, taken=TAKEN))).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    number, header = cells[1234567], cells["Tổng số"]
    assert number.data_type == "n" and number.number_format == "#,##0" and number.border.left.style == "thin"
    assert header.font.b and header.border.bottom.style == "thin"
    assert sheet.cell(row=number.row, column=number.column + 1).border.left.style == "thin"
    assert "A4:D4" in {str(merged) for merged in sheet.merged_cells.ranges}
