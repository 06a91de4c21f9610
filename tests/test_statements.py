"""Compiled report queries kept per connection: run again with fresh rows, built once per key."""
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext

from models_registry import statements
from models_registry.models import AreaYearSummary, Registration, Status, Unit
from models_registry.services import reports
from models_registry.services.reports import Period, Summaries, cached_report
from models_registry.statements import Statements
from tests.factories import make_leader, make_registration, make_report_fixture, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return make_report_fixture()


class Builds:
    """A build function that counts how often the statement's queryset was built."""

    def __init__(self, make):
        self.make, self.calls = make, 0

    def __call__(self):
        self.calls += 1
        return self.make()


def year_totals(area):
    return Builds(lambda: AreaYearSummary.objects.filter(area=area, status__in=reports.COUNTED_STATUSES)
                  .order_by("year").values_list("year").annotate(n=Sum("registrations")))


def test_a_kept_statement_is_built_once_and_reads_rows_written_after_it(data):
    kept, build = Statements(("test", data.p.pk)), year_totals(data.p)
    before = kept.rows("years", build)
    make_registration(data.u1, 2026, "Mô hình gửi sau", Status.ACCEPTED)
    after = kept.rows("years", build)
    assert build.calls == 1
    assert dict(after)[2026] == dict(before)[2026] + 1


def test_statements_without_a_key_are_built_each_time(data):
    plain, build = Statements(), year_totals(data.p)
    plain.rows("years", build)
    plain.rows("years", build)
    assert build.calls == 2


def test_a_statement_is_built_again_for_other_embedded_values(data):
    kept = Statements(("test", data.p.pk))
    first, second = year_totals(data.p), year_totals(data.q)
    kept.rows("years", first, data.p.pk)
    assert kept.rows("years", second, data.q.pk) == [(2026, 1)]
    assert (first.calls, second.calls) == (1, 1)


def test_sums_of_big_integer_columns_come_back_as_integers(data):
    rows = Statements(("test", "money")).dicts("money", lambda: (
        AreaYearSummary.objects.filter(area=data.p, year=2026).values("year").annotate(
            money=Sum("money_mobilised"))))
    assert rows == [{"year": 2026, "money": 1_000_000}]
    assert type(rows[0]["money"]) is int


def test_boolean_columns_come_back_as_booleans(data):
    closed = make_unit(data.c2, code="U9", is_active=False)
    rows = Statements(("test", "flags")).rows("flags", lambda: (
        Unit.objects.filter(pk__in=[data.u1.pk, closed.pk]).order_by("code")
        .values_list("code").annotate(active=ExpressionWrapper(Q(is_active=True), output_field=BooleanField()))))
    assert rows == [("U1", True), ("U9", False)]


def test_a_query_that_can_match_nothing_asks_nothing(data, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert Statements(("test", "none")).rows("none", lambda: Unit.objects.none().values_list("pk")) == []


def test_columns_read_out_of_their_selected_order_are_refused(data):
    with pytest.raises(ValueError):
        Statements().rows("mixed", lambda: (
            Unit.objects.values_list("code").annotate(n=Count("pk")).values_list("n", "code")))


def test_a_statement_is_built_again_when_the_router_sends_its_reads_elsewhere(data, monkeypatch):
    kept, build = Statements(("test", "router")), year_totals(data.p)
    kept.rows("years", build)
    monkeypatch.setattr(statements, "router", SimpleNamespace(db_for_read=lambda model, **hints: "replica"))
    kept.rows("years", build)
    assert build.calls == 2


def test_the_oldest_statements_are_dropped_beyond_the_limit(data, monkeypatch):
    monkeypatch.setattr(statements, "KEPT_STATEMENTS", 2)
    first = year_totals(data.p)
    Statements(("test", "oldest")).rows("years", first)
    for name in ("b", "c"):
        Statements(("test", name)).rows("years", year_totals(data.p))
    Statements(("test", "oldest")).rows("years", first)
    assert first.calls == 2


def test_a_report_built_again_builds_no_queryset_and_counts_the_new_registration(data, settings, monkeypatch):
    settings.REPORT_CACHE_SECONDS = 0
    leader = make_leader(data.p)

    def report():
        return cached_report(("leader", data.p.pk), lambda: Summaries.for_user(leader), Unit.objects.for_user(leader),
                             data.p, Period(2026, 2026))

    assert report().figures["total"] == 3
    make_registration(data.u5, 2026, "Mô hình mới của ấp Năm", Status.ACCEPTED)

    def not_built(*args, **kwargs):
        raise AssertionError("the report's querysets were built again")

    monkeypatch.setattr(reports, "scoped", not_built)
    again = report()
    assert again.figures["total"] == 4
    assert {row.kind.code: row.units_registered for row in again.kinds}["to-chuc-dang"] == 2


def test_a_second_visit_to_the_dashboard_asks_the_same_queries_after_a_change(data, settings):
    settings.REPORT_CACHE_SECONDS = 0
    client = Client()
    client.force_login(make_leader(data.p))
    with CaptureQueriesContext(connection) as first:
        assert client.get("/bao-cao/?nam=2026").status_code == 200
    Registration.objects.filter(pk=data.r1.pk).update(status=Status.COMPLETED)
    with CaptureQueriesContext(connection) as second:
        assert client.get("/bao-cao/?nam=2026").status_code == 200
    def report_queries(captured):
        return [q["sql"] for q in captured.captured_queries if "summary" in q["sql"]]

    assert report_queries(first) and report_queries(first) == report_queries(second)
