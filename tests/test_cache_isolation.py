"""Cached pages and fragments, rendered for two viewers of different areas: neither sees the
other's area, and made-up query strings add no cached copy."""
import re

import pytest
from django.core.cache import cache
from django.test import Client

from models_registry.models import Status
from tests.factories import make_leader, make_registration, make_report_fixture, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    data = make_report_fixture()
    make_registration(data.u6, 2026, "Mô hình Hà Nội đã xong", Status.COMPLETED)
    return data


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def hidden_area(page):
    """The area the report form's "Xem báo cáo" button sends."""
    found = re.search(r'name="dia-ban"\s+value="([^"]*)"', page)
    return found.group(1) if found else None


def copies():
    # The test cache is the in-memory one: its keys are the copies kept.
    return len(cache._cache)


def test_each_leader_gets_a_report_form_for_their_own_province(data):
    hanoi = signed_in(make_leader(data.q, username="lanhdao.hanoi"))
    vinh_long = signed_in(make_leader(data.p, username="lanhdao.vinhlong"))
    assert hidden_area(hanoi.get("/bao-cao/").content.decode()) == "01"
    assert hidden_area(vinh_long.get("/bao-cao/").content.decode()) == "86"
    assert hidden_area(hanoi.get("/bao-cao/").content.decode()) == "01"


def test_each_leader_gets_the_tables_of_their_own_province_twice(data):
    hanoi = signed_in(make_leader(data.q, username="lanhdao.hanoi"))
    vinh_long = signed_in(make_leader(data.p, username="lanhdao.vinhlong"))
    for _ in range(2):
        hanoi_page = hanoi.get("/bao-cao/?nam=2026").content.decode()
        vinh_long_page = vinh_long.get("/bao-cao/?nam=2026").content.decode()
        assert "Phường Ba Đình" in hanoi_page and "Phường Một" not in hanoi_page
        assert "Phường Một" in vinh_long_page and "Phường Ba Đình" not in vinh_long_page


def test_a_leader_shares_the_report_copy_of_their_own_scope_only(data, monkeypatch):
    first = signed_in(make_leader(data.q, username="lanhdao.hanoi"))
    colleague = signed_in(make_leader(data.q, username="lanhdao.hanoi2"))
    national = signed_in(make_leader(None, username="quantri", is_superuser=True))
    first.get("/bao-cao/?nam=2026")
    monkeypatch.setattr("models_registry.services.reports.build_report", _not_rebuilt)
    assert "Phường Ba Đình" in colleague.get("/bao-cao/?nam=2026").content.decode()
    with pytest.raises(AssertionError, match="rebuilt"):
        national.get("/bao-cao/?nam=2026&dia-ban=01")


def _not_rebuilt(*args, **kwargs):
    raise AssertionError("the report was rebuilt")


def test_each_staff_gets_a_list_form_without_the_others_area(data):
    hanoi = signed_in(make_staff(data.q, username="canbo.hanoi"))
    vinh_long = signed_in(make_staff(data.p, username="canbo.vinhlong"))
    hanoi.get("/quan-ly/mo-hinh/?dia-ban=01001")
    page = vinh_long.get("/quan-ly/mo-hinh/").content.decode()
    assert "01001" not in page and "Mô hình Hà Nội" not in page
    assert "Ấp không rác" in page


@pytest.mark.parametrize("url", ["/", "/mo-hinh/", "/thong-ke/", "/thong-ke/?dia-ban=86&nam=2026", "detail"])
def test_public_pages_carry_no_viewers_name_or_area_from_another_viewer(data, url):
    url = f"/mo-hinh/{data.r1.pk}/" if url == "detail" else url
    hanoi = signed_in(make_staff(data.q, username="canbo.hanoi", first_name="Hoa", last_name="Phạm"))
    vinh_long = signed_in(make_staff(data.p, username="canbo.vinhlong", first_name="Mai", last_name="Đỗ"))
    hanoi.get(url)
    page = vinh_long.get(url).content.decode()
    assert "Đỗ Mai" in page or "Mai Đỗ" in page
    assert "Phạm" not in page and "canbo.hanoi" not in page


def test_public_statistics_keep_the_area_asked_for_whoever_asked_first(data):
    Client().get("/thong-ke/?dia-ban=01&nam=2026")
    page = Client().get("/thong-ke/?nam=2026")
    assert page.context is None or page.context["area"] is None
    assert hidden_area(page.content.decode()) is None


@pytest.mark.parametrize("url", ["/", "/mo-hinh/", "/thong-ke/?nam=2026"])
def test_a_random_query_string_adds_no_cached_copy(data, url):
    visitor = Client()
    visitor.get(url)
    kept = copies()
    joiner = "&" if "?" in url else "?"
    for junk in ("utm_source=x1", "a=1&b=2", "fbclid=Zz9", "trang=abc", "so-dong=7", "nam=02026", "linh-vuc=bogus",
                 "trang=999999"):
        assert visitor.get(f"{url}{joiner}{junk}").status_code in (200, 400)
    assert copies() == kept


def test_an_unknown_parameter_is_answered_from_the_copy_without_it(data, django_assert_num_queries):
    visitor = Client()
    visitor.get("/mo-hinh/?nam=2026")
    with django_assert_num_queries(0):
        page = visitor.get("/mo-hinh/?nam=2026&utm_source=thu").content.decode()
    assert "utm_source" not in page


def test_a_search_is_answered_fresh_and_not_kept(data):
    visitor = Client()
    visitor.get("/mo-hinh/")
    kept = copies()
    found = visitor.get("/mo-hinh/?q=khong+rac").context["page"].object_list
    assert "Ấp không rác" in {r.name for r in found}
    assert copies() == kept
