"""A registration's lifecycle: who may do what, and the transitions themselves.

Every change goes through a function here and writes the registration's history
via `audit`. Transitions are conditional UPDATEs on (status, version), so a
double-clicked button or two people acting at once change the row only once.
"""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..access import is_owner, may_close_year, may_enter_for_units, may_review, require
from ..models import (
    Action,
    AdminArea,
    Attachment,
    CriteriaSet,
    CriterionAssessment,
    ExemplarKind,
    NotificationKind,
    Outcome,
    Registration,
    RegistrationEvent,
    Review,
    ReviewKind,
    Source,
    Status,
    YearClosure,
)
from ..models.validators import validate_date
from . import audit, notifications
from .errors import NotNow, StaleEdit

EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
SUBMITTABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
REVIEWABLE_STATUSES = (Status.ACCEPTED, Status.COMPLETED)
WITHDRAWABLE_STATUSES = (Status.SUBMITTED, Status.ACCEPTED)
# Where a reopened model goes: back to the queue, or back to the unit with the reason.
REOPEN_TARGETS = (Status.SUBMITTED, Status.RETURNED)
# A draft may hold just a name; these are asked for when it is sent.
SUBMIT_REQUIRED_FIELDS = ("name", "field", "objectives", "content", "success_indicators")
ASSESSABLE_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.COMPLETED)
# Staff correct a registration at any point until the year is closed; withdrawn ones stay as they were.
STAFF_EDITABLE_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED, Status.COMPLETED)

# Fields whose edits are recorded field by field in the history.
TRACKED_FIELDS = (
    "unit", "year", "name", "field", "level", "exemplar_kind", "person_name", "person_position", "is_new",
    "continues", "situation", "objectives", "content", "target_group", "target_area", "lead_force", "partners",
    "resources", "start_date", "milestones", "evaluation_date", "expected_results", "sustainability",
    "success_indicators", "participants", "beneficiaries", "money_mobilised", "land_donated_m2", "work_days",
    "houses", "households_out_of_poverty", "results", "outcome",
)



def is_year_closed(registration):
    return YearClosure.objects.covering(registration.area, registration.year).exists()


@dataclass(frozen=True)
class Permissions:
    """What one user may do to one registration right now (computed with one closure query)."""

    edit: bool
    submit: bool
    accept: bool
    return_: bool
    report_results: bool
    upload: bool
    assess: bool
    review: bool
    reopen: bool
    withdraw: bool
    delete: bool
    locked: bool
    owner: bool
    reviewer: bool

    @property
    def any(self):
        return self.upload or self.buttons

    @property
    def buttons(self):
        """Whether the page's action bar has anything to offer (evidence upload has its own box)."""
        return any((self.edit, self.submit, self.accept, self.return_, self.report_results, self.assess, self.review,
                    self.reopen, self.withdraw, self.delete))

    @property
    def delete_evidence(self):
        return self.edit


def permissions_for(user, registration):
    locked = is_year_closed(registration)
    status = registration.status
    is_reviewer_here = may_review(user, registration)
    is_owner_here = is_owner(user, registration)
    writable = user.is_superuser or not locked
    reviewer = is_reviewer_here and writable
    owner = is_owner_here and writable
    return Permissions(
        edit=(owner and status in EDITABLE_STATUSES) or (reviewer and status in STAFF_EDITABLE_STATUSES),
        submit=(owner or reviewer) and status in SUBMITTABLE_STATUSES,
        accept=reviewer and status == Status.SUBMITTED,
        return_=reviewer and status == Status.SUBMITTED,
        report_results=(owner and status == Status.ACCEPTED) or (reviewer and status in STAFF_EDITABLE_STATUSES),
        upload=(owner or reviewer) and status != Status.WITHDRAWN,
        assess=reviewer and status in ASSESSABLE_STATUSES,
        review=reviewer and status in REVIEWABLE_STATUSES,
        reopen=reviewer and status == Status.ACCEPTED,
        withdraw=(owner or reviewer) and status in WITHDRAWABLE_STATUSES,
        delete=(owner or reviewer) and status == Status.DRAFT,
        locked=locked,
        owner=is_owner_here,
        reviewer=is_reviewer_here,
    )



def _locked_message(registration):
    return _("Năm %(year)s đã khóa sổ: mô hình chỉ còn để xem.") % {"year": registration.year}


def _still_open(user, area, year):
    """Inside the write's transaction, before it locks any registration row: the year may have been
    closed since the checks above. The locks taken here keep a closure from committing before this
    write does (YearClosure.objects.lock_covering); administrators may write in a closed year."""
    if not user.is_superuser and YearClosure.objects.lock_covering(area, year):
        raise NotNow(_("Năm %(year)s đã khóa sổ: mô hình chỉ còn để xem.") % {"year": year})


