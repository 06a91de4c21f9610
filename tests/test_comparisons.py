"""Honest comparisons: an unfinished year is set against the same day of the year before, and
every report says when its figures were taken."""
import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from models_registry.models import Action, Registration, RegistrationEvent, Status, Unit
from models_registry.services.reports import PUBLISHED_Q, Period, Summaries, build_report

from .factories import make_commune, make_leader, make_province, make_registration, make_unit
from .test_documents import text_of

pytestmark = pytest.mark.django_db
MID_YEAR = datetime.date(2026, 6, 30)


def dated(unit, year, on, action=Action.SUBMITTED, status=Status.SUBMITTED, at=datetime.time(9), **extra):
    """A registration whose history says it began to count on the day `on` (at `at`, the portal's time)."""
    registration = make_registration(unit, year=year, status=status, **extra)
    event = RegistrationEvent.objects.create(registration=registration, action=action, to_status=status)
    RegistrationEvent.objects.filter(pk=event.pk).update(at=moment(on, at))
    return registration


def moment(day, at=datetime.time(9)):
    return timezone.make_aware(datetime.datetime.combine(day, at))


@pytest.fixture
def world(report_day):
    report_day(MID_YEAR)
    province = make_province(code="77")
    unit = make_unit(make_commune(province, code="77001"))
    # 2025: sent in March, imported in May, sent in September (after 30/06), one entered in 2026
    # with a start date after 30/06/2025, one whose history says nothing and has no start date.
    dated(unit, 2025, datetime.date(2025, 3, 1), participants=10)
    dated(unit, 2025, datetime.date(2025, 5, 1), action=Action.IMPORTED, status=Status.ACCEPTED, participants=10)
    dated(unit, 2025, datetime.date(2025, 9, 1), participants=10)
    dated(unit, 2025, datetime.date(2026, 2, 1), action=Action.IMPORTED, status=Status.ACCEPTED,
          start_date=datetime.date(2025, 8, 1), participants=10)
    make_registration(unit, year=2025, status=Status.ACCEPTED, participants=10)
    # 2026 so far.
    dated(unit, 2026, datetime.date(2026, 2, 10), participants=5)
    dated(unit, 2026, datetime.date(2026, 4, 10), participants=5)
    return {"province": province, "leader": make_leader(province)}


def report(world, year=2026):
    return build_report(Summaries.everything(), Unit.objects.all(), world["province"], Period(year, year))


def test_the_current_year_is_compared_with_the_same_day_of_last_year(world):
    r = report(world)
    assert r.taken.through == MID_YEAR and r.taken.compared_on == datetime.date(2025, 6, 30)
    assert r.figures["total"] == 2
    assert r.previous_figures["total"] == 3  # March, May and the one with no date: not September nor August
    assert r.change("total") == (-1, -33.3)
    assert str(r.previous_label) == "Năm 2025 (cùng kỳ, đến 30/06/2025)"


def test_sums_and_later_outcomes_of_an_unfinished_year_show_no_change(world):
    r = report(world)
    assert r.change("sum__participants") is None and r.previous_value("sum__participants") is None
    assert r.change("exemplary") is None and r.change("commended") is None


def test_a_finished_year_is_compared_with_the_whole_year_before(world, report_day):
    report_day(datetime.date(2027, 1, 10))
    r = report(world)
    assert not r.taken.partial and r.previous_label == Period(2025, 2025).label
    assert r.previous_figures["total"] == 5 and r.change("sum__participants") == (-40, -80.0)


def test_the_report_page_says_the_year_is_unfinished_and_when_its_figures_were_taken(client, world):
    client.force_login(world["leader"])
    page = client.get("/bao-cao/?nam=2026").content.decode()
    assert "Năm đang thực hiện, số liệu đến ngày 30/06/2026" in page
    assert "so với năm 2025 (cùng kỳ, đến 30/06/2025): giảm 1 (33,3%)" in page
    assert "Số liệu lấy lúc 12:00 ngày 30/06/2026" in page
    assert "2026 (đến 30/06)" in page  # the trend's last point is the year so far


def test_a_finished_years_page_carries_no_unfinished_note_but_its_taken_time(client, world):
    client.force_login(world["leader"])
    page = client.get("/bao-cao/?nam=2025").content.decode()
    assert "Năm đang thực hiện" not in page and "Số liệu lấy lúc 12:00 ngày 30/06/2026" in page


