"""Importing past commendations (DESIGN §7 "Commendation files").

Each row names a registration the importer may see: unit code + year + model name (or, for
an individual exemplar, the person's name). A commendation already recorded (the same
registration, form and decision number, however the number is spaced or cased) is refused,
so a file sent twice records each commendation once. A registration of a closed year is
never touched: its row is refused, whoever imports.
"""
import datetime

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ...models import (
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
    YearClosure,
)
from ...text import fold, nfc
from ..audit import event_fields
from .columns import Column, Label, Year, cell_text, date_for, label_key, shown, text_for, year_bounds
from .engine import Importer
from .problems import CREATE, ERROR, Problem, RowOutcome
from .registrations import unit_queryset
from .writing import WRITE_BATCH, chunks


class FormColumn(Column):
    """A form of commendation by its name or code, accent- and case-insensitive."""

    def __init__(self, key, header, **kwargs):
        super().__init__(key, header, **kwargs)
        self._lookup = None

    def forms(self):
        return list(CommendationForm.objects.order_by("order", "pk"))

    def lookup(self):
        if self._lookup is None:
            self._lookup = {}
            for form in self.forms():
                self._lookup[label_key(form.name)] = form
                self._lookup.setdefault(label_key(form.code), form)
        return self._lookup

    def choices(self):
        return [form.name for form in self.forms()]

    def clean(self, value):
        text = nfc(cell_text(value))
        if not text:
            raise ValueError(_("Không được để trống."))
        form = self.lookup().get(label_key(text))
        if form is None:
            raise ValueError(_("Không có hình thức khen thưởng này. Chọn một trong: %(allowed)s.")
                             % {"allowed": ", ".join(self.choices())})
        return form


def _decision_key(number):
    field = Commendation._meta.get_field("decision_key") if hasattr(Commendation, "decision_key") else None
    return field.key_of(number) if field is not None else "".join(nfc(number).split()).casefold()


C = Commendation
COLUMNS = (
    Year("year", "Năm", required=True, example=2024),
    text_for(C, "authority", "Cơ quan ban hành", required=True, example="Huyện ủy Long Hồ"),
    Column("unit_code", "Mã đơn vị", required=True, example="DV-0001"),
    Column("model_name", "Tên mô hình", example="Tủ quần áo nghĩa tình"),
    Column("person_name", "Họ tên"),
    FormColumn("form", "Hình thức", example="Giấy khen"),
    Label("level", "Cấp khen", Level.choices, required=True, example="Huyện"),
    text_for(C, "decision_number", "Số quyết định", required=True, example="45-QĐ/HU"),
    date_for(C, "decision_date", "Ngày quyết định", required=True, example="15/10/2024"),
)
# Template and export order.
ORDER = ("year", "unit_code", "model_name", "person_name", "form", "level", "decision_number", "decision_date",
         "authority")
COLUMNS = tuple(sorted(COLUMNS, key=lambda c: ORDER.index(c.key)))
CHECKED = ("year", "form", "level", "decision_number", "decision_date", "authority")


