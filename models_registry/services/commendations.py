"""Rules for choosing exemplars: proposals up the levels, decisions and commendations.

Views, the admin and the Excel import call these functions; none of them trusts a
form to have checked who may do what. Business refusals raise `NotNow`
(a ValidationError with a Vietnamese message); acting outside one's role raises
PermissionDenied.
"""
import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import AREA, EVERYTHING, may_create_round, may_decide, may_enter_commendations, may_propose, require, scope_of
from ..models import (
    PUBLISHED_STATUSES,
    Action,
    AreaLevel,
    Commendation,
    CommendationForm,
    CommendationRound,
    ExemplarKind,
    Level,
    Outcome,
    Proposal,
    ProposalStatus,
    Registration,
    ReviewKind,
    Source,
    Status,
    YearClosure,
)
from ..models.scoping import scope_for_user
from . import audit
from .errors import NotNow

LEVEL_OF_AREA = {
    AreaLevel.COMMUNE: Level.GRASSROOTS,
    AreaLevel.DISTRICT: Level.DISTRICT,
    AreaLevel.PROVINCE: Level.PROVINCE,
}
LEVEL_RANK = {Level.GRASSROOTS: 0, Level.DISTRICT: 1, Level.PROVINCE: 2}

def level_of_area(area):
    return LEVEL_OF_AREA[area.level]


def level_above(area):
    """The level an area proposes to: its parent's level (a commune since 2025 proposes to the province)."""
    if area.parent_id is None:
        return None
    return LEVEL_OF_AREA[area.parent.level]


def forms_for_level(level):
    return [form for form in CommendationForm.objects.all() if level in form.issuing_levels]


def recipient_of(commendation):
    """Who the certificate names: the typed recipient, else the person or the unit."""
    registration = commendation.registration
    if commendation.recipient_name:
        return commendation.recipient_name
    if registration.exemplar_kind == ExemplarKind.INDIVIDUAL and registration.person_name:
        return registration.person_name
    return registration.unit.name


# Rounds ---------------------------------------------------------------------------------------

def rounds_for_user(user):
    """Rounds a user may see: those of areas containing theirs (to propose to) and those inside it."""
    rounds = CommendationRound.objects.select_related("area")
    kind, area = scope_of(user)
    if kind == EVERYTHING:
        return rounds
    if kind != AREA:
        return rounds.none()
    return rounds.filter(area.containing_q("area") | area.scope_q("area"))


def round_is_open(commendation_round, today=None):
    today = today or timezone.localdate()
    return commendation_round.opens_on <= today <= commendation_round.closes_on


def create_round(user, *, name, year_from, year_to, opens_on, closes_on):
    """A round of the user's own area, at that area's level."""
    require(may_create_round(user), may_create_round.refusal)
    if year_to < year_from:
        raise NotNow(_("“Đến năm” phải bằng hoặc sau “Từ năm”."))
    if closes_on < opens_on:
        raise NotNow(_("Hạn nhận đề nghị phải bằng hoặc sau ngày mở nhận đề nghị."))
    return CommendationRound.objects.create(
        name=name, area=user.area, level=level_of_area(user.area), year_from=year_from, year_to=year_to,
        opens_on=opens_on, closes_on=closes_on,
    )


# Proposals ------------------------------------------------------------------------------------

WRONG_ROUND = gettext_lazy("Địa bàn %(area)s không đề nghị lên đợt này: chỉ đề nghị lên đợt của cấp trên trực tiếp.")


def require_may_propose(user, commendation_round):
    require(may_propose(user), may_propose.refusal)
    require(may_propose(user, commendation_round), WRONG_ROUND % {"area": user.area})


def rounds_open_to(user, today=None):
    """Open rounds the user may propose to (`access.may_propose`): the level above, run by an area containing theirs."""
    if not may_propose(user):
        return CommendationRound.objects.none()
    today = today or timezone.localdate()
    return CommendationRound.objects.filter(
        user.area.containing_q("area"), level=level_above(user.area), opens_on__lte=today, closes_on__gte=today,
    ).exclude(area=user.area)


def has_exemplary_year_end(registration):
    if registration.outcome == Outcome.EXEMPLARY:
        return True
    return registration.reviews.filter(kind=ReviewKind.YEAR_END, outcome=Outcome.EXEMPLARY).exists()


def proposable_registrations(user, commendation_round):
    """Registrations of the user's scope that could go to this round (not yet proposed to it)."""
    return (
        Registration.objects.for_user(user)
        .filter(
            status__in=PUBLISHED_STATUSES,
            year__gte=commendation_round.year_from,
            year__lte=commendation_round.year_to,
        )
        .exclude(proposals__round=commendation_round)
        .select_related("unit")
        .order_by("-year", "name")
    )


