"""The commendation and proposal summaries (models/award_summaries.py) equal a fresh count after every kind of write."""
import datetime
import itertools
from collections import Counter

import pytest
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, F
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models_registry import award_summary_triggers
from models_registry.models import (
    AdminArea,
    Commendation,
    CommendationForm,
    CommendationRound,
    CommendationSummary,
    Level,
    Proposal,
    ProposalStatus,
    ProposalSummary,
    Registration,
    Status,
    Structure,
)
from models_registry.services.imports.writing import insert_rows, plain_row
from tests.factories import make_commune, make_district, make_province, make_registration, make_round, make_unit

pytestmark = pytest.mark.django_db

DECISIONS = itertools.count()
COMMENDATION_KEYS = ("area", "year", "status", "form", "level")
PROPOSAL_KEYS = ("area", "year", "status", "level", "proposal_status")


def _in_every_area(rows):
    """`rows` (registration area first, then the other keys, then n) counted in every area containing their area."""
    containing = {area.pk: area.containing_ids() for area in AdminArea.objects.all()}
    counts = Counter()
    for row in rows:
        for area in containing[row[0]]:
            counts[(area, *row[1:-1])] += row[-1]
    return dict(counts)


def fresh_commendation_counts():
    rows = Commendation.objects.active().order_by().values_list(
        "registration__area", "registration__year", "registration__status", "form", "level").annotate(n=Count("pk"))
    return _in_every_area(rows)


def fresh_proposal_counts():
    rows = Proposal.objects.order_by().values_list(
        "registration__area", "registration__year", "registration__status", "round__level", "status",
    ).annotate(n=Count("pk"))
    return _in_every_area(rows)


def summary_counts(model, keys, count):
    return {row[:-1]: row[-1] for row in model.objects.values_list(*keys, count)}


def assert_exact():
    assert summary_counts(CommendationSummary, COMMENDATION_KEYS, "commendations") == fresh_commendation_counts()
    assert summary_counts(ProposalSummary, PROPOSAL_KEYS, "proposals") == fresh_proposal_counts()
    assert award_summary_triggers.mismatches() == 0


def _commendation(registration, form, level):
    return {"registration": registration, "form": form, "level": level, "authority": "Ủy ban nhân dân",
            "decision_number": f"{next(DECISIONS)}/QĐ-UBND", "decision_date": datetime.date(2026, 6, 1)}


def _proposal(commendation_round, registration):
    return Proposal.objects.create(round=commendation_round, registration=registration,
                                   proposing_area=registration.area, justification="Vận động 120 hộ tham gia.")


def _commended(world, year=2026):
    """A commended model of each unit, with its commendation and its proposal to the first round."""
    for i, unit in enumerate(world["units"]):
        registration = make_registration(unit, status=Status.COMMENDED, year=year)
        Commendation.objects.create(**_commendation(registration, world["forms"][i % 3], Level.GRASSROOTS))
        _proposal(world["rounds"][0], registration)


@pytest.fixture
def world():
    province = make_province()
    communes = [make_commune(province), make_commune(province)]
    old_commune = make_commune(make_district(make_province(structure=Structure.LEGACY)), successor=communes[0])
    return {
        "units": [make_unit(area) for area in (*communes, old_commune)],
        "communes": communes,
        "old_commune": old_commune,
        "rounds": [make_round(province, level=Level.PROVINCE), make_round(communes[0], level=Level.GRASSROOTS)],
        "forms": list(CommendationForm.objects.order_by("pk")[:3]),
    }


@pytest.fixture
def commended(world):
    _commended(world, 2025)
    _commended(world, 2026)
    return world


