"""The registration page shared by the unit portal and the staff workspace, and the
actions both sides take on it (edit, submit, upload evidence, report results)."""
import datetime
import re

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import is_unit_account, may_review, may_use_workspace, role_required
from ..filters import parse_id
from ..forms.registration import AttachmentForm, RegistrationForm, ResultsForm
from ..models import (
    Attachment,
    CriteriaSet,
    ExemplarKind,
    Field,
    Level,
    Outcome,
    Registration,
    RegistrationEvent,
    Status,
)
from ..services import workflow

UNIT = "unit"
STAFF = "staff"

# URL names per workspace, so one template and one set of views serve both.
URLS = {
    UNIT: {
        "detail": "unit_portal_registration", "edit": "unit_portal_edit", "submit": "unit_portal_submit",
        "results": "unit_portal_results", "upload": "unit_portal_upload", "attachment": "unit_portal_attachment",
    },
    STAFF: {
        "detail": "staff_registration", "edit": "staff_registration_edit", "submit": "staff_registration_submit",
        "results": "staff_registration_results", "upload": "staff_registration_upload",
        "attachment": "staff_attachment",
    },
}


unit_required = role_required(is_unit_account)
workspace_required = role_required(may_use_workspace)
reviewer_required = role_required(may_review)


def get_registration_for_user(user, pk):
    """The registration if `user` may see it; otherwise 404, so ids cannot be probed."""
    queryset = Registration.objects.for_user(user).select_related("unit", "area", "unit_kind", "continues")
    return get_object_or_404(queryset, pk=pk)


def _action_url(workspace, name, registration):
    return reverse(URLS[workspace][name], args=[registration.pk])


def _choice_labels():
    labels = {}
    for choices in (Field, Level, ExemplarKind, Outcome, Status):
        labels.update(dict(choices.choices))
    labels.update({"True": _("Có"), "False": _("Không")})
    return labels


def describe_changes(event, labels):
    """[(field label, old, new)] for one history line, in the words shown on the form."""
    rows = []
    for name, pair in (event.changes or {}).items():
        try:
            label = Registration._meta.get_field(name.removesuffix("_id")).verbose_name
        except FieldDoesNotExist:
            label = {"attachment": _("minh chứng"), "review_date": _("ngày đánh giá"),
                     "summary": _("nhận xét")}.get(name, name)
        old, new = (pair + ["", ""])[:2] if isinstance(pair, list) else ("", pair)
        rows.append((str(label).capitalize(), _shown(old, labels), _shown(new, labels)))
    return rows


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _shown(value, labels):
    """A stored history value as the pages show it: choice labels, and dates as dd/mm/yyyy."""
    value = str(value)
    if value in labels:
        return labels[value]
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
        "urls": {name: _action_url(workspace, name, registration) for name in ("edit", "submit", "results", "upload")},
        "attachment_url_name": URLS[workspace]["attachment"],
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


def create_registration(request, form, saved_message):
    """Save the posted form as a new draft: the registration, or None with the reason on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        registration = workflow.create(request.user, form.instance)
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
    if request.method == "POST" and form.is_valid():
        try:
            workflow.save_edit(request.user, form.instance, version=form.cleaned_data.get("version"), flag=flag)
        except workflow.StaleEdit as error:
            messages.error(request, str(error))
            return redirect(_action_url(workspace, "detail", registration))
        except workflow.NotNow as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(_action_url(workspace, "detail", registration))
    stored = Registration.objects.select_related("unit").get(pk=registration.pk)
    return render(request, template, {
        "form": form, "registration": stored, "workspace": workspace,
        "title": title or _("Sửa mô hình"),
        "cancel_url": _action_url(workspace, "detail", registration),
    })


def report_results(request, pk, workspace):
    return edit_registration(request, pk, workspace, form_class=ResultsForm, flag="report_results",
                             template="registrations/results.html", title=_("Báo cáo kết quả thực hiện"))


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
