"""Sign-in, sign-out and password change at /tai-khoan/, in Vietnamese."""
import pytest
from django.contrib.admin.models import CHANGE, LogEntry

from tests.factories import PASSWORD, make_portal_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_portal_world()


def test_login_page_is_in_vietnamese(client):
    page = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert "Đăng nhập" in page and "Mật khẩu" in page


def test_unit_account_lands_on_the_unit_portal(client, world):
    response = client.post("/tai-khoan/dang-nhap/", {"username": "donvi.a", "password": PASSWORD})
    assert response.url == "/don-vi/"


def test_staff_lands_on_the_workspace(client, world):
    response = client.post("/tai-khoan/dang-nhap/", {"username": "canbo.xa", "password": PASSWORD})
    assert response.url == "/quan-ly/"


def test_login_returns_to_the_page_asked_for(client, world):
    response = client.post("/tai-khoan/dang-nhap/?next=/quan-ly/mo-hinh/",
                           {"username": "canbo.xa", "password": PASSWORD, "next": "/quan-ly/mo-hinh/"})
    assert response.url == "/quan-ly/mo-hinh/"


def test_login_does_not_redirect_off_site(client, world):
    response = client.post("/tai-khoan/dang-nhap/", {"username": "canbo.xa", "password": PASSWORD,
                                                     "next": "https://ke-xau.example/"})
    assert response.url == "/quan-ly/"


def test_wrong_password_is_refused_in_vietnamese(client, world):
    response = client.post("/tai-khoan/dang-nhap/", {"username": "donvi.a", "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_protected_page_sends_anonymous_to_login(client):
    response = client.get("/don-vi/")
    assert response.url == "/tai-khoan/dang-nhap/?next=/don-vi/"


def test_logout_is_a_post(client, world):
    client.force_login(world.donvi_a)
    assert client.get("/tai-khoan/dang-xuat/").status_code == 405
    client.post("/tai-khoan/dang-xuat/")
    assert "_auth_user_id" not in client.session


def test_password_change_needs_login(client):
    assert client.get("/tai-khoan/doi-mat-khau/").url.startswith("/tai-khoan/dang-nhap/")


def test_password_change_works(client, world):
    client.force_login(world.donvi_a)
    response = client.post("/tai-khoan/doi-mat-khau/", {
        "old_password": PASSWORD, "new_password1": "Hoa-sen-no-2025!", "new_password2": "Hoa-sen-no-2025!"},
        follow=True)
    assert "Đã đổi mật khẩu" in response.content.decode()
    world.donvi_a.refresh_from_db()
    assert world.donvi_a.check_password("Hoa-sen-no-2025!")


def test_a_password_change_is_in_the_administrators_change_log(client, world):
    client.force_login(world.donvi_a)
    client.post("/tai-khoan/doi-mat-khau/", {
        "old_password": PASSWORD, "new_password1": "Hoa-sen-no-2025!", "new_password2": "Hoa-sen-no-2025!"})
    entry = LogEntry.objects.get(object_id=str(world.donvi_a.pk))
    assert (entry.user, entry.action_flag, entry.change_message) == (
        world.donvi_a, CHANGE, "Tự đổi mật khẩu trên cổng thông tin")


def test_password_change_with_wrong_old_password_is_refused(client, world):
    client.force_login(world.donvi_a)
    response = client.post("/tai-khoan/doi-mat-khau/", {
        "old_password": "sai", "new_password1": "Hoa-sen-no-2025!", "new_password2": "Hoa-sen-no-2025!"})
    assert response.status_code == 200
    world.donvi_a.refresh_from_db()
    assert world.donvi_a.check_password(PASSWORD)


def test_leader_lands_on_the_reports(client, world):
    response = client.post("/tai-khoan/dang-nhap/", {"username": "lanhdao", "password": PASSWORD})
    assert response.url == "/bao-cao/"