# Which flags need a reviewer (staff or administrator); the others are open to the owning unit too.
REVIEWER_FLAGS = ("accept", "return_", "assess", "review", "reopen")


def _check(user, registration, flag):
    """403 when the role may never do this here; a NotNow when only the status stands in the way."""
    perms = permissions_for(user, registration)
    if perms.locked and not user.is_superuser:
        raise PermissionDenied(_locked_message(registration))
    allowed_role = perms.reviewer if flag in REVIEWER_FLAGS else (perms.reviewer or perms.owner)
    require(allowed_role, _("Bạn không có quyền thực hiện thao tác này với mô hình."))
    if not getattr(perms, flag):
        raise NotNow(
            _("Không thể thực hiện thao tác này khi mô hình đang ở trạng thái “%(status)s”.")
            % {"status": registration.get_status_display()}
        )


# Transitions the unit is told about, in its inbox and by email.
NOTIFIED_ACTIONS = {
    Action.ACCEPTED: NotificationKind.ACCEPTED,
    Action.RETURNED: NotificationKind.RETURNED,
    Action.REOPENED: NotificationKind.REOPENED,
}


def _transition(user, registration, *, from_statuses, to_status, action, reason="", version=None, source=Source.PORTAL,
                extra=None, changes=None):
    """Move the registration to `to_status` if it is still in `from_statuses` (and at `version`, if given)."""
    rows = Registration.objects.filter(pk=registration.pk, status__in=from_statuses)
    if version is not None:
        rows = rows.filter(version=version)
    extra = extra or {}
    with transaction.atomic():
        _still_open(user, registration.area, registration.year)
        updated = rows.update(status=to_status, version=F("version") + 1, updated_at=timezone.now(), **extra)
        if not updated:
            current = Registration.objects.get(pk=registration.pk)
            raise NotNow(
                _("Thao tác không được thực hiện vì mô hình đã ở trạng thái “%(status)s” "
                  "(có thể do bấm hai lần, hoặc người khác vừa xử lý).")
                % {"status": current.get_status_display()}
            )
        audit.record(registration, action, actor=user, source=source, from_status=registration.status,
                     to_status=to_status, reason=reason, changes=changes)
        if action in NOTIFIED_ACTIONS:
            notifications.registration_changed(registration, NOTIFIED_ACTIONS[action], reason=reason)
    registration.refresh_from_db()
    return registration


def missing_for_submit(registration):
    """Labels of the fields a registration still lacks before it can be sent."""
    names = list(SUBMIT_REQUIRED_FIELDS)
    if registration.exemplar_kind == ExemplarKind.INDIVIDUAL:
        names.append("person_name")
    return [str(Registration._meta.get_field(name).verbose_name) for name in names
            if not str(getattr(registration, name) or "").strip()]


def _require_complete(registration):
    missing = missing_for_submit(registration)
    if missing:
        raise NotNow(
            ngettext("Chưa gửi được: còn thiếu mục %(fields)s.", "Chưa gửi được: còn thiếu các mục %(fields)s.",
                     len(missing)) % {"fields": ", ".join(missing)}
        )


def submit(user, registration, *, version=None, source=Source.PORTAL):
    _check(user, registration, "submit")
    _require_complete(registration)
    return _transition(user, registration, from_statuses=SUBMITTABLE_STATUSES, to_status=Status.SUBMITTED,
                       action=Action.SUBMITTED, version=version, source=source)


@dataclass(frozen=True)
class CriteriaResult:
    """How a registration stands against its unit kind's criteria set."""

    total: int
    met: int
    unmet: int

    @property
    def unassessed(self):
        return max(self.total - self.met - self.unmet, 0)

    @property
    def shortfall(self):
        """Whether accepting needs a stated reason: a criterion not met or not assessed."""
        return bool(self.unmet or self.unassessed)

    @property
    def label(self):
        if not self.total:
            return _("Không có bộ tiêu chí")
        if self.unassessed == self.total:
            return _("Chưa đánh giá")
        if not self.shortfall:
            return ngettext("Đạt đủ %(n)s tiêu chí", "Đạt đủ %(n)s tiêu chí", self.total) % {"n": self.total}
        parts = []
        if self.unmet:
            parts.append(ngettext("%(n)s tiêu chí chưa đạt", "%(n)s tiêu chí chưa đạt", self.unmet) % {"n": self.unmet})
        if self.unassessed:
            parts.append(ngettext("%(n)s chưa đánh giá", "%(n)s chưa đánh giá", self.unassessed) % {"n": self.unassessed})
        return ", ".join(parts)


