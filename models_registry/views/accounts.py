"""Sign-in, sign-out and password change: Django's auth views with our templates."""
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import views as auth_views
from django.urls import reverse, reverse_lazy

from ..access import is_unit_account, may_review, may_view_reports
from ..forms.accounts import LoginForm


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


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class LogoutView(auth_views.LogoutView):
    next_page = "/"