def check_votes(votes_for, votes_against, votes_present, vote_date, today=None):
    today = today or timezone.localdate()
    errors = {}
    if votes_present < 1:
        errors["votes_present"] = _("Phải có ít nhất một người dự họp bình xét.")
    elif votes_for + votes_against > votes_present:
        errors["votes_present"] = _(
            "Số phiếu tán thành (%(for)s) cộng số phiếu không tán thành (%(against)s) "
            "không được lớn hơn số người dự họp (%(present)s)."
        ) % {"for": votes_for, "against": votes_against, "present": votes_present}
    if vote_date is None:
        errors["vote_date"] = _("Hãy ghi ngày họp bình xét.")
    elif vote_date > today:
        errors["vote_date"] = _("Ngày họp bình xét không được sau hôm nay.")
    if errors:
        raise NotNow(errors)


def propose(user, commendation_round, registration, *, justification, votes_for, votes_against, votes_present,
            vote_date, reason_without_exemplary="", today=None):
    """Record one proposal and a line in the registration's history."""
    require_may_propose(user, commendation_round)
    if not Registration.objects.for_user(user).filter(pk=registration.pk).exists():
        raise PermissionDenied(_("Mô hình này không thuộc địa bàn của bạn."))
    if not round_is_open(commendation_round, today):
        raise NotNow(
            _("Đợt “%(round)s” chỉ nhận đề nghị từ %(opens)s đến %(closes)s.")
            % {
                "round": commendation_round,
                "opens": commendation_round.opens_on.strftime("%d/%m/%Y"),
                "closes": commendation_round.closes_on.strftime("%d/%m/%Y"),
            }
        )
    if registration.status not in PUBLISHED_STATUSES:
        raise NotNow(_("Chỉ đề nghị khen thưởng mô hình đã được duyệt."))
    if YearClosure.objects.covering(registration.area, registration.year).exists():
        # Selection happens before the year is closed; afterwards only recorded decisions are entered.
        raise NotNow(_("Năm %(year)s đã khóa sổ: không lập đề nghị mới cho mô hình của năm này.")
                                % {"year": registration.year})
    if not commendation_round.year_from <= registration.year <= commendation_round.year_to:
        raise NotNow(
            _("Mô hình năm %(year)s không thuộc thời gian của đợt (%(start)s–%(end)s).")
            % {"year": registration.year, "start": commendation_round.year_from, "end": commendation_round.year_to}
        )
    if Proposal.objects.filter(round=commendation_round, registration=registration).exists():
        raise NotNow(_("Mô hình này đã được đề nghị trong đợt này."))
    reason_without_exemplary = (reason_without_exemplary or "").strip()
    if not has_exemplary_year_end(registration) and not reason_without_exemplary:
        raise NotNow({"reason_without_exemplary": _(
            "Mô hình chưa được tổng kết cuối năm là điển hình: hãy ghi rõ lý do vẫn đề nghị khen thưởng."
        )})
    if not (justification or "").strip():
        raise NotNow({"justification": _("Hãy ghi thành tích, lý do đề nghị.")})
    check_votes(votes_for, votes_against, votes_present, vote_date, today)
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                round=commendation_round, registration=registration, proposing_area=user.area,
                justification=justification.strip(), reason_without_exemplary=reason_without_exemplary,
                votes_for=votes_for, votes_against=votes_against, votes_present=votes_present,
                vote_date=vote_date, proposed_by=user,
            )
            audit.record(
                registration, Action.PROPOSED, actor=user,
                reason=_("Đề nghị lên đợt “%(round)s”.") % {"round": commendation_round},
                changes={"proposal": ["", str(proposal.pk)]},
            )
    except IntegrityError as exc:
        # Two staff submitting at once: the unique constraint decides.
        raise NotNow(_("Mô hình này đã được đề nghị trong đợt này.")) from exc
    return proposal


def proposals_for_user(user):
    """Proposals whose registration lies in the user's scope (the deciding area sees all of its round).

    Unlike registrations, nothing here is public: an account without a role sees none.
    """
    proposals = Proposal.objects.select_related("round", "round__area", "registration", "registration__unit",
                                                "proposing_area")
    return scope_for_user(proposals, user, area_path="registration__area", unit_path="registration__unit")


# Decisions ------------------------------------------------------------------------------------

def require_may_decide(user, proposal):
    require(may_decide(user, proposal.round), _("Chỉ cán bộ Ban Dân vận của %(area)s mới được quyết định đợt này.")
            % {"area": proposal.round.area})


def _check_decider(user, proposal):
    require_may_decide(user, proposal)
    if proposal.status != ProposalStatus.PENDING:
        raise NotNow(_("Đề nghị này đã được quyết định."))


def _check_decision(form, level, decision_date, today=None):
    today = today or timezone.localdate()
    errors = {}
    if level not in form.issuing_levels:
        errors["form"] = _("Cấp %(level)s không được ban hành hình thức “%(form)s”.") % {
            "level": Level(level).label, "form": form.name,
        }
    if decision_date > today:
        errors["decision_date"] = _("Ngày quyết định không được sau hôm nay.")
    if errors:
        raise NotNow(errors)