def criteria_result(registration, *, criteria_set=None, met=None, unmet=None):
    """The result from the assessments (or from counts already annotated on a list's rows)."""
    if criteria_set is None:
        criteria_set = CriteriaSet.for_kind(registration.unit_kind, registration.year)
    if criteria_set is None:
        return CriteriaResult(0, 0, 0)
    ids = [c.pk for c in criteria_set.criteria.all()]
    if met is None or unmet is None:
        flags = list(registration.assessments.filter(criterion__in=ids).values_list("met", flat=True))
        met, unmet = flags.count(True), flags.count(False)
    return CriteriaResult(len(ids), met, unmet)


def accept(user, registration, *, version=None, reason="", source=Source.PORTAL, result=None):
    """Accept a submitted model. A criterion not met or not assessed needs a reason, kept in the history."""
    _check(user, registration, "accept")
    reason = (reason or "").strip()
    result = result or criteria_result(registration)
    if result.shortfall and not reason:
        raise NotNow(
            _("Mô hình còn tiêu chí chưa đạt hoặc chưa đánh giá (%(result)s): hãy ghi lý do vẫn duyệt.")
            % {"result": result.label}
        )
    return _transition(user, registration, from_statuses=(Status.SUBMITTED,), to_status=Status.ACCEPTED,
                       action=Action.ACCEPTED, version=version, source=source, reason=reason,
                       extra={"return_reason": ""})


def return_with_reason(user, registration, reason, *, version=None, source=Source.PORTAL):
    _check(user, registration, "return_")
    reason = (reason or "").strip()
    if not reason:
        raise NotNow(_("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì."))
    return _transition(user, registration, from_statuses=(Status.SUBMITTED,), to_status=Status.RETURNED,
                       action=Action.RETURNED, reason=reason, version=version, source=source,
                       extra={"return_reason": reason})


def reopen(user, registration, *, to_status, reason, version=None, source=Source.PORTAL):
    """Take back an acceptance while the year is open: the model leaves the public pages at once."""
    _check(user, registration, "reopen")
    reason = (reason or "").strip()
    if to_status not in REOPEN_TARGETS:
        raise NotNow(_("Chỉ mở lại về “chờ duyệt” hoặc “trả lại để sửa”."))
    if not reason:
        raise NotNow(_("Hãy ghi lý do mở lại mô hình đã duyệt."))
    extra = {"return_reason": reason if to_status == Status.RETURNED else ""}
    return _transition(user, registration, from_statuses=(Status.ACCEPTED,), to_status=to_status,
                       action=Action.REOPENED, reason=reason, version=version, source=source, extra=extra)


def withdraw(user, registration, reason, *, version=None, source=Source.PORTAL):
    """The unit (or staff for it) takes a sent or accepted model back: it leaves counts and public pages."""
    _check(user, registration, "withdraw")
    reason = (reason or "").strip()
    if not reason:
        raise NotNow(_("Hãy ghi lý do rút mô hình."))
    return _transition(user, registration, from_statuses=WITHDRAWABLE_STATUSES, to_status=Status.WITHDRAWN,
                       action=Action.WITHDRAWN, reason=reason, version=version, source=source)


def delete_draft(user, registration):
    """Delete a draft nobody has been sent: no history is kept, there is nothing left to account for."""
    _check(user, registration, "delete")
    with transaction.atomic():
        _still_open(user, registration.area, registration.year)
        stored = Registration.objects.select_for_update().get(pk=registration.pk)
        if stored.status != Status.DRAFT:
            raise NotNow(_("Chỉ xóa được bản nháp; mô hình đã gửi thì hãy rút."))
        files = [attachment.file for attachment in stored.attachments.all()]
        stored.delete()
        transaction.on_commit(lambda: [file.delete(save=False) for file in files])


def delete_attachment(user, attachment, *, source=Source.PORTAL):
    """Remove evidence while the registration may still be edited; the history names the file."""
    registration = attachment.registration
    _check(user, registration, "edit")
    with transaction.atomic():
        _still_open(user, registration.area, registration.year)
        file = attachment.file
        name = attachment.original_name
        attachment.delete()
        audit.record(registration, Action.DETACHED, actor=user, source=source, changes={"attachment": [name, ""]})
        transaction.on_commit(lambda: file.delete(save=False))


@dataclass
class BulkOutcome:
    done: list
    refused: list  # (registration, message)


