"""The year's calendar of an area: when units register, when reviews and results are due."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The plan's dates in the order of the year, each with the label shown to units and staff.
PLAN_DATES = (
    ("registration_opens", _("Mở đăng ký")),
    ("registration_closes", _("Hạn đăng ký mô hình")),
    ("mid_year_review_due", _("Hạn sơ kết giữa năm")),
    ("year_end_review_due", _("Hạn tổng kết cuối năm")),
    ("results_due", _("Hạn báo cáo kết quả")),
)


class YearPlan(models.Model):
    """Dates set by a province for all its units, or by a commune (no later than the province's) for its own.

    An empty date on a commune's plan means "as the province set it".
    """

    area = models.ForeignKey("models_registry.AdminArea", models.CASCADE, related_name="year_plans",
                             verbose_name=_("địa bàn"))
    year = models.PositiveSmallIntegerField(_("năm"))
    registration_opens = models.DateField(_("mở đăng ký"), null=True, blank=True)
    registration_closes = models.DateField(_("hạn đăng ký mô hình"), null=True, blank=True)
    mid_year_review_due = models.DateField(_("hạn sơ kết giữa năm"), null=True, blank=True)
    year_end_review_due = models.DateField(_("hạn tổng kết cuối năm"), null=True, blank=True)
    results_due = models.DateField(_("hạn báo cáo kết quả"), null=True, blank=True)
    note = models.CharField(_("văn bản hướng dẫn"), max_length=255, blank=True,
                            help_text=_("Số, ký hiệu văn bản hướng dẫn (không bắt buộc)."))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("người cập nhật"))
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("kế hoạch năm")
        verbose_name_plural = _("kế hoạch năm")
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="year_plan_unique_area_year")]

    def __str__(self):
        return f"{self.area} · {self.year}"
