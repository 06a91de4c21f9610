from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from .choices import Outcome, ReviewKind
from .validators import LONG_TEXT, BoundsInPython, date_checks, date_field, length_checks, long_text, year_field


class Review(BoundsInPython, models.Model):
    """Sơ kết (mid-year) or tổng kết (year-end) of a registration."""

    registration = models.ForeignKey(
        "models_registry.Registration", models.CASCADE, related_name="reviews", verbose_name=_("mô hình")
    )
    kind = models.CharField(_("loại"), max_length=10, choices=ReviewKind.choices)
    review_date = date_field(_("ngày đánh giá"))
    outcome = models.CharField(_("kết quả"), max_length=14, choices=Outcome.choices, blank=True)
    summary = long_text(_("nhận xét"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người đánh giá")
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sơ kết / tổng kết")
        verbose_name_plural = _("sơ kết / tổng kết")
        ordering = ["registration", "review_date"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="review_unique_kind"),
            *date_checks("review", ["review_date"], nullable=False),
            *length_checks("review", {"summary": LONG_TEXT}),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.registration}"


class YearClosureQuerySet(models.QuerySet):
    def covering(self, area, year):
        """Closures of `year` by `area` itself or any area containing it."""
        return self.filter(area.containing_q("area"), year=year)

    def lock_covering(self, area, year):
        """Whether `year` is closed for `area`, asked inside a write's transaction so that no
        closure can commit between this answer and the write's commit.

        On PostgreSQL the rows of the areas containing `area` are share-locked; `close_year`
        locks its area's row for update before inserting the closure, so one waits for the
        other, and READ COMMITTED sees a closure as soon as it has committed. Writers do not
        block one another. SQLite runs one write transaction at a time (BEGIN IMMEDIATE).
        """
        from .areas import AdminArea

        if connection.vendor == "postgresql":
            sql, params = AdminArea.objects.filter(area.containing_q("")).order_by("pk").values("pk").query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"{sql} FOR SHARE", params)
        return self.covering(area, year).exists()


class YearClosure(models.Model):
    """After a year is closed for an area, its registrations are read-only except for administrators."""

    area = models.ForeignKey("models_registry.AdminArea", models.PROTECT, related_name="closures", verbose_name=_("địa bàn"))
    year = year_field(_("năm"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người khóa")
    )
    closed_at = models.DateTimeField(_("khóa lúc"), auto_now_add=True)

    objects = YearClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa sổ năm")
        verbose_name_plural = _("khóa sổ năm")
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="closure_unique_area_year")]

    def __str__(self):
        return f"{self.area} – {self.year}"
