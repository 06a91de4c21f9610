"""Entry and review in a real browser set to English (locale en-US): figures and dates typed the
Vietnamese way are stored as meant, and the review pages are looked at on a desk and a phone."""
import datetime

import pytest
from playwright.sync_api import expect

from models_registry.models import (
    CriteriaSet,
    Criterion,
    CriterionAssessment,
    ReasonTemplate,
    Registration,
    RegistrationEvent,
    Status,
)
from tests.conftest import screenshot
from tests.factories import PASSWORD, make_portal_world, make_registration, make_sent, make_unit

YEAR = datetime.date.today().year
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def english_page(_browser, live_server, reference_data):
    """A tab of a browser whose own language is English: its date pickers would say mm/dd/yyyy."""
    context = _browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    context.close()


def log_in(page, username):
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_typed_30_000_000_and_a_day_first_date_are_stored_as_meant(english_page):
    page = english_page
    world = make_portal_world()
    registration = make_registration(world.unit_a, year=YEAR, name="Thắp sáng đường quê", status=Status.ACCEPTED)
    log_in(page, "donvi.a")
    page.wait_for_url("**/don-vi/")

    page.goto(f"/don-vi/mo-hinh/{registration.pk}/ket-qua/")
    money = page.get_by_label("Số tiền vận động (đồng)")
    money.fill("")
    money.press_sequentially("30000000")
    assert money.input_value() == "30.000.000"  # grouped while typing
    page.get_by_text("30 triệu đồng", exact=True).wait_for()
    page.get_by_label("Số người tham gia").fill("1.250")
    screenshot(page, "entry-01-results-form-grouped")
    page.get_by_role("button", name="Lưu kết quả").click()
    page.get_by_text("Đã lưu thay đổi.").wait_for()

    page.goto(f"/don-vi/mo-hinh/{registration.pk}/ket-qua/")
    page.get_by_label("Số tiền vận động (đồng)").fill("30,5")
    page.get_by_role("button", name="Lưu kết quả").click()
    page.get_by_text("không rõ là số nguyên").wait_for()
    screenshot(page, "entry-02-results-form-ambiguous")

    page.goto("/don-vi/dang-ky/")
    page.get_by_label("Tên mô hình").fill("Bữa cơm nghĩa tình")
    start = page.get_by_label("Ngày bắt đầu")
    assert start.get_attribute("type") == "text"
    start.fill("01/12/2026")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.get_by_text("Đã lưu bản nháp").wait_for()

    draft = Registration.objects.get(name="Bữa cơm nghĩa tình")
    screenshot(page, "entry-03-draft-with-only-a-name")
    expect(page.get_by_text("Trước khi gửi duyệt, hãy điền các mục")).to_be_visible()

    # Someone else saves while the unit is typing: the unit's words come back beside theirs.
    page.get_by_role("link", name="Sửa thông tin").click()
    page.get_by_label("Mục tiêu").fill("Mỗi tuần 100 suất cơm cho bệnh nhân nghèo.")
    Registration.objects.filter(pk=draft.pk).update(objectives="Mỗi tháng 300 suất cơm.", version=5)
    page.get_by_role("button", name="Lưu thay đổi").click()
    page.get_by_text("Người khác vừa lưu mô hình này trong lúc bạn sửa.").wait_for()
    assert page.get_by_label("Mục tiêu").input_value() == "Mỗi tuần 100 suất cơm cho bệnh nhân nghèo."
    screenshot(page, "entry-04-edit-conflict")
    page.locator('tr[data-conflict="objectives"]').get_by_role("button", name="Lấy bản vừa lưu").click()
    expect(page.get_by_label("Mục tiêu")).to_have_value("Mỗi tháng 300 suất cơm.")
    page.get_by_role("button", name="Lưu thay đổi").click()
    page.get_by_text("Đã lưu thay đổi.").wait_for()

    registration.refresh_from_db()
    assert (registration.money_mobilised, registration.participants) == (30_000_000, 1_250)
    draft.refresh_from_db()
    assert (draft.start_date, draft.objectives) == (datetime.date(2026, 12, 1), "Mỗi tháng 300 suất cơm.")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_queue_accept_confirmation_and_history_screenshots(english_page):
    page = english_page
    world = make_portal_world()
    criteria_set = CriteriaSet.objects.create(unit_kind=world.kind, name="Tiêu chí khối Mặt trận, đoàn thể",
                                              year_from=2016)
    criteria = [Criterion.objects.create(criteria_set=criteria_set, order=n, title=title) for n, title in enumerate(
        ("Được nhân dân đồng tình, hưởng ứng", "Mang lại lợi ích thiết thực", "Có khả năng nhân rộng"), start=1)]
    today = datetime.date.today()
    other = make_unit(world.commune_x, kind=world.kind, name="Hội Nông dân xã Hòa Bình")
    rows = [
        make_sent(world.unit_a, YEAR, today - datetime.timedelta(days=12)),
        make_sent(other, YEAR, today - datetime.timedelta(days=3)),
        make_sent(world.unit_b, YEAR, today - datetime.timedelta(days=31)),
    ]
    names = ("Con đường hoa nông thôn mới", "Tổ hợp tác lúa giống chất lượng cao", "Camera an ninh do dân cùng làm")
    for registration, name in zip(rows, names, strict=True):
        Registration.objects.filter(pk=registration.pk).update(name=name)
    for criterion, met in zip(criteria, (True, False, None), strict=True):
        if met is not None:
            CriterionAssessment.objects.create(registration=rows[0], criterion=criterion, met=met)
    for criterion in criteria:
        CriterionAssessment.objects.create(registration=rows[1], criterion=criterion, met=True)

    # Live-server tests start from an emptied database: the starter reasons of migration 0006 are gone.
    ReasonTemplate.objects.create(use=ReasonTemplate.Use.ACCEPT,
                                  text="Đơn vị cam kết bổ sung minh chứng cho tiêu chí còn thiếu trong đợt sơ kết.")
    log_in(page, "canbo.xa")
    page.wait_for_url("**/quan-ly/")
    screenshot(page, "review-01-queue")
    page.goto("/quan-ly/?sap-xep=-tieu-chi")
    screenshot(page, "review-02-queue-sorted-by-criteria")

    page.locator("tr", has_text=names[0]).get_by_role("link", name="Duyệt…").click()
    screenshot(page, "review-03-accept-confirmation")
    page.get_by_role("button", name="Xác nhận duyệt").click()
    page.get_by_text("hãy ghi lý do vẫn duyệt").wait_for()
    screenshot(page, "review-04-accept-needs-reason")
    page.get_by_label("Lý do mẫu").select_option(index=1)
    page.get_by_role("button", name="Xác nhận duyệt").click()
    page.get_by_text(f"Đã duyệt mô hình “{names[0]}”.").wait_for()
    assert RegistrationEvent.objects.get(registration=rows[0], action="accepted").reason

    page.get_by_label(f"Chọn “{names[1]}”").check()
    page.get_by_label(f"Chọn “{names[2]}”").check()
    page.get_by_role("button", name="Trả lại hàng loạt…").click()
    screenshot(page, "review-05-bulk-return-confirmation")
    page.get_by_label("Lý do trả lại").fill("Đề nghị bổ sung ảnh hoạt động.")
    page.get_by_role("button", name="Xác nhận trả lại").click()
    page.get_by_text("Đã trả lại 2 mô hình.").wait_for()
    assert Registration.objects.filter(pk__in=[rows[1].pk, rows[2].pk], status=Status.RETURNED).count() == 2

    registration = rows[0]
    page.goto(f"/quan-ly/mo-hinh/{registration.pk}/sua/")
    page.get_by_label("Nội dung, cách làm").fill(
        "Mỗi hộ nhận chăm sóc đoạn đường trước nhà; chi hội phụ nữ tổ chức trồng hoa vào sáng chủ nhật đầu tháng, "
        "đoàn thanh niên lo nước tưới và thay cây hỏng.")
    page.get_by_role("button", name="Lưu thay đổi").click()
    page.goto(f"/quan-ly/mo-hinh/{registration.pk}/ket-qua/")
    page.get_by_label("Số tiền vận động (đồng)").fill("45 000 000")
    page.get_by_role("button", name="Lưu kết quả").click()
    page.get_by_text("Đã lưu thay đổi.").wait_for()
    page.set_viewport_size({"width": 1280, "height": 500})
    page.screenshot(path=str(screenshot(page, "review-06-registration-actions")))
    page.get_by_role("link", name="Mở lại…").click()
    screenshot(page, "review-07-reopen")
    page.get_by_role("link", name="Hủy").click()
    page.locator("#lich-su").scroll_into_view_if_needed()
    expect(page.locator("#lich-su").get_by_text("45.000.000")).to_be_visible()
    page.locator("#lich-su").screenshot(path=str(screenshot(page, "review-08-registration").with_name(
        "review-08-history-section.png")))

    page.goto("/quan-ly/mo-hinh/them/?tim=Tổ hợp tác rau sạch")
    page.get_by_label("Loại đơn vị").select_option(label=world.kind.label)
    page.get_by_label("Xã, phường").select_option(label=world.commune_x.name)
    screenshot(page, "review-08b-chooser-add-unit")
    page.get_by_role("button", name="Thêm đơn vị và nhập mô hình").click()
    page.get_by_text("Đã thêm đơn vị “Tổ hợp tác rau sạch”").wait_for()
    page.get_by_label("Tên mô hình").fill("Rau sạch cho bếp ăn trường học")
    page.get_by_role("button", name="Lưu và nhập mô hình khác").click()
    page.get_by_text("Đã nhập mô hình thay đơn vị (bản nháp).").wait_for()
    assert Registration.objects.filter(unit__name="Tổ hợp tác rau sạch", status=Status.DRAFT).exists()

    for days in (1, 8):
        make_sent(world.unit_a, YEAR, today - datetime.timedelta(days=days))
    page.set_viewport_size(PHONE)
    page.goto("/quan-ly/")
    screenshot(page, "review-09-queue-phone")
    page.locator("tr", has_text="Mô hình thử").first.get_by_role("link", name="Duyệt…").click()
    screenshot(page, "review-10-accept-confirmation-phone")
    page.goto(f"/quan-ly/mo-hinh/{registration.pk}/ket-qua/")
    screenshot(page, "review-11-results-form-phone")
    page.goto(f"/quan-ly/mo-hinh/{registration.pk}/")
    page.locator("#lich-su").screenshot(path=str(screenshot(page, "review-12-registration-phone").with_name(
        "review-12-history-phone.png")))
