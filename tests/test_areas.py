"""The areas each process keeps (models/areas.py `kept_area`): exact as soon as the tree changes."""
import pytest

from models_registry.models import AdminArea, kept_area
from tests.factories import make_commune, make_leader, make_province

pytestmark = pytest.mark.django_db

RELATED = ("parent__parent", "current_province", "current_commune")


@pytest.fixture
def commune():
    return make_commune(make_province(name="Tỉnh Hòa Bình"), name="Xã Tân Lạc")


def test_a_kept_area_is_read_from_the_database_once(commune, django_assert_num_queries):
    kept_area(RELATED, pk=commune.pk)
    with django_assert_num_queries(0):
        area = kept_area(RELATED, pk=commune.pk)
    assert (area.name, area.current_province.name) == ("Xã Tân Lạc", "Tỉnh Hòa Bình")


def test_a_renamed_area_is_read_again(commune):
    kept_area(RELATED, pk=commune.pk)
    commune.name = "Xã Tân Lạc Mới"
    commune.save()
    assert kept_area(RELATED, pk=commune.pk).name == "Xã Tân Lạc Mới"


def test_a_province_renamed_by_an_update_is_read_again_with_its_commune(commune):
    kept_area(RELATED, pk=commune.pk)
    AdminArea.objects.filter(pk=commune.current_province_id).update(name="Tỉnh Phú Thọ")
    assert kept_area(RELATED, pk=commune.pk).current_province.name == "Tỉnh Phú Thọ"


def test_a_change_to_one_callers_copy_reaches_no_other(commune):
    kept_area(RELATED, pk=commune.pk).name = "Đổi trong một yêu cầu"
    assert kept_area(RELATED, pk=commune.pk).name == "Xã Tân Lạc"


def test_an_area_found_by_its_code_is_its_structures(commune):
    assert kept_area(structure=commune.structure, code=commune.code).pk == commune.pk
    assert kept_area(structure="cu", code=commune.code) is None


def test_a_leaders_dashboard_shows_the_commission_name_set_after_it_was_read(client, commune):
    client.force_login(make_leader(commune))
    client.get("/bao-cao/")
    commune.commission_name = "Ban Dân vận Đảng ủy xã Tân Lạc"
    commune.save()
    assert "Ban Dân vận Đảng ủy xã Tân Lạc" in client.get("/bao-cao/").content.decode()
