"""The registration page shared by the unit portal and the staff workspace, and the
actions both sides take on it (edit, submit, upload evidence, report results)."""
import datetime
import difflib
import re
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..access import is_unit_account, may_review, may_use_workspace, role_required
from ..filters import parse_id
from ..forms.registration import AttachmentForm, RegistrationForm, ResultsForm
from ..forms.staff import WithdrawForm
from ..models import (
    RESULT_FIGURES,
    Attachment,
    CriteriaSet,
    ExemplarKind,
    Field,
    Level,
    Outcome,
    ProposalStatus,
    Registration,
    RegistrationEvent,
    Status,
)
from ..reference import reference
from ..services import workflow

UNIT = "unit"
STAFF = "staff"

# URL names per workspace, so one template and one set of views serve both.
URLS = {
    UNIT: {
        "detail": "unit_portal_registration", "edit": "unit_portal_edit", "submit": "unit_portal_submit",
        "results": "unit_portal_results", "upload": "unit_portal_upload", "attachment": "unit_portal_attachment",
        "withdraw": "unit_portal_withdraw", "delete": "unit_portal_delete",
        "delete_attachment": "unit_portal_attachment_delete", "home": "unit_portal_home",
    },
    STAFF: {
        "detail": "staff_registration", "edit": "staff_registration_edit", "submit": "staff_registration_submit",
        "results": "staff_registration_results", "upload": "staff_registration_upload",
        "attachment": "staff_attachment", "withdraw": "staff_registration_withdraw",
        "delete": "staff_registration_delete", "delete_attachment": "staff_attachment_delete",
        "home": "staff_registrations",
    },
}



def get_registration_for_user(user, pk):
    """The registration if `user` may see it; otherwise 404, so ids cannot be probed."""
    queryset = Registration.objects.for_user(user).select_related("unit", "area", "unit_kind", "continues")
    return get_object_or_404(queryset, pk=pk)


def _action_url(workspace, name, registration):
    return reverse(URLS[workspace][name], args=[registration.pk])


def _choice_labels():
    labels = {}
    for choices in (Field, Level, ExemplarKind, Outcome, Status, ProposalStatus):
        labels.update(dict(choices.choices))
    labels.update({"True": _("Có"), "False": _("Không")})
    return labels


# History keys that are no field of the registration.
OTHER_LABELS = {
    "attachment": gettext_lazy("minh chứng"), "review_date": gettext_lazy("ngày đánh giá"),
    "summary": gettext_lazy("nhận xét"), "proposal": gettext_lazy("đề nghị khen thưởng"),
    "proposal_status": gettext_lazy("trạng thái đề nghị"),
}
# Text longer than this is shown as a word diff rather than old → new.
LONG_TEXT = 80


@dataclass
class Change:
    label: str
    old: str
    new: str
    # For long text: [(kind, words)] with kind "same", "del" or "ins".
    diff: list | None = None


def describe_changes(event, labels):
    """The changes of one history line, in the words shown on the form."""
    rows = []
    for name, pair in (event.changes or {}).items():
        old, new = (pair + ["", ""])[:2] if isinstance(pair, list) else ("", pair)
        if name == "proposal":
            # Older lines stored the proposal's id; the round is named in the line's reason.
            rows.append(Change(str(OTHER_LABELS[name]).capitalize(), "", _("Đã gửi đề nghị")))
            continue
        try:
            field = Registration._meta.get_field(name.removesuffix("_id"))
        except FieldDoesNotExist:
            field = None
        # A criterion's title is the key of an assessment line: reference data, translated on display.
        label = field.verbose_name if field is not None else OTHER_LABELS.get(name) or reference(name)
        old, new = _shown(old, labels, field), _shown(new, labels, field)
        diff = word_diff(old, new) if max(len(old), len(new)) > LONG_TEXT else None
        rows.append(Change(str(label)[:1].upper() + str(label)[1:], old, new, diff))
    return rows


