"""The year plan (/quan-ly/ke-hoach/): dates set by the province or a commune, deadlines on a unit's
home, and who registered or was reviewed on time, late or not yet."""
import datetime
import io

import openpyxl
import pytest

from models_registry.models import Review, ReviewKind, Status, YearPlan
from models_registry.services import plans
from tests.factories import (
    make_commune,
    make_kind,
    make_leader,
    make_plan,
    make_province,
    make_sent,
    make_staff,
    make_unit,
    make_unit_user,
)

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year
DUE = datetime.date(YEAR, 3, 31)


@pytest.fixture
def world():
    province = make_province()
    commune, other = make_commune(province), make_commune(province)
    school, clinic = make_kind(name="Trường học"), make_kind(name="Y tế")
    return {
        "province": province, "commune": commune, "other": other,
        "on_time": make_unit(commune, kind=school, name="Trường Đúng Hạn"),
        "late": make_unit(commune, kind=school, name="Trường Trễ Hạn"),
        "missing": make_unit(other, kind=clinic, name="Trạm Chưa Gửi"),
        "province_staff": make_staff(province), "commune_staff": make_staff(commune),
    }


def post_plan(client, user, **dates):
    client.force_login(user)
    data = {name: "" for name in plans.DATE_FIELDS} | {"note": ""} | dates
    return client.post(f"/quan-ly/ke-hoach/?nam={YEAR}", data)


def test_province_staff_sets_the_plan_with_dates_typed_day_first(client, world):
    response = post_plan(client, world["province_staff"], registration_closes="31/03/" + str(YEAR),
                         mid_year_review_due="30/06/" + str(YEAR), note="Hướng dẫn 05-HD/BDV")
    assert response.status_code == 302
    plan = YearPlan.objects.get(area=world["province"], year=YEAR)
    assert plan.registration_closes == DUE and plan.mid_year_review_due == datetime.date(YEAR, 6, 30)
    assert plan.note == "Hướng dẫn 05-HD/BDV"


def test_a_plan_set_by_the_province_shows_on_a_units_home_with_its_dates(client, world):
    make_plan(world["province"], YEAR, registration_closes=DUE, year_end_review_due=datetime.date(YEAR, 11, 30))
    client.force_login(make_unit_user(world["missing"]))
    page = client.get("/don-vi/").content.decode()
    assert "Hạn đăng ký mô hình" in page and DUE.strftime("%d/%m/%Y") in page
    assert f"30/11/{YEAR}" in page


def test_a_commune_plan_cannot_set_a_date_later_than_the_provinces(client, world):
    make_plan(world["province"], YEAR, registration_closes=DUE)
    response = post_plan(client, world["commune_staff"], registration_closes=f"15/04/{YEAR}")
    assert response.status_code == 400
    assert "Không được muộn hơn hạn của tỉnh (31/03/" in response.content.decode()
    assert not YearPlan.objects.filter(area=world["commune"]).exists()


def test_a_commune_brings_a_date_forward_for_its_own_units_only(world):
    make_plan(world["province"], YEAR, registration_closes=DUE)
    plans.save_plan(world["commune_staff"], world["commune"], YEAR, dates={"registration_closes": datetime.date(YEAR, 3, 15)})
    assert plans.effective_plan(world["on_time"].area, YEAR).date("registration_closes") == datetime.date(YEAR, 3, 15)
    assert plans.effective_plan(world["missing"].area, YEAR).date("registration_closes") == DUE


def test_dates_out_of_order_are_refused(client, world):
    response = post_plan(client, world["province_staff"], registration_opens=f"01/04/{YEAR}",
                         registration_closes=f"31/03/{YEAR}")
    assert response.status_code == 400
    assert not YearPlan.objects.exists()


def test_a_leader_reads_the_plan_but_cannot_change_it(client, world):
    make_plan(world["province"], YEAR, registration_closes=DUE)
    leader = make_leader(world["province"])
    client.force_login(leader)
    assert DUE.strftime("%d/%m/%Y") in client.get("/quan-ly/ke-hoach/").content.decode()
    assert post_plan(client, leader, registration_closes=f"01/03/{YEAR}").status_code == 403
    assert YearPlan.objects.get().registration_closes == DUE


def timeliness_fixture(world):
    make_plan(world["province"], YEAR, registration_closes=DUE, mid_year_review_due=datetime.date(YEAR, 6, 30))
    on_time = make_sent(world["on_time"], YEAR, datetime.date(YEAR, 3, 20), status=Status.ACCEPTED)
    make_sent(world["late"], YEAR, datetime.date(YEAR, 4, 2))
    Review.objects.create(registration=on_time, kind=ReviewKind.MID_YEAR, review_date=datetime.date(YEAR, 7, 5))


def test_on_time_late_and_missing_counts_match_the_fixture(world):
    timeliness_fixture(world)
    by_commune, by_kind = plans.timeliness(world["province_staff"], world["province"], YEAR)
    rows = {row.label: row.counts for row in by_commune}
    commune, other = rows[str(world["commune"])], rows[str(world["other"])]
    assert commune[plans.REGISTERED] == {plans.ON_TIME: 1, plans.LATE: 1, plans.NOT_YET: 0}
    assert other[plans.REGISTERED] == {plans.ON_TIME: 0, plans.LATE: 0, plans.NOT_YET: 1}
    assert commune[plans.MID_YEAR] == {plans.ON_TIME: 0, plans.LATE: 1, plans.NOT_YET: 1}
    kinds = {row.label: row for row in by_kind}
    assert kinds["Trường học"].rate(plans.REGISTERED) == 100 and kinds["Y tế"].rate(plans.REGISTERED) == 0


