"""The registration summaries (models/summaries.py) equal a fresh count after every kind of write."""
import datetime
import itertools
import re

import pytest
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models_registry import placement_triggers, summary_triggers
from models_registry.models import (
    BASIS_ACTIONS,
    PUBLISHED_STATUSES,
    RESULT_FIGURES,
    AccountFate,
    Action,
    AdminArea,
    Basis,
    ExemplarKind,
    Field,
    Level,
    Outcome,
    Registration,
    RegistrationDaySummary,
    RegistrationEvent,
    RegistrationFacts,
    RegistrationSummary,
    Status,
    Structure,
    Unit,
    UnitYearSummary,
)
from models_registry.services import as_of, lineage
from models_registry.services.audit import event_fields
from models_registry.services.errors import NotNow
from models_registry.services.imports.writing import insert_rows, plain_row
from models_registry.services.reports import COUNTED_Q, COUNTED_STATUSES, PUBLISHED_Q, Period, Summaries, build_report
from tests.factories import make_commune, make_district, make_kind, make_province, make_registration, make_unit, make_user

pytestmark = pytest.mark.django_db

AREA_KEYS = ("area", "year", "status", "field", "level", "exemplar_kind", "unit_kind", "outcome", "is_new")
UNIT_KEYS = ("unit", "area", "year", "status")


def containing_areas():
    return {area.pk: area.containing_ids() for area in AdminArea.objects.all()}


def _added(counts, key, values):
    counts[key] = tuple(a + b for a, b in zip(counts.get(key, (0,) * len(values)), values, strict=True))


BASIS_STATUSES = {Basis.COUNTED: COUNTED_STATUSES, Basis.PUBLISHED: PUBLISHED_STATUSES}


def _since(registration, first):
    """The day a registration counts from, as RegistrationDaySummary tells it: that of its first
    event of the basis, if before its year ended; else its start date, within its year's bounds."""
    year_start, next_year = datetime.date(registration["year"], 1, 1), datetime.date(registration["year"] + 1, 1, 1)
    if first is not None and timezone.localdate(first) < next_year:
        return max(timezone.localdate(first), year_start)
    return min(max(registration["start_date"] or year_start, year_start), next_year)


def fresh_facts():
    """{registration id: (carried, carried published, counted since, published since)} afresh."""
    registrations = list(Registration.objects.values("pk", "year", "status", "continues", "start_date"))
    successors = [(row["continues"], row["year"], row["status"]) for row in registrations if row["continues"]]
    firsts = {}
    for registration, action, at in RegistrationEvent.objects.values_list("registration", "action", "at"):
        for basis, actions in BASIS_ACTIONS.items():
            if action in actions:
                firsts[registration, basis] = min(firsts.get((registration, basis), at), at)

    def continued(row, statuses):
        return any(pk == row["pk"] and year == row["year"] + 1 and status in statuses
                   for pk, year, status in successors)

    return {row["pk"]: (continued(row, COUNTED_STATUSES), continued(row, PUBLISHED_STATUSES),
                        _since(row, firsts.get((row["pk"], Basis.COUNTED))),
                        _since(row, firsts.get((row["pk"], Basis.PUBLISHED))))
            for row in registrations}


def stored_facts():
    return {row[0]: row[1:] for row in RegistrationFacts.objects.values_list(
        "registration", "carried", "carried_published", "counted_since", "published_since")}


AREA_VALUES = ("registrations", "replicated", "carried", "carried_published", *RESULT_FIGURES)


def fresh_area_counts(facts):
    """Counted afresh by registration, then added into every area containing it (AdminArea.containing_ids)."""
    containing = containing_areas()
    counts = {}
    for row in Registration.objects.values("pk", *AREA_KEYS, "replicates", *RESULT_FIGURES):
        carried, carried_published = facts[row["pk"]][:2]
        values = (1, int(row["replicates"] is not None), int(carried), int(carried_published),
                  *(row[f] for f in RESULT_FIGURES))
        for area in containing[row["area"]]:
            _added(counts, (area, *(row[k] for k in AREA_KEYS[1:])), values)
    return counts


