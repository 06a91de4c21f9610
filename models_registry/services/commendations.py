"""Rules for choosing exemplars: proposals up the levels, decisions and commendations.

Views, the admin and the Excel import call these functions; none of them trusts a
form to have checked who may do what. Business refusals raise `NotNow`
(a ValidationError with a Vietnamese message); acting outside one's role raises
PermissionDenied.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import access
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
    NotificationKind,
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
from ..models.validators import validate_date, validate_year
from ..text import single_line
from . import audit, notifications
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
    errors = {}
    for field, check, value in (("year_from", validate_year, year_from), ("year_to", validate_year, year_to),
                                ("opens_on", validate_date, opens_on), ("closes_on", validate_date, closes_on)):
        try:
            check(value)
        except ValidationError as error:
            errors[field] = error.messages
    if errors:
        raise NotNow(errors)
    if year_to < year_from:
        raise NotNow(_("“Đến năm” phải bằng hoặc sau “Từ năm”."))
    if closes_on < opens_on:
        raise NotNow(_("Hạn nhận đề nghị phải bằng hoặc sau ngày mở nhận đề nghị."))
    same = {"name": single_line(name), "area": user.area, "level": level_of_area(user.area), "year_from": year_from,
            "year_to": year_to}
    opened_twice = NotNow({"name": _("Địa bàn đã mở đợt “%(name)s” cho những năm này.") % {"name": same["name"]}})
    if CommendationRound.objects.filter(**same).exists():
        raise opened_twice
    try:
        with transaction.atomic():
            return CommendationRound.objects.create(opens_on=opens_on, closes_on=closes_on, **same)
    except IntegrityError as exc:
        # Two submits at once: the unique constraint decides.
        raise opened_twice from exc


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
    else:
        try:
            validate_date(decision_date)
        except ValidationError as error:
            errors["decision_date"] = error.messages[0]
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
    notifications.registration_changed(registration, NotificationKind.COMMENDED, reason=_(
        "%(form)s theo quyết định số %(number)s.") % {"form": commendation.form.name,
                                                      "number": commendation.decision_number})


def _close_proposal(proposal, user, **fields):
    """Mark a pending proposal decided; refuse if another decision got there first."""
    decided = Proposal.objects.filter(pk=proposal.pk, status=ProposalStatus.PENDING).update(
        decided_by=user, decided_at=timezone.now(), **fields
    )
    if not decided:
        raise NotNow(_("Đề nghị này đã được quyết định."))
    proposal.refresh_from_db()


SIGNER_FIELDS = ("signing_capacity", "signing_for", "signer_position", "signer_name")


def _signer_fields(signer):
    unknown = set(signer) - set(SIGNER_FIELDS)
    if unknown:
        raise TypeError(f"unexpected arguments: {sorted(unknown)}")
    return {name: (signer.get(name) or "").strip() for name in SIGNER_FIELDS}


def accept(user, proposal, *, form, decision_number, decision_date, authority, recipient_name="", today=None,
           **signer):
    """The deciding area commends the proposed model. `signer`: the SIGNER_FIELDS of the decision."""
    _check_decider(user, proposal)
    _check_decision(form, proposal.round.level, decision_date, today)
    _refuse_recorded_decision(proposal.registration, form, decision_number)
    try:
        with transaction.atomic():
            _close_proposal(proposal, user, status=ProposalStatus.ACCEPTED)
            commendation = Commendation.objects.create(
                registration=proposal.registration, form=form, level=proposal.round.level,
                recipient_name=recipient_name.strip(), authority=authority.strip(),
                decision_number=decision_number.strip(), decision_date=decision_date, proposal=proposal,
                created_by=user, **_signer_fields(signer),
            )
            _mark_commended(user, proposal.registration, commendation)
    except IntegrityError as exc:
        raise NotNow(RECORDED_TWICE) from exc
    return commendation


RECORDED_TWICE = gettext_lazy(
    "Quyết định này đã được ghi cho mô hình với hình thức khen thưởng này; không ghi lần thứ hai."
)


def _refuse_recorded_decision(registration, form, decision_number):
    """The friendly refusal of a decision already recorded; under concurrency the unique constraint
    (registration, form, normalised number) decides, and its IntegrityError becomes the same message."""
    key = Commendation._meta.get_field("decision_key").key_of(decision_number)
    if not key:
        raise NotNow({"decision_number": _("Hãy ghi số quyết định.")})
    if Commendation.objects.filter(registration=registration, form=form, decision_key=key).exists():
        raise NotNow({"decision_number": RECORDED_TWICE})


def _refuse_closed_year(user, registration, *, lock=False):
    """Direct entry adds to a closed year's record, which only an administrator may change."""
    if user.is_superuser:
        return
    closures = YearClosure.objects
    closed = (closures.lock_covering(registration.area, registration.year) if lock
              else closures.covering(registration.area, registration.year).exists())
    if closed:
        raise NotNow(_("Năm %(year)s đã khóa sổ: chỉ quản trị viên mới ghi thêm khen thưởng cho mô hình của năm này.")
                     % {"year": registration.year})


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
                   recipient_name="", today=None, **signer):
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
    _refuse_closed_year(user, registration)
    _refuse_recorded_decision(registration, form, decision_number)
    try:
        with transaction.atomic():
            _refuse_closed_year(user, registration, lock=True)
            commendation = Commendation.objects.create(
                registration=registration, form=form, level=level, recipient_name=recipient_name.strip(),
                authority=authority.strip(), decision_number=decision_number.strip(), decision_date=decision_date,
                created_by=user, **_signer_fields(signer),
            )
            _mark_commended(user, registration, commendation)
    except IntegrityError as exc:
        raise NotNow(RECORDED_TWICE) from exc
    return commendation


