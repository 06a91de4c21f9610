"""django-import-export resources for registrations and units, with the Vietnamese
columns of DESIGN §7.

The admin imports through these resources on the library's row-by-row path; the
fast importer (`importing.py`) uses the same fields and widgets to clean each cell,
so both paths accept and refuse exactly the same values.
"""
import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from .models import (
    AdminArea,
    AreaLevel,
    ExemplarKind,
    Field,
    Level,
    Registration,
    Source,
    Status,
    Structure,
    Unit,
    UnitKind,
)
from .models.history import Action
from .services.audit import record
from .text import fold, nfc

# What a spreadsheet may run as a formula when a cell starts with it (tab and CR included).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# "=..." is always a formula; "+SUM(" or "@HYPERLINK(" too, while "- item" or "+84 ..." is text.
_FORMULA = re.compile(r"^(=|[+\-@]\s*[A-Za-z_][\w.]*\s*\()")
MAX_FIGURE = 2**63 - 1


def neutralise(value):
    """Prefix text a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def label_key(value):
    """Key for matching labels and headers: no diacritics, any case, any dash or spacing."""
    return re.sub(r"[^a-z0-9]+", " ", fold(value)).strip()


def cell_text(value):
    """A cell as text: Excel hands integers over as floats and codes as numbers."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%d/%m/%Y")
    return str(value)


class TextWidget(widgets.Widget):
    """NFC, trimmed text that refuses formulas and text longer than the field."""

    def __init__(self, max_length=None, required=False, **kwargs):
        self.max_length = max_length
        self.required = required
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).lstrip()
        if _FORMULA.match(text):
            raise ValueError("Ô chứa công thức; hãy dán giá trị (không dán công thức).")
        if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
            text = text[1:]  # the apostrophe our own export adds before "=", "+", "-", "@"
        text = nfc(text)
        if self.required and not text:
            raise ValueError("Không được để trống.")
        if self.max_length and len(text) > self.max_length:
            raise ValueError(f"Dài {len(text)} ký tự, tối đa {self.max_length} ký tự.")
        return text

    def render(self, value, obj=None, **kwargs):
        return neutralise("" if value is None else str(value))


class LabelWidget(widgets.Widget):
    """A choice written as its Vietnamese label, accepted with or without diacritics, in any case."""

    def __init__(self, choices, required=False, **kwargs):
        self.choices = list(choices)
        self.required = required
        self.lookup = {}
        for value, label in self.choices:
            self.lookup[label_key(label)] = value
            self.lookup[label_key(value)] = value
        self.labels = {value: str(label) for value, label in self.choices}
        super().__init__(**kwargs)

    def allowed(self):
        return ", ".join(self.labels.values())

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).strip()
        if not text:
            if self.required:
                raise ValueError(f"Không được để trống. Chọn một trong: {self.allowed()}.")
            return None
        value = self.lookup.get(text)
        if value is None:
            value = self.lookup.get(label_key(text))
            if value is None:
                raise ValueError(f"Không phải giá trị hợp lệ. Chọn một trong: {self.allowed()}.")
            if len(self.lookup) < 1000:
                self.lookup[text] = value  # a column repeats a handful of spellings thousands of times
        return value

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, "")


NEW_OR_CONTINUED = [(True, "Mới"), (False, "Duy trì")]


class FigureWidget(widgets.Widget):
    """A whole, non-negative number, written plainly or as 1.234.567 / 1,234,567."""

    _grouped = re.compile(r"^\d{1,3}([.,]\d{3})+$")

    def clean(self, value, row=None, **kwargs):
        if type(value) is int and 0 <= value <= MAX_FIGURE:
            return value
        if value is None or (isinstance(value, str) and not value.strip()):
            return 0
        if isinstance(value, bool):
            raise ValueError("Phải là số nguyên.")
        if isinstance(value, (int, float)):
            if isinstance(value, float) and not value.is_integer():
                raise ValueError("Phải là số nguyên, không có phần lẻ.")
            number = int(value)
        else:
            text = nfc(value).replace(" ", "").replace("\u00a0", "")
            if text.startswith("-") and text[1:].replace(".", "").replace(",", "").isdigit():
                raise ValueError("Số liệu không được âm.")
            if self._grouped.match(text):
                text = text.replace(".", "").replace(",", "")
            if not text.isdigit():
                raise ValueError("Phải là số nguyên (ví dụ 1.500.000).")
            number = int(text)
        if number < 0:
            raise ValueError("Số liệu không được âm.")
        if number > MAX_FIGURE:
            raise ValueError("Số quá lớn.")
        return number

    def render(self, value, obj=None, **kwargs):
        return 0 if value is None else int(value)


