import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from models_registry.models import Attachment, Commendation, CommendationForm, Field, Level, Outcome, Status
from models_registry.open_data import DOCUMENTED_FIELDS
from tests.conftest import screenshot
from tests.factories import make_commune, make_kind, make_province, make_registration, make_unit

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def showcase():
    province = make_province(name="Tỉnh Vĩnh Long")
    # Own kind rather than the migration's reference data: a live-server test flushes the tables.
    mass_organisation = make_kind(code="doan-the-thu", name="Đoàn thể chính trị - xã hội")
    unit = make_unit(make_commune(province, name="Xã Long Phước"), kind=mass_organisation,
                     name="Hội Liên hiệp Phụ nữ xã Long Phước")
    year = timezone.localdate().year
    model = make_registration(
        unit, year=year, name="Dân vận khéo giúp hộ nghèo nuôi bò sinh sản", status=Status.COMMENDED,
        field=Field.ECONOMY, outcome=Outcome.EXEMPLARY,
        situation="Nhiều hộ nghèo thiếu vốn và kinh nghiệm chăn nuôi, con em phải bỏ học đi làm thuê.",
        objectives="Giúp 30 hộ nghèo có bò giống; sau 3 năm ít nhất 20 hộ thoát nghèo.",
        content="Hội vận động hội viên góp vốn mua bò giống, giao cho hộ nghèo nuôi; bê con đầu tiên được "
                "chuyển tiếp cho hộ khác. Cán bộ thú y hướng dẫn kỹ thuật, tổ hội kiểm tra hằng tháng.",
        results="Đàn bò tăng từ 30 lên 74 con; 22 hộ thoát nghèo; mô hình được 3 xã học tập.",
        participants=412, beneficiaries=1385, money_mobilised=1234567000, work_days=2650,
        households_out_of_poverty=22,
    )
    form, _ = CommendationForm.objects.get_or_create(code="bang-khen", defaults={"name": "Bằng khen"})
    Commendation.objects.create(
        registration=model, form=form, level=Level.PROVINCE, authority="UBND tỉnh Vĩnh Long",
        decision_number="2150/QĐ-UBND", decision_date=datetime.date(year, 10, 15),
    )
    Attachment.objects.create(
        registration=model, file=SimpleUploadedFile("anh.png", PNG, content_type="image/png"), original_name="anh.png",
        content_type="image/png", size=len(PNG), caption="Trao bò giống cho hộ nghèo", is_public=True,
    )
    elsewhere = make_unit(make_commune(make_province(name="Tỉnh Cà Mau"), name="Xã Tân Hưng"), kind=mass_organisation,
                          name="Hội Nông dân xã Tân Hưng")
    make_registration(elsewhere, year=year, name="Ngân hàng bò giúp hộ nghèo", status=Status.ACCEPTED,
                      replicates=model, content="Học cách làm của xã Long Phước")
    make_registration(elsewhere, year=year, name="Camera an ninh khu dân cư", status=Status.ACCEPTED,
                      field=Field.DEFENCE_SECURITY)
    return model


def fits_phone_width(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_visitor_finds_a_model_without_diacritics_and_reads_it_on_a_phone(page, showcase):
    page.goto("/")
    screenshot(page, "public-home")
    page.get_by_label("Tìm mô hình").fill("dan van kheo ho ngheo")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_url("**/mo-hinh/?q=*")
    expect(page.get_by_role("heading", name="Tìm thấy 1 mô hình")).to_be_visible()
    screenshot(page, "public-list-search")

    page.get_by_role("link", name=showcase.name).click()
    page.wait_for_url(f"**/mo-hinh/{showcase.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == showcase.name
    expect(page.get_by_text("1.234.567.000")).to_be_visible()
    expect(page.get_by_role("heading", name="Mô hình tương tự ở nơi khác")).to_be_visible()
    photo = page.get_by_role("img", name="Trao bò giống cho hộ nghèo")
    photo.scroll_into_view_if_needed()
    # The photo loads lazily: wait for it to load (or fail) before reading its size.
    photo.evaluate("img => img.complete || new Promise(done => { img.onload = img.onerror = done; })")
    assert photo.evaluate("img => img.naturalWidth") == 1
    screenshot(page, "public-detail")

    page.set_viewport_size(PHONE)
    page.reload()
    assert fits_phone_width(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "public-detail-phone")


def test_list_and_home_fit_a_phone(page, showcase):
    page.set_viewport_size(PHONE)
    page.goto("/")
    assert fits_phone_width(page)
    screenshot(page, "public-home-phone")
    page.goto("/mo-hinh/")
    page.get_by_text("Bộ lọc và sắp xếp").click()
    page.get_by_label("Lĩnh vực").select_option(label="Kinh tế")
    page.get_by_role("button", name="Áp dụng bộ lọc").click()
    page.wait_for_url("**/mo-hinh/?*linh-vuc=economy*")
    expect(page.get_by_role("heading", name="Tìm thấy 2 mô hình")).to_be_visible()
    assert fits_phone_width(page)
    screenshot(page, "public-list-phone")


def test_search_form_works_from_the_keyboard(page, showcase):
    page.goto("/mo-hinh/")
    page.get_by_label("Từ khóa").focus()
    page.keyboard.type("camera an ninh")
    page.keyboard.press("Enter")
    page.wait_for_url("**/mo-hinh/?q=*")
    expect(page.get_by_role("link", name="Camera an ninh khu dân cư")).to_be_visible()


def test_detail_prints_without_navigation_or_buttons(page, showcase):
    page.goto(f"/mo-hinh/{showcase.pk}/")
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Điều hướng chính").is_visible()
    assert not page.get_by_role("button", name="In trang này").is_visible()
    expect(page.get_by_role("heading", name="Kết quả")).to_be_visible()
    screenshot(page, "public-detail-print")


def test_open_data_page_documents_every_field(page, showcase):
    page.goto("/mo-hinh/du-lieu-mo/")
    rows = page.locator("table tbody tr")
    assert rows.count() == len(DOCUMENTED_FIELDS)
    screenshot(page, "public-open-data")


def test_search_without_results_says_so(page, showcase):
    page.set_viewport_size(PHONE)
    page.goto("/mo-hinh/?q=%3Cb%3Ekh%C3%B4ng+c%C3%B3%3C%2Fb%3E&nam=1999")
    expect(page.get_by_text("Không có mô hình nào khớp với tìm kiếm.")).to_be_visible()
    expect(page.get_by_text("Giá trị “1999” không có trong danh sách, hãy chọn lại.")).to_be_visible()
    screenshot(page, "public-list-empty-phone")
