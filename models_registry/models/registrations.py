from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..freshness import NotifyingQuerySet
from ..text import fold, single_line, title_key
from .areas import PROVINCE_PATH, AdminArea
from .choices import PUBLISHED_STATUSES, ExemplarKind, Field, Level, Outcome, Status, label_getter
from .keys import KeyedModel, KeyField
from .scoping import scope_for_user
from .units import Unit, UnitKind
from .validators import (
    HOUSEHOLDS,
    LAND_M2,
    LONG_TEXT,
    MONEY,
    PEOPLE,
    SHORT_TEXT,
    WORK_DAYS,
    BoundsInPython,
    date_checks,
    date_field,
    figure,
    figure_checks,
    length_checks,
    long_text,
    ordered_dates_check,
    validate_year,
)

# Positive fields also carry a ">= 0" CHECK constraint in the database.
FIGURE_LIMITS = {
    "participants": PEOPLE,
    "beneficiaries": PEOPLE,
    "money_mobilised": MONEY,
    "land_donated_m2": LAND_M2,
    "work_days": WORK_DAYS,
    "houses": HOUSEHOLDS,
    "households_out_of_poverty": HOUSEHOLDS,
}
LONG_TEXTS = ("situation", "objectives", "content", "resources", "milestones", "expected_results", "sustainability",
              "success_indicators", "results")
# SQLite does not enforce a varchar's length; these CHECKs do, on both databases.
SHORT_TEXTS = {"name": 255, "person_name": 120, "person_position": 160, "target_group": 255, "target_area": 255,
               "lead_force": 255, "partners": 255, "return_reason": SHORT_TEXT}


RESULT_FIGURES = (
    "participants",
    "beneficiaries",
    "money_mobilised",
    "land_donated_m2",
    "work_days",
    "houses",
    "households_out_of_poverty",
)


class RegistrationQuerySet(NotifyingQuerySet):
    # The optimistic-locking counter shows nowhere: claiming an edit changes nothing shown.
    untracked_fields = frozenset({"version"})

    def published(self):
        return self.filter(status__in=PUBLISHED_STATUSES)

    def continuable_by(self, unit, year):
        """Earlier models that `unit` may continue in `year`: its own, and those of the units it
        succeeds (merged or split into it), so a merged unit carries on its predecessors' work."""
        from .lineage import predecessor_ids

        units = {unit.pk} | predecessor_ids([unit.pk])
        return self.filter(unit__in=units, year__lt=year).exclude(status=Status.WITHDRAWN)

    def for_user(self, user):
        """What `user` may see: the one scoping rule for registrations."""
        return scope_for_user(self, user, area_path="area", unit_path="unit", fallback=type(self).published,
                              province_path=PROVINCE_PATH)