class YearWidget(widgets.Widget):
    def bounds(self):
        return settings.FIRST_REGISTRATION_YEAR, datetime.date.today().year + 1

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).strip()
        if not text:
            raise ValueError("Không được để trống.")
        if not text.isdigit():
            raise ValueError("Năm phải là số, ví dụ 2025.")
        first, last = self.bounds()
        year = int(text)
        if not first <= year <= last:
            raise ValueError(f"Năm phải từ {first} đến {last}.")
        return year

    def render(self, value, obj=None, **kwargs):
        return value


class UnitKindWidget(widgets.Widget):
    """'Kind' or 'Kind / Sub-kind' (UnitKind.label), accent- and case-insensitive."""

    def __init__(self, **kwargs):
        self._lookup = None
        super().__init__(**kwargs)

    def lookup(self):
        if self._lookup is None:
            kinds = UnitKind.objects.select_related("parent")
            self._lookup = {}
            for kind in kinds:
                self._lookup[label_key(kind.label)] = kind
                self._lookup.setdefault(label_key(kind.code), kind)
        return self._lookup

    def clean(self, value, row=None, **kwargs):
        text = nfc(cell_text(value))
        if not text:
            raise ValueError("Không được để trống.")
        kind = self.lookup().get(label_key(text))
        if kind is None:
            raise ValueError("Không có loại đơn vị này; xem trang “Giá trị hợp lệ” của tệp mẫu.")
        return kind

    def render(self, value, obj=None, **kwargs):
        return value.label if value else ""


# Column names, in the order of the template and of exports.
REGISTRATION_COLUMNS = {
    "year": "Năm",
    "unit": "Mã đơn vị",
    "unit_name": "Tên đơn vị",
    "commune": "Mã xã",
    "legacy_commune": "Mã xã cũ",
    "name": "Tên mô hình",
    "field": "Lĩnh vực",
    "level": "Cấp",
    "exemplar_kind": "Loại điển hình",
    "person_name": "Họ tên",
    "person_position": "Chức vụ",
    "is_new": "Mới/Duy trì",
    "status": "Trạng thái",
    "objectives": "Mục tiêu",
    "content": "Nội dung",
    "results": "Kết quả",
    "participants": "Số người tham gia",
    "beneficiaries": "Số người hưởng lợi",
    "money_mobilised": "Số tiền vận động (đồng)",
    "land_donated_m2": "Đất hiến (m2)",
    "work_days": "Ngày công",
    "houses": "Nhà xây/sửa",
    "households_out_of_poverty": "Hộ thoát nghèo",
}
UNIT_COLUMNS = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "kind": "Loại đơn vị",
    "commune": "Mã xã",
    "province": "Mã tỉnh",
    "legacy_commune": "Mã xã cũ",
    "legacy_district": "Mã huyện cũ",
    "legacy_province": "Mã tỉnh cũ",
    "parent": "Đơn vị cấp trên",
    "level": "Cấp",
}
# Where a unit's area code goes, by (structure, level) of its area.
AREA_COLUMNS = {
    (Structure.CURRENT, AreaLevel.COMMUNE): "commune",
    (Structure.CURRENT, AreaLevel.PROVINCE): "province",
    (Structure.LEGACY, AreaLevel.COMMUNE): "legacy_commune",
    (Structure.LEGACY, AreaLevel.DISTRICT): "legacy_district",
    (Structure.LEGACY, AreaLevel.PROVINCE): "legacy_province",
}
AREA_COLUMN_KEYS = {column: key for key, column in AREA_COLUMNS.items()}
# Columns a clerk's sheet often carries that mean nothing to the import.
IGNORED_COLUMNS = ("STT", "TT", "Số thứ tự", "Ghi chú")


