"""The registration summaries (models/summaries.py) equal a fresh count after every kind of write."""
import datetime
import itertools
import re

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models_registry import summary_triggers
from models_registry.models import (
    RESULT_FIGURES,
    AccountFate,
    AdminArea,
    ExemplarKind,
    Field,
    Level,
    Outcome,
    Registration,
    RegistrationSummary,
    Status,
    Structure,
    UnitYearSummary,
)
from models_registry.services import lineage
from models_registry.services.errors import NotNow
from models_registry.services.imports.writing import insert_rows, plain_row
from tests.factories import make_commune, make_district, make_kind, make_province, make_registration, make_unit, make_user

pytestmark = pytest.mark.django_db

AREA_KEYS = ("area", "year", "status", "field", "level", "exemplar_kind", "unit_kind", "outcome", "is_new")
UNIT_KEYS = ("unit", "area", "year", "status")


def fresh_area_counts():
    """Counted afresh by commune, then added into every area containing it (AdminArea.containing_ids)."""
    containing = {area.pk: area.containing_ids() for area in AdminArea.objects.all()}
    counts = {}
    for row in Registration.objects.order_by().values(*AREA_KEYS).annotate(
        n=Count("pk"), replicated=Count("pk", filter=Q(replicates__isnull=False)),
        **{f: Sum(f) for f in RESULT_FIGURES},
    ):
        values = (row["n"], row["replicated"], *(row[f] for f in RESULT_FIGURES))
        for area in containing[row["area"]]:
            key = (area, *(row[k] for k in AREA_KEYS[1:]))
            counts[key] = tuple(a + b for a, b in zip(counts.get(key, (0,) * len(values)), values, strict=True))
    return counts


def summary_area_counts():
    return {
        tuple(row[k] for k in AREA_KEYS): (row["registrations"], row["replicated"], *(row[f] for f in RESULT_FIGURES))
        for row in RegistrationSummary.objects.values(*AREA_KEYS, "registrations", "replicated", *RESULT_FIGURES)
    }


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
    assert summary_area_counts() == fresh_area_counts()
    assert summary_unit_counts() == fresh_unit_counts()


@pytest.fixture
def world():
    province = make_province()
    communes = [make_commune(province), make_commune(province)]
    kinds = [make_kind(), make_kind()]
    units = [make_unit(communes[i % 2], kind=kinds[i % 2]) for i in range(4)]
    admin = make_user(is_superuser=True, is_staff=True)
    return {"units": units, "communes": communes, "admin": admin}


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
)


IMPORTED = itertools.count()


def _pick(index):
    ids = list(Registration.objects.order_by("pk").values_list("pk", flat=True))
    return Registration.objects.get(pk=ids[index % len(ids)]) if ids else None


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


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(steps=st.lists(operations, min_size=1, max_size=12))
def test_summaries_equal_a_fresh_count_after_every_write(world, steps):
    for step in steps:
        apply(world, step)
        assert_exact()


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
# What may still read the registrations table on a report page: the figures that link one
# registration to another (last year's model carried on) or to its commendations and proposals,
# by index, for the area's rows only; an unfinished year compared on a past day, from the history
# (services/as_of.py); and the lists of a few newest models (LIMIT).
LINKING_QUERIES = ('"continues_id"', '"models_registry_commendation"', '"models_registry_proposal"',
                   '"models_registry_registrationevent"')


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
