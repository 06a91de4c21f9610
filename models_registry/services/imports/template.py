"""Template workbooks: the columns an importer declares, a filled example row, and an in-cell
drop-down list on every coded column, its values listed on the sheet “Giá trị hợp lệ”."""
import datetime
import io

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ...models import AreaLevel, ImportBatch
from . import IMPORTERS

TITLES = {
    ImportBatch.Kind.REGISTRATIONS: "Đăng ký mô hình",
    ImportBatch.Kind.UNITS: "Đơn vị",
    ImportBatch.Kind.COMMENDATIONS: "Khen thưởng",
}
ALLOWED_SHEET = "Giá trị hợp lệ"
# Rows of the first sheet that get the drop-down lists: room for a large file.
VALIDATED_ROWS = 50000
HEADER_FILL = PatternFill("solid", fgColor="A61B1B")


def _example(kind, unit):
    """{column key: value} of the example row, naming the importer's own first unit when it has one."""
    year = datetime.date.today().year
    values = {}
    if unit is not None:
        commune = unit.area.code if unit.area.level == AreaLevel.COMMUNE else ""
        values = {"unit": unit.code, "unit_name": unit.name, "commune": commune, "code": "DV-0002",
                  "parent": unit.code, "unit_code": unit.code}
        if kind == ImportBatch.Kind.UNITS:
            values["commune"] = commune
    values.update(year=year, start_date=f"01/03/{year}", evaluation_date=f"30/11/{year}")
    if kind == ImportBatch.Kind.COMMENDATIONS:
        values.update(year=year - 1, decision_date=f"15/10/{year - 1}")
    if kind == ImportBatch.Kind.UNITS:
        values.pop("unit_name", None)
    return values


def template_workbook(kind, unit=None):
    """The .xlsx template of `kind`, as bytes."""
    importer = IMPORTERS[kind]
    columns = importer.columns
    example = _example(kind, unit)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = TITLES[kind]
    sheet.append([c.header for c in columns])
    sheet.append([example.get(c.key, c.example) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(column.header) + 4))
    sheet.freeze_panes = "A2"

    allowed = book.create_sheet(ALLOWED_SHEET)
    coded = [(index, column, column.choices()) for index, column in enumerate(columns, 1) if column.choices()]
    for position, (index, column, choices) in enumerate(coded, 1):
        letter = get_column_letter(position)
        allowed.cell(1, position, column.header).font = Font(bold=True)
        for row, label in enumerate(choices, 2):
            allowed.cell(row, position, label)
        allowed.column_dimensions[letter].width = 34
        validation = DataValidation(
            type="list", formula1=f"'{ALLOWED_SHEET}'!${letter}$2:${letter}${len(choices) + 1}", allow_blank=True,
            showErrorMessage=True, errorTitle=_("Giá trị không hợp lệ"),
            error=_("Hãy chọn một giá trị trong danh sách (trang “Giá trị hợp lệ”)."),
            showInputMessage=True, promptTitle=column.header[:32],
            prompt=_("Chọn trong danh sách.")[:255],
        )
        target = get_column_letter(index)
        validation.add(f"{target}2:{target}{VALIDATED_ROWS + 1}")
        sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
