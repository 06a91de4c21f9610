"""Concurrency and faults: double submits, a year closed during an edit, a connection killed mid-write.

On PostgreSQL the submits really race: six threads, each with its own connection, are released by
one barrier. SQLite runs one write transaction at a time (and the test database lives in one
process's memory), so there the same requests run one after the other: they still prove the second
submit changes nothing, while the PostgreSQL run (.ci/run's second pass) proves it under a race.
Killing the connection needs a server to kill it, so those tests stand in for the kill on SQLite
with the error a dead connection raises at the same statement.
"""
import threading
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection, connections, transaction
from django.test import Client

from models_registry.models import (
    Action,
    Commendation,
    CommendationRound,
    Proposal,
    ProposalStatus,
    Registration,
    RegistrationEvent,
    Status,
    YearClosure,
)
from models_registry.services import commendations as rules
from models_registry.services import workflow
from tests.commendation_world import build_world, vote
from tests.factories import make_registration

pytestmark = pytest.mark.django_db(transaction=True)
RACING = connection.vendor == "postgresql"
TIMES = 6
COMPLETE = {"field": "economy", "objectives": "Hỗ trợ 200 hộ", "content": "Họp dân, phân công",
            "success_indicators": "200 hộ tham gia"}


@pytest.fixture
def world(reference_data):
    return build_world()


def at_once(calls):
    """Results of the calls (a value or the exception raised), started together on PostgreSQL."""
    if not RACING:
        return [_outcome(call) for call in calls]
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = _outcome(call)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _outcome(call):
    try:
        return call()
    except Exception as error:  # noqa: BLE001 - the test asserts on what each caller met
        return error


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


# Every state-changing POST: (who, url, data) to send, and how many times its effect is recorded.

def create_case(world):
    data = {"year": world.today.year, "name": "Mô hình gửi sáu lần", "level": "grassroots",
            "exemplar_kind": "collective", "is_new": "on", **COMPLETE}
    return world.unit_user, "/don-vi/dang-ky/", data, lambda: Registration.objects.filter(
        name_key="mô hình gửi sáu lần").count()


def submit_case(world):
    draft = make_registration(world.unit, year=world.today.year, **COMPLETE)
    return world.unit_user, f"/don-vi/mo-hinh/{draft.pk}/gui-duyet/", {"version": 1}, events_of(draft, Action.SUBMITTED)


def accept_case(world):
    sent = make_registration(world.unit, year=world.today.year, status=Status.SUBMITTED, **COMPLETE)
    data = {"version": 1, "confirm": "on", "reason": "Đủ tiêu chí"}
    return world.commune_staff, f"/quan-ly/mo-hinh/{sent.pk}/duyet/", data, events_of(sent, Action.ACCEPTED)


def return_case(world):
    sent = make_registration(world.unit, year=world.today.year, status=Status.SUBMITTED, **COMPLETE)
    data = {"version": 1, "reason": "Bổ sung tiêu chí đo được"}
    return world.commune_staff, f"/quan-ly/mo-hinh/{sent.pk}/tra-lai/", data, events_of(sent, Action.RETURNED)


def direct_entry_case(world):
    past = make_registration(world.unit, year=world.today.year - 2, status=Status.COMPLETED)
    data = {"form": world.giay_khen.pk, "level": "district", "decision_number": "45-QĐ/HU",
            "decision_date": f"15/10/{past.year}", "authority": "Huyện ủy Long Hồ", "recipient_name": ""}
    return (world.commune_staff, f"/quan-ly/khen-thuong/nhap-truc-tiep/?mo-hinh={past.pk}", data,
            lambda: Commendation.objects.filter(registration=past).count())


def proposal_case(world):
    data = vote(world)
    data.update(vote_date=data["vote_date"].strftime("%d/%m/%Y"), registration=world.registration.pk,
                reason_without_exemplary="")
    return (world.commune_staff, f"/quan-ly/khen-thuong/dot/{world.round.pk}/de-nghi/", data,
            lambda: Proposal.objects.filter(registration=world.registration).count())


def decision_case(world):
    proposal = rules.propose(world.commune_staff, world.round, world.registration, **vote(world))
    data = {"form": world.bang_khen.pk, "decision_number": "125-QĐ/BTGDV",
            "decision_date": world.today.strftime("%d/%m/%Y"), "authority": "Ban Tuyên giáo và Dân vận Tỉnh ủy",
            "recipient_name": ""}
    return (world.province_staff, f"/quan-ly/khen-thuong/de-nghi/{proposal.pk}/khen-thuong/", data,
            lambda: Commendation.objects.filter(proposal=proposal).count())