def summary_area_counts():
    return {
        tuple(row[k] for k in AREA_KEYS): tuple(row[k] for k in AREA_VALUES)
        for row in RegistrationSummary.objects.values(*AREA_KEYS, *AREA_VALUES)
    }


DAY_KEYS = ("area", "year", "basis", "since", "status", "field", "level", "exemplar_kind", "is_new")


def fresh_day_counts(facts):
    containing = containing_areas()
    counts = {}
    for row in Registration.objects.values("pk", "area", "year", "status", "field", "level", "exemplar_kind",
                                           "is_new", "replicates"):
        for basis, since in ((Basis.COUNTED, facts[row["pk"]][2]), (Basis.PUBLISHED, facts[row["pk"]][3])):
            if row["status"] in BASIS_STATUSES[basis]:
                for area in containing[row["area"]]:
                    key = (area, row["year"], basis, since, row["status"], row["field"], row["level"],
                           row["exemplar_kind"], row["is_new"])
                    _added(counts, key, (1, int(row["replicates"] is not None)))
    return counts


def summary_day_counts():
    return {tuple(row[k] for k in DAY_KEYS): (row["registrations"], row["replicated"])
            for row in RegistrationDaySummary.objects.values(*DAY_KEYS, "registrations", "replicated")}


UNIT_VALUES = {
    "new": Q(is_new=True),
    "replicated": Q(replicates__isnull=False),
    "exemplary": Q(outcome=Outcome.EXEMPLARY),
    **{f"field_{value}": Q(field=value) for value in Field.values},
}


def fresh_unit_counts():
    return {
        tuple(row[k] for k in UNIT_KEYS): tuple(row[k] for k in ("n", *UNIT_VALUES, "participants", "money_mobilised"))
        for row in Registration.objects.order_by().values(*UNIT_KEYS).annotate(
            n=Count("pk"), **{name: Count("pk", filter=q) for name, q in UNIT_VALUES.items()},
            participants=Sum("participants"), money_mobilised=Sum("money_mobilised"),
        )
    }


def summary_unit_counts():
    columns = ("registrations", *UNIT_VALUES, "participants", "money_mobilised")
    return {
        tuple(row[k] for k in UNIT_KEYS): tuple(row[k] for k in columns)
        for row in UnitYearSummary.objects.values(*UNIT_KEYS, *columns)
    }


def assert_exact():
    facts = fresh_facts()
    assert stored_facts() == facts
    assert summary_area_counts() == fresh_area_counts(facts)
    assert summary_unit_counts() == fresh_unit_counts()
    assert summary_day_counts() == fresh_day_counts(facts)
    assert summary_triggers.mismatches() == 0  # the bench's check, in SQL, agrees
    assert placement_triggers.mismatches() == 0  # and every registration, unit and unit cell holds its area's province


def start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def counted_by_history(day, actions):
    """Q for the registrations of `day`'s year that counted at the end of `day`, read from the
    history itself (the rule RegistrationDaySummary keeps by day)."""
    events = RegistrationEvent.objects.filter(registration=OuterRef("pk"), action__in=actions)
    by_then = events.filter(at__lt=start_of(day + datetime.timedelta(days=1)))
    in_its_year = events.filter(at__lt=start_of(datetime.date(day.year + 1, 1, 1)))
    return Q(Exists(by_then)) | (~Q(Exists(in_its_year)) & (Q(start_date__isnull=True) | Q(start_date__lte=day)))


