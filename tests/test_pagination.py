"""Keyset pages of the lists (models_registry/pagination.py): cost, cursors, totals."""
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from models_registry import pagination
from models_registry.filters import SORTS, RegistrationFilterSet
from models_registry.models import Registration, Status, Structure, Unit
from models_registry.pagination import NEXT, PREVIOUS, Total, keyset_page, make_cursor
from tests.factories import (
    make_commune,
    make_district,
    make_kind,
    make_leader,
    make_province,
    make_registration,
    make_staff,
    make_unit,
)

pytestmark = pytest.mark.django_db
STAFF_LIST = "/quan-ly/mo-hinh/"


@pytest.fixture(autouse=True)
def _lists_as_built(settings):
    # What a list's page costs and shows when it is built; the staff list's kept copy: test_staff.py.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def province():
    return make_province(name="Tỉnh Phân Trang")


@pytest.fixture
def staff(province):
    return make_staff(province)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def fill(area, count, years=(2024, 2025, 2026), status=Status.SUBMITTED, name="Mô hình"):
    unit = make_unit(area)
    return [make_registration(unit, year=years[n % len(years)], status=status, name=f"{name} {n}") for n in range(count)]


def newest_first(rows):
    return sorted(rows, key=lambda row: (row.year, row.pk), reverse=True)


def link(client, url, rel):
    """The address of the page's rel="next" / "prev" / "first" link, or None."""
    found = re.search(rf'href="([^"]*)" rel="{rel}"', client.get(url).content.decode())
    return url.split("?")[0] + unescape(found.group(1)) if found else None


def shown(client, url):
    return [row.pk for row in client.get(url).context["page"]]


def walk(client, url):
    """The rows of every page, following the next links from `url`."""
    rows = []
    while url:
        rows += shown(client, url)
        url = link(client, url, "next")
    return rows


def page_at(client, url, number):
    for _ in range(number - 1):
        url = link(client, url, "next")
    return url


# Cost


@pytest.mark.parametrize("list_url, login", [
    (STAFF_LIST, make_staff),
    ("/bao-cao/mo-hinh/?nam=2026", make_leader),
])
def test_the_hundredth_page_costs_the_queries_of_the_first_without_offset(
        client, province, settings, django_assert_max_num_queries, list_url, login):
    settings.LIST_PAGE_SIZE = 2
    fill(make_commune(province), 202, years=(2026,))
    client.force_login(login(province))
    hundredth = page_at(client, list_url, 100)
    counts = []
    for url in (list_url, hundredth):
        with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as queries:
            assert len(client.get(url).context["page"]) == 2
        assert not any("OFFSET" in query["sql"] for query in queries.captured_queries)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


# Cursors


def test_following_next_shows_every_row_once_newest_first_ties_by_id(staff_client, province, settings):
    settings.LIST_PAGE_SIZE = 3
    rows = fill(make_commune(province), 11, years=(2025, 2026))
    assert walk(staff_client, STAFF_LIST) == [row.pk for row in newest_first(rows)]


def test_previous_returns_exactly_the_page_before(staff_client, province, settings):
    settings.LIST_PAGE_SIZE = 3
    fill(make_commune(province), 10)
    second = link(staff_client, STAFF_LIST, "next")
    third = link(staff_client, second, "next")
    assert shown(staff_client, link(staff_client, third, "prev")) == shown(staff_client, second)
    assert shown(staff_client, link(staff_client, second, "prev")) == shown(staff_client, STAFF_LIST)


def test_a_row_added_between_clicks_neither_repeats_nor_hides_a_row(staff_client, province, settings):
    settings.LIST_PAGE_SIZE = 3
    commune = make_commune(province)
    before = newest_first(fill(commune, 9, years=(2025,)))
    first = shown(staff_client, STAFF_LIST)
    second_url = link(staff_client, STAFF_LIST, "next")
    fill(commune, 1, years=(2026,))
    assert shown(staff_client, second_url) == [row.pk for row in before[3:6]]
    assert first == [row.pk for row in before[:3]]


