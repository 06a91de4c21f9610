from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Role


class User(AbstractUser):
    """An account belongs to a unit, or to an area with a staff or leader role."""

    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        "models_registry.Unit", models.PROTECT, null=True, blank=True, related_name="accounts", verbose_name=_("đơn vị")
    )
    area = models.ForeignKey(
        "models_registry.AdminArea",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("địa bàn phụ trách"),
    )

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def clean(self):
        super().clean()
        if self.role == Role.UNIT and not self.unit_id:
            raise ValidationError({"unit": _("Tài khoản đơn vị phải gắn với một đơn vị.")})
        if self.role in (Role.STAFF, Role.LEADER) and not self.area_id:
            raise ValidationError({"area": _("Cán bộ và lãnh đạo phải gắn với một địa bàn.")})

    @property
    def is_unit_account(self):
        return self.role == Role.UNIT and self.unit_id is not None

    @property
    def is_area_staff(self):
        return self.role == Role.STAFF and self.area_id is not None

    @property
    def is_area_leader(self):
        return self.role == Role.LEADER and self.area_id is not None
