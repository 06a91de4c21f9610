"""Staff Excel/CSV pages: upload → preview → confirm, template files and exports.

An upload is parsed once, when it arrives; its parsed table waits between requests in the
default storage (services/imports/uploads.py) under a random token recorded in the user's
session. Registrations, units and commendations share these pages; commendations are
uploaded from their own page and previewed here.
"""
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..access import may_enter_commendations, may_export, may_import, require, role_required
from ..filters import filter_registrations, filter_units
from ..forms.excel import UploadForm
from ..models import AdminArea, ImportBatch, JobKind, Registration, Unit
from ..resources import RegistrationResource, UnitResource, export_csv, export_workbook
from ..services import jobs
from ..services.imports import uploads
from ..services.imports.template import TITLES, template_workbook
from ..text import fold
from . import account_management

SESSION_KEY = "excel_uploads"
KEEP_PENDING = 3
SLUGS = {"dang-ky": ImportBatch.Kind.REGISTRATIONS, "don-vi": ImportBatch.Kind.UNITS,
         "khen-thuong": ImportBatch.Kind.COMMENDATIONS}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _limits():
    return {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024), "rows": settings.IMPORT_MAX_ROWS}


def _pending(request):
    return request.session.get(SESSION_KEY, {})


def _check_may_import(user, kind):
    if kind == ImportBatch.Kind.COMMENDATIONS:
        require(may_enter_commendations(user), may_enter_commendations.refusal)
    else:
        require(may_import(user), may_import.refusal)


def _get_upload(request, token):
    """The kept upload `token` of this user, or 404."""
    upload = _pending(request).get(token)
    if upload is None:
        raise Http404
    if not uploads.exists(request.user, token):  # removed after a day unconfirmed
        _forget(request, token)
        raise Http404
    _check_may_import(request.user, upload["kind"])
    return upload


def _forget(request, token):
    pending = _pending(request)
    if pending.pop(token, None) is not None:
        request.session[SESSION_KEY] = pending
    uploads.discard(request.user, token)


def keep_upload(request, kind, file):
    """Parse an uploaded file once and keep it for its preview; return the token.

    Shared with the commendation import page, which uploads into the same flow."""
    pending = _pending(request)
    oldest_first = sorted(pending, key=lambda t: pending[t]["at"])
    for old in oldest_first[:max(0, len(oldest_first) - KEEP_PENDING + 1)]:
        _forget(request, old)
    uploads.remove_abandoned(request.user)
    name = file.name.replace("\\", "/").rsplit("/", 1)[-1][:200]
    token = uploads.store(request.user, kind, file, name)
    pending = _pending(request)
    pending[token] = {"kind": kind, "name": name, "at": timezone.now().isoformat()}
    request.session[SESSION_KEY] = pending
    return token


@require_GET
@role_required(may_import)
def index(request):
    batches = ImportBatch.objects.select_related("created_by")
    if not request.user.is_superuser:
        batches = batches.filter(created_by=request.user)
    return render(request, "excel/index.html", {
        "form": UploadForm(), "batches": batches[:10], "limits": _limits(),
    })


@require_POST
@role_required(may_import)
def upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "excel/index.html", {"form": form, "batches": [], "limits": _limits()}, status=400)
    token = keep_upload(request, form.cleaned_data["kind"], form.cleaned_data["file"])
    return redirect("excel_preview", token=token)


@require_GET
@role_required(may_import)
def preview(request, token):
    _get_upload(request, token)
    return _render_preview(request, token, uploads.check(request.user, token))


def _render_preview(request, token, report):
    only_errors = request.GET.get("chi-loi") == "1"
    rows = [r for r in report.rows if r.problems] if only_errors else report.rows
    row_numbers = {r.number for r in report.rows}
    return render(request, "excel/preview.html", {
        "token": token, "report": report, "rows": rows, "only_errors": only_errors,
        "file_problems": [p for p in report.problems if p.row not in row_numbers],
        "kind_label": dict(ImportBatch.Kind.choices)[report.kind],
        "back_url": "commendations-import" if report.kind == ImportBatch.Kind.COMMENDATIONS else "excel_index",
    })


