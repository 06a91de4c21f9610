"""Figures for the leadership reports and the public statistics (the tables that show them: report_tables.py).

Every number is computed by the database (GROUP BY / COUNT … FILTER / SUM); Python
only arranges the handful of aggregate rows that come back. `build_report` runs the
same fixed number of queries whatever the size of the data, so a province report
over a million registrations costs what a commune report over ten does in queries.

The caller passes the registrations and units the viewer may see
(`Registration.objects.for_user(user)` or `.published()`), an area (None for the
whole country) and a period; the area narrows both through `AdminArea.scope_q`,
which rolls pre-2025 areas up into today's when the area is a current one.
"""
import datetime
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Optional

from django.conf import settings
from django.core.cache import cache
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Sum, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..freshness import copy_key, kept
from ..models import (
    PUBLISHED_STATUSES,
    RESULT_FIGURES,
    YEAR_BREAKDOWNS,
    AdminArea,
    AreaKindSummary,
    AreaLevel,
    AreaYearSummary,
    Basis,
    CommendationSummary,
    ExemplarKind,
    Field,
    Level,
    Outcome,
    ProposalStatus,
    ProposalSummary,
    RegistrationDaySummary,
    Status,
    Structure,
    UnitKind,
    UnitYearSummary,
)
from ..models.areas import PROVINCE_PATH
from ..statements import Statements
from . import as_of

# The reform took effect on 1 July 2025: years up to 2025 were registered in the old structure.
LAST_LEGACY_YEAR = 2025
# How many years the trend chart shows at least, ending with the period's last year.
TREND_MIN_YEARS = 6
# Units without a registration listed on the page; the Excel export lists them all.
MISSING_UNITS_ON_PAGE = 50

# A registration counts once it has been sent to the commission and not withdrawn.
COUNTED_STATUSES = tuple(s for s in Status.values if s not in (Status.DRAFT, Status.WITHDRAWN))
COUNTED_Q = Q(status__in=COUNTED_STATUSES)
PUBLISHED_Q = Q(status__in=PUBLISHED_STATUSES)

@dataclass(frozen=True)
class Period:
    year_from: int
    year_to: int

    @property
    def is_single(self):
        return self.year_from == self.year_to

    @property
    def length(self):
        return self.year_to - self.year_from + 1

    @property
    def label(self):
        if self.is_single:
            return _("Năm %(year)s") % {"year": self.year_to}
        return _("Giai đoạn %(first)s–%(last)s") % {"first": self.year_from, "last": self.year_to}

    @property
    def params(self):
        if self.is_single:
            return {"nam": self.year_to}
        return {"tu-nam": self.year_from, "den-nam": self.year_to}

    def previous(self):
        """The year or period of the same length just before, if any of it is on record."""
        first = settings.FIRST_REGISTRATION_YEAR
        year_to = self.year_from - 1
        if year_to < first:
            return None
        return Period(max(first, self.year_from - self.length), year_to)

    def includes_legacy_years(self):
        return self.year_from <= LAST_LEGACY_YEAR


