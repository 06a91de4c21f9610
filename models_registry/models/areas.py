from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..freshness import NotifyingQuerySet, kept

# The lookup from a row to today's province holding it, on the models that keep their own copy of
# it (placement_triggers.py): registrations, units and the units' summary. Read instead of the
# area's (AdminArea.scope_q), it spares a province's queries a join to each of its areas.
PROVINCE_PATH = "current_province"


class Structure(models.TextChoices):
    CURRENT = "moi", _("Cơ cấu từ 01/7/2025 (2 cấp)")
    LEGACY = "cu", _("Cơ cấu trước 01/7/2025 (3 cấp)")


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/Thành phố")
    DISTRICT = "district", _("Quận/Huyện")
    COMMUNE = "commune", _("Xã/Phường/Đặc khu")


class AdminAreaQuerySet(NotifyingQuerySet):
    def current(self):
        return self.filter(structure=Structure.CURRENT)

    def legacy(self):
        return self.filter(structure=Structure.LEGACY)

    def provinces(self):
        return self.filter(level=AreaLevel.PROVINCE)


def kept_area(related=(), **lookup):
    """The area matching `lookup` (pk, or structure and code) with its `related` areas loaded, or
    None: a copy of the one this process read, until the area tree changes (freshness.kept).

    Every report page starts from its viewer's area and its ancestors: read from the database,
    that took 4 ms of a 35 ms page (five joined copies of the table planned and built each time)."""
    return kept(("area", tuple(related), tuple(sorted(lookup.items()))),
                lambda: AdminArea.objects.select_related(*related).filter(**lookup).first())


class AdminArea(models.Model):
    """A province, district or commune in one of the two structures.

    Codes were reused by the 2025 reform, so (structure, code) identifies an area.
    The ancestor and successor links are stored on every row so that scoping and
    reports filter with one indexed column instead of walking the tree.
    """

    structure = models.CharField(_("cơ cấu"), max_length=3, choices=Structure.choices)
    code = models.CharField(_("mã"), max_length=5)
    name = models.CharField(_("tên"), max_length=120)
    division_type = models.CharField(_("loại"), max_length=40, blank=True)
    level = models.CharField(_("cấp"), max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("trực thuộc")
    )
    province = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tỉnh (cùng cơ cấu)")
    )
    district = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("huyện (cơ cấu cũ)")
    )
    current_province = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tỉnh hiện nay")
    )
    current_commune = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("xã hiện nay"),
        help_text=_("Với xã cũ bị chia cho nhiều xã mới: xã kế thừa mặc định."),
    )
    is_split = models.BooleanField(
        _("bị chia cho nhiều xã mới"), default=False
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    commission_name = models.CharField(
        _("tên cơ quan dân vận"),
        max_length=160,
        blank=True,
        help_text=_("Ví dụ: Ban Tuyên giáo và Dân vận Tỉnh ủy. Để trống: dùng tên của cấp trên."),
    )
    # Printed in the signature block of the area's reports and dossiers.
    signer_position = models.CharField(
        _("chức vụ người ký văn bản"), max_length=120, blank=True, help_text=_("Để trống: Trưởng ban.")
    )
    signer_name = models.CharField(_("họ tên người ký văn bản"), max_length=120, blank=True)

    objects = AdminAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("địa bàn")
        verbose_name_plural = _("địa bàn")
        ordering = ["structure", "code"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "code"], name="area_unique_structure_code"),
        ]
        indexes = [models.Index(fields=["structure", "level"])]

    def __str__(self):
        return self.label_of(self.name, self.structure)

    @staticmethod
    def label_of(name, structure):
        """How an area is named, from its name and structure alone, for rows read as values."""
        if structure == Structure.LEGACY:
            return gettext("%(name)s (cũ)") % {"name": name}
        return name

    @property
    def is_current(self):
        return self.structure == Structure.CURRENT

    # The one containment rule: every area inside a (structure, level) area, itself included,
    # carries that area's id in this column. A current area also takes in the pre-2025 areas
    # that roll up into it; an old commune contains only itself.
    MEMBER_COLUMNS = {
        (Structure.CURRENT, AreaLevel.PROVINCE): "current_province",
        (Structure.CURRENT, AreaLevel.COMMUNE): "current_commune",
        (Structure.LEGACY, AreaLevel.PROVINCE): "province",
        (Structure.LEGACY, AreaLevel.DISTRICT): "district",
        (Structure.LEGACY, AreaLevel.COMMUNE): "pk",
    }

    def scope_q(self, prefix="area", *, province_path=None):
        """Q selecting rows whose area (reached through `prefix`; "" for areas themselves) lies in this area.
        `province_path` names a row's own copy of its area's current province, read instead of the area's."""
        column = self.MEMBER_COLUMNS[self.structure, self.level]
        if province_path and column == "current_province":
            return Q(**{province_path: self.pk})
        return Q(**{_path(prefix, column): self.pk})

    def contains(self, other):
        """Whether `other` lies in this area (itself included): `scope_q` for one loaded area, without a query."""
        return _member_value(other, self.MEMBER_COLUMNS[self.structure, self.level]) == self.pk

    def containing_ids(self):
        """Ids of the areas containing this one, itself included: the converse of `contains`
        (`a.contains(b)` exactly when `a.pk in b.containing_ids()`), for checks against a set of ids."""
        return {pk for pk in (_member_value(self, column) for column in self.MEMBER_COLUMNS.values()) if pk is not None}

    def containing_q(self, prefix="area"):
        """Q selecting rows whose area (through `prefix`) contains this area, itself included."""
        return Q(**{_path(prefix, "pk__in"): self.containing_ids()})

    def get_commission_name(self):
        area = self
        while area is not None:
            if area.commission_name:
                return area.commission_name
            area = area.parent
        return _("Ban Dân vận")


def _path(prefix, name):
    return f"{prefix}__{name}" if prefix else name


def _member_value(area, column):
    return area.pk if column == "pk" else getattr(area, f"{column}_id")


class AreaSuccessor(models.Model):
    """A pre-2025 commune's successor communes, from the package's converter."""

    old_area = models.ForeignKey(AdminArea, models.CASCADE, related_name="successor_links", verbose_name=_("xã cũ"))
    new_area = models.ForeignKey(AdminArea, models.CASCADE, related_name="predecessor_links", verbose_name=_("xã mới"))
    is_default = models.BooleanField(_("kế thừa mặc định"), default=False)

    objects = NotifyingQuerySet.as_manager()

    class Meta:
        verbose_name = _("xã kế thừa")
        verbose_name_plural = _("xã kế thừa")
        constraints = [models.UniqueConstraint(fields=["old_area", "new_area"], name="area_successor_unique")]

    def __str__(self):
        return f"{self.old_area} → {self.new_area}"
