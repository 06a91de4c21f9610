"""Long work done by the worker for one user: a big import or a big export, with its progress."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    IMPORT = "import", _("Nhập tệp Excel")
    EXPORT_REGISTRATIONS = "export-registrations", _("Xuất danh sách đăng ký")
    DECISION_CERTIFICATES = "decision-certificates", _("In giấy khen của quyết định")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ xử lý")
    RUNNING = "running", _("Đang xử lý")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không thành công")


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class BackgroundJob(models.Model):
    """One piece of work off the request. Its live row counts are kept in the cache while it runs
    (services/jobs.py says why); this row holds what outlasts it: status, totals, result, file."""

    kind = models.CharField(_("loại việc"), max_length=24, choices=JobKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+",
                             verbose_name=_("người yêu cầu"))
    # What the job is about, the same for two clicks on the same thing: an upload's token, or the
    # export and its filters.
    key = models.CharField(_("khóa"), max_length=200)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    title = models.CharField(_("tên việc"), max_length=255)
    status = models.CharField(_("trạng thái"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("tổng số dòng"), default=0)
    rows_checked = models.PositiveIntegerField(_("số dòng đã kiểm tra"), default=0)
    rows_written = models.PositiveIntegerField(_("số dòng đã ghi"), default=0)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    file = models.FileField(_("tệp kết quả"), upload_to="cong-viec/%Y/%m/", max_length=255, blank=True)
    file_name = models.CharField(_("tên tệp tải về"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("việc chạy nền")
        verbose_name_plural = _("việc chạy nền")
        ordering = ["-created_at"]
        constraints = [
            # A second click on the same upload or export finds the job already under way.
            models.UniqueConstraint(fields=["user", "kind", "key"], condition=Q(status__in=ACTIVE_STATUSES),
                                    name="one_active_job_per_thing"),
        ]

    def __str__(self):
        return self.title

    @property
    def finished(self):
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
