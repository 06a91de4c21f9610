from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .units import UnitKind
from .validators import SHORT_TEXT, BoundsInPython, length_checks, long_text


class CriteriaSet(models.Model):
    """The checklist a unit kind's models are assessed against, for a period."""

    unit_kind = models.ForeignKey(UnitKind, models.PROTECT, related_name="criteria_sets", verbose_name=_("loại đơn vị"))
    name = models.CharField(_("tên bộ tiêu chí"), max_length=200)
    year_from = models.PositiveSmallIntegerField(_("áp dụng từ năm"), default=2016)
    year_to = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    source = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["unit_kind__order", "-year_from"]

    def __str__(self):
        return self.name

    @classmethod
    def for_kind(cls, unit_kind, year):
        """The set in force for a kind and year; a sub-kind without its own set uses its parent's."""
        kinds = [unit_kind.pk] + ([unit_kind.parent_id] if unit_kind.parent_id else [])
        candidates = (
            cls.objects.filter(unit_kind__in=kinds, year_from__lte=year)
            .filter(models.Q(year_to__isnull=True) | models.Q(year_to__gte=year))
            .order_by("-year_from")
        )
        by_kind = {}
        for criteria_set in candidates:
            by_kind.setdefault(criteria_set.unit_kind_id, criteria_set)
        return by_kind.get(unit_kind.pk) or by_kind.get(unit_kind.parent_id)


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, models.CASCADE, related_name="criteria", verbose_name=_("bộ tiêu chí"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    title = models.CharField(_("tiêu chí"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    applies_to = models.CharField(
        _("chỉ áp dụng cho"), max_length=120, blank=True, help_text=_("Để trống nếu áp dụng cho mọi đơn vị của loại này.")
    )

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set", "order"]

    def __str__(self):
        return self.title


class CriterionAssessment(BoundsInPython, models.Model):
    registration = models.ForeignKey(
        "models_registry.Registration", models.CASCADE, related_name="assessments", verbose_name=_("mô hình")
    )
    criterion = models.ForeignKey(Criterion, models.PROTECT, related_name="assessments", verbose_name=_("tiêu chí"))
    met = models.BooleanField(_("đạt"), null=True)
    note = long_text(_("nhận xét"), SHORT_TEXT, blank=True)
    evidence = models.ForeignKey(
        "models_registry.Attachment", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("minh chứng")
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người đánh giá")
    )
    assessed_at = models.DateTimeField(_("đánh giá lúc"), auto_now=True)

    class Meta:
        verbose_name = _("đánh giá tiêu chí")
        verbose_name_plural = _("đánh giá tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["registration", "criterion"], name="assessment_unique_criterion"),
            *length_checks("assessment", {"note": SHORT_TEXT}),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.get_met_display() if self.met is not None else '—'}"
