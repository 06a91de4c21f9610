from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..freshness import NotifyingQuerySet
from .areas import PROVINCE_PATH, AdminArea
from .choices import Level


class UnitKind(models.Model):
    """Khối / loại đơn vị, with sub-kinds (school, police, …) under a kind."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="subkinds", verbose_name=_("thuộc khối")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = NotifyingQuerySet.as_manager()

    class Meta:
        verbose_name = _("loại đơn vị")
        verbose_name_plural = _("loại đơn vị")
        ordering = ["order", "code"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The label used in Excel files: 'Kind' or 'Kind / Sub-kind'."""
        return self.label_of(self.name, self.parent.name if self.parent_id else None)

    @staticmethod
    def label_of(name, parent_name):
        """`label` from the names alone, for rows read as values."""
        return f"{parent_name} / {name}" if parent_name else name


class UnitQuerySet(NotifyingQuerySet):
    def for_user(self, user):
        from .scoping import scope_for_user

        return scope_for_user(self, user, area_path="area", unit_path="pk", province_path=PROVINCE_PATH)

    def in_operation_on(self, day):
        """Units open on `day`: opened by then (or with no opening on record) and not yet closed."""
        return self.filter(Q(opened_on=None) | Q(opened_on__lte=day), Q(closed_on=None) | Q(closed_on__gt=day))


class Unit(models.Model):
    code = models.CharField(_("mã đơn vị"), max_length=30, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    kind = models.ForeignKey(UnitKind, models.PROTECT, related_name="units", verbose_name=_("loại đơn vị"))
    area = models.ForeignKey(AdminArea, models.PROTECT, related_name="units", verbose_name=_("địa bàn"))
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("đơn vị cấp trên")
    )
    level = models.CharField(_("cấp"), max_length=12, choices=Level.choices, default=Level.GRASSROOTS)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    opened_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    closed_on = models.DateField(
        _("ngày giải thể"), null=True, blank=True,
        help_text=_("Từ ngày này đơn vị không còn hoạt động (sáp nhập, chia tách); xem các đơn vị kế thừa."),
    )
    # Today's province of the unit's area, kept by the database on every write (placement_triggers.py):
    # a province's report counts its units from one range of an index (unit_province_census).
    current_province = models.ForeignKey(
        AdminArea, models.DO_NOTHING, null=True, editable=False, db_constraint=False, db_index=False,
        related_name="+", verbose_name=_("tỉnh hiện nay"),
    )
    import_batch = models.ForeignKey(
        "models_registry.ImportBatch", models.SET_NULL, null=True, blank=True, related_name="units",
        verbose_name=_("tạo bởi đợt nhập"),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["name"]
        indexes = [
            # The reports' census of units in operation by kind (services/reports.py) read from the
            # index alone: a commune's units, and a province's tens of thousands from the second
            # without a visit to the table.
            models.Index(fields=["area", "kind"], include=["id", "is_active", "opened_on", "closed_on"],
                         name="unit_census"),
            models.Index(fields=["current_province", "kind"], include=["id", "is_active", "opened_on", "closed_on"],
                         name="unit_province_census"),
        ]

    def __str__(self):
        return self.name