def edit_case(world):
    draft = make_registration(world.unit, year=world.today.year, name="Tên cũ", **COMPLETE)
    data = {"year": world.today.year, "name": "Tên mới", "level": "grassroots", "exemplar_kind": "collective",
            "is_new": "on", "version": 1, **COMPLETE}
    return world.unit_user, f"/don-vi/mo-hinh/{draft.pk}/sua/", data, events_of(draft, Action.EDITED)


def withdraw_case(world):
    sent = make_registration(world.unit, year=world.today.year, status=Status.SUBMITTED, **COMPLETE)
    data = {"version": 1, "reason": "Đơn vị đăng ký nhầm"}
    return world.unit_user, f"/don-vi/mo-hinh/{sent.pk}/rut/", data, events_of(sent, Action.WITHDRAWN)


def decline_case(world):
    proposal = rules.propose(world.commune_staff, world.round, world.registration, **vote(world))
    return (world.province_staff, f"/quan-ly/khen-thuong/de-nghi/{proposal.pk}/khong-khen-thuong/",
            {"note": "Chưa tiêu biểu"}, events_of(world.registration, Action.DECLINED))


def close_year_case(world):
    return (world.province_staff, "/quan-ly/khoa-so/", {"year": world.today.year, "confirm": "on"},
            lambda: YearClosure.objects.filter(area=world.province, year=world.today.year).count())


def round_case(world):
    data = {"name": "Khen thưởng điển hình năm sau", "year_from": world.today.year, "year_to": world.today.year,
            "opens_on": world.today.strftime("%d/%m/%Y"), "closes_on": world.today.strftime("%d/%m/%Y")}
    return (world.province_staff, "/quan-ly/khen-thuong/dot/moi/", data,
            lambda: CommendationRound.objects.filter(name="Khen thưởng điển hình năm sau").count())


def events_of(registration, action):
    return lambda: RegistrationEvent.objects.filter(registration=registration, action=action).count()


CASES = [create_case, edit_case, submit_case, accept_case, return_case, withdraw_case, direct_entry_case, proposal_case,
         decision_case, decline_case, close_year_case, round_case]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_the_same_post_sent_six_times_at_once_changes_the_database_once(world, case):
    user, url, data, effect = case(world)
    clients = [signed_in(user) for _ in range(TIMES)]
    responses = at_once([partial(client.post, url, data) for client in clients])
    assert [r for r in responses if isinstance(r, Exception) or r.status_code >= 500] == []
    assert effect() == 1


def test_two_decisions_on_one_proposal_at_once_record_one(world):
    proposal = rules.propose(world.commune_staff, world.round, world.registration, **vote(world))
    decide = partial(rules.accept, world.province_staff, proposal, form=world.bang_khen, decision_date=world.today,
                     authority="Ban Tuyên giáo và Dân vận Tỉnh ủy")
    results = at_once([partial(decide, decision_number=f"{n}-QĐ/BTGDV") for n in range(TIMES)])
    assert sum(isinstance(result, Commendation) for result in results) == 1
    assert all(isinstance(result, (Commendation, rules.NotNow)) for result in results)
    assert Proposal.objects.get().status == ProposalStatus.ACCEPTED


# Closing a year while an edit is under way ---------------------------------------------------

def edit_name(world, registration, name):
    registration.name = name
    return workflow.save_edit(world.commune_staff, registration, version=registration.version)


def test_a_closure_landing_between_the_check_and_the_write_refuses_the_edit(world, monkeypatch):
    registration = make_registration(world.unit, year=world.today.year, status=Status.ACCEPTED)
    checked = workflow._check

    def check_then_close(*args):
        checked(*args)
        workflow.close_year(world.province_staff, world.province, registration.year)

    monkeypatch.setattr(workflow, "_check", check_then_close)
    with pytest.raises(workflow.NotNow, match="đã khóa sổ"):
        edit_name(world, registration, "Sửa sau khóa sổ")
    registration.refresh_from_db()
    assert registration.name != "Sửa sau khóa sổ"