def commendations_for_user(user):
    """Commendations whose registration lies in the user's scope; none for an account without a role,
    whose certificates answer as if they did not exist."""
    commendations = Commendation.objects.select_related("form", "registration", "registration__unit",
                                                        "registration__area")
    return scope_for_user(commendations, user, area_path="registration__area", unit_path="registration__unit")


# Decisions as documents -----------------------------------------------------------------------

def decision_q(commendation):
    """The commendations recorded under the same decision: number, date and issuing body."""
    return Q(
        decision_number=commendation.decision_number, decision_date=commendation.decision_date,
        authority=commendation.authority,
    )


def decision_commendations(user, commendation):
    """The commendations of `commendation`'s decision that the user may see, in the annex's order."""
    return (
        commendations_for_user(user)
        .filter(decision_q(commendation))
        .select_related("proposal__round__area", "registration__unit", "registration__area", "form")
        .order_by("registration__exemplar_kind", "form__order", "registration__unit__name", "pk")
    )


def commendation_by_code(code):
    """The commendation a certificate's QR code names, revoked ones included; None when unknown."""
    return (
        Commendation.objects.filter(verification_code=code)
        .select_related("form", "registration__unit", "registration__area", "proposal__round__area")
        .first()
    )


# Achievement history and eligibility ----------------------------------------------------------

def subject_registrations(registration):
    """The registrations of the same subject over the years: the unit's own collective models, or
    the same person (same name, same unit) for an individual exemplar."""
    registrations = Registration.objects.filter(unit_id=registration.unit_id)
    if registration.exemplar_kind == ExemplarKind.INDIVIDUAL and registration.person_name:
        return registrations.filter(exemplar_kind=ExemplarKind.INDIVIDUAL, person_name__iexact=registration.person_name)
    return registrations.filter(exemplar_kind=ExemplarKind.COLLECTIVE)


def history_rows(registrations):
    """Each model with its commendations (revoked ones included, to be marked), newest year first."""
    registrations = list(
        registrations.select_related("area").prefetch_related("commendations__form").order_by("-year", "name")
    )
    return [(r, sorted(r.commendations.all(), key=lambda c: c.decision_date)) for r in registrations]


def same_model_ids(registration):
    """The registration and the earlier years of the same model it continues (`continues` links)."""
    ids, current, seen = [], registration, set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        ids.append(current.pk)
        current = current.continues
    return ids