@dataclass(frozen=True)
class Summaries:
    """What a report is counted from: the summary rows a viewer may see, by area and year (every
    figure, each breakdown a column), by area and unit kind, by unit (units registered, the
    drill-down by unit), by area and day (the unfinished year's comparison), and the commendations
    and proposals by area."""

    years: object  # AreaYearSummary queryset
    kinds: object  # AreaKindSummary queryset, narrowed as `years` is
    units: object  # UnitYearSummary queryset
    days: object  # RegistrationDaySummary queryset, narrowed as `years` is
    commendations: object  # CommendationSummary queryset, narrowed as `years` is
    proposals: object  # ProposalSummary queryset, narrowed as `years` is
    # Once narrowed to one area (`in_area`): the year rows before that, where its children's are.
    wide: object = None

    @classmethod
    def for_user(cls, user):
        return cls(AreaYearSummary.objects.for_user(user), AreaKindSummary.objects.for_user(user),
                   UnitYearSummary.objects.for_user(user), RegistrationDaySummary.objects.for_user(user),
                   CommendationSummary.objects.for_user(user), ProposalSummary.objects.for_user(user))

    @classmethod
    def published(cls):
        return cls(AreaYearSummary.objects.published(), AreaKindSummary.objects.published(),
                   UnitYearSummary.objects.published(), RegistrationDaySummary.objects.published(),
                   CommendationSummary.objects.published(), ProposalSummary.objects.published())

    @classmethod
    def everything(cls):
        return cls(AreaYearSummary.objects.all(), AreaKindSummary.objects.all(), UnitYearSummary.objects.all(),
                   RegistrationDaySummary.objects.all(), CommendationSummary.objects.all(), ProposalSummary.objects.all())

    def filter(self, *args, **kwargs):
        """Narrowed by columns all of them have (status, year)."""
        return Summaries(self.years.filter(*args, **kwargs), self.kinds.filter(*args, **kwargs),
                         self.units.filter(*args, **kwargs), self.days.filter(*args, **kwargs),
                         self.commendations.filter(*args, **kwargs), self.proposals.filter(*args, **kwargs),
                         None if self.wide is None else self.wide.filter(*args, **kwargs))

    def in_area(self, area):
        """Narrowed to `area` (None: the country). Each area has its own rows in the area
        summaries, counting everything inside it (old communes rolled up included); the
        country's are its provinces' of today."""
        if area is None:
            return Summaries(self.years.of_area(None), self.kinds.of_area(None), self.units, self.days.of_area(None),
                             self.commendations.of_area(None), self.proposals.of_area(None), self.years)
        units = self.units.filter(area.scope_q("area", province_path=PROVINCE_PATH))
        return Summaries(self.years.of_area(area), self.kinds.of_area(area), units,
                         self.days.of_area(area), self.commendations.of_area(area), self.proposals.of_area(area),
                         self.years)


def summary_aggregates():
    """`figure_aggregates` over the area-year summary: each row adds its columns."""
    aggregates = {"total": Sum("registrations")}
    for prefix, _column, values in YEAR_BREAKDOWNS:
        for value in values:
            aggregates[f"{prefix}__{value}"] = Sum(f"{prefix}_{value}")
    for value in COUNTED_STATUSES:
        aggregates[f"status__{value}"] = Sum("registrations", filter=Q(status=value))
    aggregates["new"] = Sum("new")
    aggregates["replicated"] = Sum("replicated")
    for name in RESULT_FIGURES:
        aggregates[f"sum__{name}"] = Sum(name)
    return aggregates


def figure_aggregates():
    """Conditional aggregates for every figure of the main table, for one GROUP BY scan.

    Each FILTER clause costs time on every row, so figures that follow from others
    (see DERIVED) are not counted again, nor statuses that are never counted.
    """
    aggregates = {"total": Count("pk")}
    for name, values, column in (
        ("field", Field.values, "field"),
        ("level", Level.values, "level"),
        ("exemplar", ExemplarKind.values, "exemplar_kind"),
        ("status", COUNTED_STATUSES, "status"),
        ("outcome", Outcome.values, "outcome"),
    ):
        for value in values:
            aggregates[f"{name}__{value}"] = Count("pk", filter=Q(**{column: value}))
    aggregates["new"] = Count("pk", filter=Q(is_new=True))
    aggregates["replicated"] = Count("pk", filter=Q(replicates__isnull=False))
    for name in RESULT_FIGURES:
        aggregates[f"sum__{name}"] = Sum(name)
    return aggregates


COUNTED_KEYS = tuple(figure_aggregates())
DERIVED = {
    "continued": lambda f: f["total"] - f["new"],
    "exemplary": lambda f: f[f"outcome__{Outcome.EXEMPLARY}"],
    "commended": lambda f: f[f"status__{Status.COMMENDED}"],
}
FIGURE_KEYS = COUNTED_KEYS + tuple(DERIVED)


