"""One filter vocabulary: `dia-ban` (an area code, with `co-cau=cu` for the old structure) and the
other list parameters mean the same on the public list, the staff list, the report lists and
the exports; unknown or malformed values are ignored by the lists."""
import csv
import io

import pytest

from models_registry.filters import filter_registrations
from models_registry.models import Registration
from tests.factories import make_leader, make_report_fixture, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return make_report_fixture()


@pytest.fixture
def staff_client(client, data):
    client.force_login(make_staff(data.p, username="canbo.tinh"))
    return client


@pytest.fixture
def leader_client(client, data):
    client.force_login(make_leader(data.p, username="lanhdao.tinh"))
    return client


def public_names(client, query):
    return {r.name for r in client.get(f"/mo-hinh/?{query}").context["page"].object_list}


def staff_names(client, query):
    return {r.name for r in client.get(f"/quan-ly/mo-hinh/?{query}").context["page"].object_list}


def report_list_names(client, query):
    return {r.name for r in client.get(f"/bao-cao/mo-hinh/?{query}").context["page"].object_list}


def export_names(client, query):
    response = client.get(f"/quan-ly/excel/xuat/dang-ky.csv?{query}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    column = rows[0].index(next(h for h in rows[0] if "Tên mô hình" in h))
    return {row[column] for row in rows[1:]}


# Phường Một (86001) with the old Xã Cũ Một (83101) rolled up into it.
IN_PHUONG_MOT = {"Ấp không rác", "Tủ áo yêu thương", "Bản nháp", "Dân vận khéo 2025 xã cũ", "Mô hình bỏ dở"}
PUBLISHED = {"Ấp không rác", "Tủ áo yêu thương", "Dân vận khéo 2025 xã cũ"}


def test_dia_ban_is_a_code_of_todays_structure_on_the_staff_list_and_its_export(staff_client):
    assert staff_names(staff_client, "dia-ban=86001") == IN_PHUONG_MOT
    assert export_names(staff_client, "dia-ban=86001") == IN_PHUONG_MOT


def test_dia_ban_means_the_same_area_on_the_public_list(client, data):
    assert public_names(client, "dia-ban=86001") == PUBLISHED


def test_dia_ban_means_the_same_area_on_the_report_and_its_list(leader_client):
    counted_2026 = {"Ấp không rác", "Tủ áo yêu thương"}
    assert report_list_names(leader_client, "dia-ban=86001&nam=2026") == counted_2026
    report = leader_client.get("/bao-cao/?dia-ban=86001&nam=2026")
    assert report.context["area"].code == "86001"
    total = report.context["tables"]["tong_hop"].rows[0]
    assert total.values[0] == len(counted_2026)


def test_co_cau_cu_names_the_old_commune_on_every_list(client, staff_client, data):
    old_commune = {"Dân vận khéo 2025 xã cũ", "Mô hình bỏ dở"}
    assert staff_names(staff_client, "dia-ban=83101&co-cau=cu") == old_commune
    assert export_names(staff_client, "dia-ban=83101&co-cau=cu") == old_commune
    assert public_names(client, "dia-ban=83101&co-cau=cu") == {"Dân vận khéo 2025 xã cũ"}
    client.force_login(make_leader(data.p, username="lanhdao.tinh"))
    assert report_list_names(client, "dia-ban=83101&co-cau=cu&nam=2025") == old_commune


def test_an_old_province_code_in_todays_structure_is_another_area(staff_client):
    # 83 is old Bến Tre, rolled up into today's 86; today's structure has no province 83.
    assert staff_names(staff_client, "dia-ban=83&co-cau=cu") == {
        "Dân vận khéo 2025 xã cũ", "Mô hình bỏ dở", "Mô hình xã bị chia"}


def test_unknown_and_malformed_values_are_ignored_by_the_lists(staff_client, client):
    everything = staff_names(staff_client, "")
    bad = "dia-ban=khong-co&nam=abc&linh-vuc=bogus&trang-thai=xoa&don-vi=-1&la=1"
    assert staff_names(staff_client, bad) == everything
    assert export_names(staff_client, bad) == everything
    assert public_names(client, bad) == public_names(client, "")


def test_text_search_means_every_word_on_the_public_and_staff_lists(staff_client, client):
    found = {"Ấp không rác", "Ấp không rác nhân rộng"}
    assert public_names(client, "q=rac+khong+ap") == found
    assert staff_names(staff_client, "q=rac+khong+ap") == found


def test_filter_registrations_keeps_its_role_for_the_exports(data):
    rows = filter_registrations(Registration.objects.all(), {"dia-ban": "86001", "trang-thai": "draft"})
    assert {r.name for r in rows} == {"Bản nháp"}


def test_the_staff_list_runs_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert staff_client.get("/quan-ly/mo-hinh/?dia-ban=86001&linh-vuc=economy&loai-don-vi=doan-the").status_code == 200


def test_the_report_list_runs_a_bounded_number_of_queries(leader_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        assert leader_client.get("/bao-cao/mo-hinh/?dia-ban=86001&nam=2026&linh-vuc=economy").status_code == 200


def test_the_public_list_runs_a_bounded_number_of_queries(client, data, django_assert_max_num_queries):
    # The areas asked for, the page's count and rows, their commendations, and the filter's unit kinds.
    with django_assert_max_num_queries(9):
        assert client.get(f"/mo-hinh/?dia-ban=86001&tinh={data.p.code}&nam=2026").status_code == 200
