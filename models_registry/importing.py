"""Importing registrations and units from .xlsx / .csv: the whole file is checked
first, then written in one transaction with bulk inserts, or not at all.

Cells are cleaned by the fields and widgets of `resources.py`, so the admin's
import and this one agree on what a valid value is. Units and areas are looked up
a few queries per file, and duplicates (inside the file and against the database)
are found before anything is written, so a unique violation never reaches the user.
"""
import csv
import difflib
import gc
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from types import SimpleNamespace

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from . import spreadsheets
from .freshness import data_changed
from .models import (
    AdminArea,
    ExemplarKind,
    ImportBatch,
    Registration,
    RegistrationEvent,
    Source,
    Status,
    Unit,
    YearClosure,
)
from .models.history import Action
from .resources import (
    AREA_COLUMN_KEYS,
    IGNORED_COLUMNS,
    REGISTRATION_COLUMNS,
    UNIT_COLUMNS,
    RegistrationResource,
    UnitResource,
    _chunks,
    cell_text,
    label_key,
)
from .services.audit import changed_fields, event_fields
from .text import nfc

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTION_LABELS = {
    CREATE: gettext_lazy("Tạo mới"),
    UPDATE: gettext_lazy("Cập nhật"),
    UNCHANGED: gettext_lazy("Đã có, không đổi"),
    ERROR: gettext_lazy("Lỗi"),
}
WRITE_BATCH = 1000


def max_bytes():
    return getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024)


def max_rows():
    return getattr(settings, "IMPORT_MAX_ROWS", 50000)


class Rejected(Exception):
    """The file as a whole cannot be read; nothing was checked row by row."""


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str

    def __str__(self):
        if not self.row:
            return self.message
        where = f"Dòng {self.row}" + (f", cột “{self.column}”" if self.column else "")
        value = f" (giá trị “{self.value}”)" if self.value else ""
        return f"{where}{value}: {self.message}"


@dataclass
class RowOutcome:
    number: int
    action: str
    summary: str
    problems: list = field(default_factory=list)

    @property
    def label(self):
        return ACTION_LABELS[self.action]


@dataclass
class ImportReport:
    kind: str
    file_name: str
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    batch: ImportBatch = None
    written: bool = False

    @property
    def ok(self):
        return not self.problems

    @property
    def counts(self):
        counts = Counter(row.action for row in self.rows)
        return {action: counts.get(action, 0) for action in ACTION_LABELS}

    def summary(self):
        c = self.counts
        if not self.ok:
            return (f"Tệp “{self.file_name}” bị từ chối: {len(self.problems)} lỗi, "
                    f"{c[ERROR]} dòng lỗi trên {len(self.rows)} dòng. Chưa có dữ liệu nào được nhập.")
        verb = "Đã nhập" if self.written else "Sẽ nhập"
        return (f"{verb} {len(self.rows)} dòng từ “{self.file_name}”: {c[CREATE]} tạo mới, "
                f"{c[UPDATE]} cập nhật, {c[UNCHANGED]} đã có và không đổi.")


# Reading ------------------------------------------------------------------------------------------

def read_table(fileobj, file_name):
    """(headers, [(row number, values)]) from an .xlsx or .csv file; Rejected if unreadable."""
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
    fileobj.seek(0)
    if size > max_bytes():
        raise Rejected(f"Tệp lớn {_mb(size)}, vượt giới hạn {_mb(max_bytes())}. Hãy chia thành nhiều tệp nhỏ hơn.")
    if size == 0:
        raise Rejected("Tệp rỗng.")
    head = fileobj.read(8)
    fileobj.seek(0)
    name = file_name.lower()
    if head.startswith(b"PK"):
        rows = _xlsx_rows(fileobj)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise Rejected("Tệp Excel định dạng cũ (.xls) chưa được hỗ trợ: hãy mở bằng Excel và lưu lại dạng .xlsx.")
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(fileobj)
    else:
        raise Rejected("Tệp không phải bảng tính Excel (.xlsx) hoặc CSV.")
    return _collect(rows)


def _mb(size):
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def _xlsx_rows(fileobj):
    try:
        yield from spreadsheets.iter_rows(fileobj)
    except spreadsheets.NotXlsx:
        raise Rejected("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.") from None