def test_an_edit_waits_for_a_closure_in_progress_and_is_then_refused(world):
    registration = make_registration(world.unit, year=world.today.year, status=Status.ACCEPTED)
    original = registration.name
    if not RACING:
        workflow.close_year(world.province_staff, world.province, registration.year)
        with pytest.raises(PermissionDenied):
            edit_name(world, registration, "Sửa sau khóa sổ")
    else:
        closing, release = threading.Event(), threading.Event()

        def close():
            try:
                with transaction.atomic():
                    workflow.close_year(world.province_staff, world.province, registration.year)
                    closing.set()
                    release.wait(timeout=30)
            finally:
                connections.close_all()

        closer = threading.Thread(target=close)
        closer.start()
        assert closing.wait(timeout=30)
        outcome = []
        editor = threading.Thread(target=lambda: (outcome.append(_outcome(
            lambda: edit_name(world, Registration.objects.get(pk=registration.pk), "Sửa sau khóa sổ"))),
            connections.close_all()))
        editor.start()
        editor.join(timeout=1)
        assert editor.is_alive(), "the edit must wait for the closure to commit or roll back"
        release.set()
        closer.join(timeout=30)
        editor.join(timeout=30)
        assert isinstance(outcome[0], workflow.NotNow)
    assert Registration.objects.get(pk=registration.pk).name == original
    assert YearClosure.objects.filter(area=world.province, year=registration.year).exists()


def test_a_closure_waits_for_an_edit_in_progress_to_commit(world):
    registration = make_registration(world.unit, year=world.today.year, status=Status.ACCEPTED)
    if not RACING:
        edit_name(world, registration, "Sửa trước khóa sổ")
        workflow.close_year(world.province_staff, world.province, registration.year)
    else:
        editing, release = threading.Event(), threading.Event()

        def edit():
            try:
                with transaction.atomic():
                    edit_name(world, Registration.objects.get(pk=registration.pk), "Sửa trước khóa sổ")
                    editing.set()
                    release.wait(timeout=30)
            finally:
                connections.close_all()

        editor = threading.Thread(target=edit)
        editor.start()
        assert editing.wait(timeout=30)
        closer = threading.Thread(target=lambda: (
            workflow.close_year(world.province_staff, world.province, registration.year), connections.close_all()))
        closer.start()
        closer.join(timeout=1)
        assert closer.is_alive(), "the closure must wait for the edit under way"
        release.set()
        editor.join(timeout=30)
        closer.join(timeout=30)
    assert Registration.objects.get(pk=registration.pk).name == "Sửa trước khóa sổ"
    actions = list(RegistrationEvent.objects.filter(registration=registration).order_by("pk")
                   .values_list("action", flat=True))
    assert actions == [Action.EDITED, Action.LOCKED]


# The request's connection killed at each write step --------------------------------------------

WRITES = ("INSERT", "UPDATE", "DELETE")


def is_write(sql):
    head = sql.lstrip().upper()
    return head.startswith(WRITES) or " FOR UPDATE" in head or " FOR SHARE" in head


class KillAfterWrite:
    """Execute wrapper: after the request's n-th write statement its connection dies, as when the
    database restarts or an administrator ends the session (pg_terminate_backend)."""

    def __init__(self, n):
        self.n, self.writes, self.fired = n, 0, False

    def __call__(self, execute, sql, params, many, context):
        if self.fired and not RACING:
            raise OperationalError("server closed the connection unexpectedly")
        result = execute(sql, params, many, context)
        if is_write(sql):
            self.writes += 1
            if self.writes == self.n:
                self.fired = True
                kill(context["connection"])
        return result


def dead_commit(killer, wrapper, commit):
    if killer.fired:
        raise OperationalError("server closed the connection unexpectedly")
    return commit(wrapper)


def kill(django_connection):
    if not RACING:
        return
    import psycopg2

    pid = django_connection.connection.get_backend_pid()
    killer = psycopg2.connect(**django_connection.get_connection_params())
    try:
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    finally:
        killer.close()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_a_connection_killed_at_each_write_step_answers_503_and_changes_nothing(world, case, monkeypatch):
    user, url, data, effect = case(world)
    client = signed_in(user)
    client.raise_request_exception = False
    step = 1
    while True:
        killer = KillAfterWrite(step)
        if not RACING:
            # The commit is no statement the wrapper sees; a dead connection fails it too.
            wrapper = connections["default"]
            monkeypatch.setattr(wrapper, "_commit", partial(dead_commit, killer, wrapper, type(wrapper)._commit))
        with connection.execute_wrapper(killer):
            response = client.post(url, data)
        connection.close()
        if effect():
            # Committed before the kill (a later statement, e.g. the session's, met the dead
            # connection), or no kill at all: the change is there once.
            break
        assert killer.fired, f"the request made {step - 1} writes and changed nothing"
        assert response.status_code == 503, f"write step {step}"
        assert "tạm thời gián đoạn" in response.content.decode()
        step += 1
    assert step > 1, "no write step was interrupted"
    assert response.status_code in (200, 302, 503)
    assert effect() == 1
