"""Staff pages for commendation rounds, proposals, decisions and certificates (/quan-ly/khen-thuong/).

Objects are fetched through the *_for_user helpers (outside scope → 404); the rules in
models_registry.services.commendations refuse forbidden actions (→ 403) and bad input (→ form errors).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import signing
from ..access import (
    may_create_round,
    may_decide,
    may_enter_commendations,
    may_propose,
    may_revoke,
    may_use_workspace,
    role_required,
)
from ..certificates import certificate_for, render_pdf
from ..filters import parse_id
from ..forms.commendations import (
    AcceptForm,
    CommendationImportForm,
    DeclineForm,
    DirectEntryForm,
    ProposalForm,
    RegistrationSearchForm,
    RoundForm,
)
from ..models import CommendationForm, ImportBatch, Level, ProposalStatus, Registration
from ..services import commendations as rules
from ..services.imports import CommendationImporter
from ..text import fold
from .excel import keep_upload

PAGE_SIZE = 50



def get_round_for_user(user, pk):
    return get_object_or_404(rules.rounds_for_user(user), pk=pk)


def get_proposal_for_user(user, pk):
    return get_object_or_404(rules.proposals_for_user(user), pk=pk)


def get_commendation_for_user(user, pk):
    return get_object_or_404(
        rules.commendations_for_user(user).select_related("proposal__round__area", "registration__area"), pk=pk
    )


def _apply_errors(form, error):
    """Put a rule's refusal on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@role_required(may_use_workspace)
def round_list(request):
    today = timezone.localdate()
    rounds = rules.rounds_for_user(request.user).annotate(
        proposal_count=Count("proposals"),
        pending_count=Count("proposals", filter=Q(proposals__status=ProposalStatus.PENDING)),
    )
    proposable = set(rules.rounds_open_to(request.user, today).values_list("pk", flat=True))
    return render(request, "commendations/round_list.html", {
        "rounds": rounds,
        "today": today,
        "proposable": proposable,
        "can_create": may_create_round(request.user),
    })


@role_required(may_create_round)
def round_create(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            commendation_round = rules.create_round(request.user, **form.cleaned_data)
        except rules.NotNow as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã mở đợt “%(name)s”.") % {"name": commendation_round.name})
            return redirect("commendations-round-detail", pk=commendation_round.pk)
    return render(request, "commendations/round_form.html", {
        "form": form,
        "area": request.user.area,
        "level": Level(rules.level_of_area(request.user.area)).label,
    })


@role_required(may_use_workspace)
def round_detail(request, pk):
    commendation_round = get_round_for_user(request.user, pk)
    proposals = rules.proposals_for_user(request.user).filter(round=commendation_round).select_related(
        "commendation", "commendation__form"
    ).order_by("status", "registration__name")
    return render(request, "commendations/round_detail.html", {
        "round": commendation_round,
        "proposals": proposals,
        "is_open": rules.round_is_open(commendation_round),
        "may_propose": may_propose(request.user, commendation_round) and rules.round_is_open(commendation_round),
        "may_decide": may_decide(request.user, commendation_round),
    })


@role_required(may_propose)
def proposal_create(request, pk):
    commendation_round = get_round_for_user(request.user, pk)
    rules.require_may_propose(request.user, commendation_round)
    registrations = rules.proposable_registrations(request.user, commendation_round)
    chosen = parse_id(request.GET.get("mo-hinh"))
    initial = {"registration": chosen} if chosen else {}
    form = ProposalForm(request.POST or None, registrations=registrations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = rules.propose(
                request.user, commendation_round, data["registration"],
                justification=data["justification"], reason_without_exemplary=data["reason_without_exemplary"],
                votes_for=data["votes_for"], votes_against=data["votes_against"],
                votes_present=data["votes_present"], vote_date=data["vote_date"],
            )
        except rules.NotNow as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã gửi đề nghị khen thưởng “%(name)s”.") % {
                "name": proposal.registration.name})
            for warning in rules.warnings_for(proposal.registration, commendation_round.level):
                messages.warning(request, warning)
            return redirect("commendations-proposal-detail", pk=proposal.pk)
    # The history of the model chosen (in the link, or in the form sent back) and what to weigh.
    shown = registrations.filter(pk=parse_id(request.POST.get("registration")) or chosen).first()
    return render(request, "commendations/proposal_form.html", {
        "round": commendation_round,
        "form": form,
        "is_open": rules.round_is_open(commendation_round),
        "has_choices": registrations.exists(),
        "chosen": shown,
        "history": rules.history_rows(rules.subject_registrations(shown)) if shown else [],
        "warnings": rules.warnings_for(shown, commendation_round.level) if shown else [],
    })


def _proposal_page(request, proposal, accept_form=None, decline_form=None, status=200):
    registration = proposal.registration
    deciding = may_decide(request.user, proposal.round) and proposal.status == ProposalStatus.PENDING
    if deciding:
        accept_form = accept_form or AcceptForm(level=proposal.round.level, initial={
            "authority": proposal.round.area.get_commission_name(),
            "decision_date": timezone.localdate(),
        })
        decline_form = decline_form or DeclineForm()
    return render(request, "commendations/proposal_detail.html", {
        "proposal": proposal,
        "registration": registration,
        "assessments": registration.assessments.select_related("criterion").order_by("criterion__order"),
        "reviews": registration.reviews.all(),
        "exemplary": rules.has_exemplary_year_end(registration),
        "may_decide": deciding,
        "accept_form": accept_form,
        "decline_form": decline_form,
        "commendation": getattr(proposal, "commendation", None),
        "warnings": rules.warnings_for(registration, proposal.round.level)
        if proposal.status == ProposalStatus.PENDING else [],
    }, status=status)