@require_POST
@role_required(may_import)
def confirm(request, token):
    job = jobs.started_import(request.user, token)
    if job is not None:
        return redirect("job", pk=job.pk)
    upload = _get_upload(request, token)
    # The one-time password sheet of new units' accounts opens in answer to this click, so that
    # import stays on the request whatever its size.
    if not (upload["kind"] == ImportBatch.Kind.UNITS and request.POST.get("tao-tai-khoan")):
        rows = uploads.row_count(request.user, token)
        if rows > settings.IMPORT_BACKGROUND_ROWS:
            job, _created = jobs.start(request.user, JobKind.IMPORT, token, upload["name"],
                                       params={"token": token}, rows_total=rows)
            # The file is the job's now: newer uploads must not push it out of the session's list
            # (which deletes it); the job deletes it when done.
            pending = _pending(request)
            pending.pop(token, None)
            request.session[SESSION_KEY] = pending
            return redirect("job", pk=job.pk)
    report = uploads.check(request.user, token, write=True)
    if not report.written:
        messages.error(request, report.summary())
        return _render_preview(request, token, report)
    _forget(request, token)
    messages.success(request, report.summary())
    if upload["kind"] == ImportBatch.Kind.UNITS and request.POST.get("tao-tai-khoan"):
        return account_management.accounts_for_import(request, report.batch)
    if upload["kind"] == ImportBatch.Kind.COMMENDATIONS:
        return redirect("commendations-list")
    return redirect("excel_index")


@require_POST
@role_required(may_import)
def cancel(request, token):
    upload = _get_upload(request, token)
    _forget(request, token)
    messages.info(request, _("Đã hủy tệp tải lên; không có dữ liệu nào được nhập."))
    return redirect("commendations-import" if upload["kind"] == ImportBatch.Kind.COMMENDATIONS else "excel_index")


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


def _slug(text):
    return slugify(fold(text))[:40]


def export_file_name(request, what, fmt):
    """'dang-ky_tinh-hau-giang_nam-2024_linh-vuc-economy_01-12-2026.xlsx': what the file holds."""
    area = request.user.area if getattr(request.user, "area_id", None) else None
    parts = [what, _slug(area.name) if isinstance(area, AdminArea) else "toan-quoc"]
    for key, value in sorted(request.GET.items()):
        if value and key not in ("page", "trang"):
            parts.append(_slug(f"{key}-{value}"))
    parts.append(timezone.localdate().strftime("%d-%m-%Y"))
    return "_".join(p for p in parts if p)[:150] + f".{fmt}"


@require_GET
@role_required(may_export)
def export(request, what, fmt):
    if what not in ("dang-ky", "don-vi") or fmt not in ("xlsx", "csv"):
        raise Http404
    if what == "dang-ky" and fmt == "xlsx":
        rows = _export_queryset(request.user, what, request.GET)[1].count()
        if rows > settings.EXPORT_BACKGROUND_ROWS:
            filters = dict(sorted(request.GET.items()))
            name = export_file_name(request, what, fmt)
            job, _created = jobs.start(request.user, JobKind.EXPORT_REGISTRATIONS, f"{what}.{fmt}?{filters}", name,
                                       params={"what": what, "fmt": fmt, "filters": filters}, rows_total=rows,
                                       file_name=name)
            return redirect("job", pk=job.pk)
    content_type = XLSX if fmt == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(export_content(request.user, what, fmt, request.GET), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export_file_name(request, what, fmt)}"'
    return response


def _export_queryset(user, what, params):
    if SLUGS[what] == ImportBatch.Kind.REGISTRATIONS:
        queryset = filter_registrations(Registration.objects.for_user(user), params)
        return RegistrationResource(), queryset.select_related(
            "unit__area__province", "unit__area__current_province").order_by("year", "pk")
    queryset = filter_units(Unit.objects.for_user(user), params)
    return UnitResource(), queryset.select_related("area__province", "area__current_province", "kind__parent",
                                                   "parent").order_by("code")


def export_content(user, what, fmt, params):
    """The export file of what `user` may see under the filters `params` (the page's or the worker's)."""
    resource, queryset = _export_queryset(user, what, params)
    if fmt == "xlsx":
        return export_workbook(resource, queryset, TITLES[SLUGS[what]])
    return export_csv(resource, queryset)