def warnings_for(registration, level):
    """Facts to weigh before proposing `registration` to a round at `level`; never a refusal."""
    warnings = []
    active = Commendation.objects.active().select_related("form", "registration")
    for commendation in active.filter(registration__in=same_model_ids(registration), level=level).order_by("decision_date"):
        warnings.append(_(
            "Mô hình “%(model)s” (năm %(year)s) đã được %(form)s cấp %(level)s theo Quyết định số %(number)s "
            "ngày %(date)s: xem lại có trùng thành tích không."
        ) % {
            "model": commendation.registration.name, "year": commendation.registration.year,
            "form": commendation.form.name, "level": Level(level).label.lower(),
            "number": commendation.decision_number, "date": commendation.decision_date.strftime("%d/%m/%Y"),
        })
    earlier = active.filter(registration__in=subject_registrations(registration))
    for form in forms_for_level(level):
        needed = form.prerequisite_form
        if needed is None or not form.prerequisite_count:
            continue
        held = earlier.filter(form=needed).count()
        if held < form.prerequisite_count:
            warnings.append(_(
                "%(form)s thường cần có %(count)s lần %(needed)s trước đó; %(subject)s mới có %(held)s lần."
            ) % {
                "form": form.name, "count": form.prerequisite_count, "needed": needed.name,
                "subject": _("cá nhân này") if registration.exemplar_kind == ExemplarKind.INDIVIDUAL else _("tập thể này"),
                "held": held,
            })
    return warnings


# Revocation -----------------------------------------------------------------------------------

def revoke(user, commendations, *, ground, decision_number, decision_date, today=None):
    """Revoke commendations (one, or all of a decision) by a revoking decision.

    Revoked ones stay on record with the ground, leave the counts and the public page, and
    their certificates verify as revoked. A model with no commendation left is no longer "commended".
    """
    from ..models import RevocationGround

    commendations = list(commendations)
    if not commendations:
        raise NotNow(_("Không có khen thưởng nào để thu hồi."))
    for commendation in commendations:
        if not access.may_revoke(user, commendation):
            raise PermissionDenied(_("Chỉ cán bộ của cấp đã quyết định mới được thu hồi khen thưởng."))
    today = today or timezone.localdate()
    errors = {}
    if ground not in RevocationGround.values:
        errors["ground"] = _("Hãy chọn căn cứ thu hồi.")
    decision_number = (decision_number or "").strip()
    if not decision_number:
        errors["decision_number"] = _("Hãy ghi số quyết định thu hồi.")
    if decision_date is None:
        errors["decision_date"] = _("Hãy ghi ngày quyết định thu hồi.")
    elif decision_date > today:
        errors["decision_date"] = _("Ngày quyết định thu hồi không được sau hôm nay.")
    elif any(decision_date < c.decision_date for c in commendations):
        errors["decision_date"] = _("Ngày quyết định thu hồi không được trước ngày quyết định khen thưởng.")
    if errors:
        raise NotNow(errors)
    with transaction.atomic():
        pks = [c.pk for c in commendations]
        revoked = Commendation.objects.filter(pk__in=pks, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revocation_ground=ground, revoking_decision_number=decision_number,
            revoking_decision_date=decision_date, revoked_by=user,
        )
        if revoked != len(pks):
            raise NotNow(_("Khen thưởng này đã bị thu hồi."))
        for commendation in commendations:
            registration = commendation.registration
            reason = _("Thu hồi %(form)s (Quyết định số %(number)s) theo Quyết định số %(revoking)s ngày %(date)s: "
                       "%(ground)s.") % {
                "form": commendation.form.name, "number": commendation.decision_number, "revoking": decision_number,
                "date": decision_date.strftime("%d/%m/%Y"), "ground": RevocationGround(ground).label,
            }
            from_status = registration.status
            to_status = from_status
            still_commended = registration.commendations.active().exists()
            if from_status == Status.COMMENDED and not still_commended:
                to_status = Status.COMPLETED if registration.outcome else Status.ACCEPTED
                Registration.objects.filter(pk=registration.pk).update(status=to_status, version=F("version") + 1)
                registration.status = to_status
            audit.record(registration, Action.REVOKED, actor=user, from_status=from_status, to_status=to_status,
                         reason=reason)
    for commendation in commendations:
        commendation.refresh_from_db()
    return commendations