def add_figures(rows):
    """Add up per-year aggregate rows (a few dozen at most) into one figures dict."""
    totals = dict.fromkeys(COUNTED_KEYS, 0)
    for row in rows:
        for key in COUNTED_KEYS:
            totals[key] += row.get(key) or 0
    for key, derive in DERIVED.items():
        totals[key] = derive(totals)
    return totals


@dataclass
class ChildSpec:
    """How an area splits one level down for the drill-down table."""

    column: str  # the lookup on Registration grouped by
    kind: str  # "area" or "unit"
    title: str

    def column_expr(self):
        return F(self.column)


def child_spec(area):
    # Titles translated now, as the report is built in its language: a copy of it holds text, since
    # unpickling a lazy translation builds a class each time (a quarter of a millisecond).
    if area is None:
        return ChildSpec("area__current_province", "area", gettext("Tỉnh, thành phố"))
    if area.level == AreaLevel.COMMUNE:
        return ChildSpec("unit_id", "unit", gettext("Đơn vị"))
    if area.structure == Structure.CURRENT:
        return ChildSpec("area__current_commune", "area", gettext("Xã, phường, đặc khu"))
    if area.level == AreaLevel.PROVINCE:
        return ChildSpec("area__district", "area", gettext("Huyện, quận, thị xã, thành phố (cơ cấu cũ)"))
    return ChildSpec("area_id", "area", gettext("Xã, phường, thị trấn (cơ cấu cũ)"))


@dataclass(frozen=True)
class ChildArea:
    """An area one level down as the drill-down shows it, or a pre-2025 area the report rolls up:
    read as values, not as a model, since a province has a few hundred communes."""

    pk: int
    code: str
    name: str
    structure: str

    def __str__(self):
        return AdminArea.label_of(self.name, self.structure)


def child_areas(area):
    """The areas one level down, zero rows included, in display order, as `ChildArea` reads them
    (a commune's units: `CommuneUnit.query`)."""
    areas = AdminArea.objects.current().provinces() if area is None else AdminArea.objects.filter(parent=area)
    return areas.order_by("name").values_list("pk", "code", "name", "structure")


# The drill-down's figures, from the area summary (rows are areas) or the unit summary (rows are units).
CHILD_AGGREGATES = {
    "total": Sum("registrations"),
    **{f"field__{value}": Sum(f"field_{value}") for value in Field.values},
    "new": Sum("new"),
    "replicated": Sum("replicated"),
    "exemplary": Sum(f"outcome_{Outcome.EXEMPLARY}"),
    "sum__participants": Sum("participants"),
    "sum__money_mobilised": Sum("money_mobilised"),
}
UNIT_CHILD_AGGREGATES = {
    "total": Sum("registrations"),
    **{f"field__{value}": Sum(f"field_{value}") for value in Field.values},
    "new": Sum("new"),
    "replicated": Sum("replicated"),
    "exemplary": Sum("exemplary"),
    "sum__participants": Sum("participants"),
    "sum__money_mobilised": Sum("money_mobilised"),
}


@dataclass
class ChildRow:
    obj: object  # ChildArea or CommuneUnit, None for rows whose area has no successor
    figures: dict


@dataclass(frozen=True)
class Kind:
    """A kind of unit as the report names it, read as values with the report's other queries."""

    pk: int
    code: str
    name: str
    parent_id: Optional[int]


@dataclass
class KindRow:
    kind: Kind
    registrations: int = 0
    units: int = 0
    units_registered: int = 0

    @property
    def units_missing(self):
        return self.units - self.units_registered

    @property
    def percent(self):
        return round(100 * self.units_registered / self.units) if self.units else None


