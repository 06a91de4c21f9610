"""The daily flow in a real browser: a unit registers and submits, the commune clerk accepts."""
import datetime

import pytest

from models_registry.models import Registration, Status
from tests.conftest import screenshot
from tests.factories import FAST_HASHERS, PASSWORD, make_portal_world, make_registration

YEAR = datetime.date.today().year


def log_in(page, username):
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def log_out(page):
    page.locator("#nav-main .dropdown-toggle").click()
    page.get_by_role("button", name="Đăng xuất").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_unit_registers_and_submits_then_commune_staff_accepts(page, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    world = make_portal_world()
    make_registration(world.unit_a, year=YEAR - 1, name="Tủ sách cộng đồng", status=Status.COMPLETED)

    log_in(page, "donvi.a")
    page.wait_for_url("**/don-vi/")
    assert page.get_by_text(f"Đơn vị chưa đăng ký mô hình “Dân vận khéo” năm {YEAR}.").is_visible()
    screenshot(page, "workflow-01-unit-home-reminder")

    page.get_by_role("link", name="Đăng ký mô hình mới").click()
    page.get_by_label("Tên mô hình").fill("Tủ quần áo yêu thương")
    page.get_by_label("Lĩnh vực").select_option(label="Văn hóa - Xã hội")
    page.get_by_label("Mục tiêu").fill("Mỗi năm hỗ trợ 200 lượt quần áo cho hộ khó khăn.")
    page.get_by_label("Nội dung, cách làm").fill("Hội viên quyên góp, phân loại, trao tận tay hộ khó khăn.")
    page.get_by_label("Tiêu chí đánh giá của mô hình").fill("200 lượt hỗ trợ\n100% hội viên tham gia")
    screenshot(page, "workflow-02-unit-register-form")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.get_by_text("Đã lưu bản nháp").wait_for()
    screenshot(page, "workflow-03-unit-draft")

    page.get_by_role("button", name="Gửi duyệt").click()
    page.get_by_text("Đã gửi mô hình để Ban Dân vận xem xét.").wait_for()
    screenshot(page, "workflow-04-unit-submitted")
    log_out(page)

    log_in(page, "canbo.xa")
    page.wait_for_url("**/quan-ly/")
    row = page.locator("tr", has_text="Tủ quần áo yêu thương")
    screenshot(page, "workflow-05-staff-queue")
    row.get_by_role("button", name="Duyệt").click()
    page.get_by_text("Đã duyệt mô hình “Tủ quần áo yêu thương”.").wait_for()
    screenshot(page, "workflow-06-staff-accepted")
    page.get_by_role("link", name="Tất cả mô hình").click()
    screenshot(page, "workflow-07-staff-list")
    log_out(page)

    log_in(page, "donvi.a")
    page.wait_for_url("**/don-vi/")
    row = page.locator("tr", has_text="Tủ quần áo yêu thương")
    assert row.locator(".status-badge").inner_text() == "Đã duyệt"
    screenshot(page, "workflow-08-unit-home-accepted")
    row.get_by_role("link").click()
    assert page.locator("#lich-su").get_by_text("Duyệt", exact=True).is_visible()
    screenshot(page, "workflow-09-unit-registration-history")
    assert Registration.objects.get(name="Tủ quần áo yêu thương").status == Status.ACCEPTED