def figures_by_history(day, basis):
    """The comparable figures of `day`'s year on `day`, counted from the registrations and their history."""
    rows = Registration.objects.filter(year=day.year, status__in=BASIS_STATUSES[basis]).filter(
        counted_by_history(day, BASIS_ACTIONS[basis]))
    aggregates = {"total": Count("pk"), "new": Count("pk", filter=Q(is_new=True)),
                  "replicated": Count("pk", filter=Q(replicates__isnull=False))}
    for name, values, column in (("field", Field.values, "field"), ("level", Level.values, "level"),
                                 ("exemplar", ExemplarKind.values, "exemplar_kind")):
        for value in values:
            aggregates[f"{name}__{value}"] = Count("pk", filter=Q(**{column: value}))
    figures = rows.aggregate(**aggregates)
    figures["continued"] = figures["total"] - figures["new"]
    return figures


CHECKED_DAYS = [datetime.date(year, month, day) for year in (2024, 2025) for month, day in ((1, 1), (6, 30), (12, 31))]


def assert_days_agree_with_the_history(area):
    """The day cells of `area` (holding every registration) up to each day count what had counted by then."""
    nothing = dict.fromkeys(as_of.COMPARABLE, 0)
    cells = RegistrationDaySummary.objects.filter(area=area)
    for day in CHECKED_DAYS:
        for basis in Basis:
            figures = as_of.figures_on(cells.filter(status__in=BASIS_STATUSES[basis]), Period(day.year, day.year),
                                       day, basis, nothing)
            assert figures == figures_by_history(day, basis), (day, basis)


@pytest.fixture
def world():
    province = make_province()
    communes = [make_commune(province), make_commune(province)]
    kinds = [make_kind(), make_kind()]
    units = [make_unit(communes[i % 2], kind=kinds[i % 2]) for i in range(4)]
    admin = make_user(is_superuser=True, is_staff=True)
    return {"units": units, "communes": communes, "admin": admin}


# Moments of the history, next to midnight in the portal's time zone too.
MOMENTS = st.tuples(st.dates(datetime.date(2022, 12, 30), datetime.date(2027, 1, 2)), st.sampled_from([0, 23]))
HISTORY_ACTIONS = st.sampled_from([Action.SUBMITTED, Action.ACCEPTED, Action.IMPORTED, Action.RETURNED, Action.EDITED])
figures = st.fixed_dictionaries({
    "participants": st.integers(0, 5000),
    "money_mobilised": st.integers(0, 10**9),
    "houses": st.integers(0, 30),
})
changes = st.fixed_dictionaries({
    "field": st.sampled_from(Field.values),
    "level": st.sampled_from(Level.values),
    "exemplar_kind": st.just(ExemplarKind.COLLECTIVE),
    "status": st.sampled_from(Status.values),
    "outcome": st.sampled_from(["", *Outcome.values]),
    "is_new": st.booleans(),
    "year": st.integers(2023, 2026),
    "start_date": st.none() | st.dates(datetime.date(2022, 12, 30), datetime.date(2027, 1, 2)),
}).flatmap(lambda base: figures.map(lambda f: {**base, **f}))
operations = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 3), changes),
    st.tuples(st.just("edit"), st.integers(0, 50), changes),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 3)),
    st.tuples(st.just("replicate"), st.integers(0, 50), st.integers(0, 50)),
    st.tuples(st.just("status"), st.integers(0, 3), st.sampled_from(Status.values)),
    st.tuples(st.just("withdraw"), st.integers(0, 50), st.none()),
    st.tuples(st.just("import"), st.integers(0, 3), st.lists(changes, min_size=1, max_size=6)),
    st.tuples(st.just("merge"), st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.just("delete"), st.integers(0, 50), st.none()),
    st.tuples(st.just("delete_unit_year"), st.integers(0, 3), st.integers(2023, 2026)),
    st.tuples(st.just("continue"), st.integers(0, 50), st.none() | st.integers(0, 50)),
    st.tuples(st.just("continue_saved"), st.integers(0, 50), st.integers(0, 50)),
    st.tuples(st.just("event"), st.integers(0, 50), st.tuples(HISTORY_ACTIONS, MOMENTS)),
    st.tuples(st.just("events_imported"), st.integers(0, 3), st.none()),
    st.tuples(st.just("redate_event"), st.integers(0, 50), MOMENTS),
    st.tuples(st.just("drop_event"), st.integers(0, 50), st.none()),
)


