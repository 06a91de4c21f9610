"""The staff accounts page (/quan-ly/tai-khoan/): scope, one account, accounts in bulk with their
credentials sheet, resets, deactivation, "forgot password" requests and the change log."""
import io
import re

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied
from pypdf import PdfReader

from models_registry import credential_sheets
from models_registry.models import ImportBatch, PasswordResetRequest, Role, User
from models_registry.services import accounts as service
from tests.factories import PASSWORD, make_portal_world, make_unit, make_units

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_portal_world()


def _listed(page):
    """The logins in the accounts table."""
    return set(re.findall(r'<td class="fw-semibold">([^<]+)</td>', page))


def _log(account):
    return list(LogEntry.objects.filter(object_id=str(account.pk)).order_by("pk"))


# Scope -------------------------------------------------------------------------------------------

def test_commune_staff_cannot_create_a_province_staff_account(client, world):
    client.force_login(world.canbo_xa)
    response = client.post("/quan-ly/tai-khoan/them/", {"role": Role.STAFF, "area_code": world.province.code,
                                                          "username": "canbo.moi"})
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode() or "không phải" in response.content.decode()
    assert not User.objects.filter(username="canbo.moi").exists()
    with pytest.raises(PermissionDenied):
        service.create_account(world.canbo_xa, role=Role.STAFF, username="canbo.moi", area=world.province)


def test_commune_staff_cannot_reset_a_password_outside_their_commune(client, world):
    outsider = make_unit(world.commune_y, kind=world.kind)
    account = User.objects.create_user("donvi.y", password=PASSWORD, role=Role.UNIT, unit=outsider)
    client.force_login(world.canbo_xa)
    assert client.post(f"/quan-ly/tai-khoan/{account.pk}/cap-lai-mat-khau/").status_code == 404
    account.refresh_from_db()
    assert account.check_password(PASSWORD) and not account.must_change_password


def test_commune_staff_cannot_deactivate_a_province_staff_account(client, world):
    client.force_login(world.canbo_xa)
    assert client.post(f"/quan-ly/tai-khoan/{world.canbo_tinh.pk}/khoa/").status_code == 404
    world.canbo_tinh.refresh_from_db()
    assert world.canbo_tinh.is_active


def test_province_staff_manage_the_staff_accounts_of_their_communes(client, world):
    client.force_login(world.canbo_tinh)
    listed = _listed(client.get("/quan-ly/tai-khoan/").content.decode())
    assert {"canbo.xa", "canbo.xakhac", "donvi.a", "donvi.b"} == listed
    assert client.post(f"/quan-ly/tai-khoan/{world.canbo_xa.pk}/cap-lai-mat-khau/").status_code == 200


def test_commune_staff_see_only_their_units_accounts(client, world):
    client.force_login(world.canbo_xa)
    assert _listed(client.get("/quan-ly/tai-khoan/").content.decode()) == {"donvi.a", "donvi.b"}


def test_province_staff_cannot_create_an_account_outside_their_province(client, world):
    from tests.factories import make_commune, make_province

    elsewhere = make_commune(make_province())
    client.force_login(world.canbo_tinh)
    response = client.post("/quan-ly/tai-khoan/them/", {"role": Role.STAFF, "area_code": elsewhere.code,
                                                          "username": "canbo.khac"})
    assert "trực thuộc địa bàn của bạn" in response.content.decode()
    assert not User.objects.filter(username="canbo.khac").exists()


def test_only_a_superuser_makes_an_administrator(client, world):
    client.force_login(world.canbo_tinh)
    client.post("/quan-ly/tai-khoan/them/", {"role": Role.STAFF, "area_code": world.commune_y.code,
                                             "username": "canbo.y2", "is_staff": "on", "is_superuser": "on"})
    created = User.objects.get(username="canbo.y2")
    assert not created.is_staff and not created.is_superuser
    with pytest.raises(PermissionDenied):
        service.create_account(world.canbo_tinh, role=Role.STAFF, username="canbo.y3", area=world.commune_y,
                               is_superuser=True)
    account, _credential = service.create_account(world.admin, role="", username="quantri2", is_staff=True,
                                                  is_superuser=True)
    assert account.is_superuser


