"""Sign-in, sign-out and password change: Django's auth views with our templates; the new
password after a one-time one, "forgot password", and two-factor sign-in (django-otp)."""
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..access import is_unit_account, may_review, may_use_two_factor, may_view_reports, role_required
from ..forms.account_management import ForgotPasswordForm, TokenForm
from ..forms.accounts import LoginForm
from ..models import PasswordResetRequest
from ..services import accounts as account_service
from ..signin import HAS_DEVICE_KEY


def landing_url(user):
    """Where a user starts after signing in: their own workspace."""
    if is_unit_account(user):
        return reverse("unit_portal_home")
    if may_review(user):
        return reverse("staff_home")
    if may_view_reports(user):
        return "/bao-cao/"
    return "/"


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return landing_url(self.request.user)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Administrators see it in the change log beside the password changes made in the admin.
        LogEntry.objects.log_actions(self.request.user.pk, [self.request.user], CHANGE,
                                     "Tự đổi mật khẩu trên cổng thông tin", single_object=True)
        return response


def _log_own(user, message):
    LogEntry.objects.log_actions(user.pk, [user], CHANGE, message, single_object=True)


def _next_or_landing(request):
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return landing_url(request.user)


@never_cache
@login_required
def set_new_password(request):
    """After signing in with a one-time password: the user's own password, before anything else."""
    user = request.user
    if not user.must_change_password:
        return redirect(_next_or_landing(request))
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user.must_change_password = False
        user.one_time_password_expires_at = None
        user.save()
        update_session_auth_hash(request, user)
        _log_own(user, "Đặt mật khẩu riêng sau mật khẩu một lần")
        messages.success(request, _("Đã đặt mật khẩu mới. Từ nay hãy đăng nhập bằng mật khẩu này."))
        return redirect(_next_or_landing(request))
    return render(request, "registration/set_new_password.html", {"form": form, "next": request.GET.get("next", "")})


def forgot_password(request):
    """The request goes to the staff who manage the account (their accounts page); where the account
    has an email, a link to set a new password goes there too. The answer is the same for any login."""
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account, new = account_service.ask_for_reset(form.cleaned_data["username"], form.cleaned_data["message"])
        # One email per open request: asking again does not flood the unit's mailbox.
        if new and account.email:
            link = request.build_absolute_uri(reverse("password_reset_confirm", args=[
                urlsafe_base64_encode(force_bytes(account.pk)), default_token_generator.make_token(account)]))
            send_mail(
                _("Đặt lại mật khẩu Cổng thông tin Dân vận khéo"),
                _("Có yêu cầu đặt lại mật khẩu cho tài khoản %(login)s. Mở liên kết sau để đặt mật khẩu mới "
                  "(dùng được một lần):\n\n%(link)s\n\nNếu bạn không yêu cầu, hãy bỏ qua thư này.")
                % {"login": account.username, "link": link},
                None, [account.email],
            )
        return render(request, "registration/forgot_password_sent.html")
    return render(request, "registration/forgot_password.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link emailed by "forgot password"."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        user = form.user
        user.must_change_password = False
        user.one_time_password_expires_at = None
        response = super().form_valid(form)
        PasswordResetRequest.objects.filter(user=user, handled_at=None).delete()
        _log_own(user, "Tự đặt lại mật khẩu qua liên kết gửi email")
        messages.success(self.request, _("Đã đặt mật khẩu mới; hãy đăng nhập."))
        return response


# Two-factor sign-in ----------------------------------------------------------------------------

@never_cache
@login_required
def two_factor_verify(request):
    """The second step of signing in, for an account with an authenticator app."""
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        # Removed meanwhile (an administrator deleted a lost phone's device): nothing to ask for.
        request.session[HAS_DEVICE_KEY] = False
    if not devices or request.user.is_verified():
        return redirect(_next_or_landing(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            allowed, _details = device.verify_is_allowed()
            if allowed and device.verify_token(form.cleaned_data["token"].strip()):
                otp_login(request, device)
                return redirect(_next_or_landing(request))
        form.add_error("token", _("Mã không đúng hoặc đã hết hạn; hãy nhập mã đang hiện trên ứng dụng."))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": request.GET.get("next", "")})


@never_cache
@role_required(may_use_two_factor)
def two_factor_setup(request):
    """Add an authenticator app (scan the QR code, type a code to confirm), or remove it."""
    user = request.user
    action = request.POST.get("thao-tac") if request.method == "POST" else None
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    form = TokenForm(request.POST if action in ("xac-nhan", "tat") else None)
    if action == "bat-dau":
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        pending = TOTPDevice.objects.create(user=user, name=_("Ứng dụng xác thực"), confirmed=False)
    elif action == "xac-nhan" and pending is not None and form.is_valid():
        if pending.verify_token(form.cleaned_data["token"].strip()):
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            otp_login(request, pending)
            request.session[HAS_DEVICE_KEY] = True
            _log_own(user, "Bật xác thực hai bước")
            messages.success(request, _("Đã bật xác thực hai bước. Từ nay đăng nhập cần thêm mã trên ứng dụng."))
            return redirect(_next_or_landing(request) if request.GET.get("next") else "two_factor_setup")
        form.add_error("token", _("Mã không đúng; hãy nhập mã đang hiện trên ứng dụng vừa quét."))
    elif action == "tat" and form.is_valid():
        if user.is_superuser and settings.OTP_REQUIRED_FOR_SUPERUSERS:
            form.add_error(None, _("Quản trị viên bắt buộc dùng xác thực hai bước."))
        elif any(d.verify_token(form.cleaned_data["token"].strip()) for d in devices_for_user(user, confirmed=True)):
            TOTPDevice.objects.filter(user=user).delete()
            request.session[HAS_DEVICE_KEY] = False
            _log_own(user, "Tắt xác thực hai bước")
            messages.info(request, _("Đã tắt xác thực hai bước."))
            return redirect("two_factor_setup")
        else:
            form.add_error("token", _("Mã không đúng."))
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    qr = segno.make(pending.config_url, error="m").svg_data_uri(scale=5) if pending and not confirmed else None
    return render(request, "registration/two_factor_setup.html", {
        "confirmed": confirmed, "pending": pending if not confirmed else None, "qr": qr, "form": form,
        "secret": pending and _grouped(pending.bin_key), "required": user.is_superuser and settings.OTP_REQUIRED_FOR_SUPERUSERS,
        "next": request.GET.get("next", ""),
    })


def _grouped(key):
    """The secret as the app's "enter a key" screen wants it: base32, in groups of four."""
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class LogoutView(auth_views.LogoutView):
    next_page = "/"
