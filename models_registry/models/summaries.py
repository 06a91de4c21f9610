"""Exact running totals of the registrations, which the reports and statistics read instead of the rows.

Database triggers (migration 0015_registration_summaries) keep both tables equal to a fresh count
of models_registry_registration after every statement that writes it, whatever the path: forms,
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

from .areas import AdminArea
from .choices import Field, Outcome, Status
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
    def published(self):
        from .choices import PUBLISHED_STATUSES

        return self.filter(status__in=PUBLISHED_STATUSES)

    def for_user(self, user):
        """The cells `user` may see: the same rule as Registration.objects.for_user."""
        return scope_for_user(self, user, area_path="area", unit_path=self.unit_path, fallback=self.published())


class AreaSummaryQuerySet(SummaryQuerySet):
    # The area summary has no unit: a unit account sees no cell of it (reports are not for units).
    unit_path = "area__in"

    def for_user(self, user):
        from ..access import UNIT, scope_of

        if scope_of(user)[0] == UNIT:
            return self.none()
        return super().for_user(user)


class UnitSummaryQuerySet(SummaryQuerySet):
    unit_path = "unit"


# No database foreign keys: registrations already protect their areas, units and kinds, and the
# triggers need not check them again on every write.
def _area():
    return models.ForeignKey(AdminArea, models.DO_NOTHING, db_constraint=False, related_name="+",
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
        ]

    def __str__(self):
        return f"{self.unit_id} {self.year} {self.status}: {self.registrations}"
