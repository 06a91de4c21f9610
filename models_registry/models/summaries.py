"""Exact running totals of the registrations, which the reports and statistics read instead of the rows.

Database triggers (summary_triggers.py) keep these tables equal to a fresh count of
models_registry_registration and its history after every statement that writes them, whatever the path: forms,
workflow, the import's COPY, the admin, queryset.update(), raw SQL and data migrations alike.
They are written by hand for both databases (django-pgtrigger knows PostgreSQL only, and every
test runs on SQLite too): on PostgreSQL one statement-level trigger per event folds the whole
statement's transition table into the totals at once, so a 5,000-row COPY costs one grouped
upsert, not 5,000; SQLite has row triggers only, which is plenty for its sizes.

A cell whose count falls to zero is deleted, so the tables hold only cells with registrations.
Nothing in Python writes these tables.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from .areas import PROVINCE_PATH, AdminArea, AreaLevel, Structure
from .choices import ExemplarKind, Field, Level, Outcome, Status
from .history import Action
from .scoping import scope_for_user
from .units import Unit, UnitKind

# Kept in the order of RESULT_FIGURES (registrations.py), whose sums the area summary holds.
SUMMED_FIGURES = (
    "participants",
    "beneficiaries",
    "money_mobilised",
    "land_donated_m2",
    "work_days",
    "houses",
    "households_out_of_poverty",
)
# The unit summary holds what the drill-down by unit shows, and the units registered in a year.
UNIT_SUMMED_FIGURES = ("participants", "money_mobilised")


class SummaryQuerySet(models.QuerySet):
    province_path = None  # the lookup of the rows' own copy of their province, where they keep one

    def published(self):
        from .choices import PUBLISHED_STATUSES

        return self.filter(status__in=PUBLISHED_STATUSES)

    def for_user(self, user):
        """The cells `user` may see: the same rule as Registration.objects.for_user."""
        return scope_for_user(self, user, area_path="area", unit_path=self.unit_path, fallback=type(self).published,
                              province_path=self.province_path)


class AreaSummaryQuerySet(SummaryQuerySet):
    # The area summary has no unit: a unit account sees no cell of it (reports are not for units).
    unit_path = "area__in"

    def of_area(self, area):
        """The cells of `area` alone, which count everything inside it; None: the country, whose
        cells are its provinces' of today."""
        if area is None:
            return self.filter(area__structure=Structure.CURRENT, area__level=AreaLevel.PROVINCE)
        return self.filter(area=area)

    def for_user(self, user):
        from ..access import UNIT, scope_of

        if scope_of(user)[0] == UNIT:
            return self.none()
        return super().for_user(user)


class UnitSummaryQuerySet(SummaryQuerySet):
    unit_path = "unit"
    province_path = PROVINCE_PATH


# No database foreign keys: registrations already protect their areas, units and kinds, and the
# triggers need not check them again on every write.
def _area():
    # No index of its own: every summary's unique cell (or its area index) leads with the area and
    # serves its lookups. The planner took the area-only index instead and filtered the years after
    # it (a province's five years read every year of its areas), and each write kept both up.
    return models.ForeignKey(AdminArea, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+",
                             verbose_name=_("địa bàn"))


def _status():
    return models.CharField(_("trạng thái"), max_length=12, choices=Status.choices)


class RegistrationSummary(models.Model):
    """Registrations counted by area, year, field, level, exemplar kind, unit kind, status, outcome
    and new/continued, with the result sums. Each registration counts in its commune and in every
    area containing it, old and new (AdminArea.MEMBER_COLUMNS): an area's figures are its own cells."""

    area = _area()
    year = models.PositiveSmallIntegerField(_("năm"))
    status = _status()
    field = models.CharField(_("lĩnh vực"), max_length=20, choices=Field.choices, blank=True)
    level = models.CharField(_("cấp"), max_length=12)
    exemplar_kind = models.CharField(_("loại điển hình"), max_length=12)
    unit_kind = models.ForeignKey(UnitKind, models.DO_NOTHING, db_constraint=False, related_name="+",
                                  verbose_name=_("loại đơn vị"))
    outcome = models.CharField(_("kết quả đánh giá"), max_length=14, choices=Outcome.choices, blank=True)
    is_new = models.BooleanField(_("xây dựng mới"))
    registrations = models.IntegerField(_("số mô hình"))
    replicated = models.IntegerField(_("số mô hình nhân rộng"))
    # Of these, how many a model of the next year continues (RegistrationFacts.carried): counted,
    # or published, as the continuity of the staff's reports and of the public statistics asks.
    carried = models.IntegerField(_("số mô hình được tiếp nối"), default=0)
    carried_published = models.IntegerField(_("số mô hình được tiếp nối và công bố"), default=0)
    participants = models.BigIntegerField(default=0)
    beneficiaries = models.BigIntegerField(default=0)
    money_mobilised = models.BigIntegerField(default=0)
    land_donated_m2 = models.BigIntegerField(default=0)
    work_days = models.BigIntegerField(default=0)
    houses = models.BigIntegerField(default=0)
    households_out_of_poverty = models.BigIntegerField(default=0)

    objects = AreaSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổng hợp đăng ký theo địa bàn")
        verbose_name_plural = _("tổng hợp đăng ký theo địa bàn")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "year", "status", "field", "level", "exemplar_kind", "unit_kind", "outcome", "is_new"],
                name="registration_summary_cell",
            ),
        ]
        indexes = [models.Index(fields=["year", "area"], name="registration_summary_year")]

    def __str__(self):
        return f"{self.area_id} {self.year} {self.status}: {self.registrations}"


