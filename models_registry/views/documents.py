"""Documents for download: Word files (registration form, report, round dossier, decision), the
certificates of a decision as one PDF, revocation, achievement history, and the public
verification page that a certificate's QR code opens.

Objects are fetched for the user (outside scope → 404); role rules come from models_registry.access.
"""
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import signing
from ..access import (
    is_unit_account,
    may_revoke,
    may_use_workspace,
    may_view_reports,
    require,
    role_required,
)
from ..certificates import certificate_for, render_pdf
from ..documents import DOCX_TYPE, decision, movement_report, registration_form, round_dossier
from ..forms.commendations import RevokeForm
from ..models import Commendation, ExemplarKind, JobKind, Registration, Unit
from ..report_tables import headline
from ..services import commendations as rules
from ..services import jobs
from .commendations import get_commendation_for_user, get_round_for_user
from .registrations import get_registration_for_user
from .reports import export_filename, export_report, invalid_export


def attachment(content, content_type, file_name):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def docx(content, file_name):
    return attachment(content, DOCX_TYPE, file_name)


# Registration form ------------------------------------------------------------------------------

@require_GET
@role_required(is_unit_account)
def unit_registration_docx(request, pk):
    registration = get_registration_for_user(request.user, pk)
    return docx(registration_form.render_form(registration), registration_form.file_name(registration))


@require_GET
@role_required(may_use_workspace)
def staff_registration_docx(request, pk):
    registration = get_registration_for_user(request.user, pk)
    return docx(registration_form.render_form(registration), registration_form.file_name(registration))


@require_GET
@role_required(is_unit_account)
def unit_blank_form_docx(request):
    year = timezone.localdate().year
    return docx(registration_form.render_form(unit=request.user.unit, year=year), registration_form.file_name(year=year))


@require_GET
@role_required(may_use_workspace)
def staff_blank_form_docx(request):
    year = timezone.localdate().year
    return docx(registration_form.render_form(year=year), registration_form.file_name(year=year))


# Report ---------------------------------------------------------------------------------------

@require_GET
@role_required(may_view_reports)
def report_docx(request):
    area, period, report, tables = export_report(request)
    if report is None:
        return invalid_export(tables)
    content = movement_report.render_report(area, period, headline(report), tables, made_on=timezone.localdate(),
                                            taken=report.taken)
    return docx(content, export_filename(area, period, "docx"))


# Round dossier and decision -------------------------------------------------------------------

@require_GET
@role_required(may_use_workspace)
def round_dossier_zip(request, pk):
    commendation_round = get_round_for_user(request.user, pk)
    proposals = list(
        rules.proposals_for_user(request.user).filter(round=commendation_round)
        .select_related("registration__area", "registration__continues")
        .prefetch_related("registration__reviews", "registration__assessments__criterion")
        .order_by("registration__exemplar_kind", "registration__unit__name", "registration__name")
    )
    if not proposals:
        messages.error(request, _("Đợt này chưa có đề nghị nào để lập hồ sơ."))
        return redirect("commendations-round-detail", pk=commendation_round.pk)
    user_area = request.user.area if request.user.area_id else None
    issuing_area = commendation_round.area if user_area is None or user_area.pk == commendation_round.area_id else user_area

    def earlier_of(proposal):
        subject = rules.subject_registrations(proposal.registration)
        return (Commendation.objects.active().filter(registration__in=subject)
                .select_related("form", "registration").order_by("decision_date"))

    content = round_dossier.render_dossier(commendation_round, proposals, issuing_area, earlier_of,
                                           today=timezone.localdate())
    return attachment(content, "application/zip", f"ho-so-khen-thuong-dot-{commendation_round.pk}.zip")


def _decision_of(request, pk):
    commendation = get_commendation_for_user(request.user, pk)
    return commendation, list(rules.decision_commendations(request.user, commendation))


def _decision_file_name(commendation, extension):
    return f"quyet-dinh-{commendation.decision_date:%Y%m%d}-{commendation.pk}.{extension}"


@require_GET
@role_required(may_use_workspace)
def decision_docx(request, pk):
    commendation, commendations = _decision_of(request, pk)
    return docx(decision.render_decision(commendations), _decision_file_name(commendation, "docx"))


def signed_certificates(request, commendations):
    certificates = [certificate_for(c, request) for c in commendations]
    first = commendations[0]
    return signing.sign_pdf(
        render_pdf(*certificates),
        reason=_("Quyết định số %(number)s ngày %(date)s") % {
            "number": first.decision_number, "date": first.decision_date.strftime("%d/%m/%Y")},
        location=first.authority,
    )


