"""A province's staff pages through the list with the keyset pager, on a desktop and on a phone."""
import pytest
from django.conf import settings as django_settings
from django.test import Client

from models_registry.models import Status
from tests.conftest import screenshot
from tests.factories import make_commune, make_kind, make_province, make_registration, make_staff, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])


@pytest.fixture
def staff_list(page, live_server, settings):
    settings.LIST_PAGE_SIZE = 4
    province = make_province(name="Tỉnh Vĩnh Long")
    unit = make_unit(make_commune(province, name="Xã Long Phước"), kind=make_kind(code="doan-the-thu"),
                     name="Hội Liên hiệp Phụ nữ xã Long Phước")
    for n in range(14):
        make_registration(unit, year=2024 + n % 3, name=f"Mô hình dân vận khéo số {n + 1}", status=Status.SUBMITTED)
    log_in(page, live_server, make_staff(province))
    page.goto("/quan-ly/mo-hinh/")
    page.get_by_role("link", name="Sau ›").click()
    page.wait_for_url("**sau=**")
    return page


def test_the_pager_leads_on_and_back_and_says_where_it_stands(staff_list):
    pager = staff_list.get_by_role("navigation", name="Phân trang")
    assert "Mô hình 5–8 / 14" in pager.inner_text()
    screenshot(staff_list, "pagination-staff-desktop")
    staff_list.get_by_role("link", name="‹ Trước").click()
    staff_list.wait_for_url("**truoc=**")
    assert "Mô hình 1–4 / 14" in pager.inner_text()
    assert staff_list.get_by_role("link", name="« Đầu").count() == 0


def test_the_pager_fits_a_phone(staff_list):
    staff_list.set_viewport_size(PHONE)
    pager = staff_list.get_by_role("navigation", name="Phân trang")
    pager.scroll_into_view_if_needed()
    box = pager.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # One line at most for each control: none of them wraps inside itself.
    heights = [item.bounding_box()["height"] for item in pager.locator(".page-link").all()]
    assert max(heights) < 2 * min(heights)
    screenshot(staff_list, "pagination-staff-phone")