@pytest.mark.parametrize(("state", "expected"), [
    (plans.ON_TIME, "Trường Đúng Hạn"), (plans.LATE, "Trường Trễ Hạn"), (plans.NOT_YET, "Trạm Chưa Gửi"),
])
def test_each_number_links_to_the_units_behind_it(client, world, state, expected):
    timeliness_fixture(world)
    client.force_login(world["province_staff"])
    page = client.get("/quan-ly/ke-hoach/").content.decode()
    assert f"buoc=dang-ky&amp;tinh-trang={state}" in page
    units = client.get(f"/quan-ly/ke-hoach/don-vi/?nam={YEAR}&buoc=dang-ky&tinh-trang={state}").content.decode()
    names = {"Trường Đúng Hạn", "Trường Trễ Hạn", "Trạm Chưa Gửi"}
    assert expected in units and not any(name in units for name in names - {expected})


def test_the_units_behind_a_number_download_as_a_formatted_sheet(client, world):
    timeliness_fixture(world)
    client.force_login(world["province_staff"])
    response = client.get(f"/quan-ly/ke-hoach/don-vi/?nam={YEAR}&buoc=dang-ky&tinh-trang=tre-han&tai=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][:2] == [world["late"].code, "Trường Trễ Hạn"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref


def test_commune_staff_see_only_their_communes_units(client, world):
    timeliness_fixture(world)
    client.force_login(world["commune_staff"])
    units = client.get(f"/quan-ly/ke-hoach/don-vi/?nam={YEAR}&buoc=dang-ky&tinh-trang=chua-co").content.decode()
    assert "Trạm Chưa Gửi" not in units


def test_the_plan_page_reads_a_province_in_bounded_queries(client, world, django_assert_max_num_queries):
    timeliness_fixture(world)
    for _ in range(30):
        make_sent(make_unit(world["other"]), YEAR, datetime.date(YEAR, 3, 1))
    client.force_login(world["province_staff"])
    with django_assert_max_num_queries(25):
        assert client.get("/quan-ly/ke-hoach/").status_code == 200


def test_an_unknown_step_answers_not_found(client, world):
    client.force_login(world["province_staff"])
    assert client.get("/quan-ly/ke-hoach/don-vi/?buoc=xyz&tinh-trang=dung-han").status_code == 404


def test_staff_home_sums_up_who_is_late_with_links_to_the_units(client, world):
    timeliness_fixture(world)
    client.force_login(world["province_staff"])
    page = client.get("/quan-ly/").content.decode()
    assert f"Tiến độ năm {YEAR}" in page
    assert f"?nam={YEAR}&amp;buoc=dang-ky&amp;tinh-trang=tre-han" in page
    assert "Trên 3 đơn vị của địa bàn." in page


def test_a_unit_that_registered_after_the_deadline_reads_that_it_was_late(client, world):
    make_plan(world["province"], YEAR, registration_closes=DUE)
    make_sent(world["late"], YEAR, datetime.date(YEAR, 4, 2))
    client.force_login(make_unit_user(world["late"]))
    assert f"Xong ngày 02/04/{YEAR}, trễ hạn" in client.get("/don-vi/").content.decode()


def test_the_timeliness_summary_matches_the_tables_it_sums_up(world):
    timeliness_fixture(world)
    by_commune, _by_kind = plans.timeliness(world["province_staff"], world["province"], YEAR)
    total = plans.timeliness_total(world["province_staff"], world["province"], YEAR)
    assert total.total == sum(row.total for row in by_commune) == 3
    for step in plans.STEPS:
        assert total.counts[step] == {state: sum(row.counts[step][state] for row in by_commune)
                                      for state in plans.STATES}


def test_the_timeliness_summary_follows_a_review_recorded_after_it_was_kept(world):
    timeliness_fixture(world)
    staff, province = world["province_staff"], world["province"]
    assert plans.timeliness_total(staff, province, YEAR).counts[plans.MID_YEAR][plans.LATE] == 1
    late = world["late"].registrations.get()
    Review.objects.create(registration=late, kind=ReviewKind.MID_YEAR, review_date=datetime.date(YEAR, 6, 1))
    assert plans.timeliness_total(staff, province, YEAR).counts[plans.MID_YEAR] == {
        plans.ON_TIME: 1, plans.LATE: 1, plans.NOT_YET: 1}


def test_the_timeliness_summary_follows_a_plan_changed_after_it_was_kept(world):
    timeliness_fixture(world)
    staff, province = world["province_staff"], world["province"]
    assert plans.timeliness_total(staff, province, YEAR).counts[plans.REGISTERED][plans.LATE] == 1
    plans.save_plan(staff, province, YEAR, dates={"registration_closes": datetime.date(YEAR, 4, 30)})
    assert plans.timeliness_total(staff, province, YEAR).counts[plans.REGISTERED][plans.LATE] == 0


def test_the_timeliness_summary_is_kept_through_a_change_in_another_province(world, monkeypatch):
    timeliness_fixture(world)
    staff, province = world["province_staff"], world["province"]
    elsewhere = make_unit(make_commune(make_province()), kind=world["on_time"].kind)
    plans.timeliness_total(staff, province, YEAR)
    make_sent(elsewhere, YEAR, datetime.date(YEAR, 3, 1))
    monkeypatch.setattr(plans, "_timeliness_total", _not_recounted)
    assert plans.timeliness_total(staff, province, YEAR).total == 3


def _not_recounted(*args, **kwargs):
    raise AssertionError("the summary was counted again")
