import os
import uuid

from django.conf import settings
from django.db import models
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from ..freshness import NotifyingQuerySet
from ..text import fold


def attachment_path(instance, filename):
    """A random folder keeps names unguessable; the kept name is ASCII-safe."""
    base, ext = os.path.splitext(filename)
    safe = get_valid_filename(fold(base).replace(" ", "-"))[:80] or "tep"
    return f"minh-chung/{instance.registration.year}/{uuid.uuid4().hex}/{safe}{ext.lower()}"


class Attachment(models.Model):
    registration = models.ForeignKey(
        "models_registry.Registration", models.CASCADE, related_name="attachments", verbose_name=_("mô hình")
    )
    file = models.FileField(_("tệp"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=60)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), default=0)
    caption = models.CharField(_("chú thích"), max_length=255, blank=True)
    # Private unless someone ticks it: photos of poor households must not be published by default.
    is_public = models.BooleanField(_("hiện trên trang công khai"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người tải lên")
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    objects = NotifyingQuerySet.as_manager()

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["registration", "uploaded_at"]

    def __str__(self):
        return self.caption or self.original_name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")

    @property
    def is_private_draft(self):
        return self.registration.is_private_draft