@require_GET
@role_required(may_use_workspace)
def decision_certificates_pdf(request, pk):
    commendation, commendations = _decision_of(request, pk)
    active = [c for c in commendations if not c.is_revoked]
    if not active:
        messages.error(request, _("Mọi khen thưởng của quyết định này đã bị thu hồi: không còn giấy khen để in."))
        return redirect("commendations-certificate", pk=commendation.pk)
    if len(active) > settings.CERTIFICATES_BACKGROUND_COUNT:
        job, _created = jobs.start(
            request.user, JobKind.DECISION_CERTIFICATES, f"quyet-dinh-{commendation.pk}",
            _("Giấy khen theo quyết định số %(number)s") % {"number": commendation.decision_number},
            params={"decision": commendation.pk, "base_url": request.build_absolute_uri("/").rstrip("/")},
            rows_total=len(active), file_name=_decision_file_name(commendation, "pdf"))
        return redirect("job", pk=job.pk)
    return attachment(signed_certificates(request, active), "application/pdf",
                      _decision_file_name(commendation, "pdf"))


def decision_pdf_content(user, pk, base_url):
    """The signed certificates of a big decision, made by the worker for `user`; the QR codes
    point at `base_url`, the address the print was asked from."""
    commendation = get_commendation_for_user(user, pk)
    active = [c for c in rules.decision_commendations(user, commendation) if not c.is_revoked]
    return signed_certificates(SimpleNamespace(build_absolute_uri=lambda path: base_url + path), active)


# Revocation -----------------------------------------------------------------------------------

def _revoke(request, pk, *, whole_decision):
    commendation, commendations = _decision_of(request, pk)
    require(may_revoke(request.user, commendation), may_revoke.refusal)
    targets = [c for c in commendations if not c.is_revoked] if whole_decision else [commendation]
    label = _("Thu hồi cả quyết định") if whole_decision else _("Thu hồi khen thưởng này")
    form = RevokeForm(request.POST or None, submit_label=label)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rules.revoke(request.user, targets, ground=form.cleaned_data["ground"],
                             decision_number=form.cleaned_data["decision_number"],
                             decision_date=form.cleaned_data["decision_date"])
            except rules.NotNow as error:
                for field, errors in getattr(error, "error_dict", {None: [error]}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Đã thu hồi %(count)s khen thưởng.") % {"count": len(targets)})
                return redirect("commendations-certificate", pk=commendation.pk)
    return render(request, "commendations/revoke.html", {
        "commendation": commendation, "targets": targets, "whole_decision": whole_decision, "form": form,
        "recipient": rules.recipient_of(commendation),
    }, status=status)


@role_required(may_revoke)
def revoke_commendation(request, pk):
    return _revoke(request, pk, whole_decision=False)


@role_required(may_revoke)
def revoke_decision(request, pk):
    return _revoke(request, pk, whole_decision=True)


# Achievement history --------------------------------------------------------------------------

@require_GET
@role_required(may_use_workspace)
def unit_history(request, pk):
    unit = get_object_or_404(Unit.objects.for_user(request.user).select_related("area"), pk=pk)
    registrations = Registration.objects.for_user(request.user).filter(unit=unit)
    return render(request, "commendations/history.html", {
        "subject": unit.name, "unit": unit, "person": None,
        "collective": rules.history_rows(registrations.filter(exemplar_kind=ExemplarKind.COLLECTIVE)),
        "individual": rules.history_rows(registrations.filter(exemplar_kind=ExemplarKind.INDIVIDUAL)),
    })


@require_GET
@role_required(may_use_workspace)
def person_history(request, pk):
    registration = get_registration_for_user(request.user, pk)
    if registration.exemplar_kind != ExemplarKind.INDIVIDUAL or not registration.person_name:
        raise Http404(_("Mô hình này không phải điển hình cá nhân."))
    registrations = rules.subject_registrations(registration).filter(
        pk__in=Registration.objects.for_user(request.user).values("pk"))
    return render(request, "commendations/history.html", {
        "subject": registration.person_name, "unit": registration.unit, "person": registration,
        "individual": rules.history_rows(registrations), "collective": [],
    })


# Public verification --------------------------------------------------------------------------

@never_cache
@require_GET
def verify(request, code):
    """What anyone scanning a certificate's QR code reads: genuine or not, and whether revoked."""
    commendation = rules.commendation_by_code(code)
    if commendation is None:
        raise Http404(_("Không có giấy khen nào mang mã này."))
    return render(request, "public/verify.html", {
        "commendation": commendation,
        "recipient": rules.recipient_of(commendation),
        "signed_by": signing.signer_description(),
    })
