from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Status, label_getter


class Action(models.TextChoices):
    CREATED = "created", _("Tạo mới")
    EDITED = "edited", _("Sửa")
    SUBMITTED = "submitted", _("Gửi duyệt")
    ACCEPTED = "accepted", _("Duyệt")
    RETURNED = "returned", _("Trả lại")
    REVIEWED = "reviewed", _("Sơ kết / tổng kết")
    ASSESSED = "assessed", _("Đánh giá tiêu chí")
    COMPLETED = "completed", _("Tổng kết")
    PROPOSED = "proposed", _("Đề nghị khen thưởng")
    DECLINED = "declined", _("Không được khen thưởng")
    COMMENDED = "commended", _("Khen thưởng")
    REVOKED = "revoked", _("Thu hồi khen thưởng")
    WITHDRAWN = "withdrawn", _("Rút")
    REOPENED = "reopened", _("Mở lại")
    DETACHED = "detached", _("Xóa minh chứng")
    IMPORTED = "imported", _("Nhập từ Excel")
    ATTACHED = "attached", _("Thêm minh chứng")
    LOCKED = "locked", _("Khóa sổ năm")


class Source(models.TextChoices):
    PORTAL = "portal", _("Cổng thông tin")
    ADMIN = "admin", _("Trang quản trị")
    IMPORT = "import", _("Nhập Excel")
    SYSTEM = "system", _("Hệ thống")


class RegistrationEvent(models.Model):
    """One line of a registration's history: who did what, when, and why.

    Written by the code that makes the change (bulk paths skip signals).
    """

    # Indexed with `at` (Meta.indexes), not alone.
    registration = models.ForeignKey(
        "models_registry.Registration", models.CASCADE, related_name="events", verbose_name=_("mô hình"),
        db_index=False,
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người thực hiện")
    )
    action = models.CharField(_("thao tác"), max_length=12, choices=Action.choices)
    from_status = models.CharField(_("từ trạng thái"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=12, choices=Status.choices, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    source = models.CharField(_("nguồn"), max_length=8, choices=Source.choices, default=Source.PORTAL)
    batch = models.ForeignKey(
        "models_registry.ImportBatch", models.SET_NULL, null=True, blank=True, related_name="events", verbose_name=_("đợt nhập")
    )

    get_action_display = label_getter("action", Action)
    get_source_display = label_getter("source", Source)
    get_from_status_display = label_getter("from_status", Status)
    get_to_status_display = label_getter("to_status", Status)

    class Meta:
        verbose_name = _("lịch sử")
        verbose_name_plural = _("lịch sử")
        ordering = ["registration", "at", "pk"]
        indexes = [
            # A history in its order, and the first event of a kind (the summaries' triggers date a
            # model by it): a probe into one registration's few events, whatever the planner knows
            # of the table, where the index on `at` alone could scan every event for each model.
            models.Index(fields=["registration", "at"], name="event_registration_at"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} – {self.registration_id}"


class ImportBatch(models.Model):
    """One imported file: every row it created or changed links here."""

    class Kind(models.TextChoices):
        REGISTRATIONS = "registrations", _("Đăng ký mô hình")
        UNITS = "units", _("Đơn vị")
        COMMENDATIONS = "commendations", _("Khen thưởng")
        LINEAGE = "lineage", _("Sáp nhập, chia tách đơn vị")

    kind = models.CharField(_("loại dữ liệu"), max_length=16, choices=Kind.choices)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    row_count = models.PositiveIntegerField(_("số dòng"), default=0)
    created_count = models.PositiveIntegerField(_("số bản ghi tạo mới"), default=0)
    area = models.ForeignKey(
        "models_registry.AdminArea", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("địa bàn")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người nhập")
    )
    created_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("đợt nhập Excel")
        verbose_name_plural = _("đợt nhập Excel")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%d/%m/%Y})"
