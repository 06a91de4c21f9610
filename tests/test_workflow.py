"""The registration lifecycle as plain functions: allowed and forbidden transitions, history, locking."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied

from models_registry.models import (
    Action,
    CriteriaSet,
    Criterion,
    Outcome,
    Registration,
    RegistrationEvent,
    ReviewKind,
    Status,
    YearClosure,
)
from models_registry.services import workflow
from tests.factories import make_portal_world, make_registration

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year


@pytest.fixture
def world():
    return make_portal_world()


def draft(world, **extra):
    return make_registration(world.unit_a, year=YEAR, **extra)


def events(registration, action=None):
    rows = RegistrationEvent.objects.filter(registration=registration)
    return rows.filter(action=action) if action else rows


def test_unit_submits_its_own_draft_and_history_says_who_and_from_where(world):
    registration = workflow.submit(world.donvi_a, draft(world))
    assert registration.status == Status.SUBMITTED
    event = events(registration, Action.SUBMITTED).get()
    assert (event.actor, event.from_status, event.to_status) == (world.donvi_a, Status.DRAFT, Status.SUBMITTED)


def test_unit_cannot_submit_another_units_registration(world):
    with pytest.raises(PermissionDenied):
        workflow.submit(world.donvi_b, draft(world))


def test_unit_cannot_accept_its_own_registration(world):
    registration = draft(world, status=Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        workflow.accept(world.donvi_a, registration)
    assert Registration.objects.get(pk=registration.pk).status == Status.SUBMITTED


def test_leader_cannot_accept(world):
    with pytest.raises(PermissionDenied):
        workflow.accept(world.lanhdao, draft(world, status=Status.SUBMITTED))


def test_staff_accepts_a_submitted_registration(world):
    registration = workflow.accept(world.canbo_xa, draft(world, status=Status.SUBMITTED))
    assert registration.status == Status.ACCEPTED
    assert events(registration, Action.ACCEPTED).get().actor == world.canbo_xa


def test_accepting_a_draft_is_refused(world):
    registration = draft(world)
    with pytest.raises(workflow.NotNow):
        workflow.accept(world.canbo_xa, registration)
    assert Registration.objects.get(pk=registration.pk).status == Status.DRAFT


def test_returning_needs_a_reason(world):
    registration = draft(world, status=Status.SUBMITTED)
    with pytest.raises(workflow.NotNow):
        workflow.return_with_reason(world.canbo_xa, registration, "   ")
    assert Registration.objects.get(pk=registration.pk).status == Status.SUBMITTED


def test_return_keeps_the_reason_for_the_unit_and_the_history(world):
    registration = workflow.return_with_reason(world.canbo_xa, draft(world, status=Status.SUBMITTED), "Thiếu tiêu chí")
    assert (registration.status, registration.return_reason) == (Status.RETURNED, "Thiếu tiêu chí")
    assert events(registration, Action.RETURNED).get().reason == "Thiếu tiêu chí"


def test_returned_registration_can_be_submitted_again(world):
    registration = draft(world, status=Status.RETURNED, return_reason="Sửa lại")
    assert workflow.submit(world.donvi_a, registration).status == Status.SUBMITTED


def test_double_submit_acts_once(world):
    registration = draft(world)
    workflow.submit(world.donvi_a, registration, version=1)
    with pytest.raises(workflow.NotNow):
        workflow.submit(world.donvi_a, Registration.objects.get(pk=registration.pk), version=1)
    assert events(registration, Action.SUBMITTED).count() == 1


def test_second_of_two_simultaneous_accepts_changes_nothing(world):
    # Both clerks loaded the page while it was submitted: each holds a stale copy.
    first_copy = draft(world, status=Status.SUBMITTED)
    second_copy = Registration.objects.get(pk=first_copy.pk)
    workflow.accept(world.canbo_xa, first_copy, version=1)
    with pytest.raises(workflow.NotNow):
        workflow.accept(world.canbo_tinh, second_copy, version=1)
    assert events(first_copy, Action.ACCEPTED).count() == 1
    assert Registration.objects.get(pk=first_copy.pk).version == 2


def test_stale_edit_is_refused_and_the_first_save_survives(world):
    registration = draft(world, name="Tên cũ")
    mine = Registration.objects.get(pk=registration.pk)
    theirs = Registration.objects.get(pk=registration.pk)
    mine.name = "Tên của tôi"
    workflow.save_edit(world.donvi_a, mine, version=1)
    theirs.name = "Tên của người kia"
    with pytest.raises(workflow.StaleEdit):
        workflow.save_edit(world.canbo_xa, theirs, version=1)
    stored = Registration.objects.get(pk=registration.pk)
    assert (stored.name, stored.version) == ("Tên của tôi", 2)
    assert events(registration, Action.EDITED).count() == 1


def test_edit_records_each_changed_field(world):
    registration = draft(world, name="Tên cũ", objectives="Mục tiêu")
    registration.name = "Tên mới"
    workflow.save_edit(world.donvi_a, registration, version=1)
    assert events(registration, Action.EDITED).get().changes == {"name": ["Tên cũ", "Tên mới"]}


def test_unit_cannot_edit_after_submitting(world):
    registration = draft(world, status=Status.SUBMITTED)
    registration.name = "Đổi tên"
    with pytest.raises(workflow.NotNow):
        workflow.save_edit(world.donvi_a, registration, version=1)


def test_staff_may_correct_an_accepted_registration(world):
    registration = draft(world, status=Status.ACCEPTED)
    registration.name = "Tên đã chỉnh"
    workflow.save_edit(world.canbo_xa, registration, version=1)
    assert Registration.objects.get(pk=registration.pk).name == "Tên đã chỉnh"


def test_nothing_edits_a_closed_year_but_an_administrator(world):
    registration = draft(world, status=Status.ACCEPTED)
    YearClosure.objects.create(area=world.province, year=YEAR)
    for user in (world.donvi_a, world.canbo_xa, world.canbo_tinh):
        registration.name = "Sửa sau khóa sổ"
        with pytest.raises(PermissionDenied):
            workflow.save_edit(user, registration, version=1)
    workflow.save_edit(world.admin, registration, version=1)
    assert Registration.objects.get(pk=registration.pk).name == "Sửa sau khóa sổ"


def test_no_transition_in_a_closed_year(world):
    registration = draft(world, status=Status.SUBMITTED)
    YearClosure.objects.create(area=world.commune_x, year=YEAR)
    with pytest.raises(PermissionDenied):
        workflow.accept(world.canbo_xa, registration)


def test_closing_a_year_writes_history_on_its_registrations(world):
    registration = draft(world, status=Status.ACCEPTED)
    workflow.close_year(world.canbo_xa, world.commune_x, YEAR)
    assert "Khóa sổ năm" in events(registration).get().reason
    assert events(registration).get().action == Action.LOCKED


def test_staff_cannot_close_another_area(world):
    with pytest.raises(PermissionDenied):
        workflow.close_year(world.canbo_xa_khac, world.commune_x, YEAR)


def test_closing_a_year_twice_is_refused(world):
    workflow.close_year(world.canbo_tinh, world.province, YEAR)
    with pytest.raises(workflow.NotNow):
        workflow.close_year(world.canbo_tinh, world.province, YEAR)
    assert YearClosure.objects.count() == 1


def test_mid_year_review_keeps_the_registration_accepted(world):
    registration = draft(world, status=Status.ACCEPTED)
    workflow.record_review(world.canbo_xa, registration, kind=ReviewKind.MID_YEAR,
                           review_date=datetime.date(YEAR, 6, 30), summary="Đúng tiến độ")
    assert Registration.objects.get(pk=registration.pk).status == Status.ACCEPTED
    assert events(registration, Action.REVIEWED).count() == 1


def test_year_end_review_sets_outcome_and_completes(world):
    registration = draft(world, status=Status.ACCEPTED)
    workflow.record_review(world.canbo_xa, registration, kind=ReviewKind.YEAR_END,
                           review_date=datetime.date(YEAR, 12, 15), outcome=Outcome.EXEMPLARY)
    stored = Registration.objects.get(pk=registration.pk)
    assert (stored.status, stored.outcome) == (Status.COMPLETED, Outcome.EXEMPLARY)
    assert events(registration, Action.COMPLETED).get().to_status == Status.COMPLETED


def test_year_end_review_without_outcome_is_refused(world):
    registration = draft(world, status=Status.ACCEPTED)
    with pytest.raises(workflow.NotNow):
        workflow.record_review(world.canbo_xa, registration, kind=ReviewKind.YEAR_END,
                               review_date=datetime.date(YEAR, 12, 15), outcome="")
    assert not registration.reviews.exists()


def test_reviewing_a_draft_is_refused(world):
    with pytest.raises(workflow.NotNow):
        workflow.record_review(world.canbo_xa, draft(world), kind=ReviewKind.MID_YEAR,
                               review_date=datetime.date(YEAR, 6, 1))


def test_criteria_assessment_is_stored_and_recorded(world):
    criteria_set = CriteriaSet.objects.create(unit_kind=world.kind, name="Bộ tiêu chí hội", year_from=2016)
    criterion = Criterion.objects.create(criteria_set=criteria_set, title="Có sự tham gia của nhân dân")
    registration = draft(world, status=Status.ACCEPTED)
    workflow.assess_criteria(world.canbo_xa, registration, [(criterion, True, "Tốt", None)])
    assessment = registration.assessments.get()
    assert (assessment.met, assessment.note, assessment.assessed_by) == (True, "Tốt", world.canbo_xa)
    assert events(registration, Action.ASSESSED).get().changes["Có sự tham gia của nhân dân"][1] == "Đạt: Tốt"


def test_unit_cannot_assess_criteria(world):
    with pytest.raises(PermissionDenied):
        workflow.assess_criteria(world.donvi_a, draft(world, status=Status.ACCEPTED), [])


def test_permissions_for_leader_are_all_read_only(world):
    assert not workflow.permissions_for(world.lanhdao, draft(world, status=Status.SUBMITTED)).any


def test_create_refuses_a_unit_outside_the_users_reach(world):
    for user, unit in ((world.donvi_a, world.unit_b), (world.canbo_xa_khac, world.unit_a), (world.lanhdao, world.unit_a)):
        with pytest.raises(PermissionDenied):
            workflow.create(user, Registration(unit=unit, year=YEAR, name="Không được", field="economy"))
    assert not Registration.objects.exists()


def test_create_records_the_creation(world):
    registration = workflow.create(world.canbo_xa,
                                   Registration(unit=world.unit_b, year=YEAR, name="Nhập thay", field="economy"))
    assert events(registration).get().action == Action.CREATED


def test_create_in_a_closed_year_is_refused(world):
    YearClosure.objects.create(area=world.province, year=YEAR)
    with pytest.raises(workflow.NotNow):
        workflow.create(world.donvi_a, Registration(unit=world.unit_a, year=YEAR, name="Muộn", field="economy"))


def test_staff_of_another_commune_cannot_act_on_the_registration(world):
    registration = draft(world, status=Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        workflow.accept(world.canbo_xa_khac, registration)
    with pytest.raises(PermissionDenied):
        workflow.submit(world.canbo_xa_khac, draft(world))
