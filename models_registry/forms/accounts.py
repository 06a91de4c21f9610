from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from ..access import may_use_admin


class BoundedUsernameMixin:
    """Django sets the username's max_length after building the field, so no length
    validator is attached and an overlong name reached authentication (and the login
    throttle's 255-character column). Attach it, so such a name is a plain form error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class OneTimePasswordMixin:
    """A one-time password that has expired no longer signs in (models_registry/signin.py spends
    it at the sign-in it allows)."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.one_time_password_expired:
            raise ValidationError(
                _("Mật khẩu một lần này đã hết hạn. Hãy bấm “Quên mật khẩu?” để cán bộ phụ trách cấp lại."),
                code="one_time_password_expired",
            )


class LoginForm(BoundedUsernameMixin, OneTimePasswordMixin, AuthenticationForm):
    pass


class AdminLoginForm(BoundedUsernameMixin, OneTimePasswordMixin, AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        # The admin is for administrators: an account merely given is_staff is refused like any other.
        if not may_use_admin(user):
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                  params={"username": self.username_field.verbose_name})
        super().confirm_login_allowed(user)