def test_leaders_and_units_have_no_accounts_page(client, world):
    client.force_login(world.lanhdao)
    assert client.get("/quan-ly/tai-khoan/").status_code == 403
    client.force_login(world.donvi_a)
    assert client.get("/quan-ly/tai-khoan/").status_code == 403


# Finding --------------------------------------------------------------------------------------

def test_search_finds_by_unit_name_without_diacritics(client, world):
    client.force_login(world.canbo_xa)
    assert _listed(client.get("/quan-ly/tai-khoan/", {"q": "chi hoi phu nu"}).content.decode()) == {"donvi.a"}


def test_search_finds_by_login(client, world):
    client.force_login(world.canbo_tinh)
    assert _listed(client.get("/quan-ly/tai-khoan/", {"q": "DONVI.B"}).content.decode()) == {"donvi.b"}


# One account ------------------------------------------------------------------------------------

def test_staff_create_a_unit_account_with_a_one_time_password_shown_once(client, world):
    unit = make_unit(world.commune_x, kind=world.kind, code="CB-Ấp 3", name="Chi bộ ấp 3")
    client.force_login(world.canbo_xa)
    response = client.post("/quan-ly/tai-khoan/them/", {"role": Role.UNIT, "unit_code": "cb-Ấp 3"})
    account = User.objects.get(unit=unit)
    password = re.search(r'id="mat-khau">([^<]+)<', response.content.decode()).group(1)
    assert account.username == "cb-ap-3" and account.must_change_password
    assert account.check_password(password)
    assert "no-store" in response["Cache-Control"]
    assert password not in str(dict(client.session))


def test_an_unknown_unit_code_is_refused_and_nothing_is_created(client, world):
    client.force_login(world.canbo_xa)
    before = User.objects.count()
    response = client.post("/quan-ly/tai-khoan/them/", {"role": Role.UNIT, "unit_code": "KHONG-CO"})
    assert "Không có đơn vị mang mã này trong địa bàn của bạn." in response.content.decode()
    assert User.objects.count() == before


def test_every_account_action_is_in_the_change_log_with_who_and_when(client, world):
    client.force_login(world.canbo_xa)
    account = world.donvi_a
    client.post(f"/quan-ly/tai-khoan/{account.pk}/cap-lai-mat-khau/")
    client.post(f"/quan-ly/tai-khoan/{account.pk}/khoa/")
    client.post(f"/quan-ly/tai-khoan/{account.pk}/mo-khoa/")
    entries = _log(account)
    assert [(e.user, e.action_flag, e.change_message) for e in entries] == [
        (world.canbo_xa, CHANGE, "Cấp lại mật khẩu một lần"),
        (world.canbo_xa, CHANGE, "Khóa tài khoản"),
        (world.canbo_xa, CHANGE, "Mở khóa tài khoản"),
    ]
    assert all(entry.action_time for entry in entries)


def test_a_deactivated_account_cannot_sign_in_until_reactivated(client, world):
    client.force_login(world.canbo_xa)
    client.post(f"/quan-ly/tai-khoan/{world.donvi_a.pk}/khoa/")
    client.logout()
    assert client.post("/tai-khoan/dang-nhap/", {"username": "donvi.a", "password": PASSWORD}).status_code == 200
    service.set_active(world.canbo_xa, world.donvi_a, True)
    assert client.post("/tai-khoan/dang-nhap/", {"username": "donvi.a", "password": PASSWORD}).status_code == 302


def test_staff_cannot_deactivate_themselves(world):
    from models_registry.services.errors import NotNow

    with pytest.raises(NotNow):
        service.set_active(world.admin, world.admin, False)


# Accounts in bulk ---------------------------------------------------------------------------------

def test_bulk_creation_for_500_units_makes_500_accounts_in_bounded_queries(world, django_assert_max_num_queries):
    units = make_units(world.commune_x, 500, kind=world.kind)
    with django_assert_max_num_queries(30):
        credentials = service.create_unit_accounts(world.canbo_tinh, units)
    assert len(credentials) == 500
    assert User.objects.filter(unit__in=units, role=Role.UNIT, must_change_password=True).count() == 500
    assert LogEntry.objects.filter(user=world.canbo_tinh, action_flag=ADDITION).count() == 500
    assert len({c.username for c in credentials}) == 500