@dataclass
class Report:
    area: Optional[AdminArea]
    period: Period
    previous: Optional[Period]
    figures: dict
    previous_figures: Optional[dict]
    trend: list  # [(year, figures)] oldest first
    kinds: list  # [KindRow]
    completeness_year: int
    units_total: int
    units_registered: int
    missing_units: list  # [MissingUnit]
    continuity: dict
    child_spec: ChildSpec
    children: list  # [ChildRow]
    rolls_up_legacy: bool
    legacy_areas: list = field(default_factory=list)  # [ChildArea]
    commendations: list = field(default_factory=list)  # [(form name, level label, count)]
    proposals: list = field(default_factory=list)  # [(level label, pending, accepted, declined)]
    cache_key: str = ""  # set when the report is kept in the shared cache; its tables are kept under it too
    taken: Optional[as_of.Taken] = None  # when the figures were read; how far an unfinished year has run

    @property
    def previous_label(self):
        """'Năm 2025', or 'Năm 2025 (cùng kỳ, đến 01/12/2025)' against an unfinished year."""
        if self.previous is None:
            return ""
        if self.taken is not None and self.taken.partial:
            return _("%(period)s (cùng kỳ, đến %(day)s)") % {
                "period": self.previous.label, "day": self.taken.compared_on.strftime("%d/%m/%Y")}
        return self.previous.label

    def comparable(self, key):
        """Whether `key` is compared: against an unfinished year, only what as_of can count on a past day."""
        return self.previous_figures is not None and (
            self.taken is None or not self.taken.partial or key in as_of.COMPARABLE)

    def previous_value(self, key):
        return self.previous_figures[key] if self.comparable(key) else None

    @property
    def units_missing(self):
        return self.units_total - self.units_registered

    def change(self, key):
        """(difference, percent) of a figure against the previous year or period (the same point of
        it when the period ends in the unfinished year); None when there is nothing to compare."""
        if not self.comparable(key):
            return None
        before, now = self.previous_figures[key], self.figures[key]
        percent = round(100 * (now - before) / before, 1) if before else None
        return now - before, percent


def scoped(registrations, units, area):
    if isinstance(registrations, Summaries):
        registrations = registrations.in_area(area)
    elif area is not None:
        registrations = registrations.filter(area.scope_q("area"))
    if area is not None:
        units = units.filter(area.scope_q("area", province_path=PROVINCE_PATH))
    return registrations, units


def registered_in(summaries, year):
    """Q for units with a counted registration in `year` among `summaries` (already scoped):
    one hashed subquery over the area's unit summary, not one probe per unit."""
    return Q(pk__in=summaries.units.filter(year=year).values("unit_id"))


def operating_day(year):
    """The day whose open units count for `year`: its last, or today for the current year."""
    return min(datetime.date(year, 12, 31), timezone.localdate())


def in_operation(units, year):
    """The units still open at the end of `year` (today, for the current year): a unit dissolved
    by a merge or split counts, and is missing, no longer after its closing date."""
    return units.in_operation_on(operating_day(year))


# Units commune by commune, by name inside each: an area's few thousand units are sorted at most.
MISSING_ORDER = ("area__name", "name", "pk")


def units_without_registration(units, summaries, year):
    """The `units` (already in operation, `in_operation`) with no counted registration in `year`
    among `summaries` (already scoped).

    NOT EXISTS, not the negation of `registered_in`: the database answers it as an anti-join from
    the area's own units, where a NOT IN over the hashed subquery had it read every unit of the
    country (a province's Excel export: 38 ms at 100,000 units, growing with the country)."""
    unregistered = ~Exists(summaries.units.filter(year=year, unit_id=OuterRef("pk")))
    return units.filter(unregistered).select_related("area", "kind__parent").order_by(*MISSING_ORDER)


@dataclass(frozen=True)
class MissingUnit:
    """A unit with nothing registered as a report lists it: read as values, not as a model with its
    area and kind, since an export lists a province's thousands of them."""

    code: str
    name: str
    kind: str  # the kind's label
    area: str  # the area's name as shown

    @classmethod
    def of(cls, code, name, kind, parent, area, structure):
        return cls(code, name, UnitKind.label_of(kind, parent), AdminArea.label_of(area, structure))


MISSING_COLUMNS = ("code", "name", "kind__name", "kind__parent__name", "area__name", "area__structure")