def bulk_accept(user, registrations, *, reason="", source=Source.PORTAL):
    """Accept each one by itself, so every model gets its own history line and one refusal stops no other."""
    return _each(registrations, lambda registration: accept(user, registration, reason=reason, source=source,
                                                            version=registration.version))


def bulk_return(user, registrations, reason, *, source=Source.PORTAL):
    reason = (reason or "").strip()
    if not reason:
        raise NotNow(_("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì."))
    return _each(registrations, lambda registration: return_with_reason(user, registration, reason, source=source,
                                                                        version=registration.version))


def _each(registrations, action):
    outcome = BulkOutcome([], [])
    for registration in registrations:
        try:
            outcome.done.append(action(registration))
        except (NotNow, PermissionDenied) as error:
            outcome.refused.append((registration, _message(error)))
    return outcome


def _message(error):
    return " ".join(error.messages) if isinstance(error, NotNow) else str(error)


def create(user, registration, *, source=Source.PORTAL, approved_on_paper=False):
    """Save a new registration for a unit the user answers for (its own, or one inside a staff's area).

    Staff typing in a form the commission already approved on paper take it straight to accepted;
    the history says so.
    """
    require(
        is_owner(user, registration) or may_enter_for_units(user, registration.unit),
        _("Bạn không được đăng ký mô hình cho đơn vị này."),
    )
    if YearClosure.objects.covering(registration.unit.area, registration.year).exists() and not user.is_superuser:
        raise NotNow(_locked_message(registration))
    if approved_on_paper:
        require(may_review(user), _("Chỉ cán bộ Ban Dân vận ghi nhận được mô hình đã duyệt trên giấy."))
        _require_complete(registration)
    registration.status = Status.DRAFT
    registration.version = 1
    try:
        with transaction.atomic():
            _still_open(user, registration.unit.area, registration.year)
            registration.save()
            audit.record(registration, Action.CREATED, actor=user, source=source, to_status=Status.DRAFT)
            if approved_on_paper:
                _transition(user, registration, from_statuses=(Status.DRAFT,), to_status=Status.ACCEPTED,
                            action=Action.ACCEPTED, source=source,
                            reason=_("Nhập từ hồ sơ giấy đã được duyệt; ghi nhận duyệt ngay khi nhập."))
    except IntegrityError:
        raise NotNow(_("Đơn vị đã đăng ký một mô hình cùng tên trong năm này.")) from None
    return registration


def save_edit(user, registration, *, version, flag="edit", reason="", source=Source.PORTAL):
    """Save a form-edited registration unless someone else saved it since the form was opened.

    `registration` carries the new values (a ModelForm's instance); the stored row is
    re-read inside the transaction to compute what changed.
    """
    stored = Registration.objects.select_related("area").get(pk=registration.pk)
    _check(user, stored, flag)
    with transaction.atomic():
        _still_open(user, stored.area, stored.year)
        claimed = Registration.objects.filter(pk=stored.pk, version=version).update(version=F("version") + 1)
        if not claimed:
            raise StaleEdit(
                _("Mô hình vừa được người khác sửa sau khi bạn mở trang. Thay đổi của bạn chưa được lưu; "
                  "hãy tải lại trang để xem bản mới nhất rồi sửa lại.")
            )
        stored = Registration.objects.select_for_update().get(pk=stored.pk)
        changes = audit.changed_fields(stored, registration, TRACKED_FIELDS)
        registration.version = stored.version
        registration.status = stored.status
        if registration.unit_id != stored.unit_id:
            registration.area_id = registration.unit.area_id
            registration.unit_kind_id = registration.unit.kind_id
        moved = (registration.year, registration.area_id) != (stored.year, stored.area_id)
        if moved:
            _still_open(user, registration.area, registration.year)
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:
            raise NotNow(_("Đơn vị đã đăng ký một mô hình cùng tên trong năm này.")) from None
        audit.record(registration, Action.EDITED, actor=user, source=source, reason=reason, changes=changes)
    return registration


def add_attachment(user, registration, *, file, content_type, caption="", is_public=False, source=Source.PORTAL):
    _check(user, registration, "upload")
    with transaction.atomic():
        _still_open(user, registration.area, registration.year)
        attachment = Attachment(
            registration=registration, original_name=file.name[:255], content_type=content_type, size=file.size,
            caption=caption, is_public=is_public, uploaded_by=user if user.is_authenticated else None,
        )
        attachment.file.save(file.name, file, save=False)
        attachment.save()
        audit.record(registration, Action.ATTACHED, actor=user, source=source,
                     changes={"attachment": ["", attachment.original_name]})
    return attachment


