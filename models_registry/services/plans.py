"""The year plan: which dates apply to a unit, whether each was met, and who is late.

A province sets the year's dates for all its units; a commune may set earlier dates for its
own units. Every deadline in the portal is read through `effective_plan`.
"""
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import scope_of
from ..freshness import copy_key
from ..models import (
    PLAN_DATES,
    AdminArea,
    AreaLevel,
    Registration,
    RegistrationEvent,
    Review,
    ReviewKind,
    Status,
    Unit,
    YearPlan,
)
from ..models.areas import PROVINCE_PATH
from .errors import NotNow

DATE_FIELDS = tuple(name for name, _label in PLAN_DATES)
# A reminder goes out this many days before a deadline, and on the day.
REMINDER_DAYS = (7, 0)

# The steps of the year whose timeliness staff follow, each with the plan date it is measured against.
REGISTERED, MID_YEAR, YEAR_END = "dang-ky", "so-ket", "tong-ket"
STEPS = {
    REGISTERED: ("registration_closes", gettext_lazy("Đăng ký mô hình")),
    MID_YEAR: ("mid_year_review_due", gettext_lazy("Sơ kết giữa năm")),
    YEAR_END: ("year_end_review_due", gettext_lazy("Tổng kết cuối năm")),
}
ON_TIME, LATE, NOT_YET = "dung-han", "tre-han", "chua-co"
STATES = {
    ON_TIME: gettext_lazy("Đúng hạn"),
    LATE: gettext_lazy("Trễ hạn"),
    NOT_YET: gettext_lazy("Chưa có"),
}
# Registrations that count as "the unit has registered" (a withdrawn or unsent one does not).
REGISTERED_STATUSES = (Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED, Status.COMPLETED, Status.COMMENDED)


@dataclass
class EffectivePlan:
    year: int
    dates: dict = field(default_factory=dict)
    # For each date, the area that set it (the commune or the province).
    set_by: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def date(self, name):
        return self.dates.get(name)

    @property
    def is_empty(self):
        return not any(self.dates.values())

    def rows(self):
        """(label, date, area that set it) for each date of the year, in order; unset dates included."""
        return [(label, self.dates.get(name), self.set_by.get(name)) for name, label in PLAN_DATES]


def plan_area_ids(area):
    """Ids of the commune and province of today's structure that plan for units in `area` (either may be None)."""
    if area.level == AreaLevel.PROVINCE and area.is_current:
        return None, area.pk
    commune_id = area.current_commune_id or (area.pk if area.is_current else None)
    province_id = area.current_province_id or (area.province_id if area.is_current else None)
    return commune_id, province_id


def plan_areas(area):
    """(commune, province) of today's structure that plan for units in `area` (either may be None)."""
    commune_id, province_id = plan_area_ids(area)
    areas = AdminArea.objects.in_bulk([pk for pk in (commune_id, province_id) if pk])
    return areas.get(commune_id), areas.get(province_id)


def effective_plan(area, year, *, plans=None):
    """The dates that apply in `area` for `year`: the commune's own where set, else the province's.

    `plans` ({(area id, year): YearPlan with its area}) lets a caller that looks at many units read
    the plans once.
    """
    commune_id, province_id = plan_area_ids(area)
    if plans is None:
        plans = {(p.area_id, p.year): p for p in YearPlan.objects.filter(
            area_id__in=[pk for pk in (commune_id, province_id) if pk], year=year).select_related("area")}
    result = EffectivePlan(year)
    for source_id in (province_id, commune_id):
        plan = plans.get((source_id, year)) if source_id else None
        if plan is None:
            continue
        if plan.note:
            result.notes.append(plan.note)
        for name in DATE_FIELDS:
            value = getattr(plan, name)
            if value:
                result.dates[name] = value
                result.set_by[name] = plan.area
    return result


def own_plan(area, year):
    return YearPlan.objects.filter(area=area, year=year).first() or YearPlan(area=area, year=year)