def test_going_back_after_a_row_was_added_shows_the_rows_seen_and_a_way_further_back(staff_client, province, settings):
    settings.LIST_PAGE_SIZE = 3
    commune = make_commune(province)
    fill(commune, 9, years=(2025,))
    first = shown(staff_client, STAFF_LIST)
    second_url = link(staff_client, STAFF_LIST, "next")
    newest = fill(commune, 1, years=(2026,))[0]
    back = link(staff_client, second_url, "prev")
    assert shown(staff_client, back) == first
    assert shown(staff_client, link(staff_client, back, "prev")) == [newest.pk, *first[:2]]


def test_the_position_reads_which_rows_of_how_many(staff_client, province, settings):
    settings.LIST_PAGE_SIZE = 3
    fill(make_commune(province), 8)
    html = staff_client.get(page_at(staff_client, STAFF_LIST, 2)).content.decode()
    assert "Mô hình 4–6 / 8" in html
    assert 'rel="first"' in html and 'rel="prev"' in html and 'rel="next"' in html


def test_the_first_page_links_only_onwards(staff_client, province, settings):
    settings.LIST_PAGE_SIZE = 3
    fill(make_commune(province), 4)
    html = staff_client.get(STAFF_LIST).content.decode()
    assert 'rel="next"' in html and 'rel="prev"' not in html and 'rel="first"' not in html


@pytest.mark.parametrize("cursor", [
    "garbage", "", "WyJzYXUiXQ.abc", "[]", "A" * 5000,
    "' OR 1=1; --",
])
def test_a_malformed_cursor_shows_the_first_page(staff_client, province, settings, cursor):
    settings.LIST_PAGE_SIZE = 3
    fill(make_commune(province), 7)
    for name in (NEXT, PREVIOUS):
        response = staff_client.get(STAFF_LIST, {name: cursor})
        assert response.status_code == 200
        assert [row.pk for row in response.context["page"]] == shown(staff_client, STAFF_LIST)


def test_an_edited_cursor_shows_the_first_page(staff_client, province, settings):
    settings.LIST_PAGE_SIZE = 3
    fill(make_commune(province), 7)
    cursor = staff_client.get(STAFF_LIST).context["page"].next_cursor
    payload, signature = cursor.split(".")
    for edited in (f"{payload}x.{signature}", f"{payload}.{signature[:-2]}", payload):
        assert shown(staff_client, f"{STAFF_LIST}?sau={edited}") == shown(staff_client, STAFF_LIST)


def test_a_cursor_of_another_order_or_direction_is_no_cursor():
    row = Registration(pk=5, year=2024, name="An")
    assert pagination.read_cursor(NEXT, SORTS["ten"], make_cursor(NEXT, SORTS["moi-nhat"], 2, row)) is None
    assert pagination.read_cursor(PREVIOUS, SORTS["ten"], make_cursor(NEXT, SORTS["ten"], 2, row)) is None
    assert pagination.read_cursor(NEXT, SORTS["ten"], make_cursor(NEXT, SORTS["ten"], 2, row)) == (2, ["An", 5])


def test_a_mixed_order_is_refused(province):
    with pytest.raises(ValueError):
        keyset_page(Registration.objects.all(), ("-year", "pk"), {}, size=2, total=Total(0))


@pytest.mark.parametrize("sort", ["moi-nhat", "cu-nhat", "ten", "nguoi-huong-loi"])
def test_every_public_sort_pages_through_every_model_once(client, province, sort):
    unit = make_unit(make_commune(province))
    for n in range(27):
        make_registration(unit, year=2020 + n % 4, name=f"Mô hình {n % 9}-{n}", status=Status.ACCEPTED,
                          beneficiaries=n % 5)
    expected = list(Registration.objects.published().order_by(*SORTS[sort]).values_list("pk", flat=True))
    assert walk(client, f"/mo-hinh/?sap-xep={sort}") == expected


