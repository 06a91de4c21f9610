"""Signing in: one-time passwords (work once, force a change, expire), resets by staff, the
password policy, two-factor sign-in with an authenticator app, and the admin for superusers."""
import datetime

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from models_registry.services import accounts as service
from tests.factories import PASSWORD, make_portal_world

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Hoa-sen-no-2026!"


@pytest.fixture
def world():
    return make_portal_world()


def sign_in(client, username, password):
    return client.post("/tai-khoan/dang-nhap/", {"username": username, "password": password})


def code_of(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


# One-time passwords --------------------------------------------------------------------------------

def test_a_one_time_password_signs_in_once_and_forces_a_new_password(client, world):
    credential = service.reset_password(world.canbo_xa, world.donvi_a)
    assert sign_in(client, "donvi.a", credential.password).status_code == 302
    response = client.get("/don-vi/")
    assert response.url.startswith("/tai-khoan/dat-mat-khau-moi/")
    client.post("/tai-khoan/dang-xuat/")
    response = sign_in(Client(), "donvi.a", credential.password)
    assert response.status_code == 200 and "_auth_user_id" not in Client().session


def test_the_new_password_releases_the_account(client, world):
    credential = service.reset_password(world.canbo_xa, world.donvi_a)
    sign_in(client, "donvi.a", credential.password)
    response = client.post("/tai-khoan/dat-mat-khau-moi/?next=/don-vi/",
                           {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "next": "/don-vi/"})
    assert response.url == "/don-vi/"
    assert client.get("/don-vi/").status_code == 200
    world.donvi_a.refresh_from_db()
    assert world.donvi_a.check_password(NEW_PASSWORD) and not world.donvi_a.must_change_password


def test_a_one_time_password_fails_after_it_expires(client, world):
    credential = service.reset_password(world.canbo_xa, world.donvi_a)
    world.donvi_a.refresh_from_db()
    world.donvi_a.one_time_password_expires_at = timezone.now() - datetime.timedelta(minutes=1)
    world.donvi_a.save()
    response = sign_in(client, "donvi.a", credential.password)
    assert response.status_code == 200
    assert "Mật khẩu một lần này đã hết hạn" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_time_passwords_expire_after_the_set_number_of_days(world, settings):
    settings.ONE_TIME_PASSWORD_DAYS = 3
    credential = service.reset_password(world.canbo_xa, world.donvi_a)
    assert credential.expires_at - timezone.now() > datetime.timedelta(days=2, hours=23)
    assert credential.expires_at - timezone.now() <= datetime.timedelta(days=3)


def test_the_held_user_may_still_sign_out(client, world):
    credential = service.reset_password(world.canbo_xa, world.donvi_a)
    sign_in(client, "donvi.a", credential.password)
    client.post("/tai-khoan/dang-xuat/")
    assert "_auth_user_id" not in client.session


def test_one_time_passwords_use_the_light_hasher_where_configured(world):
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher", "models_registry.signin.OneTimePasswordHasher"]
    with override_settings(PASSWORD_HASHERS=hashers):
        credential = service.reset_password(world.canbo_xa, world.donvi_a)
        world.donvi_a.refresh_from_db()
        assert world.donvi_a.password.startswith("pbkdf2_otp$5000$")
        assert check_password(credential.password, world.donvi_a.password)


# Resets by staff -----------------------------------------------------------------------------------

def test_a_reset_by_staff_invalidates_the_old_password_and_open_sessions(client, world):
    assert sign_in(client, "donvi.a", PASSWORD).status_code == 302
    assert client.get("/don-vi/").status_code == 200
    service.reset_password(world.canbo_xa, world.donvi_a)
    assert client.get("/don-vi/").url.startswith("/tai-khoan/dang-nhap/")
    assert sign_in(Client(), "donvi.a", PASSWORD).status_code == 200


# Password policy -------------------------------------------------------------------------------------

@pytest.mark.parametrize("password,message", [
    ("ngan", "Mật khẩu quá ngắn"),
    ("12345678901234", "Mật khẩu này hoàn toàn là số."),
    ("password1234", "Mật khẩu này quá phổ biến."),
])
def test_the_password_policy_speaks_vietnamese(client, world, password, message):
    client.force_login(world.donvi_a)
    response = client.post("/tai-khoan/doi-mat-khau/", {
        "old_password": PASSWORD, "new_password1": password, "new_password2": password})
    assert message in response.content.decode()
    world.donvi_a.refresh_from_db()
    assert world.donvi_a.check_password(PASSWORD)


# Two-factor sign-in ------------------------------------------------------------------------------------

def test_staff_add_an_authenticator_and_then_need_its_code(client, world):
    client.force_login(world.canbo_xa)
    page = client.post("/tai-khoan/hai-buoc/", {"thao-tac": "bat-dau"}).content.decode()
    assert 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=world.canbo_xa)
    assert client.post("/tai-khoan/hai-buoc/", {"thao-tac": "xac-nhan", "token": "000000"}).status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # a wrong code makes the next try wait a second
    client.post("/tai-khoan/hai-buoc/", {"thao-tac": "xac-nhan", "token": code_of(device)})
    device.refresh_from_db()
    assert device.confirmed
    other = Client()
    assert sign_in(other, "canbo.xa", PASSWORD).status_code == 302
    assert other.get("/quan-ly/").url.startswith("/tai-khoan/xac-thuc-hai-buoc/")
    other.post("/tai-khoan/xac-thuc-hai-buoc/", {"token": "111111"})
    assert other.get("/quan-ly/").status_code == 302
    device.refresh_from_db()
    # The code that confirmed the device is spent (no replay) and a wrong one throttles the next.
    device.throttle_reset(commit=False)
    device.last_t = -1
    device.save()
    response = other.post("/tai-khoan/xac-thuc-hai-buoc/?next=/quan-ly/", {"token": code_of(device), "next": "/quan-ly/"})
    assert response.url == "/quan-ly/"
    assert other.get("/quan-ly/").status_code == 200