def assess_criteria(user, registration, rows, *, source=Source.PORTAL):
    """Record met / not met, a note and evidence per criterion; `rows` holds (criterion, met, note, evidence)."""
    _check(user, registration, "assess")
    existing = {a.criterion_id: a for a in registration.assessments.all()}
    changes = {}
    with transaction.atomic():
        _still_open(user, registration.area, registration.year)
        for criterion, met, note, evidence in rows:
            old = existing.get(criterion.pk)
            before = _assessment_text(old.met, old.note) if old else ""
            after = _assessment_text(met, note)
            if old is None:
                if met is None and not note and evidence is None:
                    continue
                CriterionAssessment.objects.create(registration=registration, criterion=criterion, met=met, note=note,
                                                   evidence=evidence, assessed_by=user)
            elif (old.met, old.note, old.evidence_id) != (met, note, evidence.pk if evidence else None):
                old.met, old.note, old.evidence, old.assessed_by = met, note, evidence, user
                old.save()
            else:
                continue
            changes[criterion.title[:80]] = [before, after]
        if changes:
            audit.record(registration, Action.ASSESSED, actor=user, source=source, changes=changes)
    return changes


def _assessment_text(met, note):
    label = {True: _("Đạt"), False: _("Chưa đạt"), None: _("Chưa đánh giá")}[met]
    return f"{label}: {note}" if note else label


def record_review(user, registration, *, kind, review_date, outcome="", summary="", source=Source.PORTAL):
    """Mid-year or year-end review; the year-end one sets the outcome and completes the registration."""
    _check(user, registration, "review")
    if kind == ReviewKind.YEAR_END and outcome not in Outcome.values:
        raise NotNow(_("Tổng kết cuối năm phải có kết quả đánh giá."))
    try:
        validate_date(review_date)
    except ValidationError as error:
        raise NotNow({"review_date": error.messages}) from None
    with transaction.atomic():
        _still_open(user, registration.area, registration.year)
        review, created = Review.objects.get_or_create(
            registration=registration, kind=kind,
            defaults={"review_date": review_date, "outcome": outcome, "summary": summary, "reviewer": user},
        )
        changes = {}
        if not created:
            for name, value in (("review_date", review_date), ("outcome", outcome), ("summary", summary)):
                if getattr(review, name) != value:
                    changes[name] = [str(getattr(review, name) or ""), str(value or "")]
                    setattr(review, name, value)
            review.reviewer = user
            review.save()
        else:
            changes = {"review_date": ["", review_date.strftime("%d/%m/%Y")], "outcome": ["", outcome],
                       "summary": ["", summary]}
            changes = {key: value for key, value in changes.items() if value[1]}
        audit.record(registration, Action.REVIEWED, actor=user, source=source, reason=review.get_kind_display(),
                     changes=changes)
        if kind == ReviewKind.YEAR_END:
            _complete(user, registration, outcome, source)
    return review


def _complete(user, registration, outcome, source):
    if registration.status == Status.COMPLETED:
        if registration.outcome != outcome:
            Registration.objects.filter(pk=registration.pk).update(outcome=outcome, version=F("version") + 1)
            audit.record(registration, Action.EDITED, actor=user, source=source,
                         changes={"outcome": [registration.outcome, outcome]})
        registration.refresh_from_db()
        return
    _transition(user, registration, from_statuses=(Status.ACCEPTED,), to_status=Status.COMPLETED,
                action=Action.COMPLETED, source=source, extra={"outcome": outcome},
                changes={"outcome": [registration.outcome, outcome]})



def close_year(user, area, year):
    """Lock `year` for `area` and everything inside it. Closing twice keeps the first closure."""
    require(may_close_year(user, area), _("Chỉ cán bộ của địa bàn mới được khóa sổ năm."))
    with transaction.atomic():
        # Writers share-lock the rows of the areas containing theirs (_still_open): this waits for the
        # writes under way to commit, and the writes that follow see the closure.
        AdminArea.objects.select_for_update().filter(pk=area.pk).first()
        closure, created = YearClosure.objects.get_or_create(area=area, year=year, defaults={"closed_by": user})
        if not created:
            raise NotNow(_("Năm %(year)s của địa bàn này đã được khóa sổ trước đó.") % {"year": year})
        reason = _("Khóa sổ năm %(year)s của %(area)s") % {"year": year, "area": area}
        locked = Registration.objects.filter(area.scope_q("area"), year=year).only("pk", "status")
        RegistrationEvent.objects.bulk_create(
            RegistrationEvent(**audit.event_fields(registration, Action.LOCKED, actor=user, reason=reason))
            for registration in locked.iterator()
        )
    return closure