def test_the_map_list_and_the_missing_units_page_through(client, province, settings):
    settings.LIST_PAGE_SIZE = 2
    commune = make_commune(province)
    fill(commune, 45, status=Status.ACCEPTED)
    missing = [make_unit(commune).pk for _n in range(5)]
    assert len(walk(client, "/ban-do/")) == 45
    client.force_login(make_leader(province))
    expected = list(Unit.objects.filter(pk__in=missing).order_by("name", "pk").values_list("pk", flat=True))
    assert walk(client, "/bao-cao/chua-dang-ky/?nam=2026") == expected


# Totals


@pytest.fixture
def spread(province):
    """Registrations of every kind in a commune of today and in an old commune rolled up into it."""
    district = make_district(make_province(structure=Structure.LEGACY))
    district.current_province = province
    district.save()
    today = make_commune(province)
    old = make_commune(district, successor=today)
    kinds = [make_kind(), make_kind()]
    for n in range(24):
        make_registration(make_unit(old if n % 3 else today, kind=kinds[n % 2]), year=2024 + n % 3,
                          status=[Status.SUBMITTED, Status.ACCEPTED, Status.COMPLETED, Status.DRAFT][n % 4],
                          field=["economy", "culture_society"][n % 2], level=["grassroots", "district"][n // 2 % 2],
                          is_new=n % 5 == 0)
    return {"today": today, "old": old, "district": district, "kinds": kinds}


@pytest.mark.parametrize("params", [
    {},
    {"nam": "2025"},
    {"trang-thai": "completed", "linh-vuc": "economy"},
    {"cap": "district", "nam": "2026"},
    {"loai-don-vi": "kind"},
    {"dia-ban": "old", "co-cau": "cu"},
    {"dia-ban": "today", "nam": "2024"},
])
def test_the_total_from_the_summary_equals_the_count(staff_client, staff, spread, params):
    if "loai-don-vi" in params:
        params = {**params, "loai-don-vi": spread["kinds"][0].code}
    if "dia-ban" in params:
        params = {**params, "dia-ban": spread[params["dia-ban"]].code}
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(STAFF_LIST, params)
    assert any("registrationsummary" in query["sql"] for query in queries.captured_queries)
    expected = RegistrationFilterSet(params, Registration.objects.for_user(staff)).qs.count()
    assert expected and response.context["page"].total == Total(expected)


def test_a_filter_the_summary_lacks_is_counted_up_to_the_cap(staff_client, province, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    fill(make_commune(province), 5, name="Tủ áo")
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(STAFF_LIST, {"q": "tu ao"})
    assert not any("registrationsummary" in query["sql"] for query in queries.captured_queries)
    assert response.context["page"].total == Total(3, capped=True)
    assert "hơn 3 mô hình" in response.content.decode()


def test_a_list_under_the_cap_is_counted_exactly(staff_client, province):
    fill(make_commune(province), 4, name="Tủ áo")
    assert staff_client.get(STAFF_LIST, {"q": "tu ao"}).context["page"].total == Total(4)


def test_the_whole_country_is_counted_not_summed(client, province, monkeypatch):
    from tests.factories import make_user

    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    fill(make_commune(province), 5)
    client.force_login(make_user(is_superuser=True, is_staff=True))
    assert client.get(STAFF_LIST).context["page"].total == Total(3, capped=True)


def test_the_exports_take_the_whole_list_not_the_page(staff_client, province, settings):
    settings.LIST_PAGE_SIZE = 2
    fill(make_commune(province), 5, years=(2024,))
    html = staff_client.get(link(staff_client, f"{STAFF_LIST}?nam=2024", "next")).content.decode()
    exports = re.findall(r'href="(/quan-ly/excel/xuat/[^"]*|/quan-ly/mo-hinh/ap-phich.pdf[^"]*)"', html)
    assert len(exports) == 3 and all("sau=" not in url and "nam=2024" in url for url in exports)