class UnitYearSummary(models.Model):
    """Registrations counted by unit, area, year and status: the drill-down of a commune by unit,
    and which units registered in a year."""

    area = _area()
    year = models.PositiveSmallIntegerField(_("năm"))
    status = _status()
    unit = models.ForeignKey(Unit, models.DO_NOTHING, db_constraint=False, related_name="+",
                             verbose_name=_("đơn vị"))
    # Today's province of the cell's area, set by the database (placement_triggers.py) on the cells
    # the summary triggers write: a province's units registered in a year are one range of an index.
    current_province = models.ForeignKey(AdminArea, models.DO_NOTHING, null=True, db_constraint=False, db_index=False,
                                         related_name="+", verbose_name=_("tỉnh hiện nay"))
    registrations = models.IntegerField(_("số mô hình"))
    new = models.IntegerField()
    replicated = models.IntegerField()
    exemplary = models.IntegerField()
    field_economy = models.IntegerField()
    field_culture_society = models.IntegerField()
    field_defence_security = models.IntegerField()
    field_political_system = models.IntegerField()
    participants = models.BigIntegerField(default=0)
    money_mobilised = models.BigIntegerField(default=0)

    objects = UnitSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổng hợp đăng ký theo đơn vị")
        verbose_name_plural = _("tổng hợp đăng ký theo đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["unit", "area", "year", "status"], name="unit_year_summary_cell"),
        ]
        indexes = [
            models.Index(fields=["year", "unit"], name="unit_year_summary_year"),
            # The units registered in one area's year: probed area by area, not the whole year read.
            models.Index(fields=["area", "year"], name="unit_year_summary_area", include=["unit", "status"]),
            models.Index(fields=["current_province", "year"], name="unit_year_summary_province",
                         include=["unit", "status"]),
        ]

    def __str__(self):
        return f"{self.unit_id} {self.year} {self.status}: {self.registrations}"


def _count(label=""):
    return models.IntegerField(label, default=0)


# The breakdowns the year summary holds as columns, each with its cell column: (prefix, column, values).
YEAR_BREAKDOWNS = (("field", "field", Field.values), ("level", "level", Level.values),
                   ("exemplar", "exemplar_kind", ExemplarKind.values), ("outcome", "outcome", Outcome.values))


class AreaYearSummary(models.Model):
    """Registrations by area, year and status only, with each breakdown of the report as a column
    (`field_economy`, `level_district`, …) and the result sums: what the report's figures, its
    trend and its table of child areas read. A province's year is a handful of rows here, however
    many registrations it has, where the area summary has a cell for nearly every registration.
    Each registration counts in its commune and in every area containing it, as there."""

    area = _area()
    year = models.PositiveSmallIntegerField(_("năm"))
    status = _status()
    registrations = models.IntegerField(_("số mô hình"))
    new = _count(_("xây dựng mới"))
    replicated = _count(_("số mô hình nhân rộng"))
    carried = _count(_("số mô hình được tiếp nối"))
    carried_published = _count(_("số mô hình được tiếp nối và công bố"))
    locals().update({f"{prefix}_{value}": _count() for prefix, _column, values in YEAR_BREAKDOWNS
                     for value in values})
    locals().update({name: models.BigIntegerField(default=0) for name in SUMMED_FIGURES})

    objects = AreaSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổng hợp đăng ký theo địa bàn và năm")
        verbose_name_plural = _("tổng hợp đăng ký theo địa bàn và năm")
        constraints = [models.UniqueConstraint(fields=["area", "year", "status"], name="area_year_summary_cell")]

    def __str__(self):
        return f"{self.area_id} {self.year} {self.status}: {self.registrations}"