def test_units_have_no_two_factor_page(client, world):
    client.force_login(world.donvi_a)
    assert client.get("/tai-khoan/hai-buoc/").status_code == 403


@override_settings(OTP_REQUIRED_FOR_SUPERUSERS=True)
def test_a_superuser_without_a_second_factor_cannot_open_the_admin_in_production(client, world):
    client.force_login(world.admin)
    response = client.get("/admin/")
    assert response.url.startswith("/tai-khoan/hai-buoc/")
    assert client.get("/admin/models_registry/user/").url.startswith("/tai-khoan/hai-buoc/")


@override_settings(OTP_REQUIRED_FOR_SUPERUSERS=True)
def test_a_superuser_with_a_confirmed_device_opens_the_admin_after_the_code(client, world):
    device = TOTPDevice.objects.create(user=world.admin, name="Điện thoại", confirmed=True)
    client.force_login(world.admin)
    assert client.get("/admin/").url.startswith("/tai-khoan/xac-thuc-hai-buoc/")
    client.post("/tai-khoan/xac-thuc-hai-buoc/", {"token": code_of(device)})
    assert client.get("/admin/").status_code == 200


@override_settings(OTP_REQUIRED_FOR_SUPERUSERS=True)
def test_a_superuser_cannot_turn_the_second_factor_off_in_production(client, world):
    device = TOTPDevice.objects.create(user=world.admin, name="Điện thoại", confirmed=True)
    client.force_login(world.admin)
    client.post("/tai-khoan/xac-thuc-hai-buoc/", {"token": code_of(device)})
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    client.post("/tai-khoan/hai-buoc/", {"thao-tac": "tat", "token": code_of(device)})
    assert TOTPDevice.objects.filter(user=world.admin, confirmed=True).exists()


def test_the_admin_opens_without_a_second_factor_on_a_developer_machine(client, world):
    client.force_login(world.admin)
    assert client.get("/admin/").status_code == 200


def test_a_device_removed_by_an_administrator_no_longer_holds_the_session(client, world):
    device = TOTPDevice.objects.create(user=world.canbo_xa, name="Điện thoại", confirmed=True)
    client.force_login(world.canbo_xa)
    assert client.get("/quan-ly/").url.startswith("/tai-khoan/xac-thuc-hai-buoc/")
    device.delete()
    client.get("/tai-khoan/xac-thuc-hai-buoc/")
    assert client.get("/quan-ly/").status_code == 200