class UnitDirectory:
    """Finds the units a file names: by code, or by name within a commune (code or name).

    `prefetch` loads everything one file needs in a few queries; without it (the
    admin's row-by-row path) each lookup queries the database.
    """

    def __init__(self, user=None):
        self.user = user
        self.by_code = {}
        self.by_commune_name = {}
        self.communes = {}
        self.commune_names = {}
        self.prefetched = False

    def prefetch(self, codes, commune_values, legacy_commune_values):
        codes = {c for c in codes if c}
        for chunk in _chunks(sorted(codes), 5000):
            for unit in Unit.objects.filter(code__in=chunk).select_related("area", "kind"):
                self.by_code[unit.code] = unit
        commune_values = {c for c in commune_values if c}
        legacy_commune_values = {c for c in legacy_commune_values if c}
        areas = []
        for structure, values in ((Structure.CURRENT, commune_values), (Structure.LEGACY, legacy_commune_values)):
            if values:
                areas += list(AdminArea.objects.filter(structure=structure, level=AreaLevel.COMMUNE, code__in=values))
                keys = {label_key(v) for v in values}
                scope = AdminArea.objects.filter(structure=structure, level=AreaLevel.COMMUNE)
                if self.user is not None and getattr(self.user, "area_id", None) and not self.user.is_superuser:
                    scope = scope.filter(self.user.area.scope_q(""))
                # Names are matched accent-insensitively in Python, so load only names that could match.
                areas += [a for a in scope.only("pk", "code", "name", "structure") if label_key(a.name) in keys
                          or label_key(_bare_name(a.name)) in keys]
        for area in areas:
            self.communes[(area.structure, area.code)] = area
            for name in {label_key(area.name), label_key(_bare_name(area.name))}:
                self.commune_names.setdefault((area.structure, name), set()).add(area)
        area_ids = {a.pk for a in areas}
        if area_ids:
            for unit in Unit.objects.filter(area_id__in=area_ids).select_related("area", "kind"):
                self.by_commune_name.setdefault((unit.area_id, label_key(unit.name)), []).append(unit)
        self.prefetched = True

    def commune(self, value, structure):
        code = nfc(value)
        area = self.communes.get((structure, code))
        if area is None and not self.prefetched:
            area = AdminArea.objects.filter(structure=structure, level=AreaLevel.COMMUNE, code=code).first()
            if area is None:
                matches = [a for a in AdminArea.objects.filter(structure=structure, level=AreaLevel.COMMUNE)
                           if label_key(a.name) == label_key(code) or label_key(_bare_name(a.name)) == label_key(code)]
                if len(matches) == 1:
                    return matches[0]
                if len(matches) > 1:
                    raise ValueError("Có nhiều xã cùng tên này; hãy ghi mã xã.")
            return area
        if area is None:
            matches = self.commune_names.get((structure, label_key(code)), set())
            if len(matches) > 1:
                raise ValueError("Có nhiều xã cùng tên này; hãy ghi mã xã.")
            area = next(iter(matches), None)
        return area

    def resolve(self, code, name, commune, legacy_commune):
        """The unit a row names, or ValueError with a Vietnamese reason."""
        code, name = nfc(code), nfc(name)
        if code:
            unit = self.by_code.get(code)
            if unit is None and not self.prefetched:
                unit = Unit.objects.select_related("area", "kind").filter(code=code).first()
            if unit is None:
                raise ValueError("Không có đơn vị mang mã này.")
            return unit
        if not name:
            raise ValueError("Cần “Mã đơn vị”, hoặc “Tên đơn vị” kèm “Mã xã”.")
        commune_text, legacy_text = nfc(commune), nfc(legacy_commune)
        if not commune_text and not legacy_text:
            raise ValueError("Khi không có mã đơn vị, cần “Mã xã” (hoặc “Mã xã cũ”) để tìm đơn vị theo tên.")
        if commune_text:
            area = self.commune(commune_text, Structure.CURRENT)
        else:
            area = self.commune(legacy_text, Structure.LEGACY)
        if area is None:
            raise ValueError("Không tìm thấy xã này.")
        if self.prefetched:
            units = self.by_commune_name.get((area.pk, label_key(name)), [])
        else:
            units = [u for u in Unit.objects.select_related("area", "kind").filter(area=area)
                     if label_key(u.name) == label_key(name)]
        if not units:
            raise ValueError(f"Không có đơn vị tên này ở {area.name}.")
        if len(units) > 1:
            raise ValueError(f"Có {len(units)} đơn vị cùng tên ở {area.name}; hãy ghi mã đơn vị.")
        return units[0]


def _bare_name(name):
    """'Xã Tân Lập' → 'Tân Lập', so a clerk may write the commune's name either way."""
    return re.sub(r"^(xã|phường|thị trấn|đặc khu)\s+", "", nfc(name), flags=re.IGNORECASE)


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


