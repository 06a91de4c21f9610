"""The data version that keeps cached reports and public pages exact."""
import pytest
from django.db.models import F

from models_registry.freshness import data_version, kept
from models_registry.models import ImportBatch, Registration, Status, Unit
from models_registry.services import imports
from tests.factories import (
    make_commune,
    make_kind,
    make_province,
    make_registration,
    make_sheet,
    make_staff,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return make_unit(make_commune(make_province()))


def test_saving_an_accepted_registration_moves_the_version(unit):
    registration = make_registration(unit, status=Status.ACCEPTED)
    before = data_version()
    registration.name = "Tên mới"
    registration.save()
    assert data_version() != before


def test_a_unit_saving_its_draft_leaves_the_version(unit):
    before = data_version()
    registration = make_registration(unit)
    registration = Registration.objects.get(pk=registration.pk)
    registration.name = "Tên mới"
    registration.save()
    assert data_version() == before


def test_claiming_an_edit_leaves_the_version(unit):
    registration = make_registration(unit, status=Status.ACCEPTED)
    before = data_version()
    Registration.objects.filter(pk=registration.pk).update(version=F("version") + 1)
    assert data_version() == before


def test_turning_an_accepted_registration_back_into_a_draft_moves_the_version(unit):
    registration = Registration.objects.get(pk=make_registration(unit, status=Status.ACCEPTED).pk)
    before = data_version()
    registration.status = Status.DRAFT
    registration.save()
    assert data_version() != before


def test_deleting_a_unit_moves_the_version(unit):
    before = data_version()
    unit.delete()
    assert data_version() != before


def test_a_queryset_update_moves_the_version(unit):
    registration = make_registration(unit)
    before = data_version()
    Registration.objects.filter(pk=registration.pk).update(status=Status.ACCEPTED)
    assert data_version() != before


def test_an_update_that_matches_nothing_leaves_the_version(unit):
    before = data_version()
    Registration.objects.filter(pk=0).update(status=Status.ACCEPTED)
    assert data_version() == before


def test_a_bulk_create_moves_the_version(unit):
    before = data_version()
    Unit.objects.bulk_create([Unit(area=unit.area, kind=unit.kind, code="BULK-1", name="Chi bộ mới")])
    assert data_version() != before


def test_an_excel_import_moves_the_version(unit):
    before = data_version()
    sheet = make_sheet(["Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực", "Cấp", "Loại điển hình", "Mới/Duy trì"],
                       [[2025, unit.code, "Tủ sách cộng đồng", "Kinh tế", "Cơ sở", "Tập thể", "Mới"]])
    report = imports.import_file(ImportBatch.Kind.REGISTRATIONS, sheet, "dang-ky.xlsx",
                           user=make_staff(unit.area.province), write=True)
    assert report.ok, [str(p) for p in report.problems]
    assert data_version() != before


def test_changing_an_account_leaves_the_version(unit):
    user = make_user()
    before = data_version()
    user.first_name = "Lan"
    user.save()
    assert data_version() == before


def test_the_version_moves_again_once_the_change_is_committed(unit, django_capture_on_commit_callbacks):
    registration = make_registration(unit, status=Status.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        registration.save()
        during = data_version()
    assert data_version() != during


def test_a_kept_value_is_built_once_while_nothing_of_no_known_province_changes(unit):
    builds = []
    for _ in range(2):
        kept(("kinds-for-test",), lambda: builds.append(1) or len(builds))
    make_registration(unit, status=Status.ACCEPTED)  # a change inside one province
    assert kept(("kinds-for-test",), lambda: builds.append(1) or len(builds)) == 1


def test_a_kept_value_is_built_again_after_a_kind_of_unit_changes(unit):
    assert kept(("kinds-for-test",), lambda: "trước") == "trước"
    make_kind(name="Khối mới")
    assert kept(("kinds-for-test",), lambda: "sau") == "sau"