@role_required(may_use_workspace)
def proposal_detail(request, pk):
    return _proposal_page(request, get_proposal_for_user(request.user, pk))


def _decision_target(request, pk):
    """The proposal to decide on, or a redirect when it is already decided.

    Outside the user's scope it answers 404 like a missing id; in scope but another area's round, 403.
    """
    proposal = get_proposal_for_user(request.user, pk)
    rules.require_may_decide(request.user, proposal)
    if proposal.status != ProposalStatus.PENDING:
        messages.error(request, _("Đề nghị này đã được quyết định."))
        return proposal, redirect("commendations-proposal-detail", pk=proposal.pk)
    return proposal, None


@require_POST
@role_required(may_decide)
def proposal_accept(request, pk):
    proposal, done = _decision_target(request, pk)
    if done:
        return done
    form = AcceptForm(request.POST, level=proposal.round.level)
    if form.is_valid():
        try:
            commendation = rules.accept(request.user, proposal, **form.cleaned_data)
        except rules.NotNow as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã quyết định khen thưởng: %(form)s.") % {"form": commendation.form.name})
            return redirect("commendations-proposal-detail", pk=proposal.pk)
    return _proposal_page(request, proposal, accept_form=form, status=400)


@require_POST
@role_required(may_decide)
def proposal_decline(request, pk):
    proposal, done = _decision_target(request, pk)
    if done:
        return done
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            rules.decline(request.user, proposal, note=form.cleaned_data["note"])
        except rules.NotNow as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã ghi quyết định không khen thưởng."))
            return redirect("commendations-proposal-detail", pk=proposal.pk)
    return _proposal_page(request, proposal, decline_form=form, status=400)


@role_required(may_use_workspace)
def commendation_list(request):
    commendations = rules.commendations_for_user(request.user).order_by("-decision_date", "pk")
    year = parse_id(request.GET.get("nam"))
    level = request.GET.get("cap", "")
    form_code = request.GET.get("hinh-thuc", "")
    if year:
        commendations = commendations.filter(registration__year=year)
    if level in Level.values:
        commendations = commendations.filter(level=level)
    if form_code:
        commendations = commendations.filter(form__code=form_code)
    page = Paginator(commendations, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "commendations/commendation_list.html", {
        "page": page,
        "levels": Level.choices,
        "forms": CommendationForm.objects.all(),
        "selected": {"nam": year or "", "cap": level, "hinh_thuc": form_code},
        "can_enter": may_enter_commendations(request.user),
    })


@role_required(may_enter_commendations)
def direct_entry(request):
    chosen = parse_id(request.GET.get("mo-hinh"))
    if chosen is None:
        search = RegistrationSearchForm(request.GET or None)
        found = []
        if search.is_valid() and (search.cleaned_data["q"] or search.cleaned_data["nam"]):
            found = rules.registrations_for_direct_entry(request.user)
            if search.cleaned_data["q"]:
                found = found.filter(search_text__contains=fold(search.cleaned_data["q"]))
            if search.cleaned_data["nam"]:
                found = found.filter(year=search.cleaned_data["nam"])
            found = found.order_by("-year", "name")[:30]
        return render(request, "commendations/direct_search.html", {"search": search, "found": found})

    registration = get_object_or_404(Registration.objects.for_user(request.user).select_related("unit"), pk=chosen)
    form = DirectEntryForm(request.POST or None, initial={
        "authority": registration.area.get_commission_name(), "level": registration.level,
    })
    if request.method == "POST" and form.is_valid():
        try:
            rules.enter_directly(request.user, registration, **form.cleaned_data)
        except rules.NotNow as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã ghi khen thưởng cho “%(name)s”.") % {"name": registration.name})
            return redirect("commendations-list")
    return render(request, "commendations/direct_entry.html", {"form": form, "registration": registration})


@role_required(may_enter_commendations)
def import_file(request):
    """Upload a file of commendations; its preview and confirm are the Excel pages' own."""
    form = CommendationImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = keep_upload(request, ImportBatch.Kind.COMMENDATIONS, form.cleaned_data["file"])
        return redirect("excel_preview", token=token)
    return render(request, "commendations/import.html", {
        "form": form, "columns": [column.header for column in CommendationImporter.columns],
    }, status=400 if form.errors else 200)


@login_required
def certificate(request, pk):
    commendation = get_commendation_for_user(request.user, pk)
    return render(request, "commendations/certificate.html", {
        "commendation": commendation, "certificate": certificate_for(commendation, request),
        "may_revoke": may_revoke(request.user, commendation),
    })


@login_required
def certificate_pdf(request, pk):
    commendation = get_commendation_for_user(request.user, pk)
    if commendation.is_revoked:
        messages.error(request, _("Khen thưởng này đã thu hồi: không in giấy khen."))
        return redirect("commendations-certificate", pk=commendation.pk)
    certificate_data = certificate_for(commendation, request)
    content = signing.sign_pdf(render_pdf(certificate_data), reason=certificate_data.decision_line.strip("()"),
                               location=certificate_data.authority)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate_data.file_name}"'
    return response
