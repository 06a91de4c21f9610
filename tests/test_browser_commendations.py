"""One commendation cycle in Chromium: a commune proposes, the province decides, the certificate prints."""
import datetime

import pytest
from playwright.sync_api import expect

from models_registry.models import Commendation, ProposalStatus, Status
from tests.commendation_world import build_world
from tests.conftest import ARTIFACTS, screenshot
from tests.factories import PASSWORD, make_registration

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    return build_world()


def log_in(page, user):
    page.context.clear_cookies()
    page.goto("/tai-khoan/dang-nhap/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "dang-nhap" not in url)


def test_commune_proposes_province_commends_and_certificate_prints(page, world):
    log_in(page, world.commune_staff)
    page.goto("/quan-ly/khen-thuong/")
    screenshot(page, "commendations-rounds-commune")
    page.get_by_role("link", name="Đề nghị", exact=True).click()
    page.get_by_label("Mô hình / điển hình được đề nghị").select_option(str(world.registration.pk))
    page.get_by_label("Thành tích, lý do đề nghị").fill(
        "Vận động 320 hộ góp quần áo, sách vở; hỗ trợ 85 hộ nghèo; được 3 xã học tập."
    )
    page.get_by_label("Số người dự họp").fill("25")
    page.get_by_label("Số phiếu tán thành").fill("26")
    page.get_by_label("Số phiếu không tán thành").fill("0")
    page.get_by_label("Ngày họp bình xét").fill(world.yesterday.isoformat())
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.get_by_text("không được lớn hơn số người dự họp (25)")).to_be_visible()
    screenshot(page, "commendations-proposal-form-error")
    page.get_by_label("Số phiếu tán thành").fill("23")
    page.get_by_label("Số phiếu không tán thành").fill("1")
    page.get_by_role("button", name="Gửi đề nghị").click()
    page.wait_for_url("**/quan-ly/khen-thuong/de-nghi/*/")
    expect(page.get_by_text("Đã gửi đề nghị khen thưởng")).to_be_visible()
    screenshot(page, "commendations-proposal-sent")

    log_in(page, world.province_staff)
    page.goto(f"/quan-ly/khen-thuong/dot/{world.round.pk}/")
    screenshot(page, "commendations-round-province")
    page.get_by_role("link", name="Quyết định", exact=True).click()
    page.get_by_label("Hình thức khen thưởng").select_option(label="Bằng khen")
    page.get_by_label("Số quyết định").fill("125-QĐ/BTGDV")
    screenshot(page, "commendations-decision-form")
    page.get_by_role("button", name="Quyết định khen thưởng").click()
    expect(page.get_by_text("Đã quyết định khen thưởng: Bằng khen.")).to_be_visible()
    world.registration.refresh_from_db()
    assert world.registration.status == Status.COMMENDED
    assert world.registration.proposals.get().status == ProposalStatus.ACCEPTED

    page.get_by_role("link", name="In giấy khen").click()
    page.wait_for_url("**/giay-khen/")
    sheet = page.locator(".certificate-sheet")
    assert "Hội Liên hiệp Phụ nữ xã Thường Thới Tiền" in sheet.inner_text()
    assert f"Quyết định số 125-QĐ/BTGDV ngày {world.today:%d/%m/%Y}" in sheet.inner_text()
    screenshot(page, "commendations-certificate-page")

    page.emulate_media(media="print")
    printed = ARTIFACTS / "commendations-certificate-printed.pdf"
    page.pdf(path=str(printed), prefer_css_page_size=True, print_background=True)
    page.emulate_media(media="screen")
    assert page_count(printed) == 1

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải PDF").click()
    downloaded = ARTIFACTS / "commendations-certificate-download.pdf"
    download_info.value.save_as(str(downloaded))
    commendation = Commendation.objects.get()
    assert download_info.value.suggested_filename == f"giay-chung-nhan-khen-thuong-{commendation.pk}.pdf"
    assert downloaded.read_bytes().startswith(b"%PDF")