def _csv_rows(fileobj):
    raw = fileobj.read()
    encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        raise Rejected("Tệp CSV phải lưu với bảng mã UTF-8 (trong Excel: “CSV UTF-8”).") from None
    if "\x00" in text:
        raise Rejected("Tệp không phải bảng tính Excel (.xlsx) hoặc CSV.")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _collect(rows):
    limit = max_rows()
    headers = None
    data = []
    for number, values in enumerate(rows, 1):
        if not any(cell_text(v).strip() for v in values):
            continue
        if headers is None:
            headers = (number, list(values))
            continue
        data.append((number, values))
        if len(data) > limit:
            raise Rejected(f"Tệp có hơn {limit:,} dòng dữ liệu, vượt giới hạn. Hãy chia thành nhiều tệp.".replace(",", "."))
    if headers is None:
        raise Rejected("Tệp không có dữ liệu: dòng đầu phải là tiêu đề cột.")
    if not data:
        raise Rejected("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào.")
    return headers, data


def map_headers(header_row, columns, required):
    """Canonical column name for each header position (None: ignored) and header problems."""
    number, raw = header_row
    known = {label_key(name): name for name in columns}
    ignored = {label_key(name) for name in IGNORED_COLUMNS}
    mapped, problems, seen = [], [], set()
    for value in raw:
        text = nfc(cell_text(value))
        key = label_key(text)
        if not text or key in ignored:
            mapped.append(None)
            continue
        name = known.get(key)
        if name is None:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f" Có phải là “{known[close[0]]}”?" if close else ""
            problems.append(Problem(number, text, "", f"Tiêu đề cột không đúng mẫu.{hint}"))
        elif name in seen:
            problems.append(Problem(number, text, "", "Cột này xuất hiện hai lần."))
        seen.add(name)
        mapped.append(name)
    for name in required:
        if name not in seen:
            problems.append(Problem(number, name, "", "Thiếu cột bắt buộc này (xem tệp mẫu)."))
    return mapped, problems


def _as_dicts(mapped, data):
    width = len(mapped)
    for number, values in data:
        values = list(values)[:width]
        values += [None] * (width - len(values))
        yield number, {name: value for name, value in zip(mapped, values, strict=True) if name}


def _column(mapped, data, name):
    """The raw values of one column, without building a dict per row."""
    if name not in mapped:
        return []
    index = mapped.index(name)
    return [values[index] if index < len(values) else None for _, values in data]


def _raw(value):
    return nfc(cell_text(value))[:80]


def _scoped(user):
    """True when `user` is limited to an area (staff), False for administrators and commands."""
    return user is not None and not user.is_superuser


# Registrations ------------------------------------------------------------------------------------

