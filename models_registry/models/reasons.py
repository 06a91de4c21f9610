from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReasonTemplate(models.Model):
    """A reason staff write often ("thiếu tiêu chí đo được"), picked instead of retyped.

    One without an area is offered everywhere (set by administrators); staff keep their area's own.
    """

    class Use(models.TextChoices):
        RETURN = "return", _("Trả lại")
        ACCEPT = "accept", _("Duyệt khi chưa đạt đủ tiêu chí")
        REOPEN = "reopen", _("Mở lại")

    use = models.CharField(_("dùng khi"), max_length=8, choices=Use.choices, default=Use.RETURN)
    text = models.CharField(_("nội dung lý do"), max_length=500)
    area = models.ForeignKey(
        "models_registry.AdminArea", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("địa bàn"),
        help_text=_("Để trống: dùng cho mọi địa bàn."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người tạo")
    )

    class Meta:
        verbose_name = _("lý do mẫu")
        verbose_name_plural = _("lý do mẫu")
        ordering = ["use", "text"]
        constraints = [models.UniqueConstraint(fields=["use", "area", "text"], name="reason_template_unique_text")]

    def __str__(self):
        return self.text