class Registration(KeyedModel, BoundsInPython, models.Model):
    """One unit's "Dân vận khéo" model for one year."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="registrations", verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"), validators=[validate_year])
    name = models.CharField(_("tên mô hình"), max_length=255)
    # The name as the unique constraint compares it (text.name_key): "Tủ quần áo" = "tủ  quần áo".
    name_key = KeyField(max_length=255, source="name")
    # Blank only on a draft: submitting asks for it (services/workflow.py).
    field = models.CharField(_("lĩnh vực"), max_length=20, choices=Field.choices, blank=True)
    level = models.CharField(_("cấp"), max_length=12, choices=Level.choices, default=Level.GRASSROOTS)
    exemplar_kind = models.CharField(
        _("loại điển hình"), max_length=12, choices=ExemplarKind.choices, default=ExemplarKind.COLLECTIVE
    )
    person_name = models.CharField(_("họ tên"), max_length=120, blank=True, help_text=_("Với điển hình cá nhân."))
    person_position = models.CharField(_("chức vụ"), max_length=160, blank=True)
    is_new = models.BooleanField(_("xây dựng mới"), default=True, help_text=_("Bỏ chọn nếu củng cố, nâng cao mô hình đã có."))
    continues = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="continuations",
        verbose_name=_("tiếp nối mô hình năm trước"),
    )
    replicates = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="replications",
        verbose_name=_("nhân rộng từ mô hình"),
    )

    situation = long_text(_("thực trạng, lý do xây dựng"), blank=True)
    objectives = long_text(_("mục tiêu"), blank=True)
    content = long_text(_("nội dung, cách làm"), blank=True)
    target_group = models.CharField(_("đối tượng vận động"), max_length=255, blank=True)
    target_area = models.CharField(_("địa bàn thực hiện"), max_length=255, blank=True)
    lead_force = models.CharField(_("lực lượng nòng cốt"), max_length=255, blank=True)
    partners = models.CharField(_("đơn vị phối hợp"), max_length=255, blank=True)
    resources = long_text(_("nguồn lực"), blank=True)
    start_date = date_field(_("ngày bắt đầu"), null=True, blank=True)
    milestones = long_text(_("các mốc thực hiện"), blank=True)
    evaluation_date = date_field(_("ngày đánh giá"), null=True, blank=True)
    expected_results = long_text(_("kết quả dự kiến"), blank=True)
    sustainability = long_text(_("cách duy trì, nhân rộng"), blank=True)
    success_indicators = long_text(
        _("tiêu chí đánh giá của mô hình"),
        blank=True,
        help_text=_("Mỗi dòng một tiêu chí đo được, ví dụ: 100% hộ tham gia; giảm 50% vụ việc."),
    )

    participants = figure(_("số người tham gia"), PEOPLE)
    beneficiaries = figure(_("số người hưởng lợi"), PEOPLE)
    money_mobilised = figure(_("số tiền vận động (đồng)"), MONEY)
    land_donated_m2 = figure(_("đất hiến (m²)"), LAND_M2)
    work_days = figure(_("ngày công"), WORK_DAYS)
    houses = figure(_("nhà xây/sửa"), HOUSEHOLDS)
    households_out_of_poverty = figure(_("hộ thoát nghèo"), HOUSEHOLDS)
    results = long_text(_("kết quả đạt được"), blank=True)

    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    outcome = models.CharField(_("kết quả đánh giá"), max_length=14, choices=Outcome.choices, blank=True)
    return_reason = long_text(_("lý do trả lại"), SHORT_TEXT, blank=True)

    area = models.ForeignKey(
        AdminArea,
        models.PROTECT,
        related_name="registrations",
        verbose_name=_("địa bàn"),
        help_text=_("Địa bàn của đơn vị trong năm đăng ký."),
    )
    unit_kind = models.ForeignKey(UnitKind, models.PROTECT, related_name="+", verbose_name=_("loại đơn vị"))
    # Today's province of the area, kept by the database (placement_triggers.py) on every write, the
    # COPY of an import and an area moved to another province included: a province's list is then
    # one range of an index instead of its communes' rows picked out of the whole country's.
    # Read only by queries (PROVINCE_PATH); a row built in Python holds None until it is read back.
    current_province = models.ForeignKey(
        AdminArea, models.DO_NOTHING, null=True, editable=False, db_constraint=False, db_index=False,
        related_name="+", verbose_name=_("tỉnh hiện nay"),
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    # The name's words as typed and folded (text.title_key): the ranked search's title tiers.
    search_title = models.CharField(editable=False, blank=True, default="", max_length=520)
    import_batch = models.ForeignKey(
        "models_registry.ImportBatch",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("đợt nhập"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    objects = RegistrationQuerySet.as_manager()
    duplicate_messages = {"name_key": _("Đơn vị đã đăng ký một mô hình cùng tên trong năm này.")}

    get_field_display = label_getter("field", Field)
    get_level_display = label_getter("level", Level)
    get_exemplar_kind_display = label_getter("exemplar_kind", ExemplarKind)
    get_status_display = label_getter("status", Status)
    get_outcome_display = label_getter("outcome", Outcome)

    class Meta:
        verbose_name = _("đăng ký mô hình")
        verbose_name_plural = _("đăng ký mô hình")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "name_key"], name="registration_unique_unit_year_name_key"),
            # A name of spaces or invisible characters only has an empty key.
            models.CheckConstraint(condition=~Q(name_key=""), name="registration_name_not_blank"),
            models.CheckConstraint(
                condition=Q(year__gte=2010) & Q(year__lte=2100), name="registration_year_range"
            ),
            *figure_checks("registration", FIGURE_LIMITS),
            *length_checks("registration", {**dict.fromkeys(LONG_TEXTS, LONG_TEXT), **SHORT_TEXTS}),
            *date_checks("registration", ["start_date", "evaluation_date"]),
            ordered_dates_check("registration", "start_date", "evaluation_date"),
        ]
        indexes = [
            models.Index(fields=["year", "status"]),
            # Covers the report aggregates: PostgreSQL answers them from the index alone
            # (other databases ignore `include` and get a plain index).
            models.Index(
                fields=["area", "year"],
                name="registration_report_cover",
                include=["id", "status", "field", "level", "exemplar_kind", "is_new", "outcome", "replicates",
                         "unit_kind", "unit", *RESULT_FIGURES],
            ),
            models.Index(
                fields=["continues", "year"],
                include=["status"],
                condition=Q(continues__isnull=False),
                name="registration_continues_year",
            ),
            models.Index(fields=["year", "field"]),
            models.Index(fields=["year", "level"]),
            models.Index(fields=["unit_kind", "year"]),
            models.Index(fields=["status"]),
            # Each relevance tier of the public search is read newest first from this index, so a
            # search matching most models stops after a page instead of ranking them all.
            models.Index(fields=["year", "id"], condition=Q(status__in=PUBLISHED_STATUSES), name="registration_published_recent"),
            # The keyset pages of the lists (pagination.py): each order of a list is one of these
            # indexes, so a page is a range read from it, the hundredth page as cheap as the first.
            models.Index(fields=["year", "id"], name="registration_year_id"),
            models.Index(fields=["current_province", "year", "id"], name="registration_province_year_id"),
            models.Index(fields=["name", "id"], condition=Q(status__in=PUBLISHED_STATUSES),
                         name="registration_published_name"),
            models.Index(fields=["beneficiaries", "year", "id"], condition=Q(status__in=PUBLISHED_STATUSES),
                         name="registration_published_reach"),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    # The status the row has in the database: None before the first save, "" if not read.
    _stored_status = None

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)
        self._stored_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        registration = super().from_db(db, field_names, values)
        registration._stored_status = registration.__dict__.get("status", "")
        return registration

    @property
    def is_private_draft(self):
        """A unit's draft that was a draft before this change too: no public page or report
        shows or counts it, so saving or deleting it changes nothing they show."""
        return self.status == Status.DRAFT and self._stored_status in (None, Status.DRAFT)

    def clean(self):
        super().clean()
        self.name, self.person_name = single_line(self.name), single_line(self.person_name)
        if not self.name:
            raise ValidationError({"name": _("Tên mô hình không được để trống.")})
        if self.start_date and self.evaluation_date and self.evaluation_date < self.start_date:
            raise ValidationError({"evaluation_date": _("Ngày đánh giá không được trước ngày bắt đầu.")})
        if self.exemplar_kind == ExemplarKind.INDIVIDUAL and not self.person_name:
            raise ValidationError({"person_name": _("Điển hình cá nhân phải có họ tên người được đề cử.")})

    def fill_derived(self):
        """Tidy the names, copy the unit's area and kind and build the search keys; bulk paths call this too."""
        self.name, self.person_name = single_line(self.name), single_line(self.person_name)
        self._meta.get_field("name_key").fill_key(self)
        if self.unit_id and (not self.area_id or not self.unit_kind_id):
            unit = self.unit
            self.area_id = self.area_id or unit.area_id
            self.unit_kind_id = self.unit_kind_id or unit.kind_id
        unit_name = self.unit.name if self.unit_id else ""
        self.search_text = fold(" ".join([self.name, unit_name, self.content, self.results, self.objectives]))
        self.search_title = title_key(self.name)

    @property
    def is_published(self):
        return self.status in PUBLISHED_STATUSES
