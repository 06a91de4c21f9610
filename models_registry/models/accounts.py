from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..access import is_area_staff
from .areas import AreaLevel
from .choices import Role


class PortalUserManager(UserManager):
    def manageable_by(self, user):
        """The accounts `user` may manage on the staff accounts page; anyone else's answer 404.

        Superusers: every account. Staff of an area: the unit accounts of the units in it, and
        for a province's staff also the staff and leader accounts of the areas below it. Nobody
        but a superuser manages an administrator's account (is_staff or is_superuser).
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if not is_area_staff(user):
            return self.none()
        rule = Q(role=Role.UNIT) & user.area.scope_q("unit__area")
        if user.area.level == AreaLevel.PROVINCE:
            rule |= Q(role__in=(Role.STAFF, Role.LEADER)) & user.area.scope_q("area") & ~Q(area=user.area_id)
        return self.filter(rule, is_staff=False, is_superuser=False)


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
    notify_by_email = models.BooleanField(
        _("nhận thông báo qua email"), default=True,
        help_text=_("Bỏ chọn để chỉ nhận thông báo trong hộp thư của cổng thông tin."),
    )

    must_change_password = models.BooleanField(
        _("phải đổi mật khẩu"), default=False,
        help_text=_("Mật khẩu hiện tại do người khác đặt (mật khẩu một lần): phải đặt mật khẩu mới khi đăng nhập."),
    )
    one_time_password_expires_at = models.DateTimeField(
        _("mật khẩu một lần hết hạn lúc"), null=True, blank=True,
        help_text=_("Có giá trị khi mật khẩu hiện tại là mật khẩu một lần, chưa dùng."),
    )

    objects = PortalUserManager()

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
    def has_one_time_password(self):
        return self.one_time_password_expires_at is not None

    @property
    def one_time_password_expired(self):
        return self.has_one_time_password and self.one_time_password_expires_at <= timezone.now()


class PasswordResetRequest(models.Model):
    """"Forgot password" from the sign-in page: a request in the inbox of the staff who manage
    the account (the staff accounts page), since most units have no email of their own."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="reset_requests", verbose_name=_("tài khoản")
    )
    message = models.CharField(_("lời nhắn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    handled_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người xử lý")
    )

    class Meta:
        verbose_name = _("yêu cầu cấp lại mật khẩu")
        verbose_name_plural = _("yêu cầu cấp lại mật khẩu")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "handled_at"])]

    def __str__(self):
        return f"{self.user} – {self.created_at:%d/%m/%Y %H:%M}"
