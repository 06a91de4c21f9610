"""Every figure of build_report against the hand-counted fixture in factories.make_report_fixture.

Counted in province P (code 86) for 2026: R1, R2, R3 (R4 is a draft, R5 withdrawn, R6 in another
province). For 2025 (previous year): R10, R11 in old commune LC1 (→ C1), R12 in split LC2 (→ C2).
"""
import datetime

import pytest
from django.utils import translation

from models_registry.models import Status, Unit
from models_registry.report_tables import change_text, report_tables
from models_registry.services.reports import PUBLISHED_Q, Period, Summaries, build_report
from tests.factories import make_registration, make_report_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return make_report_fixture()


def report(area, year_from=2026, year_to=None, registrations=None, **kwargs):
    return build_report(
        registrations if registrations is not None else Summaries.everything(),
        Unit.objects.all(),
        area,
        Period(year_from, year_to or year_from),
        **kwargs,
    )


def test_it_counts_the_province_totals_without_draft_withdrawn_or_other_provinces(data):
    assert report(data.p).figures["total"] == 3


def test_it_counts_by_field(data):
    f = report(data.p).figures
    assert [f["field__economy"], f["field__culture_society"], f["field__defence_security"],
            f["field__political_system"]] == [2, 1, 0, 0]


def test_it_counts_by_level_and_exemplar_kind(data):
    f = report(data.p).figures
    assert (f["level__grassroots"], f["level__district"], f["level__province"]) == (2, 1, 0)
    assert (f["exemplar__collective"], f["exemplar__individual"]) == (2, 1)


def test_it_counts_new_continued_and_replicated(data):
    f = report(data.p).figures
    assert (f["new"], f["continued"], f["replicated"]) == (2, 1, 1)


def test_it_counts_by_status_and_outcome(data):
    f = report(data.p).figures
    assert (f["status__accepted"], f["status__completed"], f["status__commended"]) == (1, 1, 1)
    assert (f["status__submitted"], f["status__returned"]) == (0, 0)
    assert "status__draft" not in f and "status__withdrawn" not in f
    assert (f["outcome__achieved"], f["outcome__exemplary"], f["outcome__not_achieved"]) == (1, 1, 0)


def test_it_counts_exemplary_and_commended(data):
    f = report(data.p).figures
    assert (f["exemplary"], f["commended"]) == (1, 1)


def test_it_adds_up_the_results_without_the_withdrawn_registration(data):
    f = report(data.p).figures
    assert f["sum__participants"] == 150
    assert f["sum__money_mobilised"] == 1_000_000
    assert f["sum__land_donated_m2"] == 200
    assert f["sum__work_days"] == 0


def test_it_compares_with_the_previous_year_rolled_up_from_the_old_structure(data, report_day):
    report_day(datetime.date(2027, 1, 15))  # 2026 finished: whole year against whole year
    r = report(data.p)
    assert r.previous == Period(2025, 2025)
    assert r.previous_figures["total"] == 3
    assert r.previous_figures["sum__participants"] == 30
    assert r.change("total") == (0, 0.0)
    assert r.change("sum__participants") == (120, 400.0)


def test_it_compares_a_period_with_the_period_of_the_same_length_before(data):
    r = report(data.p, 2025, 2026)
    assert r.figures["total"] == 6
    assert r.previous == Period(2023, 2024)
    assert r.previous_figures["total"] == 0


def test_it_draws_the_trend_per_year(data):
    trend = dict((year, f["total"]) for year, f in report(data.p).trend)
    assert trend == {2021: 0, 2022: 0, 2023: 0, 2024: 0, 2025: 3, 2026: 3}


def test_it_counts_registrations_by_top_level_unit_kind(data):
    kinds = {row.kind.code: row.registrations for row in report(data.p).kinds}
    assert kinds == {"to-chuc-dang": 1, "doan-the": 2}


def test_it_counts_units_registered_this_year_out_of_active_units_per_kind(data):
    r = report(data.p)
    kinds = {row.kind.code: (row.units, row.units_registered) for row in r.kinds}
    assert kinds == {"to-chuc-dang": (3, 1), "doan-the": (3, 2)}
    assert (r.units_total, r.units_registered, r.units_missing) == (6, 3, 3)


def test_it_lists_exactly_the_units_without_a_registration(data):
    assert {u.code for u in report(data.p).missing_units} == {"U4", "U5", "U7"}


def test_it_lists_the_missing_units_of_a_commune_including_old_communes_rolled_into_it(data):
    assert {u.code for u in report(data.c1).missing_units} == {"U4"}


def test_it_counts_last_years_models_continued_and_dropped(data):
    c = report(data.p).continuity
    assert (c["year"], c["total"], c["continued"], c["dropped"]) == (2025, 3, 1, 2)


