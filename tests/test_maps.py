"""The models map (/ban-do/, /bao-cao/ban-do/) and the GeoJSON behind it."""
import re

import pytest
from django.urls import reverse

from models_registry import maps
from models_registry.models import Status, Structure
from models_registry.pagination import Total
from tests.factories import (
    make_commune,
    make_district,
    make_leader,
    make_province,
    make_registration,
    make_unit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    province = make_province(name="Tỉnh Vĩnh Long")
    province.latitude, province.longitude = 10.25, 105.97
    province.save()
    commune = make_commune(province, name="Phường Một")
    commune.latitude, commune.longitude = 10.2541, 105.9723
    commune.save()
    bare = make_commune(province, name="Xã Không Tọa Độ")
    old_province = make_province(name="Tỉnh Bến Tre", structure=Structure.LEGACY)
    old_province.current_province = province
    old_province.save()
    old_commune = make_commune(make_district(old_province), name="Xã Cũ", successor=commune)
    return {"province": province, "commune": commune, "bare": bare, "old": old_commune}


def features(client, url=None, **params):
    response = client.get(url or reverse("public-map-points"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    return {f["properties"]["name"]: f for f in response.json()["features"]}


def test_points_are_published_models_only(client, place):
    unit = make_unit(place["commune"])
    for status in Status.values:
        make_registration(unit, name=f"Mô hình {status}", status=status)
    assert set(features(client)) == {"Mô hình accepted", "Mô hình completed", "Mô hình commended"}


def test_a_point_stands_at_its_communes_coordinates(client, place):
    make_registration(make_unit(place["commune"]), name="Tủ quần áo", status=Status.ACCEPTED, field="culture_society")
    feature = features(client)["Tủ quần áo"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [105.9723, 10.2541]}
    properties = feature["properties"]
    assert properties["url"] == reverse("public-detail", args=[properties["id"]])
    assert properties["place"] == "Phường Một, Tỉnh Vĩnh Long"
    assert properties["colour"] == maps.FIELD_COLOURS["culture_society"]


def test_an_old_commune_stands_where_the_commune_it_rolled_into_stands(client, place):
    make_registration(make_unit(place["old"]), year=2024, name="Mô hình xã cũ", status=Status.ACCEPTED)
    assert features(client)["Mô hình xã cũ"]["geometry"]["coordinates"] == [105.9723, 10.2541]


def test_a_commune_without_coordinates_falls_back_to_its_province(client, place):
    make_registration(make_unit(place["bare"]), name="Mô hình xã thiếu tọa độ", status=Status.ACCEPTED)
    assert features(client)["Mô hình xã thiếu tọa độ"]["geometry"]["coordinates"] == [105.97, 10.25]


def test_points_follow_the_list_filters(client, place):
    unit = make_unit(place["commune"])
    make_registration(unit, name="Kinh tế", status=Status.ACCEPTED, field="economy")
    make_registration(unit, name="An ninh", status=Status.ACCEPTED, field="defence_security")
    assert set(features(client, **{"linh-vuc": "economy"})) == {"Kinh tế"}
    assert set(features(client, q="an ninh")) == {"An ninh"}


def test_points_are_read_in_bounded_queries(client, place, django_assert_max_num_queries):
    for number in range(40):
        make_registration(make_unit(place["commune"]), name=f"Mô hình {number}", status=Status.ACCEPTED)
    with django_assert_max_num_queries(3):
        assert len(features(client)) == 40


def test_a_map_holds_at_most_the_limit_and_says_there_are_more(client, place, monkeypatch):
    monkeypatch.setattr(maps, "POINT_LIMIT", 3)
    unit = make_unit(place["commune"])
    for number in range(5):
        make_registration(unit, year=2020 + number, name=f"Mô hình {number}", status=Status.ACCEPTED)
    data = client.get(reverse("public-map-points")).json()
    assert data["truncated"] is True
    assert [f["properties"]["year"] for f in data["features"]] == [2024, 2023, 2022]


def test_map_page_lists_the_models_beside_the_map_and_loads_only_its_own_assets(client, place):
    make_registration(make_unit(place["commune"]), name="Tủ quần áo", status=Status.ACCEPTED)
    make_registration(make_unit(place["commune"]), name="Bản nháp bí mật", status=Status.DRAFT)
    response = client.get(reverse("public-map"), {"linh-vuc": "economy"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-points="/ban-do/diem.geojson?linh-vuc=economy"' in html
    assert "Bản nháp bí mật" not in html
    assert "data-tiles" not in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert not [source for source in sources if re.match(r"(https?:)?//", source)]
    html = client.get(reverse("public-map")).content.decode()
    assert "Tủ quần áo" in html and "vendor/leaflet/leaflet.js" in html


def test_map_uses_the_configured_tile_server(client, place, settings):
    settings.MAP_TILE_URL = "https://tiles.tinh.gov.vn/{z}/{x}/{y}.png"
    html = client.get(reverse("public-map")).content.decode()
    assert 'data-tiles="https://tiles.tinh.gov.vn/{z}/{x}/{y}.png"' in html


def test_leaders_map_counts_every_model_of_the_area_it_may_see(client, place):
    elsewhere = make_commune(make_province(name="Tỉnh Khác"))
    unit = make_unit(place["commune"])
    make_registration(unit, year=2026, name="Đã duyệt", status=Status.ACCEPTED)
    make_registration(unit, year=2026, name="Chờ duyệt", status=Status.SUBMITTED)
    make_registration(unit, year=2026, name="Bản nháp", status=Status.DRAFT)
    make_registration(make_unit(elsewhere), year=2026, name="Tỉnh khác", status=Status.ACCEPTED)
    client.force_login(make_leader(place["province"]))
    found = features(client, reverse("reports-map-points"), nam="2026")
    assert set(found) == {"Đã duyệt", "Chờ duyệt"}
    assert found["Chờ duyệt"]["properties"]["url"] is None
    response = client.get(reverse("reports-map"), {"nam": "2026"})
    assert response.status_code == 200
    assert response.context["page"].total == Total(2)
    assert 'data-points="/bao-cao/ban-do/diem.geojson?nam=2026"' in response.content.decode()


def test_leaders_map_of_an_area_outside_their_own_is_not_found(client, place):
    other = make_province(code="01", name="Thành phố Hà Nội")
    client.force_login(make_leader(place["province"]))
    assert client.get(reverse("reports-map-points"), {"dia-ban": other.code, "nam": "2026"}).status_code == 404


def test_leaders_map_refuses_visitors(client, place):
    response = client.get(reverse("reports-map-points"))
    assert response.status_code in (302, 403)


def test_vendored_map_assets_pass_collectstatics_manifest(settings, tmp_path):
    # The manifest follows every script's and stylesheet's references (images, source maps):
    # a vendored file missing one would stop a production deploy.
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)
    assert list(tmp_path.glob("vendor/leaflet/images/marker-icon.*.png"))
    assert list(tmp_path.glob("vendor/leaflet.markercluster/leaflet.markercluster.*.js"))