def _mark_commended(user, registration, commendation, *, source=Source.PORTAL, batch=None):
    from_status = registration.status
    if from_status != Status.COMMENDED:
        Registration.objects.filter(pk=registration.pk).update(status=Status.COMMENDED, version=F("version") + 1)
        registration.status = Status.COMMENDED
    audit.record(
        registration, Action.COMMENDED, actor=user, source=source, batch=batch,
        from_status=from_status, to_status=Status.COMMENDED,
        reason=_("%(form)s theo quyết định số %(number)s ngày %(date)s của %(authority)s.") % {
            "form": commendation.form.name, "number": commendation.decision_number,
            "date": commendation.decision_date.strftime("%d/%m/%Y"), "authority": commendation.authority,
        },
    )


def _close_proposal(proposal, user, **fields):
    """Mark a pending proposal decided; refuse if another decision got there first."""
    decided = Proposal.objects.filter(pk=proposal.pk, status=ProposalStatus.PENDING).update(
        decided_by=user, decided_at=timezone.now(), **fields
    )
    if not decided:
        raise NotNow(_("Đề nghị này đã được quyết định."))
    proposal.refresh_from_db()


def accept(user, proposal, *, form, decision_number, decision_date, authority, recipient_name="", today=None):
    """The deciding area commends the proposed model."""
    _check_decider(user, proposal)
    _check_decision(form, proposal.round.level, decision_date, today)
    with transaction.atomic():
        _close_proposal(proposal, user, status=ProposalStatus.ACCEPTED)
        commendation = Commendation.objects.create(
            registration=proposal.registration, form=form, level=proposal.round.level,
            recipient_name=recipient_name.strip(), authority=authority.strip(),
            decision_number=decision_number.strip(), decision_date=decision_date, proposal=proposal, created_by=user,
        )
        _mark_commended(user, proposal.registration, commendation)
    return commendation


def decline(user, proposal, *, note):
    _check_decider(user, proposal)
    note = (note or "").strip()
    if not note:
        raise NotNow({"note": _("Hãy ghi lý do không khen thưởng.")})
    with transaction.atomic():
        _close_proposal(proposal, user, status=ProposalStatus.DECLINED, decision_note=note)
        audit.record(
            proposal.registration, Action.DECLINED, actor=user,
            reason=_("Đợt “%(round)s” không khen thưởng: %(note)s") % {"round": proposal.round, "note": note},
            changes={"proposal_status": [str(ProposalStatus.PENDING.label), str(ProposalStatus.DECLINED.label)]},
        )
    return proposal


# Direct entry ---------------------------------------------------------------------------------


def registrations_for_direct_entry(user, today=None):
    """Approved models of past years in the user's scope: those a paper decision may be recorded for."""
    today = today or timezone.localdate()
    return (
        Registration.objects.for_user(user)
        .filter(status__in=PUBLISHED_STATUSES, year__lt=today.year)
        .select_related("unit")
    )


def enter_directly(user, registration, *, form, level, decision_number, decision_date, authority,
                   recipient_name="", today=None):
    """Record a past year's commendation decided on paper, outside any round."""
    require(may_enter_commendations(user), may_enter_commendations.refusal)
    if not Registration.objects.for_user(user).filter(pk=registration.pk).exists():
        raise PermissionDenied(_("Mô hình này không thuộc địa bàn của bạn."))
    today = today or timezone.localdate()
    if registration.year >= today.year:
        raise NotNow(_(
            "Chỉ nhập trực tiếp khen thưởng của những năm trước; năm nay hãy đề nghị qua đợt khen thưởng."
        ))
    if registration.status not in PUBLISHED_STATUSES:
        raise NotNow(_("Chỉ ghi khen thưởng cho mô hình đã được duyệt."))
    _check_decision(form, level, decision_date, today)
    if decision_date < datetime.date(registration.year, 1, 1):
        raise NotNow({"decision_date": _("Ngày quyết định không được trước năm của mô hình.")})
    with transaction.atomic():
        commendation = Commendation.objects.create(
            registration=registration, form=form, level=level, recipient_name=recipient_name.strip(),
            authority=authority.strip(), decision_number=decision_number.strip(), decision_date=decision_date,
            created_by=user,
        )
        _mark_commended(user, registration, commendation)
    return commendation


def commendations_for_user(user):
    """Commendations whose registration lies in the user's scope; none for an account without a role,
    whose certificates answer as if they did not exist."""
    commendations = Commendation.objects.select_related("form", "registration", "registration__unit",
                                                        "registration__area")
    return scope_for_user(commendations, user, area_path="registration__area", unit_path="registration__unit")
