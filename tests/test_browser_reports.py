"""A province leader opens the dashboard, drills down twice and downloads the Excel report."""
import io

import openpyxl
import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from models_registry.models import Status
from tests.conftest import screenshot
from tests.factories import make_leader, make_registration, make_report_fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )


def test_a_leader_drills_down_twice_and_downloads_the_excel(page, live_server):
    data = make_report_fixture()
    for year in range(2021, 2025):
        for n in range(year - 2019):
            make_registration(data.u1 if n % 2 else data.u3, year, f"Mô hình {year}-{n}", Status.COMPLETED,
                              field=["economy", "culture_society", "defence_security"][n % 3], participants=40 * n)
    log_in(page, live_server, make_leader(data.p, username="lanhdao"))

    page.goto("/bao-cao/?nam=2026")
    assert page.locator("h1").inner_text() == "Báo cáo phong trào “Dân vận khéo”"
    page.wait_for_function("document.querySelectorAll('canvas[data-chart]').length > 0 && "
                           "[...document.querySelectorAll('canvas[data-chart]')].every(c => Chart.getChart(c))")
    screenshot(page, "reports-province")

    page.locator("#bang-chi-tiet").get_by_role("link", name="Phường Một", exact=True).click()
    page.wait_for_url("**dia-ban=86001**")
    assert "Phường Một" in page.locator("p.lead").inner_text()
    screenshot(page, "reports-commune")

    unit_row = page.locator("#bang-chi-tiet tr", has_text="Chi bộ ấp Một")
    unit_row.locator("td a").first.click()
    page.wait_for_url("**/bao-cao/mo-hinh/**")
    assert page.locator("#danh-sach-mo-hinh tbody tr").count() == 1
    assert "Ấp không rác" in page.locator("#danh-sach-mo-hinh").inner_text()
    screenshot(page, "reports-list")

    page.go_back()
    with page.expect_download() as download_info:
        page.locator("[data-export=xlsx]").click()
    download = download_info.value
    assert download.suggested_filename == "bao-cao-dan-van-kheo-86001-2026.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    text = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Địa bàn: Phường Một" in text
    assert "TRƯỞNG BAN" in text


def test_a_visitor_sees_the_public_statistics_with_charts_and_no_names(page, live_server):
    data = make_report_fixture()
    make_registration(data.u5, 2026, "Mô hình chưa duyệt", Status.SUBMITTED)
    page.goto("/thong-ke/?dia-ban=86&nam=2026")
    page.wait_for_function("[...document.querySelectorAll('canvas[data-chart]')].every(c => Chart.getChart(c))")
    assert page.locator("h1").inner_text() == "Thống kê phong trào “Dân vận khéo”"
    assert page.locator("#bang-tong-hop tbody tr").first.locator("td").first.inner_text() == "3"
    body = page.locator("body").inner_text()
    assert "Nguyễn Thị Bí Mật" not in body
    assert "Mô hình chưa duyệt" not in body
    screenshot(page, "statistics-province")


def test_a_leader_follows_the_count_of_missing_units_to_their_list(page, live_server):
    data = make_report_fixture()
    log_in(page, live_server, make_leader(data.p))
    page.goto("/bao-cao/?nam=2026")
    page.locator("#bang-muc-do-tham-gia tr", has_text="Cộng").locator("td a").click()
    page.wait_for_url("**/bao-cao/chua-dang-ky/**")
    assert page.locator("#danh-sach-don-vi tbody tr").count() == 3
    screenshot(page, "reports-missing-units")


def test_a_leader_switches_2025_to_the_old_structure_and_sees_its_districts(page, live_server):
    data = make_report_fixture()
    log_in(page, live_server, make_leader(data.p))
    page.goto("/bao-cao/?nam=2025")
    assert "xã kế thừa mặc định" in page.locator(".alert-info").inner_text()
    screenshot(page, "reports-province-2025-rolled-up")
    page.get_by_role("link", name="Tỉnh Bến Tre (cũ)").click()
    page.wait_for_url("**co-cau=cu**")
    assert page.locator("#bang-chi-tiet tbody tr").first.locator("th").inner_text() == "Huyện Châu Thành"
    screenshot(page, "reports-old-province-2025")


def test_the_printed_dashboard_leaves_out_the_navigation_and_buttons(page, live_server):
    data = make_report_fixture()
    log_in(page, live_server, make_leader(data.p))
    page.goto("/bao-cao/?nam=2026")
    page.emulate_media(media="print")
    assert not page.locator("[data-export=xlsx]").is_visible()
    assert not page.locator("nav.navbar").is_visible()
    expect(page.locator("#bang-chi-tiet")).to_be_visible()
    screenshot(page, "reports-province-print")


def test_the_print_button_opens_the_print_dialog_once(page, live_server):
    data = make_report_fixture()
    log_in(page, live_server, make_leader(data.p))
    page.add_init_script("window.printCalls = 0; window.print = function () { window.printCalls += 1; };")
    page.goto("/bao-cao/?nam=2026")
    page.wait_for_function("[...document.querySelectorAll('canvas[data-chart]')].every(c => Chart.getChart(c))")
    page.locator("[data-print]").click()
    assert page.evaluate("window.printCalls") == 1


def test_the_dashboard_fits_a_phone_in_english(page, live_server):
    # English labels are longer: the export buttons wrap instead of widening the page.
    data = make_report_fixture()
    log_in(page, live_server, make_leader(data.p, username="lanhdao"))
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/bao-cao/?nam=2026")
    expect(page.get_by_role("link", name="Download Excel (.xlsx)")).to_be_visible()
    screenshot(page, "reports-province-phone-en")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