def word_diff(old, new):
    """[(kind, text)] of the words kept, removed and added between two texts."""
    before, after = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", _elide("".join(before[i1:i2]))))
            continue
        if op in ("delete", "replace"):
            parts.append(("del", "".join(before[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(("ins", "".join(after[j1:j2])))
    return parts


def _elide(text, keep=60):
    """Unchanged stretches shortened to their ends, so the change itself stands out."""
    if len(text) <= 2 * keep:
        return text
    return f"{text[:keep]} … {text[-keep:]}"


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FIGURE_FIELDS = frozenset(RESULT_FIGURES)


def _shown(value, labels, field=None):
    """A stored history value as the pages show it: choice labels, dates dd/mm/yyyy, numbers grouped."""
    value = str(value)
    if field is not None and field.name in FIGURE_FIELDS and value.isdigit():
        return number_format(int(value), force_grouping=True)
    if value in labels:
        return str(labels[value])
    if ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            pass
    return value


def history(registration):
    labels = _choice_labels()
    events = RegistrationEvent.objects.filter(registration=registration).select_related("actor", "batch").order_by(
        "-at", "-pk")
    return [(event, describe_changes(event, labels)) for event in events]


CONTENT_FIELDS = ("situation", "objectives", "content", "target_group", "target_area", "lead_force", "partners",
                  "resources", "milestones", "expected_results", "sustainability")


def content_rows(registration):
    """(label, text) of the filled-in content fields, in form order; empty ones are left out."""
    rows = []
    for name in CONTENT_FIELDS:
        value = getattr(registration, name)
        if value:
            rows.append((str(Registration._meta.get_field(name).verbose_name).capitalize(), value))
    return rows


def registration_page(request, pk, workspace):
    registration = get_registration_for_user(request.user, pk)
    perms = workflow.permissions_for(request.user, registration)
    criteria_set = CriteriaSet.for_kind(registration.unit_kind, registration.year)
    assessments = {}
    if criteria_set is not None:
        assessments = {a.criterion_id: a for a in registration.assessments.select_related("evidence")}
    context = {
        "registration": registration,
        "perms": perms,
        "workspace": workspace,
        "urls": {name: _action_url(workspace, name, registration)
                 for name in ("edit", "submit", "results", "upload", "withdraw", "delete")},
        "attachment_url_name": URLS[workspace]["attachment"],
        "attachment_delete_url_name": URLS[workspace]["delete_attachment"],
        "missing": workflow.missing_for_submit(registration) if perms.submit else [],
        "history": history(registration),
        "attachments": registration.attachments.select_related("uploaded_by"),
        "reviews": registration.reviews.select_related("reviewer"),
        "commendations": registration.commendations.select_related("form"),
        "criteria_set": criteria_set,
        "criteria": [(c, assessments.get(c.pk)) for c in criteria_set.criteria.all()] if criteria_set else [],
        "upload_form": AttachmentForm() if perms.upload else None,
        "content_rows": content_rows(registration),
        "indicators": [line.strip(" -•\t") for line in registration.success_indicators.splitlines() if line.strip()],
        "continuations": registration.continuations.order_by("year"),
    }
    return render(request, "registrations/detail.html", context)


def create_registration(request, form, saved_message, *, approved_on_paper=False):
    """Save the posted form as a new draft (or, for a paper form approved already, as accepted):
    the registration, or None with the reason on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        registration = workflow.create(request.user, form.instance, approved_on_paper=approved_on_paper)
    except workflow.NotNow as error:
        form.add_error(None, str(error))
        return None
    messages.success(request, saved_message)
    return registration


def edit_registration(request, pk, workspace, *, form_class=RegistrationForm, flag="edit", form_kwargs=None,
                      template="registrations/form.html", title=None):
    """GET shows the form; POST saves it unless the stored version moved on meanwhile."""
    registration = get_registration_for_user(request.user, pk)
    perms = workflow.permissions_for(request.user, registration)
    if not getattr(perms, flag):
        if perms.locked and not request.user.is_superuser:
            raise PermissionDenied(_("Năm %(year)s đã khóa sổ: mô hình chỉ còn để xem.") % {"year": registration.year})
        raise PermissionDenied(_("Không thể sửa mô hình ở trạng thái “%(status)s”.")
                               % {"status": registration.get_status_display()})
    form_kwargs = form_kwargs or {}
    form = form_class(request.POST or None, instance=registration, **form_kwargs)
    conflicts = []
    if request.method == "POST" and form.is_valid():
        try:
            workflow.save_edit(request.user, form.instance, version=form.cleaned_data.get("version"), flag=flag)
        except workflow.StaleEdit:
            conflicts = edit_conflicts(form, registration.pk, form_kwargs)
            form = keep_typing(form_class, request.POST, registration.pk, form_kwargs)
            if not conflicts:
                form.add_error(None, _("Người khác vừa lưu mô hình này, ở những mục khác với mục bạn sửa. "
                                       "Nội dung bạn gõ vẫn còn: bấm Lưu lần nữa để lưu."))
        except workflow.NotNow as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(_action_url(workspace, "detail", registration))
    stored = Registration.objects.select_related("unit").get(pk=registration.pk)
    return render(request, template, {
        "form": form, "registration": stored, "workspace": workspace, "conflicts": conflicts,
        "title": title or _("Sửa mô hình"),
        "cancel_url": _action_url(workspace, "detail", registration),
    })


def edit_conflicts(form, pk, form_kwargs):
    """(label, field name, the user's value and the stored one as shown, then each as the widget takes it)
    for the fields where the two differ."""
    stored = Registration.objects.get(pk=pk)
    current = type(form)(instance=stored, **form_kwargs)
    rows = []
    for name, field in form.fields.items():
        if name == "version" or field.widget.is_hidden:
            continue
        mine = form[name].value()
        theirs = current[name].value()
        if _comparable(mine, field) != _comparable(theirs, field):
            rows.append((field.label, name, _display(form[name], mine), _display(current[name], theirs),
                         _raw(current[name], theirs), _raw(form[name], mine)))
    return rows


def keep_typing(form_class, data, pk, form_kwargs):
    """The user's form again, over the newest stored row: saving it now keeps what they typed."""
    stored = Registration.objects.get(pk=pk)
    data = data.copy()
    data["version"] = stored.version
    form = form_class(data, instance=stored, **form_kwargs)
    form.is_valid()
    return form


def _comparable(value, field):
    try:
        return field.clean(value)
    except Exception:  # noqa: BLE001 — a value the field refuses still differs from the stored one as typed
        return value


def _display(bound, value):
    field = bound.field
    if hasattr(field, "choices"):
        choices = {str(key): label for key, label in field.choices}
        return str(choices.get(str(value if value is not None else ""), value or ""))
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    return str(bound.field.widget.format_value(value) or "") if value not in (None, "") else ""


def _raw(bound, value):
    """The stored value as the widget writes it, for the "keep theirs" button."""
    if isinstance(value, bool):
        return "1" if value else ""
    formatted = bound.field.widget.format_value(value)
    if isinstance(formatted, list):  # a select's value
        formatted = formatted[0] if formatted else ""
    return "" if formatted is None else str(formatted)


def report_results(request, pk, workspace):
    return edit_registration(request, pk, workspace, form_class=ResultsForm, flag="report_results",
                             template="registrations/results.html", title=_("Báo cáo kết quả thực hiện"))


def withdraw_registration(request, pk, workspace):
    """A unit takes back a model it sent (or staff for it): it leaves counts and public pages, not the history."""
    registration = get_registration_for_user(request.user, pk)
    workflow.require(workflow.permissions_for(request.user, registration).withdraw,
                     _("Chỉ rút được mô hình đã gửi hoặc đã duyệt của năm chưa khóa sổ."))
    form = WithdrawForm(request.POST or None, initial={"version": registration.version})
    if request.method == "POST" and form.is_valid():
        try:
            workflow.withdraw(request.user, registration, form.cleaned_data["reason"],
                              version=form.cleaned_data.get("version"))
        except workflow.NotNow as error:
            messages.warning(request, str(error))
        else:
            messages.success(request, _("Đã rút mô hình. Mô hình không còn được tính trong báo cáo."))
        return redirect(_action_url(workspace, "detail", registration))
    return render(request, "registrations/withdraw.html", {
        "form": form, "registration": registration, "workspace": workspace,
        "cancel_url": _action_url(workspace, "detail", registration),
    })


def delete_registration(request, pk, workspace):
    """GET asks to confirm; POST deletes the draft."""
    registration = get_registration_for_user(request.user, pk)
    workflow.require(workflow.permissions_for(request.user, registration).delete,
                     _("Chỉ xóa được bản nháp; mô hình đã gửi thì hãy rút."))
    if request.method == "POST":
        try:
            workflow.delete_draft(request.user, registration)
        except workflow.NotNow as error:
            messages.warning(request, str(error))
            return redirect(_action_url(workspace, "detail", registration))
        messages.success(request, _("Đã xóa bản nháp “%(name)s”.") % {"name": registration.name})
        return redirect(URLS[workspace]["home"])
    return render(request, "registrations/delete.html", {
        "registration": registration, "workspace": workspace,
        "cancel_url": _action_url(workspace, "detail", registration),
    })


def delete_evidence(request, pk, workspace):
    visible = Registration.objects.for_user(request.user)
    attachment = get_object_or_404(Attachment.objects.filter(registration__in=visible).select_related("registration"),
                                   pk=pk)
    registration = attachment.registration
    workflow.require(workflow.permissions_for(request.user, registration).delete_evidence,
                     _("Chỉ xóa được minh chứng khi mô hình còn sửa được."))
    try:
        workflow.delete_attachment(request.user, attachment)
    except workflow.NotNow as error:
        messages.warning(request, str(error))
    else:
        messages.success(request, _("Đã xóa minh chứng “%(name)s”.") % {"name": attachment.original_name})
    return redirect(_action_url(workspace, "detail", registration) + "#minh-chung")


def submit_registration(request, pk, workspace):
    registration = get_registration_for_user(request.user, pk)
    version = parse_id(request.POST.get("version"))
    try:
        workflow.submit(request.user, registration, version=version)
    except workflow.NotNow as error:
        messages.warning(request, str(error))
    else:
        messages.success(request, _("Đã gửi mô hình để Ban Dân vận xem xét."))
    return redirect(_action_url(workspace, "detail", registration))


def upload_attachment(request, pk, workspace):
    registration = get_registration_for_user(request.user, pk)
    workflow.require(workflow.permissions_for(request.user, registration).upload,
                     _("Bạn không có quyền thêm minh chứng cho mô hình này."))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        workflow.add_attachment(request.user, registration, file=form.cleaned_data["file"],
                                content_type=form.content_type, caption=form.cleaned_data["caption"],
                                is_public=form.cleaned_data["is_public"])
        messages.success(request, _("Đã tải lên minh chứng."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, _("Chưa tải lên được: %(error)s") % {"error": error})
    return redirect(_action_url(workspace, "detail", registration) + "#minh-chung")


def download_attachment(request, pk):
    """Evidence files are served only through the registration's scoping."""
    visible = Registration.objects.for_user(request.user)
    attachment = get_object_or_404(Attachment.objects.filter(registration__in=visible), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Không tìm thấy tệp.")) from None
    inline = attachment.content_type in ("application/pdf",) or attachment.is_image
    return FileResponse(handle, as_attachment=not inline, filename=attachment.original_name,
                        content_type=attachment.content_type)



# Views wired to URLs: the workspace decides which role guard applies.
@role_required(is_unit_account)
def unit_detail(request, pk):
    return registration_page(request, pk, UNIT)


@role_required(is_unit_account)
def unit_edit(request, pk):
    return edit_registration(request, pk, UNIT)


@role_required(is_unit_account)
def unit_results(request, pk):
    return report_results(request, pk, UNIT)


@require_POST
@role_required(is_unit_account)
def unit_submit(request, pk):
    return submit_registration(request, pk, UNIT)


@require_POST
@role_required(is_unit_account)
def unit_upload(request, pk):
    return upload_attachment(request, pk, UNIT)


@role_required(is_unit_account)
def unit_attachment(request, pk):
    return download_attachment(request, pk)


@role_required(may_use_workspace)
def staff_detail(request, pk):
    return registration_page(request, pk, STAFF)


@role_required(may_review)
def staff_results(request, pk):
    return report_results(request, pk, STAFF)


@require_POST
@role_required(may_review)
def staff_submit(request, pk):
    return submit_registration(request, pk, STAFF)


@require_POST
@role_required(may_review)
def staff_upload(request, pk):
    return upload_attachment(request, pk, STAFF)


@role_required(may_use_workspace)
def staff_attachment(request, pk):
    return download_attachment(request, pk)


@role_required(is_unit_account)
def unit_withdraw(request, pk):
    return withdraw_registration(request, pk, UNIT)


@role_required(is_unit_account)
def unit_delete(request, pk):
    return delete_registration(request, pk, UNIT)


@require_POST
@role_required(is_unit_account)
def unit_attachment_delete(request, pk):
    return delete_evidence(request, pk, UNIT)


@role_required(may_review)
def staff_withdraw(request, pk):
    return withdraw_registration(request, pk, STAFF)


@role_required(may_review)
def staff_delete(request, pk):
    return delete_registration(request, pk, STAFF)


@require_POST
@role_required(may_review)
def staff_attachment_delete(request, pk):
    return delete_evidence(request, pk, STAFF)