class AreaKindSummary(models.Model):
    """Registrations by area, year, status and unit kind: the report's table by kind of unit."""

    area = _area()
    year = models.PositiveSmallIntegerField(_("năm"))
    status = _status()
    unit_kind = models.ForeignKey(UnitKind, models.DO_NOTHING, db_constraint=False, related_name="+",
                                  verbose_name=_("loại đơn vị"))
    registrations = models.IntegerField(_("số mô hình"))

    objects = AreaSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổng hợp đăng ký theo địa bàn và loại đơn vị")
        verbose_name_plural = _("tổng hợp đăng ký theo địa bàn và loại đơn vị")
        constraints = [models.UniqueConstraint(fields=["area", "year", "status", "unit_kind"],
                                               name="area_kind_summary_cell")]

    def __str__(self):
        return f"{self.area_id} {self.year} {self.status} {self.unit_kind_id}: {self.registrations}"


class Basis(models.TextChoices):
    """By which rule a model counts from a day on: the staff's reports count it once sent to the
    commission (or imported), the public statistics once published."""

    COUNTED = "counted", _("tính từ khi gửi")
    PUBLISHED = "published", _("tính từ khi công bố")


# The first of these in a registration's history is when it began to count, by basis.
BASIS_ACTIONS = {
    Basis.COUNTED: (Action.SUBMITTED, Action.ACCEPTED, Action.IMPORTED),
    Basis.PUBLISHED: (Action.ACCEPTED, Action.IMPORTED),
}


class RegistrationDaySummary(models.Model):
    """Registrations counted by area, year, status, field, level, exemplar kind and new/continued,
    and by the day of their year from which each counts (`since`, by `basis`): a report of the
    unfinished year sets it against last year as it stood on the same day by reading one year's
    cells up to that day (services/as_of.py). Each registration counts in every area containing
    its own, as in the area summary, once by each basis its status counts by.

    `since` is the day of the first event of the basis's actions (BASIS_ACTIONS) in the portal's
    time zone. A model whose history says nothing of its year (entered or imported after the year
    had ended, as earlier years' records are) is dated by its start date, and counts from the
    year's start when it has none: the portal cannot know it came late. Days before the year are
    its 1 January; a start date after it, 1 January of the next year (never within its year).
    """

    area = _area()
    year = models.PositiveSmallIntegerField(_("năm"))
    status = _status()
    basis = models.CharField(_("cách tính"), max_length=10, choices=Basis.choices)
    since = models.DateField(_("tính từ ngày"))
    field = models.CharField(_("lĩnh vực"), max_length=20, choices=Field.choices, blank=True)
    level = models.CharField(_("cấp"), max_length=12, choices=Level.choices)
    exemplar_kind = models.CharField(_("loại điển hình"), max_length=12, choices=ExemplarKind.choices)
    is_new = models.BooleanField(_("xây dựng mới"))
    registrations = models.IntegerField(_("số mô hình"))
    replicated = models.IntegerField(_("số mô hình nhân rộng"))

    objects = AreaSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổng hợp đăng ký theo ngày tính")
        verbose_name_plural = _("tổng hợp đăng ký theo ngày tính")
        constraints = [
            # Led by what the comparison reads: one area's year, one basis, up to one day.
            models.UniqueConstraint(
                fields=["area", "year", "basis", "since", "status", "field", "level", "exemplar_kind", "is_new"],
                name="registration_day_summary_cell",
            ),
        ]

    def __str__(self):
        return f"{self.area_id} {self.year} {self.basis} {self.since}: {self.registrations}"


class RegistrationFacts(models.Model):
    """What the summaries know of each registration beyond its own row, kept by the triggers from
    the other rows it depends on: whether a model of the next year continues it, counted or
    published, and from which day it counts by each basis (RegistrationDaySummary).

    A table of its own, not columns of the registration: Django writes every field of a model it
    saves, and would put back the value it read before a successor changed."""

    registration = models.OneToOneField("models_registry.Registration", models.DO_NOTHING, primary_key=True,
                                        db_constraint=False, related_name="+", verbose_name=_("mô hình"))
    carried = models.BooleanField(_("được tiếp nối"))
    carried_published = models.BooleanField(_("được tiếp nối và công bố"))
    counted_since = models.DateField(_("tính từ ngày"))
    published_since = models.DateField(_("công bố từ ngày"))

    class Meta:
        verbose_name = _("dữ kiện tổng hợp của mô hình")
        verbose_name_plural = _("dữ kiện tổng hợp của mô hình")

    def __str__(self):
        return str(self.registration_id)
