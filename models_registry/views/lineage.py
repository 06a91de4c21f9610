"""A unit's page in the staff workspace, and recording merges, splits and renames
(/quan-ly/don-vi/): by hand, from an old → new list, or confirming the default lineage of the
2025 reform that the areas' commune mapping suggests."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import may_manage_accounts, may_record_lineage, may_use_workspace, role_required
from ..forms.lineage import LineageImportForm, MergeForm, RenameForm, SplitForm, SuggestionForm
from ..models import LineageEvent, Registration, Unit
from ..models.lineage import predecessor_ids
from ..services import lineage as service
from ..services.errors import NotNow
from ..services.imports import engine as import_engine
from ..services.imports import read
from ..services.imports.lineage import LineageImporter
from ..services.imports.reader import Refused

recorder_required = role_required(may_record_lineage)
FORMS = {"sap-nhap": MergeForm, "chia-tach": SplitForm, "doi-ten": RenameForm}


def get_unit_for_user(user, pk):
    return get_object_or_404(Unit.objects.for_user(user).select_related("area", "kind__parent"), pk=pk)


@role_required(may_use_workspace)
def unit_detail(request, pk):
    """The unit, its accounts, where it came from and went to, and its models and its
    predecessors' across the years."""
    unit = get_unit_for_user(request.user, pk)
    came, went, renames = service.lineage_of(unit)
    lineage_units = {unit.pk} | predecessor_ids([unit.pk])
    registrations = (Registration.objects.for_user(request.user).filter(unit__in=lineage_units)
                     .select_related("unit").order_by("-year", "name"))
    return render(request, "lineage/unit.html", {
        "unit": unit, "came": came, "went": went, "renames": renames, "registrations": registrations[:200],
        "accounts": unit.accounts.order_by("username") if may_manage_accounts(request.user) else None,
    })


@recorder_required
def lineage_home(request):
    units = Unit.objects.for_user(request.user)
    events = (LineageEvent.objects.filter(links__successor__in=units).distinct()
              .prefetch_related("links__predecessor", "links__successor").select_related("created_by")[:50])
    return render(request, "lineage/home.html", {
        "forms": {key: form(units=units, prefix=key) for key, form in FORMS.items()},
        "import_form": LineageImportForm(), "events": events,
    })


@require_POST
@recorder_required
def record(request, what):
    if what not in FORMS:
        return redirect("lineage_home")
    units = Unit.objects.for_user(request.user)
    form = FORMS[what](request.POST, units=units, prefix=what)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if what == "sap-nhap":
                event = service.merge(request.user, data["predecessors"], data["successor"], data["effective_date"],
                                      account_fate=data["account_fate"], note=data["note"])
            elif what == "chia-tach":
                event = service.split(request.user, data["predecessor"], data["successors"], data["effective_date"],
                                      account_fate=data["account_fate"], account_successor=data["account_successor"],
                                      note=data["note"])
            else:
                event = service.rename(request.user, data["unit"], data["new_name"], data["effective_date"],
                                       note=data["note"])
        except NotNow as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã ghi %(kind)s ngày %(date)s.") % {
                "kind": event.get_kind_display().lower(), "date": f"{event.effective_date:%d/%m/%Y}"})
            return redirect("lineage_home")
    forms = {key: (form if key == what else cls(units=units, prefix=key)) for key, cls in FORMS.items()}
    return render(request, "lineage/home.html", {"forms": forms, "import_form": LineageImportForm(), "active": what,
                                                 "events": []}, status=400)


@require_POST
@recorder_required
def import_list(request):
    """Check an old → new list ("Kiểm tra") or import it whole ("Nhập")."""
    form = LineageImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        write = request.POST.get("thao-tac") == "nhap"
        try:
            table = read(upload, upload.name)
        except Refused as refusal:
            report = import_engine.refused(LineageImporter.kind, upload.name, str(refusal))
        else:
            report = import_engine.run(LineageImporter, table, upload.name, user=request.user, write=write)
        if report.written:
            messages.success(request, report.summary())
            return redirect("lineage_home")
    units = Unit.objects.for_user(request.user)
    return render(request, "lineage/home.html", {
        "forms": {key: cls(units=units, prefix=key) for key, cls in FORMS.items()}, "import_form": form,
        "report": report, "active": "nhap", "events": [],
    }, status=200 if report is not None and report.ok else 400)


@recorder_required
def suggestions(request):
    """The default lineage of the 2025 reform for staff to confirm, group by group."""
    found = service.suggestions(request.user)
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        by_key = {s.key: s for s in found}
        choices = []
        for key in request.POST.getlist("nhom"):
            suggestion = by_key.get(key)
            successor_id = request.POST.get(f"ke-thua-{key}", "")
            successor = next((c for c in suggestion.candidates if str(c.pk) == successor_id), None) if suggestion else None
            if successor is not None:
                choices.append((suggestion.predecessors, successor))
        if not choices:
            messages.warning(request, _("Hãy đánh dấu ít nhất một nhóm có đơn vị kế thừa."))
        else:
            try:
                events = service.confirm_suggestions(request.user, choices, account_fate=form.cleaned_data["account_fate"])
            except NotNow as error:
                for message in error.messages:
                    messages.warning(request, message)
            else:
                messages.success(request, _("Đã ghi %(count)s lần sáp nhập theo danh mục xã cũ → xã mới.")
                                 % {"count": len(events)})
            return redirect("lineage_suggestions")
    return render(request, "lineage/suggestions.html", {
        "suggestions": found, "form": form, "reform_date": service.REFORM_DATE,
    })
