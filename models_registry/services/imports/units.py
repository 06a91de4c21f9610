"""Importing units: one unit per row, identified by its code.

A parent unit outside the importer's area reads exactly like a code that does not exist.
Unit codes are unique across the country, so a code already taken by a unit the importer
may not see is refused too, with a message that names nothing about that unit.
"""
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from ...models import AdminArea, AreaLevel, ImportBatch, Level, Structure, Unit, UnitKind
from ...text import nfc
from ..audit import changed_fields
from .columns import Column, Label, Text, cell_text, label_key, text_for
from .engine import Importer
from .problems import CREATE, ERROR, UNCHANGED, UPDATE, Problem, RowOutcome
from .writing import WRITE_BATCH, chunks

# Where a unit's area code goes, by (structure, level) of its area.
AREA_COLUMNS = {
    (Structure.CURRENT, AreaLevel.COMMUNE): "commune",
    (Structure.CURRENT, AreaLevel.PROVINCE): "province",
    (Structure.LEGACY, AreaLevel.COMMUNE): "legacy_commune",
    (Structure.LEGACY, AreaLevel.DISTRICT): "legacy_district",
    (Structure.LEGACY, AreaLevel.PROVINCE): "legacy_province",
}
AREA_COLUMN_KEYS = {column: key for key, column in AREA_COLUMNS.items()}


class UnitKindColumn(Column):
    """'Kind' or 'Kind / Sub-kind' (UnitKind.label), accent- and case-insensitive."""

    def __init__(self, key, header, **kwargs):
        super().__init__(key, header, **kwargs)
        self._lookup = None

    def kinds(self):
        return list(UnitKind.objects.select_related("parent").order_by("parent__order", "parent_id", "order", "code"))

    def lookup(self):
        if self._lookup is None:
            self._lookup = {}
            for kind in self.kinds():
                self._lookup[label_key(kind.label)] = kind
                self._lookup.setdefault(label_key(kind.code), kind)
        return self._lookup

    def choices(self):
        return [kind.label for kind in self.kinds()]

    def clean(self, value):
        text = nfc(cell_text(value))
        if not text:
            raise ValueError(_("Không được để trống."))
        kind = self.lookup().get(label_key(text))
        if kind is None:
            raise ValueError(_("Không có loại đơn vị này; xem trang “Giá trị hợp lệ” của tệp mẫu."))
        return kind


COLUMNS = (
    text_for(Unit, "code", "Mã đơn vị", required=True, example="DV-0002"),
    text_for(Unit, "name", "Tên đơn vị", required=True, example="Chi hội Phụ nữ ấp Tân Hòa"),
    UnitKindColumn("kind", "Loại đơn vị", example="Đoàn thể chính trị - xã hội"),
    Text("commune", "Mã xã"),
    Text("province", "Mã tỉnh"),
    Text("legacy_commune", "Mã xã cũ"),
    Text("legacy_district", "Mã huyện cũ"),
    Text("legacy_province", "Mã tỉnh cũ"),
    Text("parent", "Đơn vị cấp trên"),
    Label("level", "Cấp", Level.choices, default=Level.GRASSROOTS, example="Cơ sở"),
)
COMPARED_FIELDS = ("code", "name", "kind", "level")


