"""The daily flow in a real browser: a unit registers and submits, the commune clerk accepts."""
import datetime

import pytest
from playwright.sync_api import expect

from models_registry.models import CriteriaSet, Criterion, Registration, Status
from tests.conftest import screenshot
from tests.factories import PASSWORD, make_portal_world, make_registration

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
def test_unit_registers_and_submits_then_commune_staff_accepts(page):
    world = make_portal_world()
    make_registration(world.unit_a, year=YEAR - 1, name="Tủ sách cộng đồng", status=Status.COMPLETED)

    log_in(page, "donvi.a")
    page.wait_for_url("**/don-vi/")
    expect(page.get_by_text(f"Đơn vị chưa đăng ký mô hình “Dân vận khéo” năm {YEAR}.")).to_be_visible()
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
    # Accepting asks for confirmation on its own page.
    row.get_by_role("link", name="Duyệt…").click()
    page.get_by_role("button", name="Xác nhận duyệt").click()
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
    expect(page.locator("#lich-su").get_by_text("Duyệt", exact=True)).to_be_visible()
    screenshot(page, "workflow-09-unit-registration-history")
    assert Registration.objects.get(name="Tủ quần áo yêu thương").status == Status.ACCEPTED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_review_pages_in_the_browser(page):
    world = make_portal_world()
    criteria_set = CriteriaSet.objects.create(unit_kind=world.kind, name="Tiêu chí khối Mặt trận, đoàn thể",
                                              year_from=2016)
    for order, title in enumerate(("Được nhân dân đồng tình, hưởng ứng", "Mang lại lợi ích thiết thực",
                                   "Có khả năng nhân rộng"), start=1):
        Criterion.objects.create(criteria_set=criteria_set, order=order, title=title)
    registration = make_registration(
        world.unit_a, year=YEAR, name="Con đường hoa nông thôn mới", status=Status.SUBMITTED,
        objectives="Trồng 3 km đường hoa", content="Mỗi hộ nhận chăm sóc đoạn đường trước nhà",
        success_indicators="3 km đường hoa\n100% hộ tham gia", participants=1250, money_mobilised=45000000)

    log_in(page, "canbo.xa")
    page.goto(f"/quan-ly/mo-hinh/{registration.pk}/")
    screenshot(page, "staff-01-registration-submitted")
    page.get_by_role("link", name="Trả lại").click()
    page.get_by_role("button", name="Trả lại").click()
    page.get_by_text("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.").wait_for()
    screenshot(page, "staff-02-return-reason-missing")
    page.get_by_label("Lý do trả lại").fill("Bổ sung tiến độ từng quý.")
    page.get_by_role("button", name="Trả lại").click()
    page.get_by_text("Đã trả lại mô hình cho đơn vị kèm lý do.").wait_for()
    log_out(page)

    log_in(page, "donvi.a")
    page.goto(f"/don-vi/mo-hinh/{registration.pk}/")
    screenshot(page, "unit-01-returned")
    page.get_by_role("link", name="Sửa thông tin").click()
    page.get_by_label("Các mốc thực hiện").fill("Quý I: trồng 1 km\nQuý II: trồng 2 km")
    page.get_by_role("button", name="Lưu thay đổi").click()
    page.get_by_role("button", name="Gửi duyệt").click()
    page.get_by_text("Đã gửi mô hình để Ban Dân vận xem xét.").wait_for()
    log_out(page)

    log_in(page, "canbo.xa")
    page.goto(f"/quan-ly/mo-hinh/{registration.pk}/")
    # Its three criteria are not assessed yet: accepting now needs a stated reason.
    page.get_by_role("link", name="Duyệt…").click()
    page.get_by_role("button", name="Xác nhận duyệt").click()
    page.get_by_text("hãy ghi lý do vẫn duyệt").wait_for()
    page.get_by_label("Lý do vẫn duyệt").fill("Tiêu chí được đánh giá ngay sau khi duyệt.")
    page.get_by_role("button", name="Xác nhận duyệt").click()
    page.get_by_text("Đã duyệt mô hình").wait_for()
    page.get_by_role("link", name="Đánh giá tiêu chí").first.click()
    page.locator("select[name^=met_]").first.select_option(label="Đạt")
    screenshot(page, "staff-03-criteria")
    page.get_by_role("button", name="Lưu đánh giá").click()
    page.get_by_role("link", name="Tổng kết cuối năm").click()
    page.get_by_label("Ngày sơ kết / tổng kết").fill(f"15/12/{YEAR}")
    page.get_by_label("Kết quả đánh giá").select_option(label="Điển hình")
    page.get_by_label("Nhận xét").fill("Mô hình lan tỏa, được nhân dân đồng tình.")
    screenshot(page, "staff-04-year-end-review")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã tổng kết", exact=True).first.wait_for()
    screenshot(page, "staff-05-registration-completed")
    page.get_by_role("link", name="Báo cáo kết quả").click()
    page.get_by_label("Số người tham gia").fill("-3")
    page.get_by_role("button", name="Lưu kết quả").click()
    page.get_by_text("Số liệu không được âm.").wait_for()
    screenshot(page, "staff-06-results-negative")
    page.goto("/quan-ly/khoa-so/")
    screenshot(page, "staff-07-close-year")
    page.goto("/quan-ly/mo-hinh/them/")
    page.get_by_label("Tên hoặc mã đơn vị").fill("chi doan thon b")
    page.get_by_role("button", name="Tìm đơn vị").click()
    screenshot(page, "staff-08-choose-unit")
    page.get_by_role("link", name="Chọn").click()
    page.get_by_text("Chi đoàn thôn B").first.wait_for()
    screenshot(page, "staff-09-enter-for-unit")
    registration.refresh_from_db()
    assert (registration.status, registration.outcome) == (Status.COMPLETED, "exemplary")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_account_pages_in_the_browser(page):
    make_portal_world()
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("donvi.a")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("mật khẩu chính xác").wait_for()
    screenshot(page, "accounts-01-login-error")
    log_in(page, "donvi.a")
    page.goto("/tai-khoan/doi-mat-khau/")
    screenshot(page, "accounts-02-password-change")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/don-vi/dang-ky/")
    screenshot(page, "accounts-03-unit-register-phone")
    expect(page.get_by_label("Tên mô hình")).to_be_visible()
