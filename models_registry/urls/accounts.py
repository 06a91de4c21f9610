from django.urls import path

from ..views import accounts

urlpatterns = [
    path("dang-nhap/", accounts.LoginView.as_view(), name="login"),
    path("dang-xuat/", accounts.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", accounts.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("dat-mat-khau-moi/", accounts.set_new_password, name="password_set_new"),
    path("quen-mat-khau/", accounts.forgot_password, name="password_forgot"),
    path("dat-lai/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("xac-thuc-hai-buoc/", accounts.two_factor_verify, name="two_factor_verify"),
    path("hai-buoc/", accounts.two_factor_setup, name="two_factor_setup"),
]
