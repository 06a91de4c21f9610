"""The accounts page in a real browser: a commune clerk finds a unit, creates every missing
account at once and downloads the slips; the unit signs in with its one-time password."""
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from models_registry.models import PasswordResetRequest, User
from models_registry.services import accounts
from tests.conftest import ARTIFACTS, screenshot
from tests.factories import PASSWORD, make_portal_world, make_unit


def log_in(page, username, password=PASSWORD):
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_give_accounts_and_print_the_slips(page):
    world = make_portal_world()
    for n, name in enumerate(["Ban công tác Mặt trận ấp Hòa Bình", "Chi hội Nông dân ấp Tân Lập",
                              "Chi đoàn Thanh niên ấp Đông Hòa", "Chi hội Cựu chiến binh ấp Bến Đình"], start=1):
        make_unit(world.commune_x, kind=world.kind, code=f"HB-{n:02d}", name=name)
    PasswordResetRequest.objects.create(user=world.donvi_b, message="Chị Lan, ĐT 0912 345 678")

    log_in(page, "canbo.xa")
    page.wait_for_url("**/quan-ly/")
    page.goto("/quan-ly/tai-khoan/")
    page.get_by_label("Tên đơn vị hoặc tên đăng nhập").fill("chi hoi phu nu")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_url("**q=chi+hoi+phu+nu**")
    expect(page.locator("tbody tr")).to_have_count(1)
    page.goto("/quan-ly/tai-khoan/")
    screenshot(page, "accounts-10-staff-accounts-page")

    page.get_by_role("link", name=re.compile("Tạo tài khoản cho 4 đơn vị")).click()
    page.get_by_role("button", name="Tạo 4 tài khoản").click()
    page.wait_for_url("**/quan-ly/tai-khoan/phieu/**")
    screenshot(page, "accounts-11-credentials-sheet")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải phiếu để in (PDF)").click()
    pdf = ARTIFACTS / "accounts-12-credentials-slips.pdf"
    download.value.save_as(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(ARTIFACTS / "accounts-12-credentials-slips")], check=True)
    assert User.objects.filter(unit__area=world.commune_x).count() == 6


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_unit_signs_in_with_its_one_time_password_and_sets_its_own(page):
    world = make_portal_world()
    credential = accounts.reset_password(world.canbo_xa, world.donvi_a)
    log_in(page, "donvi.a", credential.password)
    page.wait_for_url("**/tai-khoan/dat-mat-khau-moi/**")
    screenshot(page, "accounts-13-set-new-password")
    page.locator("#id_new_password1").fill("Hoa-sen-no-2026!")
    page.locator("#id_new_password2").fill("Hoa-sen-no-2026!")
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    page.wait_for_url("**/don-vi/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_merge_two_units_and_the_successor_page_shows_it(page):
    world = make_portal_world()
    heir = make_unit(world.commune_x, kind=world.kind, code="HPN-MOI", name="Hội Phụ nữ xã Hòa Bình")
    log_in(page, "canbo.xa")
    page.wait_for_url("**/quan-ly/")
    page.goto("/quan-ly/don-vi/ke-thua/")
    page.locator("#id_sap-nhap-predecessors").fill(f"{world.unit_a.code}\n{world.unit_b.code}")
    page.locator("#id_sap-nhap-successor").fill("HPN-MOI")
    page.locator("#id_sap-nhap-effective_date").fill("01/07/2025")
    screenshot(page, "accounts-14-lineage-forms")
    page.locator("form[action$='/ghi/sap-nhap/'] button[type=submit]").click()
    page.wait_for_url("**/quan-ly/don-vi/ke-thua/")
    page.goto(f"/quan-ly/don-vi/{heir.pk}/")
    expect(page.get_by_text("Chi hội Phụ nữ thôn A")).to_be_visible()
    screenshot(page, "accounts-15-unit-lineage")
