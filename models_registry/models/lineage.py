"""Unit lineage: merges, splits and renames with their effective dates (the 2025 reform and after)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import label_getter


class LineageKind(models.TextChoices):
    MERGE = "merge", _("Sáp nhập")
    SPLIT = "split", _("Chia tách")
    RENAME = "rename", _("Đổi tên")


class AccountFate(models.TextChoices):
    """What happens to a dissolved unit's accounts."""

    MOVE = "move", _("Chuyển sang đơn vị kế thừa")
    DEACTIVATE = "deactivate", _("Khóa tài khoản")


class LineageSource(models.TextChoices):
    PORTAL = "portal", _("Cán bộ nhập trên cổng")
    IMPORT = "import", _("Nhập danh sách cũ → mới")
    AREA_MAPPING = "areas", _("Theo danh mục xã cũ → xã mới")


class LineageEvent(models.Model):
    """One merge (several units into one), split (one into several) or rename, on a date.

    Its links pair each predecessor with each successor; a rename links the unit to itself.
    """

    kind = models.CharField(_("hình thức"), max_length=8, choices=LineageKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    old_name = models.CharField(_("tên cũ"), max_length=255, blank=True)
    new_name = models.CharField(_("tên mới"), max_length=255, blank=True)
    account_fate = models.CharField(_("tài khoản của đơn vị cũ"), max_length=10, choices=AccountFate.choices, blank=True)
    source = models.CharField(_("nguồn"), max_length=8, choices=LineageSource.choices, default=LineageSource.PORTAL)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người ghi")
    )
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    get_kind_display = label_getter("kind", LineageKind)

    class Meta:
        verbose_name = _("sáp nhập, chia tách, đổi tên đơn vị")
        verbose_name_plural = _("sáp nhập, chia tách, đổi tên đơn vị")
        ordering = ["-effective_date", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.effective_date:%d/%m/%Y}"


class LineageLink(models.Model):
    event = models.ForeignKey(LineageEvent, models.CASCADE, related_name="links", verbose_name=_("sự kiện"))
    predecessor = models.ForeignKey(
        "models_registry.Unit", models.CASCADE, related_name="successor_links", verbose_name=_("đơn vị trước")
    )
    successor = models.ForeignKey(
        "models_registry.Unit", models.CASCADE, related_name="predecessor_links", verbose_name=_("đơn vị kế thừa")
    )

    class Meta:
        verbose_name = _("liên kết kế thừa")
        verbose_name_plural = _("liên kết kế thừa")
        constraints = [
            models.UniqueConstraint(fields=["event", "predecessor", "successor"], name="lineage_link_unique"),
        ]

    def __str__(self):
        return f"{self.predecessor_id} → {self.successor_id}"


def predecessor_ids(unit_ids):
    """Every unit that `unit_ids` continue, directly or through earlier merges and splits
    (renames keep the unit itself). One query per generation; lineages are a few deep."""
    found, frontier = set(), set(unit_ids)
    while frontier:
        step = set(
            LineageLink.objects.filter(successor__in=frontier).exclude(event__kind=LineageKind.RENAME)
            .values_list("predecessor_id", flat=True)
        ) - found - set(unit_ids)
        found |= step
        frontier = step
    return found