@dataclass(frozen=True)
class CommuneUnit:
    """One unit of a commune's report: a row of its drill-down, counted in the kinds table, and
    listed as missing when it has registered nothing this year."""

    pk: int
    kind_id: int
    registered: bool  # a counted registration this year
    listed: bool  # in the drill-down
    by_name: int  # its place in the drill-down, by name
    missing: MissingUnit  # as the missing list shows it

    @property
    def code(self):
        return self.missing.code

    @property
    def name(self):
        return self.missing.name

    @staticmethod
    def query(units, registered, listed):
        """The units, in the order of the missing list, each with its place by name. One query, since
        a commune has a few hundred units at most: the kinds, the missing and the drill-down are
        counted from it instead of three queries each. Its rows are read by `of`."""
        return (
            units.annotate(
                registered=ExpressionWrapper(registered, output_field=BooleanField()),
                listed=ExpressionWrapper(listed, output_field=BooleanField()),
                by_name=Window(RowNumber(), order_by=("name", "pk")),
            )
            .order_by(*MISSING_ORDER)
            .values_list("pk", "kind_id", *MISSING_COLUMNS, "registered", "listed", "by_name")
        )

    @classmethod
    def of(cls, pk, kind, *row):
        *missing, is_registered, is_listed, place = row
        return cls(pk, kind, is_registered, is_listed, place, MissingUnit.of(*missing))


def report_key(viewer, area, period, options):
    """What a report depends on besides the data: the viewer's scope, the area and its kind, the
    period, the options. It names the report's shared copy and its compiled queries (statements.py),
    each of which adds the days and the other queries' rows it embeds."""
    return ("bao-cao", viewer, area and (area.pk, area.level, area.structure), period.year_from, period.year_to,
            tuple(sorted((name, str(value)) for name, value in options.items())))


def cached_report(viewer, summaries, units, area, period, **options):
    """`build_report`, taken from the shared cache while the data it was built from is unchanged.

    `viewer` names exactly the rows the viewer may see (`access.scope_key`, or "published" for
    the public statistics), so two viewers share a copy only when they may see the same rows;
    `summaries` is a function giving the viewer's Summaries, called only when a query is built
    (a copy found, or statements already compiled, read none of them).
    """
    seconds = settings.REPORT_CACHE_SECONDS
    parts = report_key(viewer, area, period, options)
    statements = Statements(parts)
    if seconds <= 0:
        return build_report(SimpleLazyObject(summaries), units, area, period, statements=statements, **options)
    # A report of an area inside one of today's provinces lives through changes in the others.
    key = copy_key(*parts, province=area.current_province_id if area else None)
    report = cache.get(key)
    if report is None:
        report = build_report(SimpleLazyObject(summaries), units, area, period, statements=statements, **options)
        report.cache_key = key
        cache.set(key, report, seconds)
    return report


class _Scope:
    """The querysets a report reads, narrowed to its area and period: built only for the statements
    not compiled yet (`Statements`), since building them cost more than running them."""

    def __init__(self, summaries, units, area, period, counted_q):
        self._summaries, self._units = summaries, units
        self.area, self.period, self.counted_q = area, period, counted_q

    @cached_property
    def _scoped(self):
        return scoped(self._summaries.filter(self.counted_q), self._units.filter(is_active=True), self.area)

    @cached_property
    def summaries(self):
        return self._scoped[0]

    @cached_property
    def units(self):
        return in_operation(self._scoped[1], self.period.year_to)

    @cached_property
    def in_period(self):
        return self.summaries.filter(year__gte=self.period.year_from, year__lte=self.period.year_to)

    @cached_property
    def registered_this_year(self):
        return registered_in(self.summaries, self.period.year_to)


