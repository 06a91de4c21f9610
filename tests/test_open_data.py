import csv
import io
import json

import pytest

from models_registry.models import ExemplarKind, Field, Status
from models_registry.open_data import DOCUMENTED_FIELDS
from tests.factories import make_commune, make_province, make_registration, make_unit

pytestmark = pytest.mark.django_db

FIELD_NAMES = [key for key, _description in DOCUMENTED_FIELDS]


@pytest.fixture
def unit():
    return make_unit(make_commune(make_province(name="Tỉnh Vĩnh Long"), name="Xã An Bình"), name="Đoàn xã An Bình")


def published(unit, **extra):
    extra.setdefault("status", Status.ACCEPTED)
    return make_registration(unit, **extra)


def csv_rows(client, **params):
    response = client.get("/mo-hinh/du-lieu.csv", params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def json_items(client, **params):
    response = client.get("/mo-hinh/du-lieu.json", params)
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))["items"]


def test_csv_has_the_documented_columns(client, unit):
    published(unit)
    response = client.get("/mo-hinh/du-lieu.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == FIELD_NAMES


def test_json_lists_the_documented_fields(client, unit):
    published(unit)
    data = json.loads(b"".join(client.get("/mo-hinh/du-lieu.json").streaming_content))
    assert data["fields"] == FIELD_NAMES
    assert list(data["items"][0]) == FIELD_NAMES


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.WITHDRAWN])
def test_exports_leave_out_unpublished_models(client, unit, status):
    published(unit, name="Công khai")
    make_registration(unit, name="Không công khai", status=status)
    assert [row["ten_mo_hinh"] for row in csv_rows(client)] == ["Công khai"]
    assert [item["ten_mo_hinh"] for item in json_items(client)] == ["Công khai"]


def test_exports_apply_the_list_filters_and_search(client, unit):
    published(unit, name="Dân vận khéo nuôi bò", year=2024, field=Field.ECONOMY)
    published(unit, name="Dân vận khéo an ninh", year=2024, field=Field.DEFENCE_SECURITY)
    published(unit, name="Dân vận khéo nuôi bò 2023", year=2023, field=Field.ECONOMY)
    params = {"q": "dan van kheo", "nam": "2024", "linh-vuc": "economy"}
    assert [row["ten_mo_hinh"] for row in csv_rows(client, **params)] == ["Dân vận khéo nuôi bò"]
    assert [item["ten_mo_hinh"] for item in json_items(client, **params)] == ["Dân vận khéo nuôi bò"]


def test_json_values_are_typed_and_readable(client, unit):
    registration = published(unit, name="Ngân hàng bò", money_mobilised=1234567, status=Status.COMMENDED)
    item = json_items(client)[0]
    assert item["id"] == registration.pk
    assert item["duong_dan"] == f"http://testserver/mo-hinh/{registration.pk}/"
    assert item["so_tien_van_dong"] == 1234567
    assert (item["linh_vuc"], item["xa"], item["tinh"], item["khen_thuong"]) == ("Kinh tế", "Xã An Bình", "Tỉnh Vĩnh Long", True)


def test_individual_exemplar_name_and_position_are_exported(client, unit):
    published(unit, exemplar_kind=ExemplarKind.INDIVIDUAL, person_name="Nguyễn Thị Lan", person_position="Bí thư chi bộ")
    item = json_items(client)[0]
    assert (item["ho_ten"], item["chuc_vu"]) == ("Nguyễn Thị Lan", "Bí thư chi bộ")


def test_no_personal_or_internal_data_beyond_an_individual_exemplar(client, unit):
    published(unit, exemplar_kind=ExemplarKind.COLLECTIVE, person_name="Trần Văn Bí Mật", person_position="Cán bộ",
              return_reason="Lý do nội bộ")
    body = b"".join(client.get("/mo-hinh/du-lieu.json").streaming_content).decode()
    assert "Trần Văn Bí Mật" not in body and "Lý do nội bộ" not in body
    item = json.loads(body)["items"][0]
    assert (item["ho_ten"], item["chuc_vu"]) == ("", "")


def test_csv_neutralises_spreadsheet_formulas(client, unit):
    published(unit, name="=HYPERLINK(\"http://x\")", content="@SUM(A1)")
    row = csv_rows(client)[0]
    assert row["ten_mo_hinh"] == "'=HYPERLINK(\"http://x\")"
    assert row["noi_dung"] == "'@SUM(A1)"


def test_invalid_filter_is_refused_with_a_vietnamese_message(client, unit):
    published(unit)
    for url in ("/mo-hinh/du-lieu.csv", "/mo-hinh/du-lieu.json"):
        response = client.get(url, {"linh-vuc": "bogus"})
        assert response.status_code == 400
        assert "Tham số lọc không hợp lệ" in response.content.decode()
        assert "Lĩnh vực" in response.content.decode()


def test_documentation_page_describes_every_field(client):
    html = client.get("/mo-hinh/du-lieu-mo/").content.decode()
    for key in FIELD_NAMES:
        assert f"<code>{key}</code>" in html
    assert "/mo-hinh/du-lieu.csv" in html and "/mo-hinh/du-lieu.json" in html


def test_export_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    province = make_province()
    for n in range(30):
        published(make_unit(make_commune(province)), name=f"Mô hình {n}")
    with django_assert_max_num_queries(5):
        assert len(json_items(client)) == 30