def page_count(path):
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def test_province_opens_a_period_round_and_records_a_past_commendation(page, world):
    past = make_registration(world.unit, year=world.today.year - 2, name="Dân vận khéo trong hiến đất làm đường",
                             status=Status.COMPLETED)
    log_in(page, world.province_staff)
    page.goto("/quan-ly/khen-thuong/")
    page.get_by_role("link", name="Mở đợt khen thưởng").click()
    page.get_by_label("Tên đợt").fill("Khen thưởng điển hình giai đoạn 2021–2025")
    page.get_by_label("Từ năm").fill("2021")
    page.get_by_label("Đến năm").fill("2025")
    page.get_by_label("Mở nhận đề nghị").fill(world.today.isoformat())
    page.get_by_label("Hạn nhận đề nghị").fill(world.yesterday.isoformat())
    page.get_by_role("button", name="Mở đợt khen thưởng").click()
    expect(page.get_by_text("Hạn nhận đề nghị phải bằng hoặc sau ngày mở nhận đề nghị.")).to_be_visible()
    screenshot(page, "commendations-round-form-error")
    page.get_by_label("Hạn nhận đề nghị").fill((world.today + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Mở đợt khen thưởng").click()
    expect(page.get_by_role("heading", name="Khen thưởng điển hình giai đoạn 2021–2025")).to_be_visible()

    page.goto("/quan-ly/khen-thuong/nhap-truc-tiep/")
    page.get_by_label("Tên mô hình hoặc đơn vị").fill("hien dat lam duong")
    page.get_by_role("button", name="Tìm mô hình").click()
    screenshot(page, "commendations-direct-search")
    page.get_by_role("link", name=past.name).click()
    page.get_by_label("Hình thức khen thưởng").select_option(label="Giấy khen")
    page.get_by_label("Cấp khen").select_option(label="Huyện")
    page.get_by_label("Số quyết định").fill("45-QĐ/HU")
    page.get_by_label("Ngày quyết định").fill(f"{past.year}-10-15")
    screenshot(page, "commendations-direct-entry")
    page.get_by_role("button", name="Ghi khen thưởng").click()
    page.wait_for_url("**/khen-thuong/danh-sach/")
    expect(page.get_by_role("cell", name="45-QĐ/HU")).to_be_visible()
    screenshot(page, "commendations-list")
    assert past.commendations.get().form.name == "Giấy khen"


def test_staff_read_the_row_errors_of_a_rejected_commendation_file(page, world, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Năm", "Mã đơn vị", "Tên mô hình", "Hình thức", "Cấp khen", "Số quyết định",
                        "Ngày quyết định", "Cơ quan ban hành"])
    book.active.append([2023, world.unit.code, "Mô hình không có", "Giấy khen", "Huyện", "45-QĐ/HU", "15/10/2023",
                        "Huyện ủy Long Hồ"])
    book.active.append([2023, "KHONG-CO", "Mô hình khác", "Huân chương", "Xã lớn", "46-QĐ/HU", "32/13/2023",
                        "Huyện ủy Long Hồ"])
    path = tmp_path / "khen-thuong-2023.xlsx"
    book.save(path)
    log_in(page, world.commune_staff)
    page.goto("/quan-ly/khen-thuong/nhap-excel/")
    page.get_by_label("Tệp khen thưởng (.xlsx hoặc .csv)").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.wait_for_url("**/quan-ly/excel/xem-truoc/**")
    assert "Tệp bị từ chối: có 5 lỗi" in page.get_by_role("alert").inner_text()
    table = page.locator("table").inner_text()
    assert "Không có đơn vị mang mã này." in table and "Không có hình thức khen thưởng này." in table
    assert page.get_by_role("button", name="Xác nhận nhập").count() == 0
    screenshot(page, "commendations-import-errors")
    assert not Commendation.objects.exists()
