import pytest
from django.contrib.auth.models import AnonymousUser

from models_registry.models import Registration, Status, Structure, Unit
from tests.factories import (
    make_commune,
    make_district,
    make_leader,
    make_province,
    make_registration,
    make_staff,
    make_unit,
    make_unit_user,
    make_user,
)


@pytest.fixture
def world(db):
    """Today's province with two communes; an old province whose old commune rolls into the first."""
    province = make_province(code="86")
    commune, other_commune = make_commune(province), make_commune(province)
    old_province = make_province(code="83", structure=Structure.LEGACY)
    old_province.current_province = province
    old_province.save()
    old_commune = make_commune(make_district(old_province), successor=commune)
    elsewhere = make_commune(make_province(code="01"))
    unit, other_unit, far_unit = make_unit(commune), make_unit(other_commune), make_unit(elsewhere)
    return {
        "province": province,
        "commune": commune,
        "old_province": old_province,
        "unit": unit,
        "other_unit": other_unit,
        "new": make_registration(unit, year=2026, status=Status.DRAFT),
        "old": make_registration(unit, year=2020, area=old_commune, status=Status.COMPLETED),
        "neighbour": make_registration(other_unit, year=2026, status=Status.ACCEPTED),
        "far": make_registration(far_unit, year=2026, status=Status.ACCEPTED),
    }


def visible(user):
    return set(Registration.objects.for_user(user).values_list("pk", flat=True))


def test_unit_account_sees_only_its_own_registrations(world):
    user = make_unit_user(world["unit"])
    assert visible(user) == {world["new"].pk, world["old"].pk}


def test_commune_staff_see_old_communes_that_roll_into_their_commune(world):
    user = make_staff(world["commune"])
    assert visible(user) == {world["new"].pk, world["old"].pk}


def test_province_leader_sees_the_whole_province_across_the_reform(world):
    user = make_leader(world["province"])
    assert visible(user) == {world["new"].pk, world["old"].pk, world["neighbour"].pk}


def test_staff_of_an_old_province_see_only_its_old_areas(world):
    user = make_staff(world["old_province"])
    assert visible(user) == {world["old"].pk}


def test_anonymous_visitor_sees_published_registrations_only(world):
    assert visible(AnonymousUser()) == {world["old"].pk, world["neighbour"].pk, world["far"].pk}


def test_account_without_role_sees_published_registrations_only(world):
    assert visible(make_user()) == {world["old"].pk, world["neighbour"].pk, world["far"].pk}


def test_superuser_sees_everything(world):
    assert len(visible(make_user(is_superuser=True))) == 4


def test_units_are_scoped_like_registrations(world):
    user = make_staff(world["commune"])
    assert set(Unit.objects.for_user(user)) == {world["unit"]}