def save_plan(user, area, year, *, dates, note=""):
    """Set `area`'s plan for `year`. A commune may only bring the province's dates forward."""
    errors = {}
    ordered = [(name, dates.get(name)) for name in DATE_FIELDS if dates.get(name)]
    for (first, first_date), (second, second_date) in zip(ordered, ordered[1:], strict=False):
        if second_date < first_date:
            errors[second] = _("Ngày này phải sau “%(earlier)s” (%(date)s).") % {
                "earlier": dict(PLAN_DATES)[first], "date": first_date.strftime("%d/%m/%Y")}
    _commune, province = plan_areas(area)
    if province is not None and province.pk != area.pk:
        upper = effective_plan(province, year)
        for name, value in dates.items():
            if value and upper.date(name) and value > upper.date(name):
                errors[name] = _("Không được muộn hơn hạn của tỉnh (%(date)s).") % {
                    "date": upper.date(name).strftime("%d/%m/%Y")}
    if errors:
        raise NotNow(errors)
    with transaction.atomic():
        plan, _created = YearPlan.objects.select_for_update().get_or_create(area=area, year=year)
        for name in DATE_FIELDS:
            setattr(plan, name, dates.get(name))
        plan.note = note
        plan.updated_by = user
        plan.save()
    return plan


# What each unit has done --------------------------------------------------------------------------

def done_dates(unit_ids, year):
    """{step: {unit id: date the step was first done}} for the units, in two queries."""
    registered = (
        RegistrationEvent.objects.filter(
            registration__unit_id__in=unit_ids, registration__year=year,
            registration__status__in=REGISTERED_STATUSES, to_status__in=(Status.SUBMITTED, Status.ACCEPTED),
        ).values("registration__unit_id").annotate(first=Min("at")).values_list("registration__unit_id", "first")
    )
    result = {REGISTERED: {unit_id: at.date() for unit_id, at in registered}, MID_YEAR: {}, YEAR_END: {}}
    step_of_kind = {ReviewKind.MID_YEAR: MID_YEAR, ReviewKind.YEAR_END: YEAR_END}
    reviewed = (
        Review.objects.filter(registration__unit_id__in=unit_ids, registration__year=year, kind__in=step_of_kind)
        .exclude(registration__status=Status.WITHDRAWN)
        .values("registration__unit_id", "kind").annotate(first=Min("review_date"))
        .values_list("registration__unit_id", "kind", "first")
    )
    for unit_id, kind, first in reviewed:
        result[step_of_kind[kind]][unit_id] = first
    return result


def state_of(done_on, due):
    if done_on is None:
        return NOT_YET
    return LATE if due and done_on > due else ON_TIME


@dataclass
class Deadline:
    name: str
    label: str
    due: datetime.date
    done_on: datetime.date = None
    done: bool = False
    # Days from today to the due date (negative once it has passed).
    days: int = 0

    @property
    def done_late(self):
        return self.done_on is not None and self.done_on > self.due


def unit_deadlines(unit, year, today=None):
    """The plan's deadlines as they stand for one unit: what is due, by when, and what is late."""
    today = today or datetime.date.today()
    plan = effective_plan(unit.area, year)
    if plan.is_empty:
        return plan, []
    done = done_dates([unit.pk], year)
    results_done = Registration.objects.filter(
        unit=unit, year=year, status__in=REGISTERED_STATUSES).exclude(results="").exists()
    step_of_date = {date_name: step for step, (date_name, _label) in STEPS.items()}
    deadlines = []
    for name, label in PLAN_DATES:
        due = plan.date(name)
        if not due or name == "registration_opens":
            continue
        step = step_of_date.get(name)
        done_on = done[step].get(unit.pk) if step else None
        deadlines.append(Deadline(name, str(label), due, done_on, done_on is not None or
                                  (name == "results_due" and results_done), (due - today).days))
    return plan, deadlines


# Who is late -----------------------------------------------------------------------------------------

@dataclass
class TimelinessRow:
    label: str
    group: str
    key: str
    total: int = 0
    counts: dict = field(default_factory=lambda: {step: {state: 0 for state in STATES} for step in STEPS})

    def rate(self, step):
        """Share of the units that have done the step, on time or late (the reporting rate)."""
        if not self.total:
            return None
        done = self.counts[step][ON_TIME] + self.counts[step][LATE]
        return round(100 * done / self.total)

    def cells(self):
        """[(step, [(state, count)], rate)] in the order of the table's columns."""
        return [(step, list(self.counts[step].items()), self.rate(step)) for step in STEPS]


def units_in_scope(user, area):
    return Unit.objects.for_user(user).filter(area.scope_q("area", province_path=PROVINCE_PATH), is_active=True)


def unit_states(units, year):
    """[(unit, {step: state})] for the units, with the plan read once per commune."""
    units = list(units.select_related("area", "kind", "kind__parent"))
    return list(zip(units, step_states([(unit.pk, unit.area) for unit in units], year), strict=True))


