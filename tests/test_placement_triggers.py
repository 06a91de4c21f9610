"""Each registration's, unit's and unit summary cell's copy of its area's current province
(placement_triggers.py) follows every write."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from models_registry import placement_triggers
from models_registry.models import AdminArea, Registration, Status, Unit, UnitYearSummary
from models_registry.services.imports.writing import insert_rows, plain_row

from .factories import make_commune, make_district, make_leader, make_province, make_registration, make_staff, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_provinces():
    first, second = make_province(), make_province()
    return {"first": first, "second": second, "here": make_commune(first), "there": make_commune(second)}


def old_commune_rolled_into(commune, province):
    """A pre-2025 commune, in an old province that rolls up into `province`, succeeded by `commune`."""
    old_province = make_province(structure="cu")
    old_province.current_province = province
    old_province.save()
    return make_commune(make_district(old_province), successor=commune)


def province_of(registration):
    return Registration.objects.values_list("current_province", flat=True).get(pk=registration.pk)


def test_a_new_registration_holds_its_communes_province(two_provinces):
    registration = make_registration(make_unit(two_provinces["here"]))
    assert province_of(registration) == two_provinces["first"].pk


def test_a_registration_in_an_old_commune_holds_the_province_it_rolls_up_into(two_provinces):
    old_commune = old_commune_rolled_into(two_provinces["there"], two_provinces["second"])
    registration = make_registration(make_unit(two_provinces["there"]), year=2024, area=old_commune)
    assert province_of(registration) == two_provinces["second"].pk


def test_imported_rows_hold_their_province(two_provinces):
    unit = make_unit(two_provinces["there"])
    insert_rows(Registration, [plain_row(Registration, {"unit": unit, "area": unit.area, "unit_kind": unit.kind,
                                                        "name": f"Mô hình nhập {n}", "year": 2026})
                               for n in range(3)])  # COPY on PostgreSQL
    assert set(Registration.objects.values_list("current_province", flat=True)) == {two_provinces["second"].pk}


def test_a_registration_moved_to_another_provinces_commune_moves_with_it(two_provinces):
    registration = make_registration(make_unit(two_provinces["here"]))
    Registration.objects.filter(pk=registration.pk).update(area=two_provinces["there"])
    assert province_of(registration) == two_provinces["second"].pk


def test_a_wrong_province_written_by_the_application_is_replaced(two_provinces):
    registration = make_registration(make_unit(two_provinces["here"]))
    registration.current_province = two_provinces["second"]
    registration.save()
    assert province_of(registration) == two_provinces["first"].pk


def test_a_stale_copy_saved_after_a_move_does_not_undo_it(two_provinces):
    registration = make_registration(make_unit(two_provinces["here"]))
    stale = Registration.objects.get(pk=registration.pk)  # read before the move, saved after it
    AdminArea.objects.filter(pk=two_provinces["here"].pk).update(current_province=two_provinces["second"])
    stale.name = "Mô hình sửa tên"
    stale.save()
    assert province_of(registration) == two_provinces["second"].pk


def test_a_commune_given_to_another_province_carries_its_registrations(two_provinces):
    moved = make_registration(make_unit(two_provinces["here"]))
    stays = make_registration(make_unit(make_commune(two_provinces["first"])))
    AdminArea.objects.filter(pk=two_provinces["here"].pk).update(current_province=two_provinces["second"])
    assert (province_of(moved), province_of(stays)) == (two_provinces["second"].pk, two_provinces["first"].pk)
    assert placement_triggers.mismatches() == 0


def test_lost_triggers_are_put_back_with_the_copies_after_migrate(two_provinces):
    registration = make_registration(make_unit(two_provinces["here"]))
    with connection.cursor() as cursor:
        for statement in placement_triggers.backwards(connection.vendor):
            cursor.execute(statement)
    Registration.objects.filter(pk=registration.pk).update(area=two_provinces["there"])
    assert placement_triggers.mismatches() == 2  # no trigger: the registration's copy and its new unit cell's are stale
    placement_triggers.ensure_installed(using=connection.alias)
    assert (province_of(registration), placement_triggers.mismatches()) == (two_provinces["second"].pk, 0)
    Registration.objects.filter(pk=registration.pk).update(area=two_provinces["here"])
    assert province_of(registration) == two_provinces["first"].pk


def test_a_province_staffs_list_reads_the_registrations_own_copy(client, two_provinces):
    mine = make_registration(make_unit(two_provinces["here"]), year=2026, status=Status.SUBMITTED)
    make_registration(make_unit(two_provinces["there"]), year=2026, status=Status.SUBMITTED)
    client.force_login(make_staff(two_provinces["first"]))
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/quan-ly/mo-hinh/")
    assert [row.pk for row in response.context["page"]] == [mine.pk]
    listed = [query["sql"] for query in captured.captured_queries if "LIMIT" in query["sql"]
              and 'FROM "models_registry_registration"' in query["sql"]]
    assert listed and all('"models_registry_registration"."current_province_id" =' in sql for sql in listed)


def unit_province_of(unit):
    return Unit.objects.values_list("current_province", flat=True).get(pk=unit.pk)


def cell_provinces_of(unit):
    return set(UnitYearSummary.objects.filter(unit=unit).values_list("current_province", flat=True))


def test_a_new_unit_holds_its_communes_province(two_provinces):
    assert unit_province_of(make_unit(two_provinces["there"])) == two_provinces["second"].pk


def test_a_unit_moved_to_another_provinces_commune_moves_with_it(two_provinces):
    unit = make_unit(two_provinces["here"])
    unit.area = two_provinces["there"]
    unit.save()
    assert unit_province_of(unit) == two_provinces["second"].pk


def test_a_units_summary_cell_holds_the_province_its_registrations_area_rolls_up_into(two_provinces):
    old_commune = old_commune_rolled_into(two_provinces["there"], two_provinces["second"])
    unit = make_unit(two_provinces["there"])
    make_registration(unit, year=2024, area=old_commune, status=Status.ACCEPTED)
    assert cell_provinces_of(unit) == {two_provinces["second"].pk}


def test_a_commune_given_to_another_province_carries_its_units_and_their_summary_cells(two_provinces):
    unit = make_unit(two_provinces["here"])
    make_registration(unit, year=2026, status=Status.SUBMITTED)
    AdminArea.objects.filter(pk=two_provinces["here"].pk).update(current_province=two_provinces["second"])
    assert (unit_province_of(unit), cell_provinces_of(unit)) == (two_provinces["second"].pk, {two_provinces["second"].pk})
    assert placement_triggers.mismatches() == 0


def test_a_province_report_counts_its_units_from_their_own_copy(client, two_provinces):
    registered = make_unit(two_provinces["here"])
    make_unit(two_provinces["here"])
    make_unit(two_provinces["there"])
    make_registration(registered, year=2026, status=Status.SUBMITTED)
    client.force_login(make_leader(two_provinces["first"]))
    with CaptureQueriesContext(connection) as captured:
        report = client.get("/bao-cao/?nam=2026").context["report"]
    assert (report.units_total, report.units_registered) == (2, 1)
    census = [query["sql"] for query in captured.captured_queries if 'COUNT("models_registry_unit"."id")' in query["sql"]]
    assert census and '"models_registry_unit"."current_province_id" =' in census[0]
    assert 'U0."current_province_id" =' in census[0] and "models_registry_adminarea" not in census[0]
