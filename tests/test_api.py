"""The open API (/api/v1/): published models and public statistics, read-only and throttled."""
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.settings import api_settings

from models_registry.models import ExemplarKind, Status
from tests.factories import make_commune, make_province, make_registration, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    province = make_province(code="86", name="Tỉnh Vĩnh Long")
    other = make_province(code="01", name="Thành phố Hà Nội")
    unit = make_unit(make_commune(province, name="Phường Một"), name="Hội Phụ nữ phường Một")
    far = make_unit(make_commune(other))
    rows = [
        make_registration(unit, year=2024, name="Tủ quần áo yêu thương", status=Status.ACCEPTED, field="culture_society"),
        make_registration(unit, year=2025, name="Tổ tự quản an ninh trật tự", status=Status.COMPLETED,
                          field="defence_security", content="Phát quần áo cho bà con"),
        make_registration(unit, year=2025, name="Bữa cơm nghĩa tình", status=Status.COMMENDED, field="culture_society",
                          exemplar_kind=ExemplarKind.INDIVIDUAL, person_name="Nguyễn Thị Hồng",
                          person_position="Chi hội trưởng"),
        make_registration(far, year=2025, name="Quỹ xoay vòng vốn", status=Status.ACCEPTED, field="economy",
                          person_name="Tên ẩn của tập thể"),
    ]
    for status in (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.WITHDRAWN):
        make_registration(unit, year=2025, name=f"Bản {status} quần áo", status=status)
    return {"province": province, "rows": rows}


FILTERS = [
    {},
    {"q": "quan ao"},
    {"q": '"quần áo"'},
    {"linh-vuc": "culture_society"},
    {"nam": "2025"},
    {"tinh": "86"},
    {"khen-thuong": "co"},
    {"loai-dien-hinh": "individual"},
    {"q": "tu quan ao", "sap-xep": "moi-nhat"},
]


def list_names(client, params):
    html = client.get(reverse("public-list"), {**params, "so-dong": "48"}).content.decode()
    return re.findall(r'class="stretched-link showcase-link" href="/mo-hinh/(\d+)/"', html)


@pytest.mark.parametrize("params", FILTERS)
def test_api_counts_and_order_equal_the_public_lists_for_the_same_filters(client, world, params):
    data = client.get(reverse("api-registrations"), params).json()
    listed = list_names(client, params)
    assert data["count"] == len(listed)
    assert [str(row["id"]) for row in data["results"]] == listed


def test_a_model_not_published_never_appears(client, world):
    data = client.get(reverse("api-registrations"), {"so-dong": "200"}).json()
    assert data["count"] == 4
    assert not [row for row in data["results"] if row["ten_mo_hinh"].startswith("Bản ")]
    draft = Status.DRAFT
    hidden = world["rows"][0].unit.registrations.get(status=draft)
    assert client.get(reverse("api-registration", args=[hidden.pk])).status_code == 404


def test_statistics_count_published_models_only(client, world):
    data = client.get(reverse("api-statistics")).json()
    assert data["tong_so"] == 4
    assert data["khen_thuong"] == 1
    assert {row["gia_tri"]: row["so_mo_hinh"] for row in data["theo_linh_vuc"]} == {
        "economy": 1, "culture_society": 2, "defence_security": 1, "political_system": 0,
    }
    assert data["theo_nam"] == [{"gia_tri": "2024", "ten": "2024", "so_mo_hinh": 1},
                                {"gia_tri": "2025", "ten": "2025", "so_mo_hinh": 3}]
    assert data["du_lieu_cap_nhat"]


def test_statistics_follow_the_list_filters(client, world):
    assert client.get(reverse("api-statistics"), {"tinh": "86"}).json()["tong_so"] == 3


def test_a_model_carries_the_open_data_fields_with_an_absolute_link(client, world):
    registration = world["rows"][2]
    row = client.get(reverse("api-registration", args=[registration.pk])).json()
    assert row["duong_dan"] == f"http://testserver/mo-hinh/{registration.pk}/"
    assert row["ten_mo_hinh"] == "Bữa cơm nghĩa tình" and row["khen_thuong"] is True
    assert row["ho_ten"] == "Nguyễn Thị Hồng"


def test_no_names_of_people_beyond_the_public_page(client, world):
    body = client.get(reverse("api-registrations"), {"so-dong": "200"}).content.decode()
    assert "Tên ẩn của tập thể" not in body
    for forbidden in ("username", "email", "return_reason", "reviewer", "created_by", "search_text"):
        assert forbidden not in body


def test_a_wrong_filter_answers_400_with_the_reason_in_vietnamese(client, world):
    response = client.get(reverse("api-registrations"), {"linh-vuc": "khong-co"})
    assert response.status_code == 400
    assert "không có trong danh sách" in response.content.decode()


def test_pages_hold_at_most_the_size_asked_for(client, world):
    data = client.get(reverse("api-registrations"), {"so-dong": "2", "trang": "2"}).json()
    assert len(data["results"]) == 2 and data["previous"] and data["next"] is None


def test_the_api_is_read_only(client, world):
    assert client.post(reverse("api-registrations"), {"ten_mo_hinh": "x"}).status_code == 405
    assert client.delete(reverse("api-registration", args=[world["rows"][0].pk])).status_code == 405


def test_the_api_is_throttled_per_address(client, world, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    cache.clear()
    answers = [client.get(reverse("api-statistics")).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert "Retry-After" in client.get(reverse("api-statistics")).headers
    assert api_settings.DEFAULT_THROTTLE_RATES["anon"]


def test_the_openapi_description_and_its_docs_page_are_served_from_the_portal(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    assert {"/api/v1/mo-hinh/", "/api/v1/mo-hinh/{id}/", "/api/v1/thong-ke/"} <= set(schema["paths"])
    html = client.get(reverse("api-docs")).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/") and not source.startswith("//") for source in sources)
    assert "<script>" not in html


def test_open_data_page_documents_the_api_the_licence_and_the_last_change(client, world):
    html = client.get(reverse("public-data-doc")).content.decode()
    assert "/api/v1/mo-hinh/" in html and "/api/v1/schema/" in html
    assert 'rel="license"' in html and "CC BY 4.0" in html
    assert re.search(r"Dữ liệu thay đổi lần cuối</dt>\s*<dd[^>]*><time datetime=", html)
