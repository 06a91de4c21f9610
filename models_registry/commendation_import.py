"""Importing past commendations from a spreadsheet (DESIGN §7 "Commendation files").

Every row is checked first; the file is written in one transaction, or not at all.
Each row must name a registration that exists: unit code + year + model name
(or, for an individual exemplar, the person's name).
"""
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import (
    PUBLISHED_STATUSES,
    Action,
    Commendation,
    CommendationForm,
    ExemplarKind,
    ImportBatch,
    Level,
    Registration,
    RegistrationEvent,
    Source,
    Status,
    Unit,
)
from .services.audit import event_fields
from .text import fold, nfc

COLUMNS = {
    "year": "Năm",
    "unit_code": "Mã đơn vị",
    "model_name": "Tên mô hình",
    "person_name": "Họ tên",
    "form": "Hình thức",
    "level": "Cấp khen",
    "decision_number": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "authority": "Cơ quan ban hành",
}
REQUIRED = ("year", "unit_code", "form", "level", "decision_number", "decision_date", "authority")
LEVELS = {fold("Cơ sở"): Level.GRASSROOTS, fold("Huyện"): Level.DISTRICT, fold("Tỉnh"): Level.PROVINCE}
for _level in Level:
    LEVELS[_level.value] = _level


class ImportFailed(Exception):
    """The file was not imported; `errors` says why, row by row, in Vietnamese."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class CheckedRow:
    number: int
    registration: Registration
    form: CommendationForm
    level: str
    decision_number: str
    decision_date: datetime.date
    authority: str


def max_bytes():
    return getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024)


def read_table(source, name=None):
    """Header-keyed rows of an .xlsx or .csv file (a path or an open binary file), with their row numbers."""
    name = name or str(source)
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ImportFailed(["Chỉ nhận tệp .xlsx hoặc .csv."])
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source.read()
    if len(data) > max_bytes():
        raise ImportFailed([f"Tệp lớn hơn {max_bytes() // (1024 * 1024)} MB."])
    try:
        if suffix == ".csv":
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        else:
            from openpyxl import load_workbook

            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
            workbook.close()
    except (UnicodeDecodeError, zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise ImportFailed(["Không đọc được tệp: hãy lưu lại dưới dạng .xlsx, hoặc .csv mã UTF-8."]) from exc
    if not rows:
        raise ImportFailed(["Tệp trống: dòng đầu phải là tiêu đề cột."])
    by_label = {fold(label): key for key, label in COLUMNS.items()}
    header = [by_label.get(fold(cell)) for cell in rows[0]]
    missing = [COLUMNS[key] for key in REQUIRED if key not in header]
    if "model_name" not in header and "person_name" not in header:
        missing.append(f"{COLUMNS['model_name']} (hoặc {COLUMNS['person_name']})")
    if missing:
        raise ImportFailed([f"Thiếu cột: {', '.join(missing)}."])
    table = []
    for number, row in enumerate(rows[1:], start=2):
        if all(cell in (None, "") for cell in row):
            continue
        table.append((number, {key: row[i] if i < len(row) else None for i, key in enumerate(header) if key}))
    return table


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(value)


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def check_rows(table, *, user=None, today=None):
    """(checked rows, errors) — errors name the row, the column and the reason."""
    today = today or timezone.localdate()
    units = {unit.code: unit for unit in Unit.objects.filter(code__in={_text(r.get("unit_code")) for _, r in table})}
    forms = {}
    for form in CommendationForm.objects.all():
        forms[fold(form.name)] = form
        forms[fold(form.code)] = form
    candidates = {}
    for registration in Registration.objects.filter(unit__in=units.values()).select_related("unit"):
        candidates.setdefault((registration.unit_id, registration.year), []).append(registration)
    in_scope = None
    if user is not None:
        in_scope = set(Registration.objects.for_user(user).filter(unit__in=units.values()).values_list("pk", flat=True))
    existing = set(Commendation.objects.filter(registration__unit__in=units.values()).values_list(
        "registration_id", "form_id", "decision_number"))

    checked, errors = [], []
    for number, row in table:
        row_errors = []

        def error(column, reason, number=number, row_errors=row_errors):
            row_errors.append(f"Dòng {number}, cột “{COLUMNS[column]}”: {reason}")

        for key in REQUIRED:
            if not _text(row.get(key)):
                error(key, "không được để trống.")
        year_text = _text(row.get("year"))
        year = int(year_text) if year_text.isdigit() else None
        if year_text and (year is None or not 2010 <= year <= today.year):
            error("year", f"“{year_text}” không phải một năm từ 2010 đến {today.year}.")
            year = None
        unit = units.get(_text(row.get("unit_code")))
        if _text(row.get("unit_code")) and unit is None:
            error("unit_code", f"không có đơn vị mã “{_text(row.get('unit_code'))}”.")
        model_name, person_name = _text(row.get("model_name")), _text(row.get("person_name"))
        if not model_name and not person_name:
            error("model_name", "phải ghi tên mô hình hoặc họ tên người được khen.")
        registration = None
        if unit and year and (model_name or person_name):
            matches = [
                r for r in candidates.get((unit.pk, year), [])
                if (model_name and fold(r.name) == fold(model_name))
                or (not model_name and r.exemplar_kind == ExemplarKind.INDIVIDUAL
                    and fold(r.person_name) == fold(person_name))
            ]
            column = "model_name" if model_name else "person_name"
            if not matches:
                error(column, f"đơn vị {unit.code} không có mô hình năm {year} tên “{model_name or person_name}”.")
            elif len(matches) > 1:
                error(column, f"có {len(matches)} mô hình khớp; hãy ghi “{COLUMNS['model_name']}”.")
            else:
                registration = matches[0]
        if registration is not None:
            if in_scope is not None and registration.pk not in in_scope:
                error("unit_code", "mô hình này không thuộc địa bàn của người nhập.")
            elif registration.status not in PUBLISHED_STATUSES:
                error("model_name", "mô hình chưa được duyệt nên chưa ghi khen thưởng được.")
        form = forms.get(fold(_text(row.get("form"))))
        if _text(row.get("form")) and form is None:
            error("form", f"không có hình thức “{_text(row.get('form'))}”.")
        level = LEVELS.get(fold(_text(row.get("level"))))
        if _text(row.get("level")) and level is None:
            error("level", f"“{_text(row.get('level'))}” không hợp lệ; dùng Cơ sở, Huyện hoặc Tỉnh.")
        if form and level and level not in form.issuing_levels:
            error("form", f"cấp {Level(level).label} không ban hành “{form.name}”.")
        decision_date = _date(row.get("decision_date"))
        if _text(row.get("decision_date")) and decision_date is None:
            error("decision_date", f"“{_text(row.get('decision_date'))}” không phải ngày dạng dd/mm/yyyy.")
        elif decision_date and decision_date > today:
            error("decision_date", "ngày quyết định không được sau hôm nay.")
        elif decision_date and year and decision_date.year < year:
            error("decision_date", "ngày quyết định không được trước năm của mô hình.")
        decision_number = _text(row.get("decision_number"))
        if registration and form and decision_number:
            key = (registration.pk, form.pk, decision_number)
            if key in existing:
                error("decision_number", "khen thưởng này đã có (trong hệ thống hoặc ở dòng trước).")
            existing.add(key)
        if row_errors:
            errors.extend(row_errors)
        else:
            checked.append(CheckedRow(number, registration, form, level, decision_number, decision_date,
                                      _text(row.get("authority"))))
    return checked, errors


def import_commendations(source, *, name=None, user=None, today=None):
    """Import the file (a path or an open binary file named `name`) whole, or raise ImportFailed and write nothing."""
    name = name or str(source)
    table = read_table(source, name)
    if not table:
        raise ImportFailed(["Tệp không có dòng dữ liệu nào."])
    checked, errors = check_rows(table, user=user, today=today)
    if errors:
        raise ImportFailed(errors)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=ImportBatch.Kind.COMMENDATIONS, file_name=Path(name).name[:255], row_count=len(table),
            created_count=len(checked), area=getattr(user, "area", None), created_by=user,
        )
        Commendation.objects.bulk_create(
            Commendation(registration=row.registration, form=row.form, level=row.level,
                         decision_number=row.decision_number, decision_date=row.decision_date,
                         authority=row.authority, import_batch=batch, created_by=user)
            for row in checked
        )
        events, newly_commended = [], set()
        for row in checked:
            registration = row.registration
            from_status = Status.COMMENDED if registration.pk in newly_commended else registration.status
            newly_commended.add(registration.pk)
            events.append(RegistrationEvent(**event_fields(
                registration, Action.COMMENDED, actor=user, source=Source.IMPORT, batch=batch,
                from_status=from_status, to_status=Status.COMMENDED,
                reason=f"{row.form.name} theo quyết định số {row.decision_number} ngày "
                       f"{row.decision_date:%d/%m/%Y} của {row.authority} (dòng {row.number}).",
            )))
        RegistrationEvent.objects.bulk_create(events)
        Registration.objects.filter(pk__in=newly_commended).exclude(status=Status.COMMENDED).update(
            status=Status.COMMENDED, version=F("version") + 1
        )
    return batch