def step_states(units, year):
    """[{step: state}] for (unit id, its area) pairs, in their order, the plan read once per area."""
    done = done_dates([pk for pk, _area in units], year)
    plans = {(p.area_id, p.year): p for p in YearPlan.objects.filter(year=year).select_related("area")}
    plan_cache = {}
    rows = []
    for pk, area in units:
        plan = plan_cache.get(area.pk)
        if plan is None:
            plan = plan_cache[area.pk] = effective_plan(area, year, plans=plans)
        rows.append({step: state_of(done[step].get(pk), plan.date(date_name))
                     for step, (date_name, _label) in STEPS.items()})
    return rows


def timeliness(user, area, year):
    """Rows per commune and per unit kind: how many units did each step on time, late, or not yet."""
    by_commune, by_kind = {}, {}
    for unit, states in unit_states(units_in_scope(user, area), year):
        commune = unit.area
        kind = unit.kind.parent or unit.kind
        for table, key, label, group in ((by_commune, commune.code, str(commune), "xa"),
                                         (by_kind, kind.code, str(kind), "loai")):
            row = table.get(key)
            if row is None:
                row = table[key] = TimelinessRow(label, group, key)
            row.total += 1
            for step, state in states.items():
                row.counts[step][state] += 1
    return (sorted(by_commune.values(), key=lambda r: r.label),
            sorted(by_kind.values(), key=lambda r: r.label))


def units_behind(user, area, year, *, step, state, commune_code=None, kind_code=None):
    """The units behind one number of the timeliness table."""
    units = units_in_scope(user, area)
    if commune_code:
        units = units.filter(area__code=commune_code)
    if kind_code:
        units = units.filter(kind__code=kind_code) | units.filter(kind__parent__code=kind_code)
    return [unit for unit, states in unit_states(units, year) if states[step] == state]


def reminders_due(today):
    """[(unit, Deadline, days before)] for each unit with a deadline it has not met in REMINDER_DAYS days."""
    targets = {today + datetime.timedelta(days=days) for days in REMINDER_DAYS}
    plans = {(p.area_id, p.year): p for p in YearPlan.objects.select_related("area")}
    result = []
    for year in sorted({year for (_area, year), plan in plans.items()
                        if any(getattr(plan, name) in targets for name in DATE_FIELDS)}):
        areas = [plan.area for (_area, plan_year), plan in plans.items() if plan_year == year]
        scope = areas[0].scope_q("area")
        for plan_area in areas[1:]:
            scope |= plan_area.scope_q("area")
        units = list(Unit.objects.filter(scope, is_active=True).select_related("area"))
        done = done_dates([u.pk for u in units], year)
        with_results = set(Registration.objects.filter(
            unit__in=units, year=year, status__in=REGISTERED_STATUSES).exclude(results="").values_list(
            "unit_id", flat=True))
        step_of_date = {date_name: step for step, (date_name, _label) in STEPS.items()}
        plan_cache = {}
        for unit in units:
            plan = plan_cache.get(unit.area_id)
            if plan is None:
                plan = plan_cache[unit.area_id] = effective_plan(unit.area, year, plans=plans)
            for name, label in PLAN_DATES:
                due = plan.date(name)
                if name == "registration_opens" or due not in targets:
                    continue
                step = step_of_date.get(name)
                met = unit.pk in done[step] if step else unit.pk in with_results
                if not met:
                    result.append((unit, Deadline(name, str(label), due), (due - today).days))
    return result


def timeliness_total(user, area, year):
    """One row for the whole area: the staff home's summary of the timeliness tables.

    Every unit of the area is read for it, and it changes only with the data (units, plans,
    registrations and their reviews): it is kept in the shared cache under the data version of
    the area's province, for every viewer of the same scope."""
    seconds = settings.REPORT_CACHE_SECONDS
    if seconds <= 0:
        return _timeliness_total(user, area, year)
    kind, scope_area = scope_of(user)
    key = copy_key("tien-do", kind, getattr(scope_area, "pk", scope_area), area.pk, year,
                   province=area.current_province_id)
    total = cache.get(key)
    if total is None:
        total = _timeliness_total(user, area, year)
        cache.set(key, total, seconds)
    return total


def _timeliness_total(user, area, year):
    # A province holds thousands of units: read as (id, area id) pairs, not as model instances.
    units = list(units_in_scope(user, area).values_list("pk", "area_id"))
    areas = AdminArea.objects.in_bulk({area_id for _pk, area_id in units})
    total = TimelinessRow(str(area), "", "")
    for states in step_states([(pk, areas[area_id]) for pk, area_id in units], year):
        total.total += 1
        for step, state in states.items():
            total.counts[step][state] += 1
    return total