class UnitImporter(Importer):
    kind = ImportBatch.Kind.UNITS
    columns = COLUMNS
    required = ("code", "name", "kind")
    read_only = {"Tên xã": "", "Tên tỉnh": ""}

    def area_message(self):
        return _("Ghi đúng một trong các cột: Mã xã, Mã tỉnh, Mã xã cũ, Mã huyện cũ, Mã tỉnh cũ.")

    def check(self, table, report):
        positions = self.map_headers(table, report)
        report.notices = [n for n in report.notices if n]
        if not set(positions).intersection(AREA_COLUMN_KEYS):
            report.problems.append(Problem(table.header_number, self.header("commune"), "",
                                           _("Thiếu cột địa bàn: Mã xã, Mã tỉnh, Mã xã cũ, Mã huyện cũ hoặc Mã tỉnh cũ.")))
        if report.problems:
            return []
        self.fields = [key for key in COMPARED_FIELDS if key in positions]
        self.compared = self.fields + ["area"] + (["parent"] if "parent" in positions else [])
        self._prefetch(table, positions)
        in_file = {}
        for number, row in self.rows(table, positions):
            code = nfc(cell_text(row.get("code")))
            if code:
                in_file.setdefault(code, number)
        seen = {}
        plans = []
        for number, row in self.checking(self.rows(table, positions)):
            plan = self._check_row(number, row, seen, in_file)
            report.rows.append(plan[0])
            report.problems += plan[0].problems
            plans.append(plan)
        return plans

    def _prefetch(self, table, positions):
        codes = self.column_values(table, positions, "code") | self.column_values(table, positions, "parent")
        self.units = {}
        for chunk in chunks(sorted(codes), 5000):
            for unit in Unit.objects.filter(code__in=chunk):
                self.units[unit.code] = unit
        self.visible = set(self.units)
        if self.scoped:
            ids = [u.pk for u in self.units.values()]
            visible_ids = set()
            for chunk in chunks(ids, 5000):
                visible_ids.update(Unit.objects.for_user(self.user).filter(pk__in=chunk).values_list("pk", flat=True))
            self.visible = {code for code, unit in self.units.items() if unit.pk in visible_ids}
        self.areas = {}
        for key, (structure, level) in AREA_COLUMN_KEYS.items():
            wanted = self.column_values(table, positions, key)
            for chunk in chunks(sorted(wanted), 5000):
                for area in AdminArea.objects.filter(structure=structure, level=level, code__in=chunk):
                    self.areas[(key, area.code)] = area
        self.allowed_areas = None
        if self.scoped:
            self.allowed_areas = set()
            if self.user.area_id:
                self.allowed_areas = set(AdminArea.objects.filter(
                    self.user.area.scope_q(""), pk__in=[a.pk for a in self.areas.values()]).values_list("pk", flat=True))

    def _check_row(self, number, row, seen, in_file):
        problems = []
        values = self.clean(number, row, self.fields, problems)
        code = values.get("code", "")
        given = [(k, nfc(cell_text(row.get(k)))) for k in AREA_COLUMN_KEYS]
        given = [(k, v) for k, v in given if v]
        area = None
        if len(given) != 1:
            problems.append(Problem(number, self.header("commune"), "", self.area_message()))
        else:
            key, area_code = given[0]
            area = self.areas.get((key, area_code))
            if area is None:
                problems.append(Problem(number, self.header(key), area_code[:80], _("Không có địa bàn mang mã này.")))
            elif self.allowed_areas is not None and area.pk not in self.allowed_areas:
                problems.append(Problem(number, self.header(key), area_code,
                                        _("%(area)s không thuộc địa bàn bạn phụ trách.") % {"area": area.name}))
        values["area"] = area
        parent_code = nfc(cell_text(row.get("parent")))
        parent = None
        if parent_code:
            parent = self.units.get(parent_code) if parent_code in self.visible else None
            if parent_code == code:
                problems.append(Problem(number, self.header("parent"), parent_code[:80],
                                        _("Đơn vị không thể là cấp trên của chính nó.")))
            elif parent is None and parent_code not in in_file:
                problems.append(Problem(number, self.header("parent"), parent_code[:80],
                                        _("Không có đơn vị cấp trên mang mã này (trong hệ thống hoặc trong tệp).")))
        existing = self.units.get(code)
        if code:
            if code in seen:
                problems.append(Problem(number, self.header("code"), code,
                                        _("Trùng mã đơn vị với dòng %(row)s.") % {"row": seen[code]}))
            seen.setdefault(code, number)
            if existing is not None and code not in self.visible:
                problems.append(Problem(number, self.header("code"), code,
                                        _("Mã đơn vị này không dùng được; hãy chọn mã khác.")))
        summary = f"{code[:80] or '?'} · {values.get('name', '')[:80] or '?'}"
        if problems:
            return RowOutcome(number, ERROR, summary, problems), None, None
        plan = (values, parent, parent_code)
        if existing is None:
            return RowOutcome(number, CREATE, summary), plan, None
        if parent_code and parent is None:
            return RowOutcome(number, UPDATE, summary), (existing, *plan), None
        columns = ("code", "name", "kind_id", "area_id", "parent_id", "level")
        before = Unit(**{f: getattr(existing, f) for f in columns})
        after = Unit(**{f: getattr(existing, f) for f in columns})
        for name, value in values.items():
            setattr(after, name, value)
        if "parent" in self.compared:
            after.parent = parent
        compared = [f"{f}_id" if f in ("kind", "area", "parent") else f for f in self.compared]
        if not changed_fields(before, after, compared):
            return RowOutcome(number, UNCHANGED, summary), None, None
        return RowOutcome(number, UPDATE, summary), (existing, *plan), None

    def write(self, plans, batch):
        creates, updates = [], []
        late_parents = []
        changed = {}
        for outcome, target, _changes in plans:
            if outcome.action == CREATE:
                values, parent, parent_code = target
                unit = Unit(**values, parent=parent, import_batch=batch)
                creates.append(unit)
                if parent_code and parent is None:
                    late_parents.append((unit, parent_code))
            elif outcome.action == UPDATE:
                existing, values, parent, parent_code = target
                changed[existing.pk] = [name for name, value in values.items() if getattr(existing, name) != value]
                # A parent given by code but not found yet is created by this file: always a change.
                new_parent = parent_code and parent is None
                if "parent" in self.compared and (new_parent or existing.parent_id != getattr(parent, "pk", None)):
                    changed[existing.pk].append("parent")
                for name, value in values.items():
                    setattr(existing, name, value)
                if "parent" in self.compared:
                    existing.parent = parent
                    if parent_code and parent is None:
                        late_parents.append((existing, parent_code))
                updates.append(existing)
        Unit.objects.bulk_create(creates, batch_size=WRITE_BATCH)
        by_code = {**self.units, **{u.code: u for u in creates}}
        for unit, parent_code in late_parents:
            unit.parent = by_code[parent_code]
        fields_ = sorted({f for f in self.compared if f != "code"})
        if updates:
            Unit.objects.bulk_update(updates, fields_, batch_size=WRITE_BATCH)
        created = {u.pk for u in creates}
        late_new = [u for u, _code in late_parents if u.pk in created]
        if late_new:
            Unit.objects.bulk_update(late_new, ["parent"], batch_size=WRITE_BATCH)
        log_unit_changes(batch, creates, updates, changed)
        return len(creates)