def test_the_credentials_pdf_has_one_slip_per_account(world):
    units = make_units(world.commune_x, 500, kind=world.kind)
    credentials = service.create_unit_accounts(world.canbo_tinh, units)
    pdf = credential_sheets.render_pdf(credentials, login_url="https://dvk.example/tai-khoan/dang-nhap/", title="Phiếu")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 50
    assert text.count("PHIẾU TÀI KHOẢN") == 500
    assert all(c.username in text and c.password in text for c in credentials[:20])


def test_bulk_creation_skips_units_with_an_account_and_units_outside_the_scope(world):
    outside = make_unit(world.commune_y, kind=world.kind)
    new = make_unit(world.commune_x, kind=world.kind)
    credentials = service.create_unit_accounts(world.canbo_xa, [world.unit_a, outside, new])
    assert [c.unit_code for c in credentials] == [new.code]


def test_bulk_logins_never_clash_with_existing_ones(world):
    unit = make_unit(world.commune_x, kind=world.kind, code="DV-7")
    User.objects.create_user("dv-7", password=PASSWORD)
    [credential] = service.create_unit_accounts(world.canbo_xa, [unit])
    assert credential.username == "dv-7-2"


def test_bulk_page_creates_the_accounts_and_each_sheet_file_downloads_once(client, world):
    make_units(world.commune_x, 3, kind=world.kind)
    client.force_login(world.canbo_xa)
    assert "3 đơn vị chưa có tài khoản" in client.get("/quan-ly/tai-khoan/hang-loat/").content.decode()
    response = client.post("/quan-ly/tai-khoan/hang-loat/")
    sheet = response.url
    assert sheet.startswith("/quan-ly/tai-khoan/phieu/")
    assert client.get(sheet).status_code == 200
    pdf = client.get(f"{sheet}tai.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert client.get(f"{sheet}tai.pdf").status_code == 404
    xlsx = client.get(f"{sheet}tai.xlsx")
    assert xlsx.status_code == 200
    assert client.get(sheet).status_code == 404


def test_the_sheet_is_kept_encrypted_and_only_in_the_makers_session(client, world):
    from django.test import Client

    [unit] = make_units(world.commune_x, 1, kind=world.kind)
    client.force_login(world.canbo_xa)
    sheet = client.post("/quan-ly/tai-khoan/hang-loat/").url
    account = User.objects.get(unit=unit)
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{sheet}tai.xlsx").content))
    password = book.active["E2"].value
    assert account.check_password(password)
    assert password not in str(dict(client.session))
    other = Client()
    other.force_login(world.canbo_xa)
    assert other.get(f"{sheet}tai.pdf").status_code == 404


def test_bulk_for_one_kind_of_unit(client, world):
    from tests.factories import make_kind

    other_kind = make_kind(name="Đoàn Thanh niên")
    make_units(world.commune_x, 2, kind=other_kind)
    make_units(world.commune_x, 3, kind=world.kind)
    assert service.units_without_account(world.canbo_xa, kind=other_kind).count() == 2


# Forgot password -------------------------------------------------------------------------------------

def test_forgot_password_goes_to_the_inbox_of_the_units_staff(client, world):
    response = client.post("/tai-khoan/quen-mat-khau/", {"username": "donvi.a", "message": "Gọi 0912 345 678"})
    assert "Đã gửi yêu cầu" in response.content.decode()
    assert PasswordResetRequest.objects.get().user == world.donvi_a
    client.force_login(world.canbo_xa)
    assert "Gọi 0912 345 678" in client.get("/quan-ly/tai-khoan/").content.decode()
    client.force_login(world.canbo_xa_khac)
    assert "Gọi 0912 345 678" not in client.get("/quan-ly/tai-khoan/").content.decode()


def test_a_reset_by_staff_closes_the_request(client, world):
    service.ask_for_reset("donvi.a")
    client.force_login(world.canbo_xa)
    client.post(f"/quan-ly/tai-khoan/{world.donvi_a.pk}/cap-lai-mat-khau/")
    request = PasswordResetRequest.objects.get()
    assert request.handled_by == world.canbo_xa and request.handled_at is not None


def test_forgot_password_answers_the_same_for_an_unknown_login(client, world):
    response = client.post("/tai-khoan/quen-mat-khau/", {"username": "khong-ai-ca"})
    assert "Đã gửi yêu cầu" in response.content.decode()
    assert not PasswordResetRequest.objects.exists()


def test_a_second_request_does_not_flood_the_inbox_or_the_mailbox(client, world):
    world.donvi_a.email = "chihoi@example.org"
    world.donvi_a.save()
    client.post("/tai-khoan/quen-mat-khau/", {"username": "donvi.a"})
    client.post("/tai-khoan/quen-mat-khau/", {"username": "DONVI.A"})
    assert PasswordResetRequest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_forgot_password_also_emails_a_link_where_the_account_has_an_email(client, world):
    world.donvi_a.email = "chihoi@example.org"
    world.donvi_a.save()
    client.post("/tai-khoan/quen-mat-khau/", {"username": "donvi.a"})
    [message] = mail.outbox
    assert message.to == ["chihoi@example.org"]
    link = re.search(r"https?://[^/]+(/tai-khoan/dat-lai/\S+)", message.body).group(1)
    form_url = client.get(link).url
    response = client.post(form_url, {"new_password1": "Sen-hong-no-2026", "new_password2": "Sen-hong-no-2026"})
    assert response.status_code == 302
    world.donvi_a.refresh_from_db()
    assert world.donvi_a.check_password("Sen-hong-no-2026")
    assert not PasswordResetRequest.objects.exists()


# The unit import, with accounts in the same step ------------------------------------------------------

def test_the_unit_import_can_create_the_new_units_accounts_in_the_same_step(client, world):
    from django.urls import reverse

    from models_registry.models import UnitKind
    from tests.factories import make_sheet

    kind = UnitKind.objects.get(code="mat-tran")
    client.force_login(world.canbo_xa)
    headers = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã xã"]
    rows = [["MT-01", "Ban công tác Mặt trận ấp Một", kind.label, world.commune_x.code],
            ["MT-02", "Ban công tác Mặt trận ấp Hai", kind.label, world.commune_x.code]]
    response = client.post(reverse("excel_upload"), {"kind": "units", "file": make_sheet(headers, rows, "don-vi.xlsx")})
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert "Tạo luôn tài khoản cho các đơn vị mới" in client.get(response["Location"]).content.decode()
    response = client.post(reverse("excel_confirm", args=[token]), {"tao-tai-khoan": "1"})
    assert response.url.startswith("/quan-ly/tai-khoan/phieu/")
    assert set(User.objects.filter(unit__code__in=["MT-01", "MT-02"]).values_list("username", flat=True)) == {
        "mt-01", "mt-02"}
    assert service.units_without_account(world.canbo_xa, batch=ImportBatch.objects.get()).count() == 0
    assert "mt-01" in client.get(response.url).content.decode()


def test_the_bulk_page_offers_the_units_of_one_import(client, world):
    from models_registry.services.imports import import_file
    from tests.factories import make_sheet

    headers = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã xã"]
    rows = [["MT-03", "Ban công tác Mặt trận ấp Ba", world.kind.code, world.commune_x.code]]
    report = import_file("units", make_sheet(headers, rows, "don-vi.xlsx"), "don-vi.xlsx", user=world.canbo_xa)
    assert report.written
    make_unit(world.commune_x, kind=world.kind)
    client.force_login(world.canbo_xa)
    page = client.get("/quan-ly/tai-khoan/hang-loat/", {"batch": report.batch.pk}).content.decode()
    assert "1 đơn vị chưa có tài khoản" in page and "MT-03" in page


def test_a_long_unit_name_takes_two_lines_on_its_slip_and_is_cut_after(world):
    unit = make_unit(world.commune_x, kind=world.kind, name="Ban công tác Mặt trận Tổ quốc Việt Nam khu dân cư "
                     "số 12 ấp Hòa Bình Thượng xã Hòa Bình huyện Chợ Gạo tỉnh Tiền Giang cũ, nay là xã Hòa Bình")
    [credential] = service.create_unit_accounts(world.canbo_xa, [unit])
    pdf = credential_sheets.render_pdf([credential], login_url="https://dvk.example/", title="Phiếu")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Ban công tác Mặt trận" in text and "…" in text and "nay là xã Hòa Bình" not in text