class RegistrationImport:
    kind = ImportBatch.Kind.REGISTRATIONS
    columns = REGISTRATION_COLUMNS

    def __init__(self, user=None):
        self.user = user
        self.resource = RegistrationResource(user=user)

    def check(self, header_row, data, report):
        required = [self.columns[k] for k in RegistrationResource.required_columns]
        mapped, problems = map_headers(header_row, list(self.columns.values()), required)
        present = set(mapped)
        if self.columns["unit"] not in present and not (
            self.columns["unit_name"] in present
            and (self.columns["commune"] in present or self.columns["legacy_commune"] in present)
        ):
            problems.append(Problem(header_row[0], self.columns["unit"], "",
                                    "Thiếu cột “Mã đơn vị” (hoặc “Tên đơn vị” kèm “Mã xã”)."))
        report.problems += problems
        if problems:
            return []
        self._prefetch(mapped, data)
        import_fields = [f for f in self.resource.get_import_fields()
                         if f.attribute and not f.readonly and f.attribute != "unit" and f.column_name in present]
        # Status changes go through the review workflow; a file sets the status of new rows only.
        self.compared = [f.attribute for f in import_fields if f.attribute != "status"]
        seen = {}
        plans = []
        for number, row in _as_dicts(mapped, data):
            plan = self._check_row(number, row, import_fields, seen)
            report.rows.append(plan[0])
            report.problems += plan[0].problems
            plans.append(plan)
        return plans

    def _prefetch(self, mapped, data):
        def values(key):
            return {nfc(cell_text(v)) for v in _column(mapped, data, self.columns[key])}

        self.resource.units.prefetch(values("unit"), values("commune"), values("legacy_commune"))
        units = list(self.resource.units.by_code.values()) + [
            u for group in self.resource.units.by_commune_name.values() for u in group
        ]
        unit_ids = sorted({u.pk for u in units})
        self.allowed = None
        if _scoped(self.user):
            self.allowed = set()
            for chunk in _chunks(unit_ids, 5000):
                self.allowed.update(Unit.objects.for_user(self.user).filter(pk__in=chunk).values_list("pk", flat=True))
        years = set()
        for value in set(_column(mapped, data, self.columns["year"])):
            try:
                years.add(self.resource.fields["year"].widget.clean(value))
            except ValueError:
                pass
        self.existing = {}
        for chunk in _chunks(unit_ids, 2000):
            for reg in Registration.objects.filter(unit_id__in=chunk, year__in=years):
                self.existing[(reg.unit_id, reg.year, name_key(reg.name))] = reg
        self.closed = set()
        if _scoped(self.user):
            self.closed = set(YearClosure.objects.filter(year__in=years).values_list("area_id", "year"))

    def _check_row(self, number, row, import_fields, seen):
        problems = []
        values = {}
        for f in import_fields:
            try:
                values[f.attribute] = f.clean(row)
            except ValueError as error:
                problems.append(Problem(number, f.column_name, _raw(row.get(f.column_name)), str(error)))
        unit = None
        try:
            unit = self.resource.fields["unit"].clean(row)
        except ValueError as error:
            column = self.columns["unit"] if nfc(cell_text(row.get(self.columns["unit"]))) else self.columns["unit_name"]
            problems.append(Problem(number, column, _raw(row.get(column)), str(error)))
        if unit is not None and self.allowed is not None and unit.pk not in self.allowed:
            problems.append(Problem(number, self.columns["unit"], unit.code,
                                    f"Đơn vị “{unit.name}” không thuộc địa bàn bạn phụ trách."))
            unit = None
        if values.get("exemplar_kind") == ExemplarKind.INDIVIDUAL and not values.get("person_name"):
            problems.append(Problem(number, self.columns["person_name"], "",
                                    "Điển hình cá nhân phải ghi họ tên người được đề cử."))
        year, name = values.get("year"), values.get("name")
        summary = _summary(row, [self.columns["unit"], self.columns["unit_name"]], self.columns["year"],
                           self.columns["name"])
        existing = None
        if unit is not None and year and name:
            key = (unit.pk, year, name_key(name))
            if key in seen:
                problems.append(Problem(number, self.columns["name"], _raw(name),
                                        f"Trùng với dòng {seen[key]} (cùng đơn vị, năm và tên mô hình)."))
            seen.setdefault(key, number)
            area = unit.area
            ancestors = {area.pk, area.province_id, area.district_id, area.current_province_id, area.current_commune_id}
            if any((pk, year) in self.closed for pk in ancestors if pk):
                problems.append(Problem(number, self.columns["year"], str(year),
                                        f"Năm {year} đã khóa sổ ở địa bàn của đơn vị này; không nhập được."))
            existing = self.existing.get(key)
        if problems:
            return RowOutcome(number, ERROR, summary, problems), None, None
        if existing is None:
            values.setdefault("status", Status.ACCEPTED)  # entered by the commission from its own records
            return RowOutcome(number, CREATE, summary), (None, unit, values), None
        updated = Registration(unit=unit, **{**{f: getattr(existing, f) for f in self.compared}, **values})
        updated.name = existing.name
        changes = changed_fields(existing, updated, self.compared)
        if not changes:
            return RowOutcome(number, UNCHANGED, summary), None, None
        return RowOutcome(number, UPDATE, summary), (existing, unit, values), changes

    def write(self, plans, batch):
        created = 0
        new_rows = [target for outcome, target, _ in plans if outcome.action == CREATE]
        # In slices, so that a 50,000-row file never holds 50,000 model instances at once.
        for chunk in _chunks(new_rows, WRITE_BATCH * 5):
            self._create(chunk, batch)
            created += len(chunk)
        updates = [(target, changes) for outcome, target, changes in plans if outcome.action == UPDATE]
        if updates:
            self._update(updates, batch)
        return created

    def _create(self, targets, batch):
        creates = []
        for _, unit, values in targets:
            registration = Registration(unit=unit, import_batch=batch, **values)
            registration.fill_derived()
            creates.append(registration)
        last = Registration.objects.filter(import_batch=batch).order_by("-pk").values_list("pk", flat=True).first()
        insert_rows(Registration, creates)
        ids = {(unit_id, year, name): pk for pk, unit_id, year, name in Registration.objects.filter(
            import_batch=batch, pk__gt=last or 0).values_list("pk", "unit_id", "year", "name")}
        events = []
        for registration in creates:
            registration.pk = ids[(registration.unit_id, registration.year, registration.name)]
            events.append(_plain_row(RegistrationEvent, event_fields(
                registration, Action.IMPORTED, actor=self.user, source=Source.IMPORT,
                to_status=registration.status, batch=batch,
            )))
        insert_rows(RegistrationEvent, events)

    def _update(self, updates, batch):
        now = timezone.now()
        changed, events = [], []
        for (existing, unit, values), changes in updates:
            for name in self.compared:
                if name != "name":
                    setattr(existing, name, values[name])
            existing.unit = unit
            existing.fill_derived()
            existing.updated_at = now
            existing.version += 1
            changed.append(existing)
            events.append(_plain_row(RegistrationEvent, event_fields(
                existing, Action.EDITED, actor=self.user, source=Source.IMPORT, changes=changes, batch=batch,
            )))
        update_fields = sorted(set(self.compared) - {"name"}) + ["search_text", "updated_at", "version"]
        Registration.objects.bulk_update(changed, update_fields, batch_size=WRITE_BATCH)
        insert_rows(RegistrationEvent, events)