class UnitField(fields.Field):
    """The registration's unit, from `Mã đơn vị` or from `Tên đơn vị` + `Mã xã`."""

    def __init__(self, resource, **kwargs):
        self.resource = resource
        super().__init__(attribute="unit", column_name=REGISTRATION_COLUMNS["unit"], **kwargs)

    def clean(self, row, **kwargs):
        return self.resource.units.resolve(
            row.get(REGISTRATION_COLUMNS["unit"]),
            row.get(REGISTRATION_COLUMNS["unit_name"]),
            row.get(REGISTRATION_COLUMNS["commune"]),
            row.get(REGISTRATION_COLUMNS["legacy_commune"]),
        )

    def export(self, instance, **kwargs):
        return neutralise(instance.unit.code) if instance.unit_id else ""


def _text(key, model, columns, required=False, attribute=None):
    max_length = model._meta.get_field(attribute or key).max_length if attribute or key else None
    return fields.Field(attribute=attribute or key, column_name=columns[key],
                        widget=TextWidget(max_length=max_length, required=required))


def _readonly(key, columns, attribute):
    return fields.Field(attribute=attribute, column_name=columns[key], readonly=True, widget=TextWidget())


class RegistrationResource(resources.ModelResource):
    """One registration per row; a row is identified by unit, year and model name."""

    year = fields.Field(attribute="year", column_name=REGISTRATION_COLUMNS["year"], widget=YearWidget())
    unit_name = _readonly("unit_name", REGISTRATION_COLUMNS, "unit__name")
    commune = fields.Field(column_name=REGISTRATION_COLUMNS["commune"], readonly=True, widget=TextWidget())
    legacy_commune = fields.Field(column_name=REGISTRATION_COLUMNS["legacy_commune"], readonly=True,
                                  widget=TextWidget())
    name = _text("name", Registration, REGISTRATION_COLUMNS, required=True)
    field = fields.Field(attribute="field", column_name=REGISTRATION_COLUMNS["field"],
                         widget=LabelWidget(Field.choices, required=True))
    level = fields.Field(attribute="level", column_name=REGISTRATION_COLUMNS["level"],
                         widget=LabelWidget(Level.choices), default=Level.GRASSROOTS)
    exemplar_kind = fields.Field(attribute="exemplar_kind", column_name=REGISTRATION_COLUMNS["exemplar_kind"],
                                 widget=LabelWidget(ExemplarKind.choices), default=ExemplarKind.COLLECTIVE)
    person_name = _text("person_name", Registration, REGISTRATION_COLUMNS)
    person_position = _text("person_position", Registration, REGISTRATION_COLUMNS)
    is_new = fields.Field(attribute="is_new", column_name=REGISTRATION_COLUMNS["is_new"],
                          widget=LabelWidget(NEW_OR_CONTINUED), default=True)
    status = fields.Field(attribute="status", column_name=REGISTRATION_COLUMNS["status"],
                          widget=LabelWidget(Status.choices), default=Status.ACCEPTED)
    objectives = _text("objectives", Registration, REGISTRATION_COLUMNS)
    content = _text("content", Registration, REGISTRATION_COLUMNS)
    results = _text("results", Registration, REGISTRATION_COLUMNS)
    participants = fields.Field(attribute="participants", column_name=REGISTRATION_COLUMNS["participants"],
                                widget=FigureWidget())
    beneficiaries = fields.Field(attribute="beneficiaries", column_name=REGISTRATION_COLUMNS["beneficiaries"],
                                 widget=FigureWidget())
    money_mobilised = fields.Field(attribute="money_mobilised", column_name=REGISTRATION_COLUMNS["money_mobilised"],
                                   widget=FigureWidget())
    land_donated_m2 = fields.Field(attribute="land_donated_m2", column_name=REGISTRATION_COLUMNS["land_donated_m2"],
                                   widget=FigureWidget())
    work_days = fields.Field(attribute="work_days", column_name=REGISTRATION_COLUMNS["work_days"],
                             widget=FigureWidget())
    houses = fields.Field(attribute="houses", column_name=REGISTRATION_COLUMNS["houses"], widget=FigureWidget())
    households_out_of_poverty = fields.Field(
        attribute="households_out_of_poverty", column_name=REGISTRATION_COLUMNS["households_out_of_poverty"],
        widget=FigureWidget(),
    )

    # Columns that must be present; the unit needs "Mã đơn vị" or "Tên đơn vị" + "Mã xã".
    required_columns = ("year", "name", "field")

    class Meta:
        model = Registration
        fields = tuple(REGISTRATION_COLUMNS)
        import_order = fields
        export_order = fields
        skip_unchanged = True
        report_skipped = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.units = UnitDirectory(user)
        self.fields["unit"] = UnitField(self)
        self.batch = None

    @classmethod
    def column_names(cls):
        return list(REGISTRATION_COLUMNS.values())

    def get_queryset(self):
        return Registration.objects.select_related("unit__area")

    def _commune_code(self, registration, structure):
        if not registration.unit_id:  # a row being imported, before its unit is known
            return ""
        area = registration.unit.area
        return area.code if (area.structure, area.level) == (structure, AreaLevel.COMMUNE) else ""

    def dehydrate_commune(self, registration):
        return self._commune_code(registration, Structure.CURRENT)

    def dehydrate_legacy_commune(self, registration):
        return self._commune_code(registration, Structure.LEGACY)

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    # The admin's row-by-row path below; the fast importer does the same work in bulk.

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user", self.user)
        self.units = UnitDirectory(self.user)
        headers = dataset.headers or []

        def column(key):
            name = REGISTRATION_COLUMNS[key]
            return [cell_text(v).strip() for v in dataset[name]] if name in headers else []

        self.units.prefetch(column("unit"), column("commune"), column("legacy_commune"))

    def init_instance(self, row=None):
        instance = super().init_instance(row)
        instance.status = Status.ACCEPTED  # entered by the commission from its own records
        return instance

    def get_import_id_fields(self):
        return ["unit", "year", "name"]

    def _check_import_id_fields(self, headers):
        """The unit may come from other columns than `Mã đơn vị`; UnitField reports what is missing."""

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute == "unit":
            field.save(instance, row, is_m2m, **kwargs)
        else:
            super().import_field(field, instance, row, is_m2m, **kwargs)

    def get_instance(self, instance_loader, row):
        try:
            unit = self.fields["unit"].clean(row)
            year = self.fields["year"].clean(row)
            name = self.fields["name"].clean(row)
        except (ValueError, KeyError):
            return None
        return Registration.objects.filter(unit=unit, year=year, name=name).first()

    def after_save_instance(self, instance, row, **kwargs):
        record(instance, Action.IMPORTED, actor=kwargs.get("user", self.user), source=Source.ADMIN,
               to_status=instance.status)


