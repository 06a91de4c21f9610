"""Rules of proposals, decisions and direct entry (models_registry.services.commendations)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from models_registry.models import (
    Action,
    Commendation,
    Outcome,
    Proposal,
    ProposalStatus,
    Review,
    ReviewKind,
    Status,
    Structure,
    YearClosure,
)
from models_registry.services import commendations as rules

from .commendation_world import build_world, vote
from .factories import (
    make_commune,
    make_district,
    make_leader,
    make_province,
    make_registration,
    make_round,
    make_staff,
    make_unit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def propose(world, user=None, registration=None, commendation_round=None, **overrides):
    return rules.propose(
        user or world.commune_staff, commendation_round or world.round, registration or world.registration,
        **vote(world, **overrides),
    )


def accept(world, proposal, user=None, **overrides):
    values = {
        "form": world.bang_khen, "decision_number": "125-QĐ/BTGDV", "decision_date": world.today,
        "authority": "Ban Tuyên giáo và Dân vận Tỉnh ủy Vĩnh Long",
    }
    values.update(overrides)
    return rules.accept(user or world.province_staff, proposal, **values)


# Who may propose -------------------------------------------------------------------------------

def test_commune_staff_proposes_own_model_to_province_round(world):
    proposal = propose(world)
    assert proposal.proposing_area == world.commune
    assert proposal.status == ProposalStatus.PENDING
    assert world.registration.events.get().action == Action.PROPOSED


def test_province_staff_cannot_propose_to_its_own_round(world):
    with pytest.raises(PermissionDenied):
        propose(world, user=world.province_staff)
    assert not Proposal.objects.exists()


def test_staff_of_another_commune_cannot_propose_a_model_outside_their_area(world):
    with pytest.raises(PermissionDenied):
        propose(world, user=world.other_commune_staff)
    assert not Proposal.objects.exists()


def test_staff_of_another_province_cannot_propose_to_the_round(world):
    outsider = make_staff(make_commune(world.other_province))
    with pytest.raises(PermissionDenied):
        propose(world, user=outsider)


def test_unit_account_cannot_propose(world):
    with pytest.raises(PermissionDenied):
        propose(world, user=world.unit_user)


def test_leader_cannot_propose(world):
    leader_of_commune = make_leader(world.commune)
    with pytest.raises(PermissionDenied):
        propose(world, user=leader_of_commune)


def test_legacy_commune_proposes_to_its_district_not_the_province():
    build_world()
    province = make_province(structure=Structure.LEGACY)
    district = make_district(province)
    commune = make_commune(district)
    staff = make_staff(commune)
    registration = make_registration(make_unit(commune), status=Status.ACCEPTED, outcome=Outcome.EXEMPLARY,
                                     year=datetime.date.today().year)
    district_round = make_round(district)
    proposal = rules.propose(staff, district_round, registration, justification="Tốt", votes_for=5,
                             votes_against=0, votes_present=5, vote_date=datetime.date.today())
    assert proposal.round == district_round
    with pytest.raises(PermissionDenied):
        rules.require_may_propose(staff, make_round(province))


# Round open, no double proposal, votes --------------------------------------------------------

def test_closed_round_refuses_new_proposals(world):
    world.round.opens_on = world.today - datetime.timedelta(days=30)
    world.round.closes_on = world.yesterday
    world.round.save()
    with pytest.raises(rules.NotNow, match="chỉ nhận đề nghị từ"):
        propose(world)
    assert not Proposal.objects.exists()


def test_round_not_yet_open_refuses_proposals(world):
    world.round.opens_on = world.today + datetime.timedelta(days=1)
    world.round.closes_on = world.today + datetime.timedelta(days=10)
    world.round.save()
    with pytest.raises(rules.NotNow):
        propose(world)


def test_registration_cannot_be_proposed_twice_to_the_same_round(world):
    propose(world)
    with pytest.raises(rules.NotNow, match="đã được đề nghị trong đợt này"):
        propose(world)
    assert Proposal.objects.count() == 1


def test_votes_for_and_against_cannot_exceed_people_present(world):
    with pytest.raises(rules.NotNow) as error:
        propose(world, votes_for=15, votes_against=6, votes_present=20)
    assert "không được lớn hơn số người dự họp" in str(error.value.message_dict["votes_present"])
    assert not Proposal.objects.exists()


def test_vote_date_cannot_be_in_the_future(world):
    with pytest.raises(rules.NotNow) as error:
        propose(world, vote_date=world.today + datetime.timedelta(days=1))
    assert "vote_date" in error.value.message_dict


def test_database_refuses_inconsistent_votes(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.create(
            round=world.round, registration=world.registration, proposing_area=world.commune,
            justification="x", votes_for=3, votes_against=3, votes_present=5,
        )


# What may be proposed -------------------------------------------------------------------------

def test_model_without_exemplary_outcome_needs_a_reason(world):
    world.registration.outcome = Outcome.ACHIEVED
    world.registration.save()
    with pytest.raises(rules.NotNow) as error:
        propose(world)
    assert "reason_without_exemplary" in error.value.message_dict


def test_model_without_exemplary_outcome_goes_with_an_explicit_reason(world):
    world.registration.outcome = ""
    world.registration.save()
    proposal = propose(world, reason_without_exemplary="Tổng kết chưa làm vì thiên tai; kết quả đã rõ.")
    assert proposal.reason_without_exemplary.startswith("Tổng kết chưa làm")


def test_exemplary_year_end_review_counts_as_exemplary_outcome(world):
    world.registration.outcome = ""
    world.registration.save()
    Review.objects.create(registration=world.registration, kind=ReviewKind.YEAR_END, review_date=world.today,
                          outcome=Outcome.EXEMPLARY)
    assert propose(world).reason_without_exemplary == ""


def test_model_of_a_closed_year_cannot_be_proposed(world):
    YearClosure.objects.create(area=world.province, year=world.registration.year)
    with pytest.raises(rules.NotNow, match="đã khóa sổ"):
        propose(world)


def test_draft_registration_cannot_be_proposed(world):
    world.registration.status = Status.DRAFT
    world.registration.save()
    with pytest.raises(rules.NotNow, match="đã được duyệt"):
        propose(world)


def test_registration_of_a_year_outside_the_round_is_refused(world):
    old = make_registration(world.unit, year=world.today.year - 3, status=Status.COMPLETED, outcome=Outcome.EXEMPLARY)
    with pytest.raises(rules.NotNow, match="không thuộc thời gian của đợt"):
        propose(world, registration=old)


# Who sees rounds ------------------------------------------------------------------------------

def test_staff_see_rounds_of_areas_above_and_inside_theirs_only(world):
    commune_round = make_round(world.commune)
    assert set(rules.rounds_for_user(world.commune_staff)) == {world.round, commune_round}
    assert set(rules.rounds_for_user(world.province_staff)) == {world.round, commune_round}
    assert list(rules.rounds_for_user(world.other_province_staff)) == []
    assert list(rules.rounds_for_user(world.unit_user)) == []


def test_open_rounds_offered_to_commune_staff_are_those_of_the_level_above(world):
    make_round(world.commune)
    assert list(rules.rounds_open_to(world.commune_staff)) == [world.round]
    assert list(rules.rounds_open_to(world.province_staff)) == []


# Decisions ------------------------------------------------------------------------------------

def test_round_area_staff_accepts_creating_commendation_and_commended_status(world):
    proposal = propose(world)
    commendation = accept(world, proposal)
    world.registration.refresh_from_db()
    proposal.refresh_from_db()
    assert commendation.level == "province"
    assert commendation.proposal == proposal
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.decided_by == world.province_staff
    assert world.registration.status == Status.COMMENDED
    event = world.registration.events.get(action=Action.COMMENDED)
    assert (event.from_status, event.to_status, event.actor) == (Status.COMPLETED, Status.COMMENDED,
                                                                 world.province_staff)
    assert "125-QĐ/BTGDV" in event.reason


def test_proposing_staff_cannot_decide(world):
    proposal = propose(world)
    with pytest.raises(PermissionDenied):
        accept(world, proposal, user=world.commune_staff)
    assert not Commendation.objects.exists()


def test_staff_of_another_province_cannot_decide(world):
    proposal = propose(world)
    with pytest.raises(PermissionDenied):
        rules.decline(world.other_province_staff, proposal, note="Không")


def test_leader_of_the_round_area_cannot_decide(world):
    proposal = propose(world)
    with pytest.raises(PermissionDenied):
        accept(world, proposal, user=world.province_leader)


def test_form_not_issued_at_the_round_level_is_refused(world):
    proposal = propose(world)
    with pytest.raises(rules.NotNow) as error:
        accept(world, proposal, form=world.giay_khen)
    assert "không được ban hành" in str(error.value.message_dict["form"])


def test_decision_date_cannot_be_in_the_future(world):
    proposal = propose(world)
    with pytest.raises(rules.NotNow):
        accept(world, proposal, decision_date=world.today + datetime.timedelta(days=2))


def test_decline_needs_a_note(world):
    proposal = propose(world)
    with pytest.raises(rules.NotNow):
        rules.decline(world.province_staff, proposal, note="  ")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_decline_records_note_and_history_and_keeps_status(world):
    proposal = rules.decline(world.province_staff, propose(world), note="Chưa lan tỏa ra xã khác.")
    world.registration.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    assert proposal.decision_note == "Chưa lan tỏa ra xã khác."
    assert world.registration.status == Status.COMPLETED
    assert "Chưa lan tỏa" in world.registration.events.last().reason
    assert world.registration.events.last().action == Action.DECLINED


def test_decided_proposal_cannot_be_decided_again(world):
    proposal = propose(world)
    accept(world, proposal)
    with pytest.raises(rules.NotNow, match="đã được quyết định"):
        rules.decline(world.province_staff, proposal, note="Đổi ý")


def test_a_decision_made_meanwhile_by_a_colleague_wins(world):
    propose(world)
    seen_by_one, seen_by_other = Proposal.objects.get(), Proposal.objects.get()
    accept(world, seen_by_one)
    with pytest.raises(rules.NotNow, match="đã được quyết định"):
        rules.decline(world.province_staff, seen_by_other, note="Chưa đủ tiêu chí")
    assert Proposal.objects.get().status == ProposalStatus.ACCEPTED
    assert not world.registration.events.filter(reason__contains="Chưa đủ tiêu chí").exists()


# Direct entry ---------------------------------------------------------------------------------

def direct(world, registration, user=None, **overrides):
    values = {
        "form": world.giay_khen, "level": "district", "decision_number": "45-QĐ/HU",
        "decision_date": datetime.date(registration.year, 10, 15), "authority": "Huyện ủy Long Hồ",
    }
    values.update(overrides)
    return rules.enter_directly(user or world.commune_staff, registration, **values)


def test_direct_entry_records_a_past_year_commendation(world):
    past = make_registration(world.unit, year=world.today.year - 2, status=Status.COMPLETED)
    commendation = direct(world, past)
    past.refresh_from_db()
    assert commendation.proposal is None
    assert past.status == Status.COMMENDED
    assert past.events.get().action == Action.COMMENDED


def test_direct_entry_refuses_the_current_year(world):
    with pytest.raises(rules.NotNow, match="những năm trước"):
        direct(world, world.registration, decision_date=world.today)
    assert not Commendation.objects.exists()


def test_direct_entry_refuses_a_model_outside_the_staff_area(world):
    past = make_registration(world.unit, year=world.today.year - 2, status=Status.COMPLETED)
    with pytest.raises(PermissionDenied):
        direct(world, past, user=world.other_commune_staff)


def test_direct_entry_refuses_a_decision_dated_before_the_model_year(world):
    past = make_registration(world.unit, year=world.today.year - 2, status=Status.COMPLETED)
    with pytest.raises(rules.NotNow) as error:
        direct(world, past, decision_date=datetime.date(past.year - 1, 12, 31))
    assert "decision_date" in error.value.message_dict