IMPORTED = itertools.count()


def _pick(index, **conditions):
    ids = list(Registration.objects.filter(**conditions).order_by("pk").values_list("pk", flat=True))
    return Registration.objects.get(pk=ids[index % len(ids)]) if ids else None


def _moment(moment):
    day, hour = moment
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def _pick_event(index):
    ids = list(RegistrationEvent.objects.order_by("pk").values_list("pk", flat=True))
    return ids[index % len(ids)] if ids else None


def apply(world, operation):
    kind, first, detail = operation
    units = world["units"]
    if kind == "create":
        make_registration(units[first], **detail)
    elif kind == "edit" and (registration := _pick(first)):
        for name, value in detail.items():
            setattr(registration, name, value)
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:  # a duplicate name for the unit and year: refused, nothing changes
            pass
    elif kind == "move" and (registration := _pick(first)):
        unit = units[detail]
        Registration.objects.filter(pk=registration.pk).exclude(name_key__in=Registration.objects.filter(
            unit=unit, year=registration.year).values("name_key")
        ).update(unit=unit, area=unit.area, unit_kind=unit.kind)
    elif kind == "replicate" and (registration := _pick(first)):
        Registration.objects.filter(pk=registration.pk).update(replicates=_pick(detail))
    elif kind == "status":
        # The workflow's conditional UPDATE of many rows at once.
        Registration.objects.filter(unit=units[first]).exclude(status=detail).update(status=detail)
    elif kind == "withdraw" and (registration := _pick(first)):
        Registration.objects.filter(pk=registration.pk, status__in=[Status.SUBMITTED, Status.ACCEPTED]).update(
            status=Status.WITHDRAWN
        )
    elif kind == "import":
        unit = units[first]
        rows = [plain_row(Registration, {"unit": unit, "area": unit.area, "unit_kind": unit.kind,
                                         "name": f"Mô hình nhập {next(IMPORTED)}", **values})
                for values in detail]
        insert_rows(Registration, rows)  # COPY on PostgreSQL
    elif kind == "merge" and first != detail:
        try:
            lineage.merge(world["admin"], [units[first]], units[detail], datetime.date(2026, 1, 1),
                          account_fate=AccountFate.MOVE)
        except NotNow:
            pass
    elif kind == "delete" and (registration := _pick(first)):
        registration.delete()
    elif kind == "delete_unit_year":
        Registration.objects.filter(unit=units[first], year=detail).delete()
    elif kind == "continue" and (registration := _pick(first)):
        # Mostly a model of the year before, which the link makes carried on; or none any more.
        predecessor = None if detail is None else _pick(detail, year=registration.year - 1) or _pick(detail)
        Registration.objects.filter(pk=registration.pk).update(continues=predecessor)
    elif kind == "continue_saved" and (registration := _pick(first)):
        # Saved from a copy read before: every column is written back, the predecessor's too.
        predecessor = _pick(detail)
        registration.continues = predecessor
        registration.save()
        predecessor.save()
    elif kind == "event" and (registration := _pick(first)):
        action, (day, hour) = detail
        event = RegistrationEvent.objects.create(**event_fields(registration, action))
        # Mostly in the model's own year, where it dates it; else before or after it.
        if day.month <= 9:
            day = as_of.same_day_in(day, registration.year)
        RegistrationEvent.objects.filter(pk=event.pk).update(at=_moment((day, hour)))
    elif kind == "events_imported":
        # The import's history: COPY on PostgreSQL, stamped now.
        insert_rows(RegistrationEvent, [plain_row(RegistrationEvent, event_fields(registration, Action.IMPORTED))
                                        for registration in Registration.objects.filter(unit=units[first])])
    elif kind == "redate_event" and (event := _pick_event(first)):
        RegistrationEvent.objects.filter(pk=event).update(at=_moment(detail))
    elif kind == "drop_event" and (event := _pick_event(first)):
        RegistrationEvent.objects.filter(pk=event).delete()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(steps=st.lists(operations, min_size=1, max_size=12))