def _plain_row(model, values):
    """A light stand-in for `model(**values)` that insert_rows can read: building ten
    thousand model instances only to read their attributes back costs a second."""
    row = SimpleNamespace()
    for name, value in values.items():
        field_ = model._meta.get_field(name)
        if field_.is_relation:
            setattr(row, field_.attname, value.pk if value is not None else None)
        else:
            setattr(row, field_.attname, value)
    for field_ in model._meta.concrete_fields:
        if not hasattr(row, field_.attname) and not field_.primary_key:
            setattr(row, field_.attname, field_.get_default())
    return row


def insert_rows(model, objects):
    """INSERT many new rows: COPY on PostgreSQL, one executemany on SQLite.

    Django's bulk_create compiles SQL value by value (and keeps under SQLite's old
    999-parameter limit), so 10,000 registrations cost seconds; this takes a fraction
    of that. Primary keys are not returned: callers read them back. Model signals are
    not sent (as with bulk_create): history is written by the caller, and the data version
    is moved on here.
    """
    if not objects:
        return
    data_changed()
    now = timezone.now()
    fields_ = [f for f in model._meta.concrete_fields if not f.primary_key]
    postgres = connection.vendor == "postgresql"
    getters = []
    for f in fields_:
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            value = now if postgres else f.get_db_prep_save(now, connection)
            getters.append(lambda obj, value=value: value)
        elif isinstance(f, models.JSONField):
            getters.append(lambda obj, f=f: json.dumps(getattr(obj, f.attname), cls=f.encoder))
        elif isinstance(f, (models.DateField, models.DecimalField)) and not postgres:
            getters.append(lambda obj, f=f: f.get_db_prep_save(getattr(obj, f.attname), connection))
        else:
            getters.append(attrgetter(f.attname))
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields_)
    with connection.cursor() as cursor:
        for chunk in _chunks(objects, WRITE_BATCH * 5):
            rows = (tuple(get(obj) for get in getters) for obj in chunk)
            if postgres:
                _copy(cursor, table, columns, [quote(f.column) for f in fields_ if f.null], rows)
            else:
                placeholders = ", ".join(["%s"] * len(fields_))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(rows))


def _copy(cursor, table, columns, nullable, rows):
    # Every non-number is quoted, None as ""; FORCE_NULL turns "" into NULL in the nullable
    # columns only (foreign keys and dates: Django keeps text columns NOT NULL).
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC).writerows(rows)
    buffer.seek(0)
    force_null = f", FORCE_NULL ({', '.join(nullable)})" if nullable else ""
    cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv{force_null})", buffer)


def _summary(row, unit_columns, *columns):
    """'unit · year · name' as written in the file, for the preview."""
    unit = next((_raw(row.get(c)) for c in unit_columns if _raw(row.get(c))), "")
    return " · ".join([unit or "?"] + [_raw(row.get(c)) or "?" for c in columns])


def name_key(name):
    """Same model name whatever the case, spacing or Unicode form."""
    return " ".join(nfc(name).split()).casefold()