class CommendationImporter(Importer):
    kind = ImportBatch.Kind.COMMENDATIONS
    columns = COLUMNS
    required = ("year", "unit_code", "form", "level", "decision_number", "decision_date", "authority")

    def __init__(self, user=None, today=None):
        super().__init__(user)
        self.today = today or timezone.localdate()

    def check(self, table, report):
        positions = self.map_headers(table, report)
        if "model_name" not in positions and "person_name" not in positions:
            report.problems.append(Problem(table.header_number, self.header("model_name"), "",
                                           _("Thiếu cột “Tên mô hình” (hoặc “Họ tên” với điển hình cá nhân).")))
        if report.problems:
            return []
        self._prefetch(table, positions)
        seen = {}
        plans = []
        for number, row in self.checking(self.rows(table, positions)):
            plan = self._check_row(number, row, seen)
            report.rows.append(plan[0])
            report.problems += plan[0].problems
            plans.append(plan)
        return plans

    def _prefetch(self, table, positions):
        codes = sorted(self.column_values(table, positions, "unit_code"))
        self.units = {}
        for chunk in chunks(codes, 5000):
            for unit in unit_queryset(self.user, self.scoped).filter(code__in=chunk):
                self.units[unit.code] = unit
        unit_ids = [u.pk for u in self.units.values()]
        self.candidates = {}
        registrations = Registration.objects.select_related("area")
        if self.scoped:
            registrations = registrations.for_user(self.user)
        for chunk in chunks(unit_ids, 2000):
            for registration in registrations.filter(unit_id__in=chunk):
                self.candidates.setdefault((registration.unit_id, registration.year), []).append(registration)
        self.existing = set()
        for chunk in chunks(unit_ids, 2000):
            for registration_id, form_id, number in Commendation.objects.filter(
                    registration__unit_id__in=chunk).values_list("registration_id", "form_id", "decision_number"):
                self.existing.add((registration_id, form_id, _decision_key(number)))
        years = {r.year for group in self.candidates.values() for r in group}
        self.closed = set(YearClosure.objects.filter(year__in=years).values_list("area_id", "year"))

    def _check_row(self, number, row, seen):
        problems = []
        values = self.clean(number, row, CHECKED, problems)
        year = values.get("year")
        if year and year > self.today.year:
            problems.append(Problem(number, self.header("year"), str(year),
                                    _("Năm phải từ %(first)s đến %(last)s.")
                                    % {"first": year_bounds()[0], "last": self.today.year}))
            year = None
        code = nfc(cell_text(row.get("unit_code")))
        unit = self.units.get(code)
        if not code:
            problems.append(Problem(number, self.header("unit_code"), "", _("Không được để trống.")))
        elif unit is None:
            problems.append(Problem(number, self.header("unit_code"), code[:80], _("Không có đơn vị mang mã này.")))
        model_name, person_name = nfc(cell_text(row.get("model_name"))), nfc(cell_text(row.get("person_name")))
        column = "model_name" if model_name else "person_name"
        if not model_name and not person_name:
            problems.append(Problem(number, self.header("model_name"), "",
                                    _("Phải ghi tên mô hình hoặc họ tên người được khen.")))
        registration = None
        if unit and year and (model_name or person_name):
            matches = [
                r for r in self.candidates.get((unit.pk, year), [])
                if (model_name and fold(r.name) == fold(model_name))
                or (not model_name and r.exemplar_kind == ExemplarKind.INDIVIDUAL
                    and fold(r.person_name) == fold(person_name))
            ]
            if not matches:
                problems.append(Problem(number, self.header(column), (model_name or person_name)[:80],
                                        _("Đơn vị %(code)s không có mô hình năm %(year)s mang tên này.")
                                        % {"code": unit.code, "year": year}))
            elif len(matches) > 1:
                problems.append(Problem(number, self.header(column), (model_name or person_name)[:80],
                                        _("Có %(count)s mô hình khớp; hãy ghi “Tên mô hình”.") % {"count": len(matches)}))
            else:
                registration = matches[0]
        if registration is not None:
            if any((pk, registration.year) in self.closed for pk in registration.area.containing_ids()):
                problems.append(Problem(number, self.header("year"), str(registration.year),
                                        _("Năm %(year)s đã khóa sổ ở địa bàn của mô hình này; không ghi khen thưởng "
                                          "được.") % {"year": registration.year}))
            elif registration.status not in PUBLISHED_STATUSES:
                problems.append(Problem(number, self.header(column), (model_name or person_name)[:80],
                                        _("Mô hình chưa được duyệt nên chưa ghi khen thưởng được.")))
        form, level = values.get("form"), values.get("level")
        if form and level and level not in form.issuing_levels:
            problems.append(Problem(number, self.header("form"), form.name,
                                    _("Cấp %(level)s không ban hành “%(form)s”.")
                                    % {"level": Level(level).label, "form": form.name}))
        decision_date = values.get("decision_date")
        if decision_date and decision_date > self.today:
            problems.append(Problem(number, self.header("decision_date"), decision_date.strftime("%d/%m/%Y"),
                                    _("Ngày quyết định không được sau hôm nay.")))
        elif decision_date and year and decision_date < datetime.date(year, 1, 1):
            problems.append(Problem(number, self.header("decision_date"), decision_date.strftime("%d/%m/%Y"),
                                    _("Ngày quyết định không được trước năm của mô hình.")))
        decision_number = values.get("decision_number")
        if registration and form and decision_number:
            key = (registration.pk, form.pk, _decision_key(decision_number))
            if key in self.existing:
                problems.append(Problem(number, self.header("decision_number"), decision_number[:80],
                                        _("Khen thưởng này đã có trong hệ thống.")))
            elif key in seen:
                problems.append(Problem(number, self.header("decision_number"), decision_number[:80],
                                        _("Trùng với dòng %(row)s (cùng mô hình, hình thức và số quyết định).")
                                        % {"row": seen[key]}))
            seen.setdefault(key, number)
        summary = " · ".join([code[:80] or "?", shown(row.get("year")) or "?", (model_name or person_name)[:80] or "?",
                              shown(row.get("decision_number")) or "?"])
        if problems:
            return RowOutcome(number, ERROR, summary, problems), None, None
        return RowOutcome(number, CREATE, summary), (registration, values), None

    def write(self, plans, batch):
        checked = [(outcome.number, *target) for outcome, target, _changes in plans if outcome.action == CREATE]
        commendations = [
            Commendation(registration=registration, form=values["form"], level=values["level"],
                         decision_number=values["decision_number"], decision_date=values["decision_date"],
                         authority=values["authority"], import_batch=batch, created_by=self.user)
            for _number, registration, values in checked
        ]
        Commendation.objects.bulk_create(commendations, batch_size=WRITE_BATCH)
        events, newly_commended = [], set()
        for number, registration, values in checked:
            from_status = Status.COMMENDED if registration.pk in newly_commended else registration.status
            newly_commended.add(registration.pk)
            events.append(RegistrationEvent(**event_fields(
                registration, Action.COMMENDED, actor=self.user, source=Source.IMPORT, batch=batch,
                from_status=from_status, to_status=Status.COMMENDED,
                reason=_("%(form)s theo quyết định số %(number)s ngày %(date)s của %(authority)s (dòng %(row)s).") % {
                    "form": values["form"].name, "number": values["decision_number"],
                    "date": values["decision_date"].strftime("%d/%m/%Y"), "authority": values["authority"],
                    "row": number},
            )))
        RegistrationEvent.objects.bulk_create(events, batch_size=WRITE_BATCH)
        Registration.objects.filter(pk__in=newly_commended).exclude(status=Status.COMMENDED).update(
            status=Status.COMMENDED, version=F("version") + 1
        )
        return len(commendations)