def test_summaries_equal_a_fresh_count_after_every_write(world, steps):
    for step in steps:
        apply(world, step)
        assert_exact()
    assert_days_agree_with_the_history(world["communes"][0].parent)


def test_summaries_count_the_registrations_already_there_when_installed(world):
    for i, unit in enumerate(world["units"]):
        make_registration(unit, status=Status.ACCEPTED, participants=i)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM models_registry_registrationsummary")
        cursor.execute("DELETE FROM models_registry_unityearsummary")
    summary_triggers.install(connection)
    assert_exact()
    assert RegistrationSummary.objects.count() > 0


def test_lost_triggers_are_put_back_after_migrate(world):
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in summary_triggers.BACKWARDS[connection.vendor]():
            cursor.execute(statement)
    make_registration(world["units"][0], status=Status.ACCEPTED)  # not counted: no trigger
    summary_triggers.ensure_installed(using=connection.alias)
    make_registration(world["units"][1], status=Status.ACCEPTED)
    assert_exact()


REGISTRATION_TABLE = '"models_registry_registration"'
# What may still read the registrations table on a report page: the figures that link a
# registration to its commendations and proposals, by index, for the area's rows only; and the
# lists of a few newest models (LIMIT). Last year's models carried on and the unfinished year's
# comparison come from the summaries, and nothing reads the history.
LINKING_QUERIES = ('"models_registry_commendation"', '"models_registry_proposal"')


def report_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def add_registrations(world, count, year):
    for i in range(count):
        unit = world["units"][i % len(world["units"])]
        make_registration(unit, year=year, status=[Status.ACCEPTED, Status.SUBMITTED, Status.COMMENDED][i % 3],
                          outcome=Outcome.EXEMPLARY if i % 2 else "", participants=i)


@pytest.mark.parametrize("url", ["/bao-cao/?nam=2026", "/bao-cao/?tu-nam=2022&den-nam=2026", "/thong-ke/?nam=2026"])
def test_report_pages_read_the_figures_from_the_summaries_in_a_fixed_number_of_queries(world, client, settings, url):
    from tests.factories import make_leader

    settings.REPORT_CACHE_SECONDS = 0
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    province = world["communes"][0].parent
    if not url.startswith("/thong-ke/"):
        client.force_login(make_leader(province))
    add_registrations(world, 3, 2026)
    report_queries(client, url)  # fills what a signed-in page keeps per user (the menu's unread count)
    small = report_queries(client, url)
    add_registrations(world, 40, 2026)
    add_registrations(world, 40, 2025)
    large = report_queries(client, url)
    assert len(large) == len(small)
    figures = [sql for sql in large if "summary" in sql]
    assert len(figures) >= 3
    reading_registrations = [sql for sql in large if REGISTRATION_TABLE in sql and not re.search(r"LIMIT \d+", sql)]
    assert all(any(marker in sql for marker in LINKING_QUERIES) for sql in reading_registrations)
    assert len(reading_registrations) <= len(LINKING_QUERIES)
    assert not [sql for sql in large if '"models_registry_registrationevent"' in sql]


