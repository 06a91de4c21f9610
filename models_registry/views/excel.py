"""Staff Excel/CSV pages: upload → preview → confirm, template files and exports.

An uploaded file waits between requests in the default storage (shared by every app
server), under a random token recorded in the user's session; nothing is kept in
process memory.
"""
import datetime
import os
import secrets

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import importing
from ..access import may_export, may_import, role_required
from ..filters import filter_registrations, filter_units
from ..forms.excel import UploadForm
from ..models import ImportBatch, Registration, Unit
from ..resources import RegistrationResource, UnitResource, template_workbook

SESSION_KEY = "excel_uploads"
KEEP_PENDING = 3
SLUGS = {"dang-ky": ImportBatch.Kind.REGISTRATIONS, "don-vi": ImportBatch.Kind.UNITS}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pending(request):
    return request.session.get(SESSION_KEY, {})


def _get_upload(request, token):
    """The stored upload `token` of this user, or 404."""
    upload = _pending(request).get(token)
    if upload is None or not upload["path"].startswith(f"excel-nhap/{request.user.pk}/"):
        raise Http404
    if not default_storage.exists(upload["path"]):
        _forget(request, token)
        raise Http404
    return upload


def _forget(request, token):
    pending = _pending(request)
    upload = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if upload and default_storage.exists(upload["path"]):
        default_storage.delete(upload["path"])


def _run(request, upload, write):
    with default_storage.open(upload["path"], "rb") as handle:
        return importing.run(upload["kind"], handle, upload["name"], user=request.user, write=write)


@require_GET
@role_required(may_import)
def index(request):
    batches = ImportBatch.objects.select_related("created_by")
    if not request.user.is_superuser:
        batches = batches.filter(created_by=request.user)
    return render(request, "excel/index.html", {
        "form": UploadForm(), "batches": batches[:10], "limits": _limits(),
    })


def _limits():
    return {"mb": importing.max_bytes() // (1024 * 1024), "rows": importing.max_rows()}


@require_POST
@role_required(may_import)
def upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "excel/index.html", {"form": form, "batches": [], "limits": _limits()}, status=400)
    pending = _pending(request)
    oldest_first = sorted(pending, key=lambda t: pending[t]["at"])
    for old in oldest_first[:max(0, len(oldest_first) - KEEP_PENDING + 1)]:
        _forget(request, old)
    _remove_abandoned(request.user)
    token = secrets.token_urlsafe(24)
    file = form.cleaned_data["file"]
    extension = os.path.splitext(file.name)[1].lower()
    path = default_storage.save(f"excel-nhap/{request.user.pk}/{token}{extension}", file)
    pending = _pending(request)
    pending[token] = {"path": path, "kind": form.cleaned_data["kind"], "name": os.path.basename(file.name)[:200],
                      "at": timezone.now().isoformat()}
    request.session[SESSION_KEY] = pending
    return redirect("excel_preview", token=token)


def _remove_abandoned(user):
    """Delete this user's uploads left unconfirmed for a day (for example from an expired session)."""
    folder = f"excel-nhap/{user.pk}"
    cutoff = timezone.now() - datetime.timedelta(days=1)
    try:
        _, names = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in names:
        path = f"{folder}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


@require_GET
@role_required(may_import)
def preview(request, token):
    upload = _get_upload(request, token)
    report = _run(request, upload, write=False)
    return _render_preview(request, token, report)


def _render_preview(request, token, report):
    only_errors = request.GET.get("chi-loi") == "1"
    rows = [r for r in report.rows if r.problems] if only_errors else report.rows
    row_numbers = {r.number for r in report.rows}
    return render(request, "excel/preview.html", {
        "token": token, "report": report, "rows": rows, "only_errors": only_errors,
        "file_problems": [p for p in report.problems if p.row not in row_numbers],
        "kind_label": dict(ImportBatch.Kind.choices)[report.kind],
    })


@require_POST
@role_required(may_import)
def confirm(request, token):
    upload = _get_upload(request, token)
    report = _run(request, upload, write=True)
    if not report.written:
        messages.error(request, report.summary())
        return _render_preview(request, token, report)
    _forget(request, token)
    messages.success(request, report.summary())
    return redirect("excel_index")


@require_POST
@role_required(may_import)
def cancel(request, token):
    _get_upload(request, token)
    _forget(request, token)
    messages.info(request, _("Đã hủy tệp tải lên; không có dữ liệu nào được nhập."))
    return redirect("excel_index")


@require_GET
@role_required(may_import)
def template(request, what):
    kind = SLUGS.get(what)
    if kind is None:
        raise Http404
    sample_unit = Unit.objects.for_user(request.user).select_related("area").order_by("code").first()
    response = HttpResponse(template_workbook(kind, sample_unit), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-{what}.xlsx"'
    return response


@require_GET
@role_required(may_export)
def export(request, what, fmt):
    if what not in SLUGS or fmt not in ("xlsx", "csv"):
        raise Http404
    if SLUGS[what] == ImportBatch.Kind.REGISTRATIONS:
        queryset = filter_registrations(Registration.objects.for_user(request.user), request.GET)
        dataset = RegistrationResource().export(queryset.select_related("unit__area").order_by("year", "pk"))
    else:
        queryset = filter_units(Unit.objects.for_user(request.user), request.GET)
        dataset = UnitResource().export(queryset.select_related("area", "kind__parent", "parent").order_by("code"))
    if fmt == "xlsx":
        response = HttpResponse(dataset.export("xlsx"), content_type=XLSX)
    else:
        # The byte-order mark makes Excel open the UTF-8 file with its Vietnamese letters intact.
        response = HttpResponse("\ufeff" + dataset.export("csv"), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%d-%m-%Y")
    response["Content-Disposition"] = f'attachment; filename="{what}-{stamp}.{fmt}"'
    return response