# Units --------------------------------------------------------------------------------------------

class UnitImport:
    kind = ImportBatch.Kind.UNITS
    columns = UNIT_COLUMNS

    def __init__(self, user=None):
        self.user = user
        self.resource = UnitResource(user=user)

    def check(self, header_row, data, report):
        required = [self.columns[k] for k in UnitResource.required_columns]
        mapped, problems = map_headers(header_row, list(self.columns.values()), required)
        present = set(mapped)
        area_columns = [self.columns[k] for k in AREA_COLUMN_KEYS]
        if not present.intersection(area_columns):
            problems.append(Problem(header_row[0], self.columns["commune"], "",
                                    "Thiếu cột địa bàn: Mã xã, Mã tỉnh, Mã xã cũ, Mã huyện cũ hoặc Mã tỉnh cũ."))
        report.problems += problems
        if problems:
            return []
        self._prefetch(mapped, data, present)
        fields_ = [self.resource.fields[k] for k in ("code", "name", "kind", "level")
                   if self.columns[k] in present]
        self.compared = [f.attribute for f in fields_] + ["area"] + (["parent"] if self.columns["parent"] in present
                                                                    else [])
        in_file = {}
        for (number, _), value in zip(data, _column(mapped, data, self.columns["code"]), strict=True):
            code = nfc(cell_text(value))
            if code:
                in_file.setdefault(code, number)
        seen = {}
        plans = []
        for number, row in _as_dicts(mapped, data):
            plan = self._check_row(number, row, fields_, seen, in_file)
            report.rows.append(plan[0])
            report.problems += plan[0].problems
            plans.append(plan)
        return plans

    def _prefetch(self, mapped, data, present):
        codes = {nfc(cell_text(v)) for key in ("code", "parent") for v in _column(mapped, data, self.columns[key])}
        codes.discard("")
        self.units = {}
        for chunk in _chunks(sorted(codes), 5000):
            for unit in Unit.objects.filter(code__in=chunk):
                self.units[unit.code] = unit
        self.areas = {}
        for column_key, (structure, level) in AREA_COLUMN_KEYS.items():
            column = self.columns[column_key]
            if column not in present:
                continue
            wanted = {nfc(cell_text(v)) for v in _column(mapped, data, column)} - {""}
            for chunk in _chunks(sorted(wanted), 5000):
                for area in AdminArea.objects.filter(structure=structure, level=level, code__in=chunk):
                    self.areas[(column_key, area.code)] = area
        self.allowed_areas = self.visible_units = None
        if _scoped(self.user):
            area_ids = [a.pk for a in self.areas.values()]
            self.allowed_areas = set()
            if self.user.area_id:
                self.allowed_areas = set(AdminArea.objects.filter(self.user.area.scope_q(""), pk__in=area_ids)
                                         .values_list("pk", flat=True))
            ids = [u.pk for u in self.units.values()]
            self.visible_units = set(Unit.objects.for_user(self.user).filter(pk__in=ids).values_list("pk", flat=True))

    def _check_row(self, number, row, fields_, seen, in_file):
        problems = []
        values = {}
        for f in fields_:
            try:
                values[f.attribute] = f.clean(row)
            except ValueError as error:
                problems.append(Problem(number, f.column_name, _raw(row.get(f.column_name)), str(error)))
        code = values.get("code", "")
        given = [(k, nfc(cell_text(row.get(self.columns[k])))) for k in AREA_COLUMN_KEYS]
        given = [(k, v) for k, v in given if v]
        area = None
        if len(given) != 1:
            problems.append(Problem(number, self.columns["commune"], "",
                                    "Ghi đúng một trong các cột: Mã xã, Mã tỉnh, Mã xã cũ, Mã huyện cũ, Mã tỉnh cũ."))
        else:
            key, area_code = given[0]
            area = self.areas.get((key, area_code))
            if area is None:
                problems.append(Problem(number, self.columns[key], area_code, "Không có địa bàn mang mã này."))
            elif self.allowed_areas is not None and area.pk not in self.allowed_areas:
                problems.append(Problem(number, self.columns[key], area_code,
                                        f"{area.name} không thuộc địa bàn bạn phụ trách."))
        values["area"] = area
        parent_code = nfc(cell_text(row.get(self.columns["parent"])))
        parent = None
        if parent_code:
            parent = self.units.get(parent_code)
            if parent_code == code:
                problems.append(Problem(number, self.columns["parent"], parent_code,
                                        "Đơn vị không thể là cấp trên của chính nó."))
            elif parent is None and parent_code not in in_file:
                problems.append(Problem(number, self.columns["parent"], parent_code,
                                        "Không có đơn vị cấp trên mang mã này (trong hệ thống hoặc trong tệp)."))
        existing = self.units.get(code)
        if code:
            if code in seen:
                problems.append(Problem(number, self.columns["code"], code, f"Trùng mã đơn vị với dòng {seen[code]}."))
            seen.setdefault(code, number)
            if existing is not None and self.visible_units is not None and existing.pk not in self.visible_units:
                problems.append(Problem(number, self.columns["code"], code,
                                        "Mã này thuộc một đơn vị ngoài địa bàn bạn phụ trách."))
        summary = f"{code or '?'} · {values.get('name') or '?'}"
        if problems:
            return RowOutcome(number, ERROR, summary, problems), None, None
        plan = (values, parent, parent_code)
        if existing is None:
            return RowOutcome(number, CREATE, summary), plan, None
        if parent_code and parent is None:
            return RowOutcome(number, UPDATE, summary), (existing,) + plan, None
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
        return RowOutcome(number, UPDATE, summary), (existing,) + plan, None

    def write(self, plans, batch):
        creates, updates = [], []
        late_parents = []
        changed = {}
        for outcome, target, _ in plans:
            if outcome.action == CREATE:
                values, parent, parent_code = target
                unit = Unit(**values, parent=parent)
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
        late_new = [u for u, _ in late_parents if u.pk in created]
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
    source = f"Nhập Excel “{batch.file_name}” (đợt {batch.pk})"
    content_type = ContentType.objects.get_for_model(Unit)
    labels = {f.name: str(f.verbose_name) for f in Unit._meta.fields}
    entries = [
        LogEntry(user_id=batch.created_by_id, content_type=content_type, object_id=str(unit.pk),
                 object_repr=str(unit)[:200], action_flag=ADDITION, change_message=f"{source}: tạo mới")
        for unit in creates
    ] + [
        LogEntry(user_id=batch.created_by_id, content_type=content_type, object_id=str(unit.pk),
                 object_repr=str(unit)[:200], action_flag=CHANGE,
                 change_message=f"{source}: sửa {', '.join(labels[name] for name in changed[unit.pk])}")
        for unit in updates
    ]
    LogEntry.objects.bulk_create(entries, batch_size=WRITE_BATCH)