class UnitResource(resources.ModelResource):
    """One unit per row, identified by its code."""

    code = _text("code", Unit, UNIT_COLUMNS, required=True)
    name = _text("name", Unit, UNIT_COLUMNS, required=True)
    kind = fields.Field(attribute="kind", column_name=UNIT_COLUMNS["kind"], widget=UnitKindWidget())
    commune = fields.Field(column_name=UNIT_COLUMNS["commune"], widget=TextWidget())
    province = fields.Field(column_name=UNIT_COLUMNS["province"], widget=TextWidget())
    legacy_commune = fields.Field(column_name=UNIT_COLUMNS["legacy_commune"], widget=TextWidget())
    legacy_district = fields.Field(column_name=UNIT_COLUMNS["legacy_district"], widget=TextWidget())
    legacy_province = fields.Field(column_name=UNIT_COLUMNS["legacy_province"], widget=TextWidget())
    parent = fields.Field(attribute="parent", column_name=UNIT_COLUMNS["parent"],
                          widget=widgets.ForeignKeyWidget(Unit, field="code"))
    level = fields.Field(attribute="level", column_name=UNIT_COLUMNS["level"],
                         widget=LabelWidget(Level.choices), default=Level.GRASSROOTS)

    required_columns = ("code", "name", "kind")

    class Meta:
        model = Unit
        fields = tuple(UNIT_COLUMNS)
        import_order = fields
        export_order = fields
        import_id_fields = ["code"]
        skip_unchanged = True
        report_skipped = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    @classmethod
    def column_names(cls):
        return list(UNIT_COLUMNS.values())

    def get_queryset(self):
        return Unit.objects.select_related("area", "kind__parent", "parent")

    def _area_code(self, unit, key):
        if not unit.area_id:
            return ""
        return unit.area.code if AREA_COLUMNS.get((unit.area.structure, unit.area.level)) == key else ""

    def dehydrate_commune(self, unit):
        return self._area_code(unit, "commune")

    def dehydrate_province(self, unit):
        return self._area_code(unit, "province")

    def dehydrate_legacy_commune(self, unit):
        return self._area_code(unit, "legacy_commune")

    def dehydrate_legacy_district(self, unit):
        return self._area_code(unit, "legacy_district")

    def dehydrate_legacy_province(self, unit):
        return self._area_code(unit, "legacy_province")

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    def area_from_row(self, row):
        """The unit's area from whichever one of the area columns is filled."""
        given = [(key, nfc(cell_text(row.get(UNIT_COLUMNS[key])))) for key in AREA_COLUMN_KEYS]
        given = [(key, code) for key, code in given if code]
        if len(given) != 1:
            raise ValueError("Ghi đúng một trong các cột: Mã xã, Mã tỉnh, Mã xã cũ, Mã huyện cũ, Mã tỉnh cũ.")
        key, code = given[0]
        structure, level = AREA_COLUMN_KEYS[key]
        area = AdminArea.objects.filter(structure=structure, level=level, code=code).first()
        if area is None:
            raise ValueError(f"Không có địa bàn mã “{code}” ({UNIT_COLUMNS[key]}).")
        return area

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        try:
            instance.area = self.area_from_row(row)
        except ValueError as error:
            raise ValidationError({"area": str(error)}) from None