def test_the_public_statistics_never_show_a_partial_year_decline_as_a_full_years(client, report_day):
    report_day(MID_YEAR)
    province = make_province(code="78")
    unit = make_unit(make_commune(province, code="78001"))
    # Three published in 2025, only one of them by 30 June; one published so far in 2026.
    for day in (datetime.date(2025, 3, 1), datetime.date(2025, 9, 1), datetime.date(2025, 10, 1)):
        dated(unit, 2025, day, action=Action.ACCEPTED, status=Status.ACCEPTED)
    dated(unit, 2026, datetime.date(2026, 3, 1), action=Action.ACCEPTED, status=Status.ACCEPTED)
    page = client.get("/thong-ke/?dia-ban=78&nam=2026").content.decode()
    assert "Năm đang thực hiện, số liệu đến ngày 30/06/2026" in page
    assert "giảm 2" not in page and "(cùng kỳ, đến 30/06/2025): không đổi" in page
    r = build_report(Summaries.published(), Unit.objects.all(), province, Period(2026, 2026), counted_q=PUBLISHED_Q)
    assert r.previous_figures["total"] == 1


def test_every_report_export_carries_the_time_its_figures_were_taken(client, world):
    client.force_login(world["leader"])
    taken = "Số liệu lấy lúc 12:00 ngày 30/06/2026"
    unfinished = "Năm đang thực hiện, số liệu đến ngày 30/06/2026"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("reports-export-xlsx") + "?nam=2026").content)).active
    sheet_text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    rows = list(csv.reader(io.StringIO(client.get(reverse("reports-export-csv") + "?nam=2026").content.decode())))
    csv_text = " ".join(" ".join(row) for row in rows)
    word = text_of(client.get(reverse("reports-export-docx") + "?nam=2026").content)
    for text in (sheet_text, csv_text):
        assert taken in text and unfinished in text and "Năm 2025 (cùng kỳ, đến 30/06/2025)" in text
    assert "lấy lúc 12:00 ngày 30/06/2026" in word and unfinished in word


def a_unit(code):
    return make_unit(make_commune(make_province(code=code), code=f"{code}001"))


def compared_total(unit):
    """Last year's total set against 2026 so far, in the unit's province."""
    report = build_report(Summaries.everything(), Unit.objects.all(), unit.area.parent, Period(2026, 2026))
    return report.previous_figures["total"]


def test_a_model_sent_just_after_midnight_counts_from_that_day_in_the_portals_time(report_day):
    report_day(MID_YEAR)
    unit = a_unit("79")
    dated(unit, 2025, datetime.date(2025, 6, 30), at=datetime.time(23, 30))
    dated(unit, 2025, datetime.date(2025, 7, 1), at=datetime.time(0, 30))  # still 30 June by the clock of UTC
    assert compared_total(unit) == 1


def test_the_comparison_follows_the_history_as_it_is_added_redated_and_removed(report_day):
    report_day(MID_YEAR)
    unit = a_unit("80")
    model = make_registration(unit, year=2025, status=Status.SUBMITTED)
    assert compared_total(unit) == 1  # its history says nothing of 2025, and it has no start date
    event = RegistrationEvent.objects.create(registration=model, action=Action.SUBMITTED, to_status=Status.SUBMITTED)
    RegistrationEvent.objects.filter(pk=event.pk).update(at=moment(datetime.date(2025, 9, 1)))
    assert compared_total(unit) == 0
    RegistrationEvent.objects.filter(pk=event.pk).update(at=moment(datetime.date(2025, 3, 1)))
    assert compared_total(unit) == 1
    event.delete()
    Registration.objects.filter(pk=model.pk).update(start_date=datetime.date(2025, 8, 1))
    assert compared_total(unit) == 0


def test_a_period_of_years_is_compared_with_its_last_year_on_the_same_day_and_the_others_whole(report_day):
    report_day(MID_YEAR)
    unit = a_unit("81")
    dated(unit, 2019, datetime.date(2019, 11, 1))
    for day in (datetime.date(2021, 3, 1), datetime.date(2021, 9, 1)):
        dated(unit, 2021, day)
    r = build_report(Summaries.everything(), Unit.objects.all(), unit.area.parent, Period(2022, 2026))
    assert r.previous == Period(2017, 2021) and r.taken.compared_on == datetime.date(2021, 6, 30)
    assert r.previous_figures["total"] == 2