def test_statements_of_many_rows_after_ones_of_a_single_row_count_exactly(world):
    # PostgreSQL keeps a trigger's plans from the first statement of a connection; a statement of
    # PLANNED_AFRESH_FROM rows or more is planned for its own sizes instead, and counts alike.
    many = summary_triggers.PLANNED_AFRESH_FROM + 5
    old_province = make_province(structure=Structure.LEGACY)
    old_communes = [make_commune(make_district(old_province), successor=world["communes"][i % 2]) for i in range(many)]
    make_registration(make_unit(old_communes[0]), year=2024, status=Status.ACCEPTED)
    Registration.objects.update(participants=models.F("participants") + 1)
    AdminArea.objects.filter(pk=old_communes[0].pk).update(current_commune=world["communes"][1])
    for i in range(many):
        make_registration(make_unit(old_communes[i]), year=2024 + i % 3, status=Status.ACCEPTED, participants=i)
    assert_exact()
    insert_rows(RegistrationEvent, [plain_row(RegistrationEvent, event_fields(registration, Action.SUBMITTED))
                                    for registration in Registration.objects.all()])
    assert_exact()
    Registration.objects.update(participants=models.F("participants") * 2, status=Status.COMPLETED)
    assert_exact()
    moved = AdminArea.objects.filter(pk__in=[area.pk for area in old_communes])
    assert moved.update(current_commune=world["communes"][0]) >= summary_triggers.PLANNED_AFRESH_FROM
    assert_exact()
    assert set(RegistrationSummary.objects.filter(year=2025).values_list("area", flat=True)) >= {world["communes"][0].pk}
    assert not RegistrationSummary.objects.filter(area=world["communes"][1]).exists()
    RegistrationEvent.objects.all().delete()
    Registration.objects.all().delete()
    assert_exact()
    assert not RegistrationSummary.objects.exists()


def test_an_old_commune_mapped_to_another_new_commune_is_recounted_under_it(world):
    old_province = make_province(structure=Structure.LEGACY)
    old = make_commune(make_district(old_province), successor=world["communes"][0])
    old_unit = make_unit(old)
    make_registration(old_unit, year=2024, status=Status.ACCEPTED, participants=7)
    assert_exact()
    old.current_commune = world["communes"][1]
    old.save()
    assert_exact()
    assert RegistrationSummary.objects.filter(area=world["communes"][1], year=2024).exists()


def test_an_old_commune_mapped_into_another_province_moves_its_models_history_and_continuity_there(world):
    other = make_commune(make_province())
    old = make_commune(make_district(make_province(structure=Structure.LEGACY)), successor=world["communes"][0])
    before = make_registration(make_unit(old), year=2025, status=Status.ACCEPTED)
    RegistrationEvent.objects.create(**event_fields(before, Action.ACCEPTED))
    make_registration(world["units"][0], year=2026, status=Status.ACCEPTED, continues=before)
    old.current_commune, old.current_province = other, other.current_province
    old.save()
    assert_exact()
    assert RegistrationDaySummary.objects.filter(area=other.current_province, year=2025).exists()
    assert continuity(world) == (0, 0)


def continuity(world, counted_q=COUNTED_Q):
    """(last year's models, those carried on this year) in the world's province, 2026."""
    summaries = Summaries.published() if counted_q == PUBLISHED_Q else Summaries.everything()
    report = build_report(summaries, Unit.objects.all(), world["communes"][0].parent, Period(2026, 2026),
                          counted_q=counted_q)
    return report.continuity["total"], report.continuity["continued"]


def test_a_model_continuing_one_of_the_year_before_carries_it_on_once_counted_or_published(world):
    unit = world["units"][0]
    before = make_registration(unit, year=2025, status=Status.ACCEPTED)
    make_registration(unit, year=2025, status=Status.ACCEPTED)
    after = make_registration(unit, year=2026, status=Status.SUBMITTED, continues=before, is_new=False)
    assert continuity(world) == (2, 1)
    assert continuity(world, PUBLISHED_Q) == (2, 0)
    Registration.objects.filter(pk=after.pk).update(status=Status.ACCEPTED)
    assert continuity(world, PUBLISHED_Q) == (2, 1)
    assert_exact()


def test_a_continuation_linked_elsewhere_or_unlinked_moves_what_is_carried_on(world):
    unit = world["units"][0]
    first, second = (make_registration(unit, year=2025, status=Status.ACCEPTED) for _ in range(2))
    after = make_registration(unit, year=2026, status=Status.ACCEPTED, continues=first)
    Registration.objects.filter(pk=after.pk).update(continues=second)
    assert set(RegistrationFacts.objects.filter(carried=True).values_list("registration", flat=True)) == {second.pk}
    Registration.objects.filter(pk=after.pk).update(continues=None)
    assert continuity(world) == (2, 0)
    assert_exact()


