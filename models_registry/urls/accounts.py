from django.urls import path

from ..views import accounts

urlpatterns = [
    path("dang-nhap/", accounts.LoginView.as_view(), name="login"),
    path("dang-xuat/", accounts.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", accounts.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
