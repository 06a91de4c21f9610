"""Signing in: one-time passwords that work once, and the gate that holds a signed-in user on
the second-factor or new-password page until that step is done."""
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import password_validation, update_session_auth_hash
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import ngettext
from django_otp import user_has_device

# The session remembers, from sign-in, whether the account has a confirmed authenticator, so
# the gate asks the database nothing on ordinary requests.
HAS_DEVICE_KEY = "dvk_has_otp_device"
# Pages a held user may still open.
ALWAYS_OPEN = ("/tai-khoan/dang-xuat/", "/static/", "/ngon-ngu/", "/healthz", "/media/")


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    """For one-time passwords only: 60 random bits that expire in days do not need a million
    rounds, and staff create thousands at once (models_registry/services/accounts.py)."""

    algorithm = "pbkdf2_otp"
    iterations = 5_000


@receiver(user_logged_in, dispatch_uid="dvk-signin")
def _on_sign_in(sender, request, user, **kwargs):
    if request is None:
        return
    if user.has_one_time_password:
        # Works once: spent at this sign-in, so the user must set their own now (the gate holds them).
        user.set_unusable_password()
        user.one_time_password_expires_at = None
        user.must_change_password = True
        user.save(update_fields=["password", "one_time_password_expires_at", "must_change_password"])
        update_session_auth_hash(request, user)
    if hasattr(request, "session"):
        request.session[HAS_DEVICE_KEY] = user_has_device(user, confirmed=True)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its message in Vietnamese: Django's catalogue has no entry for it."""

    def get_error_message(self):
        return ngettext("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.",
                        "Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.", self.min_length)


def _gate(request):
    """The page the signed-in user must finish first, or None."""
    user = request.user
    verified = getattr(user, "is_verified", lambda: False)()
    if request.session.get(HAS_DEVICE_KEY) and not verified:
        return reverse("two_factor_verify")
    if user.must_change_password:
        return reverse("password_set_new")
    if (request.path.startswith("/admin/") and user.is_superuser and settings.OTP_REQUIRED_FOR_SUPERUSERS
            and not verified):
        return reverse("two_factor_setup")
    return None


class SignInGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.path.startswith(ALWAYS_OPEN):
            target = _gate(request)
            if target is not None and request.path != target:
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