# Template files -----------------------------------------------------------------------------------

def allowed_values():
    """{column: [labels]} for the sheet of allowed values in the template files."""
    return {
        REGISTRATION_COLUMNS["field"]: [str(label) for _, label in Field.choices],
        REGISTRATION_COLUMNS["level"]: [str(label) for _, label in Level.choices],
        REGISTRATION_COLUMNS["exemplar_kind"]: [str(label) for _, label in ExemplarKind.choices],
        REGISTRATION_COLUMNS["is_new"]: [label for _, label in NEW_OR_CONTINUED],
        REGISTRATION_COLUMNS["status"]: [str(label) for _, label in Status.choices],
        UNIT_COLUMNS["kind"]: [kind.label for kind in UnitKind.objects.select_related("parent")
                               .order_by("parent__order", "parent_id", "order", "code")],
    }


def _sample_registration(unit, area):
    return {
        "year": datetime.date.today().year, "unit": unit.code if unit else "DV-0001",
        "unit_name": unit.name if unit else "", "commune": area.code if area else "",
        "name": "Tủ quần áo nghĩa tình", "field": "Văn hóa - Xã hội", "level": "Cơ sở",
        "exemplar_kind": "Tập thể", "is_new": "Mới", "status": "Đã duyệt",
        "objectives": "Giúp hộ khó khăn có quần áo ấm mùa đông.",
        "content": "Vận động hội viên góp quần áo; phân loại và trao tận tay hộ nghèo.",
        "results": "120 hộ được nhận quần áo.", "participants": 45, "beneficiaries": 120,
        "money_mobilised": 15000000, "land_donated_m2": 0, "work_days": 60, "houses": 0,
        "households_out_of_poverty": 2,
    }


def _sample_unit(unit, area):
    return {"code": "DV-0002", "name": "Chi hội Phụ nữ ấp Tân Hòa", "kind": "Đoàn thể chính trị - xã hội",
            "commune": area.code if area else "", "parent": unit.code if unit else "", "level": "Cơ sở"}


def template_workbook(kind, unit=None):
    """An .xlsx template: header row, a sample row, and a sheet of allowed values."""
    import io

    import openpyxl
    from openpyxl.styles import Font, PatternFill

    columns, sample, title = (
        (REGISTRATION_COLUMNS, _sample_registration, "Đăng ký mô hình") if kind == "registrations"
        else (UNIT_COLUMNS, _sample_unit, "Đơn vị")
    )
    area = unit.area if unit is not None and unit.area.level == AreaLevel.COMMUNE else None
    values = sample(unit, area)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(columns.values()))
    sheet.append([values.get(key, "") for key in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="A61B1B")
    for column_cells in sheet.columns:
        sheet.column_dimensions[column_cells[0].column_letter].width = max(12, len(str(column_cells[0].value)) + 4)
    sheet.freeze_panes = "A2"
    allowed = book.create_sheet("Giá trị hợp lệ")
    lists = allowed_values()
    wanted = [c for c in columns.values() if c in lists]
    allowed.append(wanted)
    for i in range(max(len(lists[c]) for c in wanted)):
        allowed.append([lists[c][i] if i < len(lists[c]) else None for c in wanted])
    for cell in allowed[1]:
        cell.font = Font(bold=True)
    for column_cells in allowed.columns:
        allowed.column_dimensions[column_cells[0].column_letter].width = 34
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