def log_unit_changes(batch, creates, updates, changed):
    """One entry per unit created or changed in the administrators' change log, as the admin
    writes for its own edits, naming the file and the fields. A command run without --user
    has nobody to name: its file is on record as the import batch only."""
    if batch.created_by_id is None:
        return
    source = _("Nhập Excel “%(name)s” (đợt %(batch)s)") % {"name": batch.file_name, "batch": batch.pk}
    content_type = ContentType.objects.get_for_model(Unit)
    labels = {f.name: str(f.verbose_name) for f in Unit._meta.fields}
    entries = [
        LogEntry(user_id=batch.created_by_id, content_type=content_type, object_id=str(unit.pk),
                 object_repr=str(unit)[:200], action_flag=ADDITION, change_message=_("%(source)s: tạo mới")
                 % {"source": source})
        for unit in creates
    ] + [
        LogEntry(user_id=batch.created_by_id, content_type=content_type, object_id=str(unit.pk),
                 object_repr=str(unit)[:200], action_flag=CHANGE,
                 change_message=_("%(source)s: sửa %(fields)s")
                 % {"source": source, "fields": ", ".join(labels[name] for name in changed[unit.pk])})
        for unit in updates
    ]
    LogEntry.objects.bulk_create(entries, batch_size=WRITE_BATCH)