operations = st.one_of(
    st.tuples(st.just("register"), st.integers(0, 2), st.sampled_from(Status.values), st.integers(2024, 2026)),
    st.tuples(st.just("commend"), st.integers(0, 30), st.integers(0, 2), st.sampled_from(Level.values)),
    st.tuples(st.just("import_commendations"), st.integers(0, 30), st.integers(0, 2), st.integers(1, 4)),
    st.tuples(st.just("revoke"), st.integers(0, 30)),
    st.tuples(st.just("unrevoke"), st.integers(0, 30)),
    st.tuples(st.just("change_form"), st.integers(0, 30), st.integers(0, 2), st.sampled_from(Level.values)),
    st.tuples(st.just("repoint"), st.integers(0, 30), st.integers(0, 30)),
    st.tuples(st.just("delete_commendation"), st.integers(0, 30)),
    st.tuples(st.just("propose"), st.integers(0, 30), st.integers(0, 1)),
    st.tuples(st.just("decide"), st.integers(0, 30), st.sampled_from(ProposalStatus.values)),
    st.tuples(st.just("decide_round"), st.integers(0, 1), st.sampled_from(ProposalStatus.values)),
    st.tuples(st.just("change_round"), st.integers(0, 30), st.integers(0, 1)),
    st.tuples(st.just("delete_proposal"), st.integers(0, 30)),
    st.tuples(st.just("round_level"), st.integers(0, 1), st.sampled_from(Level.values)),
    st.tuples(st.just("status"), st.integers(0, 2), st.sampled_from(Status.values)),
    st.tuples(st.just("move"), st.integers(0, 30), st.integers(0, 2)),
    st.tuples(st.just("year"), st.integers(0, 30), st.integers(2024, 2026)),
    st.tuples(st.just("years_on"), st.integers(0, 2)),
    st.tuples(st.just("touch"), st.integers(0, 30)),
    st.tuples(st.just("remap"), st.integers(0, 1)),
    st.tuples(st.just("delete_registration"), st.integers(0, 30)),
    st.tuples(st.just("drop_registration"), st.integers(0, 30)),
)


def _pick(model, index):
    ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
    return model.objects.get(pk=ids[index % len(ids)]) if ids else None