# Entry points -------------------------------------------------------------------------------------

IMPORTERS = {ImportBatch.Kind.REGISTRATIONS: RegistrationImport, ImportBatch.Kind.UNITS: UnitImport}


def run(kind, fileobj, file_name, user=None, write=False):
    """Check a file and, when `write` and nothing is wrong, import it whole. Returns an ImportReport."""
    # The cyclic collector would rescan the growing heap of row objects again and again
    # (about a fifth of the time on big files); any cycles made meanwhile are collected
    # once it is back on.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(kind, fileobj, file_name, user, write)
    finally:
        if collecting:
            gc.enable()


def _run(kind, fileobj, file_name, user, write):
    report = ImportReport(kind=kind, file_name=file_name)
    try:
        header_row, data = read_table(fileobj, file_name)
    except Rejected as rejected:
        report.problems.append(Problem(0, "", "", str(rejected)))
        return report
    importer = IMPORTERS[kind](user)
    plans = importer.check(header_row, data, report)
    del data
    if not write or not report.ok:
        return report
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                kind=kind, file_name=file_name[:255], row_count=len(report.rows),
                area=getattr(user, "area", None), created_by=user if user is not None else None,
            )
            batch.created_count = importer.write(plans, batch)
            batch.save(update_fields=["created_count"])
    except IntegrityError:
        report.problems.append(Problem(0, "", "", "Dữ liệu vừa được người khác thay đổi trong lúc nhập nên tệp "
                                                  "chưa được nhập. Hãy xem trước và xác nhận lại."))
        return report
    report.batch, report.written = batch, True
    return report


def preview(kind, fileobj, file_name, user=None):
    return run(kind, fileobj, file_name, user=user, write=False)


def import_file(kind, fileobj, file_name, user=None):
    return run(kind, fileobj, file_name, user=user, write=True)
