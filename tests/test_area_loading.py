import pytest
from django.core.management import call_command
from django.db.models import F

from models_registry.areas_sync import sync_areas
from models_registry.models import AdminArea, AreaLevel, AreaSuccessor, Structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(all_areas):
    return all_areas


def count(structure, level):
    return AdminArea.objects.filter(structure=structure, level=level).count()


def test_first_load_creates_every_area(loaded):
    assert loaded["created"] == AdminArea.objects.count() > 14000


def test_there_are_34_current_provinces(loaded):
    assert count(Structure.CURRENT, AreaLevel.PROVINCE) == 34


def test_there_are_3321_current_communes(loaded):
    assert count(Structure.CURRENT, AreaLevel.COMMUNE) == 3321


def test_there_are_63_provinces_and_696_districts_before_the_reform(loaded):
    assert count(Structure.LEGACY, AreaLevel.PROVINCE) == 63
    assert count(Structure.LEGACY, AreaLevel.DISTRICT) == 696


def test_old_communes_are_all_loaded(loaded):
    assert count(Structure.LEGACY, AreaLevel.COMMUNE) > 10000


def test_every_commune_has_a_province_of_its_own_structure(loaded):
    communes = AdminArea.objects.filter(level=AreaLevel.COMMUNE)
    assert not communes.filter(province__isnull=True).exists()
    assert not communes.filter(structure=Structure.LEGACY).exclude(province__structure=Structure.LEGACY).exists()
    assert not communes.filter(structure=Structure.CURRENT).exclude(province__structure=Structure.CURRENT).exists()


def test_every_old_commune_rolls_up_to_a_current_commune(loaded):
    old = AdminArea.objects.legacy().filter(level=AreaLevel.COMMUNE)
    assert not old.filter(current_commune__isnull=True).exists()
    assert not old.exclude(current_commune__structure=Structure.CURRENT).exists()


def test_the_default_successor_lies_in_the_rolled_up_province(loaded):
    old = AdminArea.objects.legacy().filter(level=AreaLevel.COMMUNE)
    assert old.count() == old.filter(current_commune__province=F("current_province")).count()


def test_split_communes_list_several_successors_with_one_default(loaded):
    split = AdminArea.objects.legacy().filter(is_split=True).first()
    links = AreaSuccessor.objects.filter(old_area=split)
    assert links.count() >= 2
    assert links.filter(is_default=True).count() == 1
    assert links.get(is_default=True).new_area_id == split.current_commune_id


def test_a_reused_code_names_two_different_areas(loaded):
    new_vinh_long = AdminArea.objects.get(structure=Structure.CURRENT, code="86")
    old_vinh_long = AdminArea.objects.get(structure=Structure.LEGACY, code="86")
    assert new_vinh_long.pk != old_vinh_long.pk
    merged = AdminArea.objects.legacy().provinces().filter(current_province=new_vinh_long)
    assert set(merged.values_list("name", flat=True)) == {"Tỉnh Vĩnh Long", "Tỉnh Bến Tre", "Tỉnh Trà Vinh"}


def test_current_area_contains_old_commune_that_rolls_into_it(loaded):
    old = AdminArea.objects.legacy().filter(level=AreaLevel.COMMUNE).select_related("current_commune").first()
    assert old.current_commune.contains(old)
    assert old.current_province.contains(old)


def test_second_load_changes_nothing(loaded):
    assert sync_areas() == {"created": 0, "updated": 0, "successors_created": 0, "successors_updated": 0,
                            "successors_removed": 0}


def test_command_reports_counts_in_vietnamese(loaded, capsys):
    call_command("load_admin_areas")
    out = capsys.readouterr().out
    assert "34 tỉnh, 3321 xã" in out
    assert "63 tỉnh, 696 huyện" in out
