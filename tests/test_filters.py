"""The list filters shared by the lists, the unit chooser and the exports."""
import pytest

from models_registry.filters import filter_units, parse_id
from models_registry.models import Unit
from tests.factories import make_commune, make_kind, make_province, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    commune = make_commune(make_province())
    women = make_kind(name="Hội Phụ nữ")
    return {
        "women": make_unit(commune, kind=women, code="HPN-01", name="Hội Phụ nữ ấp Đông"),
        "youth": make_unit(commune, kind=make_kind(name="Đoàn Thanh niên"), code="DTN-01", name="Chi đoàn ấp Tây"),
        "sub": make_unit(commune, kind=make_kind(name="Chi hội", parent=women), code="CH-01", name="Chi hội phụ nữ 3"),
    }


def test_unit_names_match_without_diacritics_in_any_case(units):
    assert list(filter_units(Unit.objects.all(), {"q": "HOI PHU NU ap dong"})) == [units["women"]]


def test_units_match_by_their_code(units):
    assert list(filter_units(Unit.objects.all(), {"q": "dtn-01"})) == [units["youth"]]


def test_a_unit_kind_takes_in_its_sub_kinds(units):
    code = units["women"].kind.code
    assert set(filter_units(Unit.objects.all(), {"loai-don-vi": code})) == {units["women"], units["sub"]}


@pytest.mark.parametrize("value", ["abc", "-3", "0", str(2**63), None])
def test_a_malformed_id_is_no_id(value):
    assert parse_id(value) is None