def test_a_model_continued_twice_is_carried_on_while_one_continuation_counts_in_the_next_year(world):
    before = make_registration(world["units"][0], year=2025, status=Status.ACCEPTED)
    one = make_registration(world["units"][0], year=2026, status=Status.ACCEPTED, continues=before)
    other = make_registration(world["units"][1], year=2026, status=Status.SUBMITTED, continues=before)
    Registration.objects.filter(pk=one.pk).update(status=Status.WITHDRAWN)
    assert continuity(world) == (1, 1)
    Registration.objects.filter(pk=other.pk).update(year=2027)
    assert continuity(world) == (1, 0)
    assert_exact()


def test_a_continuation_deleted_no_longer_carries_its_model_on(world):
    before = make_registration(world["units"][0], year=2025, status=Status.ACCEPTED)
    make_registration(world["units"][0], year=2026, status=Status.ACCEPTED, continues=before).delete()
    assert continuity(world) == (1, 0)
    assert_exact()


def test_a_model_deleted_leaves_its_continuations_continuing_nothing(world):
    before = make_registration(world["units"][0], year=2025, status=Status.ACCEPTED)
    make_registration(world["units"][0], year=2026, status=Status.ACCEPTED, continues=before)
    before.delete()
    assert continuity(world) == (0, 0)
    assert_exact()


def test_a_model_moved_into_the_year_before_its_continuation_is_carried_on(world):
    before = make_registration(world["units"][0], year=2024, status=Status.ACCEPTED)
    make_registration(world["units"][0], year=2026, status=Status.ACCEPTED, continues=before)
    assert continuity(world) == (0, 0)
    Registration.objects.filter(pk=before.pk).update(year=2025)
    assert continuity(world) == (1, 1)
    assert_exact()


def test_a_model_saved_from_a_copy_read_before_its_continuation_stays_carried_on(world):
    before = make_registration(world["units"][0], year=2025, status=Status.ACCEPTED)
    copy = Registration.objects.get(pk=before.pk)
    make_registration(world["units"][0], year=2026, status=Status.ACCEPTED, continues=before)
    copy.results = "Đã làm xong"
    copy.save()
    assert continuity(world) == (1, 1)
    assert_exact()


def test_the_summaries_mismatch_count_finds_a_fact_changed_behind_the_triggers(world):
    from django.db import connection

    before = make_registration(world["units"][0], year=2025, status=Status.ACCEPTED)
    make_registration(world["units"][0], year=2026, status=Status.ACCEPTED, continues=before)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE models_registry_registrationfacts SET carried = %s", [False])
    assert summary_triggers.mismatches() == 2  # the fresh facts and the stored, each without its equal


def _alter(model, name, max_length):
    """Alter a column as a migration would (SQLite rebuilds the table)."""
    from django.db import connection

    after = models.CharField(max_length=max_length, blank=True)
    after.set_attributes_from_name(name)
    after.model = model
    with connection.schema_editor() as editor:
        editor.alter_field(model, model._meta.get_field(name), after)


@pytest.mark.django_db(transaction=True)
def test_a_migration_may_alter_the_registrations_and_their_history_and_the_summaries_stay_exact(world):
    from django.db import connection

    before = make_registration(world["units"][0], year=2025, status=Status.ACCEPTED)
    make_registration(world["units"][1], year=2026, status=Status.SUBMITTED, continues=before)
    emit_pre_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    try:
        _alter(Registration, "person_position", 161)
        _alter(RegistrationEvent, "action", 13)
    finally:
        _alter(Registration, "person_position", 160)
        _alter(RegistrationEvent, "action", 12)
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    RegistrationEvent.objects.create(**event_fields(before, Action.ACCEPTED))
    make_registration(world["units"][2], year=2026, status=Status.ACCEPTED, continues=before)
    assert_exact()
