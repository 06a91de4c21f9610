import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..freshness import NotifyingQuerySet
from .choices import Level
from .keys import KeyedModel, KeyField
from .validators import (
    LONG_TEXT,
    SHORT_TEXT,
    VOTES,
    AtMost,
    BoundsInPython,
    date_checks,
    date_field,
    figure_checks,
    length_checks,
    long_text,
    year_checks,
    year_field,
)


class CommendationForm(models.Model):
    """Hình thức khen thưởng (tuyên dương, Giấy khen, Bằng khen, …): reference data."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên hình thức"), max_length=120)
    issuing_levels = models.JSONField(
        _("cấp được ban hành"), default=list, help_text=_("Danh sách cấp: grassroots, district, province.")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    # The usual prerequisite, e.g. a Bằng khen after two Giấy khen: the portal warns, never refuses.
    prerequisite_form = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("thường cần có trước"),
        help_text=_("Hình thức mà mô hình, người được đề nghị thường phải được tặng trước."),
    )
    prerequisite_count = models.PositiveSmallIntegerField(
        _("số lần cần có trước"), default=0, help_text=_("0: không có điều kiện trước.")
    )

    objects = NotifyingQuerySet.as_manager()

    class Meta:
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = _("hình thức khen thưởng")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class CommendationRound(BoundsInPython, models.Model):
    """Đợt xét khen thưởng of an area at a level, for a year or a period."""

    name = models.CharField(_("tên đợt"), max_length=200)
    area = models.ForeignKey("models_registry.AdminArea", models.PROTECT, related_name="rounds", verbose_name=_("địa bàn"))
    level = models.CharField(_("cấp xét"), max_length=12, choices=Level.choices)
    year_from = year_field(_("từ năm"))
    year_to = year_field(_("đến năm"))
    opens_on = date_field(_("mở nhận đề nghị"))
    closes_on = date_field(_("hạn nhận đề nghị"))

    class Meta:
        verbose_name = _("đợt khen thưởng")
        verbose_name_plural = _("đợt khen thưởng")
        ordering = ["-year_to", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(year_to__gte=F("year_from")), name="round_years_ordered"),
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="round_dates_ordered"),
            # A double-clicked "open round" opens one round.
            models.UniqueConstraint(fields=["area", "level", "year_from", "year_to", "name"], name="round_unique_per_area"),
            *year_checks("round", ["year_from", "year_to"]),
            *date_checks("round", ["opens_on", "closes_on"], nullable=False),
            *length_checks("round", {"name": 200}),
        ]

    def __str__(self):
        return self.name


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    ACCEPTED = "accepted", _("Được khen thưởng")
    DECLINED = "declined", _("Không được khen thưởng")


class Proposal(BoundsInPython, models.Model):
    """Đề nghị khen thưởng: an area proposes one of its models to a round of the level above."""

    round = models.ForeignKey(CommendationRound, models.PROTECT, related_name="proposals", verbose_name=_("đợt"))
    registration = models.ForeignKey(
        "models_registry.Registration", models.PROTECT, related_name="proposals", verbose_name=_("mô hình")
    )
    proposing_area = models.ForeignKey(
        "models_registry.AdminArea", models.PROTECT, related_name="+", verbose_name=_("địa bàn đề nghị")
    )
    justification = long_text(_("thành tích, lý do đề nghị"))
    reason_without_exemplary = long_text(_("lý do đề nghị khi chưa được đánh giá điển hình"), SHORT_TEXT, blank=True)
    votes_for = models.PositiveIntegerField(_("số phiếu tán thành"), default=0, validators=[AtMost(VOTES)])
    votes_against = models.PositiveIntegerField(_("số phiếu không tán thành"), default=0, validators=[AtMost(VOTES)])
    votes_present = models.PositiveIntegerField(_("số người dự họp"), default=0, validators=[AtMost(VOTES)])
    vote_date = date_field(_("ngày họp bình xét"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người đề nghị")
    )
    proposed_at = models.DateTimeField(_("đề nghị lúc"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người quyết định")
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decision_note = long_text(_("ghi chú quyết định"), SHORT_TEXT, blank=True)

    objects = NotifyingQuerySet.as_manager()

    class Meta:
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = _("đề nghị khen thưởng")
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "registration"], name="proposal_unique_round_registration"),
            models.CheckConstraint(
                condition=Q(votes_present__gte=F("votes_for") + F("votes_against")), name="proposal_votes_consistent"
            ),
            *figure_checks("proposal", {"votes_present": VOTES}),
            *length_checks("proposal", {"justification": LONG_TEXT, "reason_without_exemplary": SHORT_TEXT,
                                        "decision_note": SHORT_TEXT}),
            *date_checks("proposal", ["vote_date"]),
        ]

    def __str__(self):
        return f"{self.registration} → {self.round}"


def new_verification_code():
    # 128 bits in the URL printed as a QR code: nobody finds a certificate by guessing.
    return secrets.token_urlsafe(16)


class SigningCapacity(models.TextChoices):
    DIRECT = "", _("Ký trực tiếp")
    ON_BEHALF = "tm", _("TM. (thay mặt tập thể)")
    DEPUTY = "kt", _("KT. (ký thay người đứng đầu)")


class RevocationGround(models.TextChoices):
    FALSE_CLAIM = "false_claim", _("Kê khai thành tích không đúng")
    FALSIFIED_DOSSIER = "falsified_dossier", _("Làm giả hồ sơ, giấy tờ")
    UNLAWFUL_REVIEW = "unlawful_review", _("Xét, đề nghị khen thưởng trái quy định")
    LATER_VIOLATION = "later_violation", _("Vi phạm pháp luật sau khi được khen thưởng")


class CommendationQuerySet(NotifyingQuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class Commendation(KeyedModel, BoundsInPython, models.Model):
    registration = models.ForeignKey(
        "models_registry.Registration", models.PROTECT, related_name="commendations", verbose_name=_("mô hình")
    )
    form = models.ForeignKey(CommendationForm, models.PROTECT, related_name="commendations", verbose_name=_("hình thức"))
    level = models.CharField(_("cấp khen"), max_length=12, choices=Level.choices)
    recipient_name = models.CharField(
        _("người / tập thể được khen"), max_length=255, blank=True, help_text=_("Để trống: tên đơn vị.")
    )
    authority = models.CharField(_("cơ quan ban hành"), max_length=255)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    # The number as the unique constraint compares it: "45-QĐ/HU" = "45 - qđ/hu".
    decision_key = KeyField(max_length=60, source="decision_number", compact=True)
    decision_date = date_field(_("ngày quyết định"))
    proposal = models.OneToOneField(
        Proposal, models.SET_NULL, null=True, blank=True, related_name="commendation", verbose_name=_("theo đề nghị")
    )
    import_batch = models.ForeignKey(
        "models_registry.ImportBatch", models.SET_NULL, null=True, blank=True, related_name="commendations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người nhập")
    )
    created_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)
    signing_capacity = models.CharField(
        _("hình thức ký"), max_length=2, choices=SigningCapacity.choices, default=SigningCapacity.DIRECT, blank=True
    )
    signing_for = models.CharField(
        _("thay mặt / ký thay cho"), max_length=160, blank=True,
        help_text=_("TM.: tên tập thể (ví dụ: Ban Thường vụ); KT.: chức vụ người đứng đầu (ví dụ: Trưởng ban)."),
    )
    signer_position = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=120, blank=True)
    verification_code = models.CharField(
        _("mã xác thực"), max_length=32, unique=True, default=new_verification_code, editable=False
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revocation_ground = models.CharField(
        _("căn cứ thu hồi"), max_length=20, choices=RevocationGround.choices, blank=True
    )
    revoking_decision_number = models.CharField(_("số quyết định thu hồi"), max_length=60, blank=True)
    revoking_decision_date = models.DateField(_("ngày quyết định thu hồi"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người thu hồi")
    )

    objects = CommendationQuerySet.as_manager()
    duplicate_messages = {"decision_key": _("Quyết định này đã được ghi cho mô hình với hình thức khen thưởng này.")}

    class Meta:
        verbose_name = _("khen thưởng")
        verbose_name_plural = _("khen thưởng")
        ordering = ["-decision_date"]
        indexes = [models.Index(fields=["level", "decision_date"])]
        constraints = [
            # One decision commends a model once in one form, however often it is entered or imported.
            models.UniqueConstraint(fields=["registration", "form", "decision_key"], name="commendation_unique_decision"),
            models.CheckConstraint(condition=~Q(decision_key=""), name="commendation_decision_number_not_blank"),
            *date_checks("commendation", ["decision_date"], nullable=False),
            *length_checks("commendation", {"recipient_name": 255, "authority": 255, "decision_number": 60}),
        ]

    def __str__(self):
        return f"{self.form} – {self.decision_number}"

    @property
    def is_revoked(self):
        return self.revoked_at is not None
