"""What the portal tells a user: an inbox entry, and an email when the user wants one."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    RETURNED = "returned", _("Mô hình bị trả lại")
    ACCEPTED = "accepted", _("Mô hình được duyệt")
    REOPENED = "reopened", _("Mô hình được mở lại")
    COMMENDED = "commended", _("Mô hình được khen thưởng")
    DEADLINE = "deadline", _("Nhắc hạn")
    DIGEST = "digest", _("Tin tổng hợp trong ngày")


class EmailStatus(models.TextChoices):
    NONE = "none", _("Chỉ trong hộp thư")
    PENDING = "pending", _("Chờ gửi email")
    SENT = "sent", _("Đã gửi email")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications",
                             verbose_name=_("người nhận"))
    kind = models.CharField(_("loại"), max_length=10, choices=NotificationKind.choices)
    registration = models.ForeignKey("models_registry.Registration", models.CASCADE, null=True, blank=True,
                                     related_name="+", verbose_name=_("mô hình"))
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    link = models.CharField(_("liên kết"), max_length=255, blank=True)
    # Reminders and digests carry a key, so a job run twice tells a user once.
    key = models.CharField(_("khóa"), max_length=100, null=True, blank=True)  # noqa: DJ001 — NULL: no key, not unique
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    email_status = models.CharField(_("email"), max_length=8, choices=EmailStatus.choices, default=EmailStatus.NONE)
    email_attempts = models.PositiveSmallIntegerField(_("số lần gửi email"), default=0)
    emailed_at = models.DateTimeField(_("gửi email lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_unique_user_key")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title