def _refused_if_duplicate(write):
    """`write`, or nothing when a unique constraint refuses it (a second proposal to one round, …)."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        pass


def _delete_children(registration):
    Commendation.objects.filter(registration=registration).delete()
    Proposal.objects.filter(registration=registration).delete()


def apply(world, operation):
    kind, first, *rest = operation
    if kind == "register":
        make_registration(world["units"][first], status=rest[0], year=rest[1])
    elif kind == "commend" and (registration := _pick(Registration, first)):
        Commendation.objects.create(**_commendation(registration, world["forms"][rest[0]], rest[1]))
    elif kind == "import_commendations" and (registration := _pick(Registration, first)):
        rows = [plain_row(Commendation, _commendation(registration, world["forms"][rest[0]], Level.DISTRICT))
                for _ in range(rest[1])]
        insert_rows(Commendation, rows)  # COPY on PostgreSQL
    elif kind == "revoke" and (commendation := _pick(Commendation, first)):
        Commendation.objects.filter(pk=commendation.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    elif kind == "unrevoke" and (commendation := _pick(Commendation, first)):
        commendation.revoked_at = None
        commendation.save()
    elif kind == "change_form" and (commendation := _pick(Commendation, first)):
        commendation.form, commendation.level = world["forms"][rest[0]], rest[1]
        _refused_if_duplicate(commendation.save)
    elif kind == "repoint" and (commendation := _pick(Commendation, first)):
        registration = _pick(Registration, rest[0])
        _refused_if_duplicate(lambda: Commendation.objects.filter(pk=commendation.pk).update(registration=registration))
    elif kind == "delete_commendation" and (commendation := _pick(Commendation, first)):
        commendation.delete()
    elif kind == "propose" and (registration := _pick(Registration, first)):
        commendation_round = world["rounds"][rest[0]]
        _refused_if_duplicate(lambda: _proposal(commendation_round, registration))
    elif kind == "decide" and (proposal := _pick(Proposal, first)):
        proposal.status = rest[0]
        proposal.save()
    elif kind == "decide_round":
        Proposal.objects.filter(round=world["rounds"][first]).update(status=rest[0])
    elif kind == "change_round" and (proposal := _pick(Proposal, first)):
        proposal.round = world["rounds"][rest[0]]
        _refused_if_duplicate(proposal.save)
    elif kind == "delete_proposal" and (proposal := _pick(Proposal, first)):
        proposal.delete()
    elif kind == "round_level":
        CommendationRound.objects.filter(pk=world["rounds"][first].pk).update(level=rest[0])
    elif kind == "status":
        # The workflow's conditional UPDATE of many rows at once.
        Registration.objects.filter(unit=world["units"][first]).exclude(status=rest[0]).update(status=rest[0])
    elif kind == "move" and (registration := _pick(Registration, first)):
        unit = world["units"][rest[0]]
        _refused_if_duplicate(lambda: Registration.objects.filter(pk=registration.pk).update(
            unit=unit, area=unit.area, unit_kind=unit.kind))
    elif kind == "year" and (registration := _pick(Registration, first)):
        registration.year = rest[0]
        _refused_if_duplicate(registration.save)
    elif kind == "years_on":
        _refused_if_duplicate(lambda: Registration.objects.filter(unit=world["units"][first]).update(year=F("year") - 1))
    elif kind == "touch" and (registration := _pick(Registration, first)):
        Registration.objects.filter(pk=registration.pk).update(version=F("version") + 1)
    elif kind == "remap":
        old = world["old_commune"]
        old.current_commune = world["communes"][first]
        old.save()
    elif kind == "delete_registration" and (registration := _pick(Registration, first)):
        _delete_children(registration)
        registration.delete()
    elif kind == "drop_registration" and (registration := _pick(Registration, first)):
        # Foreign keys are checked at the commit: the registration goes first, its commendations
        # and proposals after, and in between they count nowhere.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM models_registry_registration WHERE id = %s", [registration.pk])
            assert_exact()
            _delete_children(registration)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(steps=st.lists(operations, min_size=1, max_size=15))
def test_award_summaries_equal_a_fresh_count_after_every_write(commended, steps):
    for step in steps:
        apply(commended, step)
        assert_exact()


def test_a_registration_counts_its_commendations_in_its_commune_and_every_area_containing_it(world):
    _commended(world)
    old = world["old_commune"]
    assert set(CommendationSummary.objects.filter(form=world["forms"][2]).values_list("area", flat=True)) == {
        old.pk, old.district_id, old.province_id, old.current_commune_id, old.current_province_id}


def test_the_summaries_count_what_is_already_there_when_installed(world):
    _commended(world)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM models_registry_commendationsummary")
        cursor.execute("DELETE FROM models_registry_proposalsummary")
    award_summary_triggers.install(connection)
    assert_exact()
    assert CommendationSummary.objects.exists() and ProposalSummary.objects.exists()


def test_lost_triggers_are_put_back_after_migrate(world):
    with connection.cursor() as cursor:
        for statement in award_summary_triggers.BACKWARDS[connection.vendor]():
            cursor.execute(statement)
    _commended(world)  # not counted: no trigger
    award_summary_triggers.ensure_installed(using=connection.alias)
    _commended(world)
    assert_exact()


def test_a_cell_that_differs_from_a_fresh_count_is_a_mismatch(world):
    _commended(world)
    CommendationSummary.objects.filter(pk=CommendationSummary.objects.first().pk).update(commendations=F("commendations") + 1)
    ProposalSummary.objects.first().delete()
    # A wrong count is a stored row no fresh one equals and a fresh row no stored one equals; a lost cell is one.
    assert award_summary_triggers.mismatches() == 3


def test_flushing_the_commendations_and_proposals_empties_their_summaries(world):
    _commended(world)
    tables = [Commendation._meta.db_table, Proposal._meta.db_table]
    connection.check_constraints()  # PostgreSQL truncates no table with foreign key checks still pending
    with connection.cursor() as cursor:  # TRUNCATE on PostgreSQL, DELETE on SQLite
        for statement in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(statement)
    assert not CommendationSummary.objects.exists()
    assert not ProposalSummary.objects.exists()


def _alter_authority(max_length):
    """Alter a column of the commendations as a migration would (SQLite rebuilds the table)."""
    before = Commendation._meta.get_field("authority")
    after = models.CharField(max_length=max_length)
    after.set_attributes_from_name("authority")
    after.model = Commendation
    with connection.schema_editor() as editor:
        editor.alter_field(Commendation, before, after)


@pytest.mark.django_db(transaction=True)
def test_a_migration_may_alter_a_table_the_summaries_count_and_they_stay_exact(reference_data, world):
    _commended(world)
    emit_pre_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    try:
        _alter_authority(256)
    finally:
        _alter_authority(255)
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    _commended(world)
    assert_exact()