def build_report(summaries, units, area, period, *, counted_q=COUNTED_Q, missing_limit=MISSING_UNITS_ON_PAGE,
                 idle_units_listed=True, statements=None):
    """All figures of one report. `summaries` (Summaries) and `units` are already narrowed to the viewer;
    `statements` (statements.Statements) keeps the report's compiled queries, when its caller knows its key.

    `idle_units_listed` False leaves out of a commune's drill-down the units with nothing
    counted in the period: the public statistics name no unit that has published nothing.
    """
    statements = statements or Statements()
    scope = _Scope(summaries, units, area, period, counted_q)
    previous = period.previous()
    day = operating_day(period.year_to)

    # 1 query: every figure of every year the page shows (the period, the previous one, the trend's
    # earlier years), with the models each year carried on to the next: a few summary rows a year.
    figures_from = previous.year_from if previous else period.year_from
    first_year = max(min(figures_from, period.year_to - TREND_MIN_YEARS + 1), settings.FIRST_REGISTRATION_YEAR)
    carried = "carried_published" if counted_q == PUBLISHED_Q else "carried"
    per_year = {
        row["year"]: row
        for row in statements.dicts("years", lambda: (
            scope.summaries.years.filter(year__gte=first_year, year__lte=period.year_to)
            .order_by()
            .values("year")
            .annotate(**summary_aggregates(), carried=Sum(carried))), first_year)
    }
    empty = {}
    figures = add_figures(per_year.get(y, empty) for y in range(period.year_from, period.year_to + 1))
    previous_figures = (
        add_figures(per_year.get(y, empty) for y in range(previous.year_from, previous.year_to + 1))
        if previous
        else None
    )
    trend = [(y, add_figures([per_year.get(y, empty)])) for y in range(first_year, period.year_to + 1)]
    # 1 query when the period ends in the unfinished year: the previous one as of the same day.
    taken = as_of.taken(period)
    if previous and taken.partial:
        basis = Basis.PUBLISHED if counted_q == PUBLISHED_Q else Basis.COUNTED
        earlier = add_figures(per_year.get(y, empty) for y in range(previous.year_from, previous.year_to))
        previous_figures = as_of.figures_on(SimpleLazyObject(lambda: scope.summaries.days), previous,
                                            taken.compared_on, basis, earlier, statements)

    this_year = period.year_to

    # The kinds, as this process keeps them (freshness.kept); then 1 query: registrations by kind,
    # added up here into the top-level kinds.
    all_kinds = kept(("unit-kinds",), lambda: [
        Kind(*row) for row in UnitKind.objects.values_list("pk", "code", "name", "parent_id")])
    top_of = {kind.pk: kind.parent_id or kind.pk for kind in all_kinds}
    kinds = {kind.pk: KindRow(kind) for kind in all_kinds if kind.parent_id is None}
    for kind, n in statements.rows("kinds", lambda: (
            scope.in_period.kinds.order_by().values_list("unit_kind_id").annotate(n=Sum("registrations")))):
        kinds[top_of[kind]].registrations += n

    spec = child_spec(area)
    if spec.kind == "unit":
        # 1 query: a commune's units, counted by kind, the missing among them and the drill-down's rows.
        # The drill-down leaves out, when asked, the units with nothing counted in the period.
        commune_units = [CommuneUnit.of(*row) for row in statements.rows("commune-units", lambda: CommuneUnit.query(
            scope.units, scope.registered_this_year,
            Value(True) if idle_units_listed else Q(pk__in=scope.in_period.units.values("unit_id"))), day)]
        for unit in commune_units:
            top = kinds[top_of[unit.kind_id]]
            top.units += 1
            top.units_registered += unit.registered
        missing = [unit.missing for unit in commune_units if not unit.registered][:missing_limit]
        child_objects = sorted((unit for unit in commune_units if unit.listed), key=attrgetter("by_name"))
    else:
        # 1 query: units and units registered this year by kind (a dozen kinds: no join).
        for kind, n, registered in statements.rows("census", lambda: (
                scope.units.order_by().values_list("kind_id")
                .annotate(n=Count("pk"), registered=Count("pk", filter=scope.registered_this_year))), day):
            top = kinds[top_of[kind]]
            top.units += n
            top.units_registered += registered
        # 1 query: the units with no registration this year. `missing_limit` None lists them all
        # (exports), 0 skips the list (pages that link to it instead).
        missing = []
        if missing_limit != 0:
            missing = [MissingUnit.of(*row) for row in statements.rows("missing", lambda: (
                units_without_registration(scope.units, scope.summaries, this_year)
                .values_list(*MISSING_COLUMNS)[:missing_limit]), day)]
        # 1 query: the areas one level down.
        child_objects = [ChildArea(*row) for row in statements.rows("children", lambda: child_areas(area))]
    kind_rows = [row for row in kinds.values() if row.registrations or row.units]

    # Last year's models carried on this year (a model of this year, counted as they are,
    # continues them), or dropped: from the year query above.
    last_year = per_year.get(this_year - 1, empty)
    continuity = {"total": last_year.get("total") or 0, "continued": last_year.get("carried") or 0,
                  "year": this_year - 1}
    continuity["dropped"] = continuity["total"] - continuity["continued"]

    # 1 query: the figures one level down, grouped in the database.
    if spec.kind == "unit":
        cells = statements.dicts("cells", lambda: (
            scope.in_period.units.order_by().values(child=spec.column_expr()).annotate(**UNIT_CHILD_AGGREGATES)))
    else:
        # Each child area's own cells: they count what lies inside it.
        child_pks = tuple(obj.pk for obj in child_objects)
        cells = statements.dicts("cells", lambda: (
            scope.in_period.wide.filter(area__in=child_pks).order_by()
            .values(child=F("area_id")).annotate(**CHILD_AGGREGATES)), child_pks)
    by_child = {row["child"]: row for row in cells}
    empty_child = dict.fromkeys(CHILD_AGGREGATES, 0)
    children = [
        ChildRow(obj, {k: v or 0 for k, v in by_child.pop(obj.pk, empty_child).items() if k != "child"})
        for obj in child_objects
    ]
    children += [
        ChildRow(None, {k: v or 0 for k, v in row.items() if k != "child"}) for row in by_child.values()
    ]

    rolls_up_legacy = (area is None or area.structure == Structure.CURRENT) and period.includes_legacy_years()
    legacy_areas = []
    if area is not None and area.structure == Structure.CURRENT and period.includes_legacy_years():
        # 1 query: the pre-2025 areas of the same level that roll up into this one.
        legacy_areas = [ChildArea(*row) for row in statements.rows("legacy", lambda: (
            AdminArea.objects.legacy().filter(area.scope_q(""), level=area.level).order_by("name")
            .values_list("pk", "code", "name", "structure")[:20]))]

    # 2 queries: commendations by form and level, proposals by level and decision.
    commendations = [
        (form, str(Level(level).label), n)
        for form, _order, level, n in statements.rows("commendations", lambda: (
            scope.in_period.commendations.order_by("form__order", "level")
            .values_list("form__name", "form__order", "level")
            .annotate(n=Sum("commendations"))))
    ]
    proposals = [
        (str(Level(level).label), pending, accepted, declined)
        for level, pending, accepted, declined in statements.rows("proposals", lambda: (
            scope.in_period.proposals.order_by("level")
            .values_list("level")
            .annotate(
                pending=Coalesce(Sum("proposals", filter=Q(proposal_status=ProposalStatus.PENDING)), 0),
                accepted=Coalesce(Sum("proposals", filter=Q(proposal_status=ProposalStatus.ACCEPTED)), 0),
                declined=Coalesce(Sum("proposals", filter=Q(proposal_status=ProposalStatus.DECLINED)), 0),
            )))
    ]

    return Report(
        commendations=commendations,
        proposals=proposals,
        area=area,
        period=period,
        previous=previous,
        figures=figures,
        previous_figures=previous_figures,
        trend=trend,
        kinds=kind_rows,
        completeness_year=this_year,
        units_total=sum(k.units for k in kinds.values()),
        units_registered=sum(k.units_registered for k in kinds.values()),
        missing_units=missing,
        continuity=continuity,
        child_spec=spec,
        children=children,
        rolls_up_legacy=rolls_up_legacy,
        legacy_areas=legacy_areas,
        taken=taken,
    )

