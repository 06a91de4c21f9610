"""A registration's lifecycle: who may do what, and the transitions themselves.

Every change goes through a function here and writes the registration's history
via `audit`. Transitions are conditional UPDATEs on (status, version), so a
double-clicked button or two people acting at once change the row only once.
"""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import is_owner, may_close_year, may_enter_for_units, may_review, require
from ..models import (
    Action,
    Attachment,
    CriterionAssessment,
    Outcome,
    Registration,
    RegistrationEvent,
    Review,
    ReviewKind,
    Source,
    Status,
    YearClosure,
)
from . import audit
from .errors import NotNow, StaleEdit

EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
SUBMITTABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
REVIEWABLE_STATUSES = (Status.ACCEPTED, Status.COMPLETED)
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
    locked: bool
    owner: bool
    reviewer: bool

    @property
    def any(self):
        return self.upload or self.buttons

    @property
    def buttons(self):
        """Whether the page's action bar has anything to offer (evidence upload has its own box)."""
        return any((self.edit, self.submit, self.accept, self.return_, self.report_results, self.assess, self.review))


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
        locked=locked,
        owner=is_owner_here,
        reviewer=is_reviewer_here,
    )



def _locked_message(registration):
    return _("Năm %(year)s đã khóa sổ: mô hình chỉ còn để xem.") % {"year": registration.year}


# Which flags need a reviewer (staff or administrator); the others are open to the owning unit too.
REVIEWER_FLAGS = ("accept", "return_", "assess", "review")


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


def _transition(user, registration, *, from_statuses, to_status, action, reason="", version=None, source=Source.PORTAL,
                extra=None, changes=None):
    """Move the registration to `to_status` if it is still in `from_statuses` (and at `version`, if given)."""
    rows = Registration.objects.filter(pk=registration.pk, status__in=from_statuses)
    if version is not None:
        rows = rows.filter(version=version)
    extra = extra or {}
    with transaction.atomic():
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
    registration.refresh_from_db()
    return registration


def submit(user, registration, *, version=None, source=Source.PORTAL):
    _check(user, registration, "submit")
    return _transition(user, registration, from_statuses=SUBMITTABLE_STATUSES, to_status=Status.SUBMITTED,
                       action=Action.SUBMITTED, version=version, source=source)


def accept(user, registration, *, version=None, source=Source.PORTAL):
    _check(user, registration, "accept")
    return _transition(user, registration, from_statuses=(Status.SUBMITTED,), to_status=Status.ACCEPTED,
                       action=Action.ACCEPTED, version=version, source=source, extra={"return_reason": ""})


def return_with_reason(user, registration, reason, *, version=None, source=Source.PORTAL):
    _check(user, registration, "return_")
    reason = (reason or "").strip()
    if not reason:
        raise NotNow(_("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì."))
    return _transition(user, registration, from_statuses=(Status.SUBMITTED,), to_status=Status.RETURNED,
                       action=Action.RETURNED, reason=reason, version=version, source=source,
                       extra={"return_reason": reason})


def create(user, registration, *, source=Source.PORTAL):
    """Save a new registration for a unit the user answers for (its own, or one inside a staff's area)."""
    require(
        is_owner(user, registration) or may_enter_for_units(user, registration.unit),
        _("Bạn không được đăng ký mô hình cho đơn vị này."),
    )
    if YearClosure.objects.covering(registration.unit.area, registration.year).exists() and not user.is_superuser:
        raise NotNow(_locked_message(registration))
    registration.status = Status.DRAFT
    registration.version = 1
    try:
        with transaction.atomic():
            registration.save()
            audit.record(registration, Action.CREATED, actor=user, source=source, to_status=Status.DRAFT)
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
        if moved and not user.is_superuser and YearClosure.objects.covering(registration.area, registration.year).exists():
            raise NotNow(_locked_message(registration))
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:
            raise NotNow(_("Đơn vị đã đăng ký một mô hình cùng tên trong năm này.")) from None
        audit.record(registration, Action.EDITED, actor=user, source=source, reason=reason, changes=changes)
    return registration


def add_attachment(user, registration, *, file, content_type, caption="", is_public=True, source=Source.PORTAL):
    _check(user, registration, "upload")
    with transaction.atomic():
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
    with transaction.atomic():
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