def test_it_splits_a_current_province_into_its_communes(data):
    children = {row.obj.code: row.figures["total"] for row in report(data.p).children}
    assert children == {"86001": 2, "86002": 1}


def test_it_rolls_an_old_commune_registration_up_into_its_new_commune(data):
    children = {row.obj.code: row.figures["total"] for row in report(data.p, 2025).children}
    assert children == {"86001": 2, "86002": 1}
    assert report(data.c1, 2025).figures["total"] == 2


def test_it_rolls_a_split_commune_into_its_default_successor(data):
    assert report(data.c2, 2025).figures["total"] == 1
    assert report(data.p, 2025).rolls_up_legacy is True


def test_it_splits_an_old_province_into_its_districts(data):
    r = report(data.lp, 2025)
    assert [(row.obj.code, row.figures["total"]) for row in r.children] == [("831", 3)]
    assert r.rolls_up_legacy is False


def test_it_splits_a_commune_into_its_units(data):
    children = {row.obj.code: row.figures["total"] for row in report(data.c1).children}
    assert children == {"U1": 1, "U2": 1, "U4": 0}


def test_it_splits_the_country_into_provinces(data):
    children = {row.obj.code: row.figures["total"] for row in report(None).children}
    assert children == {"86": 3, "01": 1}


def test_it_counts_the_child_figures_by_field(data):
    c1 = next(row for row in report(data.p).children if row.obj.code == "86001")
    assert (c1.figures["field__economy"], c1.figures["field__culture_society"], c1.figures["exemplary"]) == (1, 1, 1)
    assert c1.figures["sum__participants"] == 150


def test_public_figures_count_only_published_registrations(data):
    make_registration(data.u5, 2026, "Chờ duyệt", Status.SUBMITTED)
    assert report(data.p).figures["total"] == 4
    assert report(data.p, registrations=Summaries.published(), counted_q=PUBLISHED_Q).figures["total"] == 3


def test_the_tables_carry_the_same_numbers_as_the_figures(data):
    tables = {t.key: t for t in report_tables(report(data.p))}
    fields = {row.label: row.values[0] for row in tables["linh-vuc"].rows}
    assert fields == {"Kinh tế": 2, "Văn hóa - Xã hội": 1, "Quốc phòng - An ninh": 0,
                      "Xây dựng hệ thống chính trị": 0}
    outcome = {row.label: row.values[0] for row in tables["ket-qua"].rows}
    assert outcome["Chưa đánh giá"] == 1
    assert tables["tong-hop"].rows[0].values == [3, 3, "không đổi"]


def test_the_split_commune_note_shows_when_communes_roll_up(data):
    tables = {t.key: t for t in report_tables(report(data.p, 2025))}
    assert "xã kế thừa mặc định" in tables["chi-tiet"].note


@pytest.mark.parametrize("extra", [0, 30])
def test_the_report_runs_a_fixed_number_of_queries(data, django_assert_max_num_queries, extra):
    for n in range(extra):
        make_registration(data.u1 if n % 2 else data.u4, 2025 + n % 2, f"Thêm {n}", Status.ACCEPTED)
    # One more while 2026 is unfinished: the previous year as of the same day.
    with django_assert_max_num_queries(12):
        report(data.p)


def test_it_counts_commendations_by_form_and_level(data):
    from models_registry.models import Commendation, CommendationForm

    bang_khen, giay_khen = CommendationForm.objects.get(code="bang-khen"), CommendationForm.objects.get(code="giay-khen")
    for registration, form, level in [(data.r1, bang_khen, "province"), (data.r1, giay_khen, "district"),
                                      (data.r2, giay_khen, "district")]:
        Commendation.objects.create(registration=registration, form=form, level=level, authority="UBND",
                                    decision_number="1/QĐ", decision_date="2026-10-15")
    assert report(data.p).commendations == [("Giấy khen", "Huyện", 2), ("Bằng khen", "Tỉnh", 1)]


def test_it_counts_proposals_by_level_and_decision(data):
    from models_registry.models import Proposal, ProposalStatus
    from tests.factories import make_round

    round_ = make_round(data.p)
    Proposal.objects.create(round=round_, registration=data.r1, proposing_area=data.c1, justification="x")
    Proposal.objects.create(round=round_, registration=data.r2, proposing_area=data.c1, justification="x",
                            status=ProposalStatus.DECLINED)
    assert report(data.p).proposals == [("Tỉnh", 1, 0, 1)]


def test_a_change_is_written_with_the_number_format_of_the_language():
    assert change_text((2102, 8.8)) == "tăng 2.102 (8,8%)"
    with translation.override("en"):
        assert change_text((-2102, -8.8)) == "down 2,102 (8.8%)"
