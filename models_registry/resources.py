"""Exports of registrations and units: the columns of the import files (so an export can be
edited and imported back), plus the commune's and province's names for people reading it.

The resources serve the admin's export (django-import-export; the admin imports nothing) and
the staff workspace's; `export_workbook` writes the formatted .xlsx. Every cell goes through
`neutralise` (models_registry/formulas.py), the one rule about formulas.
"""
import io

from import_export import fields, resources, widgets
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .formulas import FORMULA_PREFIXES, neutralise  # noqa: F401 — report_files and open_data use them from here
from .models import AreaLevel, Registration, Structure, Unit
from .parsing import parse_date
from .services.imports import registrations as registration_import
from .services.imports import units as unit_import
from .services.imports.columns import Date, Figure, Label


class TextWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return neutralise("" if value is None else str(value))


class LabelWidget(widgets.Widget):
    def __init__(self, column, **kwargs):
        self.labels = {value: str(label) for value, label in column._choices}
        super().__init__(**kwargs)

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, "")


class FigureWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return 0 if value is None else int(value)


class DateWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if value else ""


def _field(column, attribute=None):
    if isinstance(column, Label):
        widget = LabelWidget(column)
    elif isinstance(column, Figure):
        widget = FigureWidget()
    elif isinstance(column, Date):
        widget = DateWidget()
    else:
        widget = TextWidget()
    return fields.Field(attribute=attribute or column.key, column_name=column.header, widget=widget, readonly=True)


def _area_code(area, structure, level):
    return area.code if area and (area.structure, area.level) == (structure, level) else ""


def commune_name(area):
    return area.name if area and area.level == AreaLevel.COMMUNE else ""


def province_name(area):
    if area is None:
        return ""
    if area.level == AreaLevel.PROVINCE:
        return area.name
    province = area.current_province if area.structure == Structure.CURRENT else area.province
    return province.name if province else ""


REGISTRATION_COLUMNS = {c.key: c.header for c in registration_import.COLUMNS}
UNIT_COLUMNS = {c.key: c.header for c in unit_import.COLUMNS}
AREA_NAME_HEADERS = registration_import.NAME_HEADERS


class RegistrationResource(resources.ModelResource):
    """One registration per row, in the columns of the import file."""

    class Meta:
        model = Registration
        fields = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields.clear()
        for column in registration_import.COLUMNS:
            if column.key in ("unit", "unit_name", "commune", "legacy_commune"):
                self.fields[column.key] = fields.Field(column_name=column.header, readonly=True, widget=TextWidget())
            else:
                self.fields[column.key] = _field(column)
        self.fields["status"] = fields.Field(attribute="get_status_display", column_name=registration_import.STATUS_HEADER,
                                             readonly=True, widget=TextWidget())
        self.fields["commune_name"] = fields.Field(column_name=AREA_NAME_HEADERS[0], readonly=True, widget=TextWidget())
        self.fields["province_name"] = fields.Field(column_name=AREA_NAME_HEADERS[1], readonly=True,
                                                    widget=TextWidget())

    def get_queryset(self):
        return Registration.objects.select_related("unit__area__province", "unit__area__current_province")

    def get_export_order(self):
        return tuple(self.fields)

    def dehydrate_unit(self, registration):
        return registration.unit.code

    def dehydrate_unit_name(self, registration):
        return registration.unit.name

    def dehydrate_commune(self, registration):
        return _area_code(registration.unit.area, Structure.CURRENT, AreaLevel.COMMUNE)

    def dehydrate_legacy_commune(self, registration):
        return _area_code(registration.unit.area, Structure.LEGACY, AreaLevel.COMMUNE)

    def dehydrate_commune_name(self, registration):
        return commune_name(registration.unit.area)

    def dehydrate_province_name(self, registration):
        return province_name(registration.unit.area)

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))


class UnitResource(resources.ModelResource):
    """One unit per row, in the columns of the import file."""

    class Meta:
        model = Unit
        fields = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields.clear()
        for column in unit_import.COLUMNS:
            if column.key in unit_import.AREA_COLUMN_KEYS or column.key in ("kind", "parent"):
                self.fields[column.key] = fields.Field(column_name=column.header, readonly=True, widget=TextWidget())
            else:
                self.fields[column.key] = _field(column)
        self.fields["commune_name"] = fields.Field(column_name=AREA_NAME_HEADERS[0], readonly=True, widget=TextWidget())
        self.fields["province_name"] = fields.Field(column_name=AREA_NAME_HEADERS[1], readonly=True,
                                                    widget=TextWidget())
        for key, (structure, level) in unit_import.AREA_COLUMN_KEYS.items():
            setattr(self, f"dehydrate_{key}", lambda unit, s=structure, lv=level: _area_code(unit.area, s, lv))

    def get_queryset(self):
        return Unit.objects.select_related("area__province", "area__current_province", "kind__parent", "parent")

    def get_export_order(self):
        return tuple(self.fields)

    def dehydrate_kind(self, unit):
        return unit.kind.label

    def dehydrate_parent(self, unit):
        return unit.parent.code if unit.parent_id else ""

    def dehydrate_commune_name(self, unit):
        return commune_name(unit.area)

    def dehydrate_province_name(self, unit):
        return province_name(unit.area)

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))


# The formatted workbook ---------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="A61B1B")
GROUPED = "#,##0"
DAY_MONTH_YEAR = "DD/MM/YYYY"


def _typed_columns(resource):
    """Positions of the figure and date columns of a resource's export."""
    figures, dates = set(), set()
    for index, field in enumerate(resource.get_export_fields()):
        if isinstance(field.widget, FigureWidget):
            figures.add(index)
        elif isinstance(field.widget, DateWidget):
            dates.add(index)
    return figures, dates


def export_workbook(resource, queryset, title):
    """An .xlsx of the export: a named sheet, grouped numbers, dd/mm/yyyy dates, a frozen header
    row and an autofilter, written row by row (a province's 50,000 rows in little memory)."""
    dataset = resource.export(queryset)
    figures, dates = _typed_columns(resource)
    width = len(dataset.headers)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for index in range(width):
        sheet.column_dimensions[get_column_letter(index + 1)].width = 16 if index in figures or index in dates else 24
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(width, 1))}{len(dataset) + 1}"
    header = []
    for value in dataset.headers:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        header.append(cell)
    sheet.append(header)
    for values in dataset:
        row = []
        for index, value in enumerate(values):
            if index in figures or (index in dates and value):
                cell = WriteOnlyCell(sheet, value=parse_date(value) if index in dates else value)
                cell.number_format = GROUPED if index in figures else DAY_MONTH_YEAR
                value = cell
            row.append(value)
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_csv(resource, queryset):
    # The byte-order mark makes Excel open the UTF-8 file with its Vietnamese letters intact.
    return "\ufeff" + resource.export(queryset).export("csv")

