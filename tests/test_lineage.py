"""Unit lineage: merges, splits and renames; what follows from a merge (accounts, completeness,
continuity, the unit page); the old → new list import; the 2025 defaults from the area mapping."""
import datetime

import pytest
from django.contrib.admin.models import LogEntry

from models_registry.models import (
    AccountFate,
    LineageEvent,
    LineageKind,
    LineageLink,
    Registration,
    Status,
    Structure,
    Unit,
    User,
)
from models_registry.services import lineage
from models_registry.services.errors import NotNow
from models_registry.services.reports import Summaries, in_operation, units_without_registration
from tests.factories import (
    make_commune,
    make_district,
    make_portal_world,
    make_province,
    make_registration,
    make_sheet,
    make_unit,
    make_unit_user,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
HEADERS = ("Mã đơn vị cũ", "Mã đơn vị mới", "Hình thức", "Ngày hiệu lực", "Tài khoản đơn vị cũ")


@pytest.fixture
def world():
    world = make_portal_world()
    world.successor = make_unit(world.commune_x, kind=world.kind, code="HN-MOI", name="Hội Phụ nữ xã mới")
    return world


def merge_a_and_b(world, fate, day=YESTERDAY):
    return lineage.merge(world.canbo_xa, [world.unit_a, world.unit_b], world.successor, day, account_fate=fate)


def missing_names(user, year):
    units = Unit.objects.for_user(user).filter(is_active=True)
    return {u.name for u in units_without_registration(in_operation(units, year), Summaries.for_user(user), year)}


# Merging ---------------------------------------------------------------------------------------

def test_a_merge_moves_the_predecessors_accounts_to_the_successor(world):
    merge_a_and_b(world, AccountFate.MOVE)
    world.donvi_a.refresh_from_db()
    world.donvi_b.refresh_from_db()
    assert world.donvi_a.unit == world.successor and world.donvi_b.unit == world.successor
    assert world.donvi_a.is_active
    assert LogEntry.objects.filter(object_id=str(world.donvi_a.pk), user=world.canbo_xa).exists()


def test_a_merge_deactivates_the_predecessors_accounts_when_chosen(world):
    merge_a_and_b(world, AccountFate.DEACTIVATE)
    world.donvi_a.refresh_from_db()
    assert world.donvi_a.unit == world.unit_a and not world.donvi_a.is_active


def test_a_merge_closes_the_predecessors_on_its_date(world):
    merge_a_and_b(world, AccountFate.MOVE)
    world.unit_a.refresh_from_db()
    assert world.unit_a.closed_on == YESTERDAY
    assert world.successor.closed_on is None


def test_dissolved_units_are_not_missing_after_their_closing_date(world):
    year = TODAY.year
    assert {"Chi hội Phụ nữ thôn A", "Chi đoàn thôn B"} <= missing_names(world.canbo_xa, year)
    merge_a_and_b(world, AccountFate.MOVE)
    missing = missing_names(world.canbo_xa, year)
    assert "Chi hội Phụ nữ thôn A" not in missing and "Hội Phụ nữ xã mới" in missing
    # In an earlier year they were open, so they were missing then.
    assert "Chi hội Phụ nữ thôn A" in missing_names(world.canbo_xa, year - 1)


def test_a_merge_dated_later_keeps_the_units_missing_until_then(world):
    merge_a_and_b(world, AccountFate.MOVE, day=TODAY + datetime.timedelta(days=1))
    assert "Chi hội Phụ nữ thôn A" in missing_names(world.canbo_xa, TODAY.year)


def test_the_missing_units_report_follows_the_merge(client, world):
    merge_a_and_b(world, AccountFate.MOVE)
    client.force_login(world.lanhdao)
    page = client.get(f"/bao-cao/chua-dang-ky/?nam={TODAY.year}").content.decode()
    assert "Hội Phụ nữ xã mới" in page and "Chi hội Phụ nữ thôn A" not in page


def test_the_successor_may_continue_its_predecessors_models(world):
    earlier = make_registration(world.unit_a, year=TODAY.year - 1, status=Status.COMPLETED)
    older = make_registration(world.unit_b, year=TODAY.year - 2, status=Status.ACCEPTED)
    elsewhere = make_registration(make_unit(world.commune_y, kind=world.kind), year=TODAY.year - 1)
    merge_a_and_b(world, AccountFate.MOVE)
    continuable = set(Registration.objects.continuable_by(world.successor, TODAY.year))
    assert continuable == {earlier, older}
    assert elsewhere not in continuable


def test_models_follow_a_chain_of_merges(world):
    earlier = make_registration(world.unit_a, year=TODAY.year - 2)
    merge_a_and_b(world, AccountFate.MOVE, day=YESTERDAY - datetime.timedelta(days=10))
    final = make_unit(world.commune_x, kind=world.kind, name="Đơn vị cuối")
    lineage.merge(world.canbo_xa, [world.successor], final, YESTERDAY, account_fate=AccountFate.MOVE)
    assert earlier in Registration.objects.continuable_by(final, TODAY.year)


def test_a_unit_cannot_be_merged_twice_on_one_date(world):
    merge_a_and_b(world, AccountFate.MOVE)
    other = make_unit(world.commune_x, kind=world.kind)
    with pytest.raises(NotNow, match="không sáp nhập hai lần trong một ngày"):
        lineage.merge(world.canbo_xa, [world.unit_a], other, YESTERDAY, account_fate=AccountFate.MOVE)
    assert LineageEvent.objects.count() == 1


def test_a_merge_that_would_close_a_cycle_is_refused(world):
    merge_a_and_b(world, AccountFate.MOVE)
    with pytest.raises(NotNow, match="vòng lặp kế thừa"):
        lineage.merge(world.canbo_tinh, [world.successor], world.unit_a, TODAY, account_fate=AccountFate.MOVE)
    world.successor.refresh_from_db()
    assert world.successor.closed_on is None


def test_a_merge_of_a_unit_outside_the_scope_is_refused(world):
    outsider = make_unit(world.commune_y, kind=world.kind)
    with pytest.raises(NotNow, match="không thuộc địa bàn của bạn"):
        lineage.merge(world.canbo_xa, [outsider], world.successor, YESTERDAY, account_fate=AccountFate.MOVE)
    outsider.refresh_from_db()
    assert outsider.closed_on is None


def test_a_split_gives_the_accounts_to_the_chosen_successor(world):
    first = make_unit(world.commune_x, kind=world.kind, name="Tách 1")
    second = make_unit(world.commune_x, kind=world.kind, name="Tách 2")
    lineage.split(world.canbo_xa, world.unit_a, [first, second], YESTERDAY, account_fate=AccountFate.MOVE,
                  account_successor=second)
    world.donvi_a.refresh_from_db()
    assert world.donvi_a.unit == second
    assert set(LineageLink.objects.values_list("successor", flat=True)) == {first.pk, second.pk}


def test_a_rename_keeps_the_unit_and_records_its_old_name(world):
    lineage.rename(world.canbo_xa, world.unit_a, "Chi hội Phụ nữ ấp Hòa Bình", YESTERDAY)
    world.unit_a.refresh_from_db()
    assert world.unit_a.name == "Chi hội Phụ nữ ấp Hòa Bình" and world.unit_a.closed_on is None
    event = LineageEvent.objects.get()
    assert (event.kind, event.old_name) == (LineageKind.RENAME, "Chi hội Phụ nữ thôn A")


# Pages -------------------------------------------------------------------------------------------

def test_the_unit_page_shows_its_lineage_and_its_predecessors_models(client, world):
    make_registration(world.unit_a, year=TODAY.year - 1, name="Mô hình của thôn A")
    merge_a_and_b(world, AccountFate.MOVE)
    client.force_login(world.canbo_xa)
    page = client.get(f"/quan-ly/don-vi/{world.successor.pk}/").content.decode()
    assert "Chi hội Phụ nữ thôn A" in page and "Sáp nhập" in page and "Mô hình của thôn A" in page
    page = client.get(f"/quan-ly/don-vi/{world.unit_a.pk}/").content.decode()
    assert "Hội Phụ nữ xã mới" in page and "giải thể từ" in page


def test_the_unit_page_of_another_commune_answers_404(client, world):
    client.force_login(world.canbo_xa_khac)
    assert client.get(f"/quan-ly/don-vi/{world.unit_a.pk}/").status_code == 404


def test_staff_merge_on_the_page(client, world):
    client.force_login(world.canbo_xa)
    response = client.post("/quan-ly/don-vi/ke-thua/ghi/sap-nhap/", {
        "sap-nhap-predecessors": f"{world.unit_a.code}\n{world.unit_b.code}", "sap-nhap-successor": "HN-MOI",
        "sap-nhap-effective_date": YESTERDAY.strftime("%d/%m/%Y"), "sap-nhap-account_fate": AccountFate.DEACTIVATE})
    assert response.status_code == 302
    world.donvi_b.refresh_from_db()
    assert not world.donvi_b.is_active


def test_an_unknown_code_on_the_merge_page_changes_nothing(client, world):
    client.force_login(world.canbo_xa)
    response = client.post("/quan-ly/don-vi/ke-thua/ghi/sap-nhap/", {
        "sap-nhap-predecessors": "KHONG-CO", "sap-nhap-successor": "HN-MOI",
        "sap-nhap-effective_date": "01/07/2025", "sap-nhap-account_fate": AccountFate.MOVE})
    assert response.status_code == 400
    assert "Không có đơn vị mang mã KHONG-CO trong địa bàn của bạn." in response.content.decode()
    assert not LineageEvent.objects.exists()


def test_leaders_cannot_record_lineage(client, world):
    client.force_login(world.lanhdao)
    assert client.get("/quan-ly/don-vi/ke-thua/").status_code == 403


# The old → new list -----------------------------------------------------------------------------------

def import_list(client, rows, action="nhap"):
    return client.post("/quan-ly/don-vi/ke-thua/nhap/", {"file": make_sheet(HEADERS, rows), "thao-tac": action})


def test_the_list_import_records_one_merge_per_successor_and_date(client, world):
    client.force_login(world.canbo_xa)
    response = import_list(client, [
        (world.unit_a.code, "HN-MOI", "Sáp nhập", "01/07/2025", "Khóa tài khoản"),
        (world.unit_b.code, "HN-MOI", "sap nhap", "01/07/2025", "Khoa tai khoan"),
    ])
    assert response.status_code == 302
    event = LineageEvent.objects.get()
    assert event.kind == LineageKind.MERGE and event.links.count() == 2
    world.donvi_a.refresh_from_db()
    assert not world.donvi_a.is_active


def test_the_list_import_refuses_a_cycle(client, world):
    client.force_login(world.canbo_xa)
    response = import_list(client, [
        (world.unit_a.code, "HN-MOI", "Sáp nhập", "01/07/2025", ""),
        ("HN-MOI", world.unit_a.code, "Sáp nhập", "02/07/2025", ""),
    ])
    assert response.status_code == 400
    assert "vòng lặp kế thừa" in response.content.decode()
    assert not LineageEvent.objects.exists()
    world.unit_a.refresh_from_db()
    assert world.unit_a.closed_on is None


def test_the_list_import_refuses_a_cycle_with_what_is_recorded(client, world):
    merge_a_and_b(world, AccountFate.MOVE)
    client.force_login(world.canbo_xa)
    response = import_list(client, [("HN-MOI", world.unit_a.code, "Sáp nhập", TODAY.strftime("%d/%m/%Y"), "")])
    assert "vòng lặp kế thừa" in response.content.decode()
    assert LineageEvent.objects.count() == 1


def test_the_list_import_refuses_a_unit_merged_twice_on_one_date(client, world):
    other = make_unit(world.commune_x, kind=world.kind, code="KHAC")
    client.force_login(world.canbo_xa)
    response = import_list(client, [
        (world.unit_a.code, "HN-MOI", "Sáp nhập", "01/07/2025", ""),
        (world.unit_a.code, other.code, "Sáp nhập", "01/07/2025", ""),
    ])
    assert "không sáp nhập hai lần trong một ngày" in response.content.decode()
    assert not LineageEvent.objects.exists()


def test_the_list_import_refuses_a_unit_merged_on_a_date_already_recorded(client, world):
    merge_a_and_b(world, AccountFate.MOVE)
    other = make_unit(world.commune_x, kind=world.kind, code="KHAC")
    client.force_login(world.canbo_xa)
    response = import_list(client, [(world.unit_a.code, other.code, "Sáp nhập", YESTERDAY.strftime("%d/%m/%Y"), "")])
    assert "không sáp nhập hai lần trong một ngày" in response.content.decode()
    assert LineageEvent.objects.count() == 1


def test_checking_the_list_writes_nothing(client, world):
    client.force_login(world.canbo_xa)
    response = import_list(client, [(world.unit_a.code, "HN-MOI", "Sáp nhập", "01/07/2025", "")], action="kiem-tra")
    assert response.status_code == 200 and "Sẽ nhập 1 dòng" in response.content.decode()
    assert not LineageEvent.objects.exists()


def test_the_list_import_reads_splits_and_renames(client, world):
    first = make_unit(world.commune_x, kind=world.kind, code="T1")
    second = make_unit(world.commune_x, kind=world.kind, code="T2")
    client.force_login(world.canbo_xa)
    headers = (*HEADERS, "Tên mới")
    response = client.post("/quan-ly/don-vi/ke-thua/nhap/", {"thao-tac": "nhap", "file": make_sheet(headers, [
        (world.unit_a.code, "T1", "Chia tách", "01/07/2025", "", ""),
        (world.unit_a.code, "T2", "Chia tách", "01/07/2025", "", ""),
        (world.unit_b.code, "", "Đổi tên", "01/07/2025", "", "Chi đoàn ấp B"),
    ])})
    assert response.status_code == 302
    assert set(LineageEvent.objects.values_list("kind", flat=True)) == {LineageKind.SPLIT, LineageKind.RENAME}
    assert set(LineageLink.objects.filter(event__kind=LineageKind.SPLIT).values_list("successor", flat=True)) == {
        first.pk, second.pk}
    world.unit_b.refresh_from_db()
    assert world.unit_b.name == "Chi đoàn ấp B"


def test_the_list_import_refuses_units_outside_the_scope(client, world):
    outsider = make_unit(world.commune_y, kind=world.kind, code="NGOAI")
    client.force_login(world.canbo_xa)
    response = import_list(client, [(outsider.code, "HN-MOI", "Sáp nhập", "01/07/2025", "")])
    assert "Không có đơn vị mang mã này trong địa bàn của bạn." in response.content.decode()
    assert not LineageEvent.objects.exists()


# The 2025 defaults ----------------------------------------------------------------------------------

def test_the_area_mapping_suggests_the_default_merge_for_staff_to_confirm(client):
    province = make_province(code="86", name="Tỉnh Vĩnh Long")
    new_commune = make_commune(province, code="86001", name="Phường Mới")
    old_province = make_province(code="83", name="Tỉnh Bến Tre", structure=Structure.LEGACY)
    old_province.current_province = province
    old_province.save()
    district = make_district(old_province)
    old_1 = make_commune(district, name="Xã Cũ Một", successor=new_commune)
    old_2 = make_commune(district, name="Xã Cũ Hai", successor=new_commune)
    from tests.factories import make_kind, make_staff

    kind = make_kind(name="Ủy ban MTTQ")
    a1 = make_unit(old_1, kind=kind, name="MTTQ xã Cũ Một")
    a2 = make_unit(old_2, kind=kind, name="MTTQ xã Cũ Hai")
    account = make_unit_user(a1)
    heir = make_unit(new_commune, kind=kind, name="MTTQ phường Mới")
    staff = make_staff(province)
    [suggestion] = lineage.suggestions(staff)
    assert (set(suggestion.predecessors), suggestion.candidates) == ({a1, a2}, [heir])
    client.force_login(staff)
    response = client.post("/quan-ly/don-vi/ke-thua/goi-y/", {
        "nhom": suggestion.key, f"ke-thua-{suggestion.key}": heir.pk, "account_fate": AccountFate.MOVE})
    assert response.status_code == 302
    a1.refresh_from_db()
    account.refresh_from_db()
    assert a1.closed_on == lineage.REFORM_DATE and account.unit == heir
    assert lineage.suggestions(staff) == []
    assert User.objects.get(pk=account.pk).is_active


def test_the_report_counts_units_in_operation_at_the_end_of_its_year(world):
    from models_registry.services.reports import Period, Summaries, build_report

    def report(year):
        return build_report(Summaries.for_user(world.canbo_xa), Unit.objects.for_user(world.canbo_xa),
                            world.commune_x, Period(year, year))

    before = report(TODAY.year).units_total
    merge_a_and_b(world, AccountFate.MOVE)
    now = report(TODAY.year)
    assert now.units_total == before - 2
    assert {u.name for u in now.missing_units} == {"Hội Phụ nữ xã mới"}
    assert report(TODAY.year - 1).units_total == before
