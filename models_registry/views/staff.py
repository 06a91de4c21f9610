"""The staff workspace (/quan-ly/): queue, lists, review actions and closing a year."""
import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import may_close_year, may_review, may_use_workspace, role_required
from ..filters import filter_registrations, filter_units, parse_id
from ..forms.registration import RegistrationForm, staff_units
from ..forms.staff import (
    AssessmentForm,
    RegistrationFilterForm,
    ReturnForm,
    ReviewForm,
    UnitSearchForm,
    close_year_form,
)
from ..models import CriteriaSet, Registration, ReviewKind, Status, UnitKind, YearClosure
from ..services import workflow
from .registrations import (
    STAFF,
    create_registration,
    edit_registration,
    get_registration_for_user,
)

LIST_COLUMNS = ("unit", "area", "unit_kind")
# Units listed by the chooser at most; more matches ask for a longer search.
CHOOSER_LIMIT = 50
REVIEW_KINDS = {"so-ket": ReviewKind.MID_YEAR, "tong-ket": ReviewKind.YEAR_END}


@role_required(may_use_workspace)
def home(request):
    """The queue: submitted registrations waiting for a decision, oldest first, with counts by status."""
    visible = Registration.objects.for_user(request.user)
    this_year = datetime.date.today().year
    year = parse_id(request.GET.get("nam")) or this_year
    counts = dict(visible.filter(year=year).values_list("status").annotate(n=Count("pk")).order_by())
    queue = visible.filter(status=Status.SUBMITTED).select_related(*LIST_COLUMNS).order_by("updated_at")
    return render(request, "staff/home.html", {
        "queue": queue[:200],
        "queue_total": queue.count(),
        "year": year,
        "counts": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
        "year_total": sum(counts.values()),
        "area": request.user.area,
        "can_act": may_review(request.user),
    })


@role_required(may_use_workspace)
def registration_list(request):
    visible = Registration.objects.for_user(request.user)
    registrations = filter_registrations(visible, request.GET).select_related(*LIST_COLUMNS).order_by(
        "-year", "unit__name", "name")
    page = Paginator(registrations, 50).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(request, "staff/registrations.html", {
        "page": page,
        "filter_form": RegistrationFilterForm(request.GET or None, unit_kinds=UnitKind.objects.select_related("parent")),
        "query": query.urlencode(),
        "can_act": may_review(request.user),
    })


def unit_chooser(request, units, *, title, cancel_url):
    """Find the unit by its name (with or without diacritics) or code, among those in scope."""
    form = UnitSearchForm(request.GET)
    text = form.cleaned_data["tim"] if form.is_valid() else ""
    found = filter_units(units, {"q": text})
    return render(request, "staff/choose_unit.html", {
        "form": form, "units": found.select_related("kind__parent")[:CHOOSER_LIMIT], "total": found.count(),
        "limit": CHOOSER_LIMIT, "searched": bool(text.strip()), "title": title, "cancel_url": cancel_url,
    })


@role_required(may_review)
def registration_create(request):
    units = staff_units(request.user)
    unit = units.filter(pk=parse_id(request.GET.get("don-vi"))).first()
    if unit is None and request.method != "POST":
        return unit_chooser(request, units, title=_("Nhập mô hình thay đơn vị"), cancel_url=reverse("staff_registrations"))
    form = RegistrationForm(request.POST or None, units=units, unit=unit,
                            initial={"year": datetime.date.today().year})
    registration = create_registration(request, form, _("Đã nhập mô hình thay đơn vị (bản nháp)."))
    if registration is not None:
        return redirect("staff_registration", registration.pk)
    return render(request, "registrations/form.html", {
        "form": form, "workspace": STAFF, "title": _("Nhập mô hình thay đơn vị"),
        "cancel_url": reverse("staff_registrations"),
    })


@role_required(may_review)
def registration_edit(request, pk):
    registration = get_registration_for_user(request.user, pk)
    units = staff_units(request.user, registration.unit_id)
    title = _("Sửa, bổ sung mô hình")
    if "doi-don-vi" in request.GET and request.method != "POST":
        return unit_chooser(request, units, title=title, cancel_url=reverse("staff_registration_edit", args=[pk]))
    unit = units.filter(pk=parse_id(request.GET.get("don-vi"))).first()
    return edit_registration(request, pk, STAFF, form_kwargs={"units": units, "unit": unit}, title=title)


@require_POST
@role_required(may_review)
def accept(request, pk):
    registration = get_registration_for_user(request.user, pk)
    try:
        workflow.accept(request.user, registration, version=parse_id(request.POST.get("version")))
    except workflow.NotNow as error:
        messages.warning(request, str(error))
    else:
        messages.success(request, _("Đã duyệt mô hình “%(name)s”.") % {"name": registration.name})
    # Accepting from the queue returns to the queue, so staff can work through it.
    if request.POST.get("tiep") == "hang-cho":
        return redirect("staff_home")
    return redirect("staff_registration", registration.pk)


@role_required(may_review)
def return_registration(request, pk):
    registration = get_registration_for_user(request.user, pk)
    workflow.require(workflow.permissions_for(request.user, registration).return_,
                     _("Chỉ trả lại được mô hình đang chờ duyệt."))
    form = ReturnForm(request.POST or None, initial={"version": registration.version})
    if request.method == "POST" and form.is_valid():
        try:
            workflow.return_with_reason(request.user, registration, form.cleaned_data["reason"],
                                        version=form.cleaned_data.get("version"))
        except workflow.NotNow as error:
            messages.warning(request, str(error))
        else:
            messages.success(request, _("Đã trả lại mô hình cho đơn vị kèm lý do."))
        return redirect("staff_registration", registration.pk)
    return render(request, "staff/return.html", {"form": form, "registration": registration})


@role_required(may_review)
def assess(request, pk):
    registration = get_registration_for_user(request.user, pk)
    workflow.require(workflow.permissions_for(request.user, registration).assess,
                     _("Chỉ đánh giá tiêu chí với mô hình đã gửi hoặc đã duyệt."))
    criteria_set = CriteriaSet.for_kind(registration.unit_kind, registration.year)
    criteria = criteria_set.criteria.all() if criteria_set else []
    form = AssessmentForm(
        request.POST or None, criteria=criteria, attachments=registration.attachments.all(),
        assessments={a.criterion_id: a for a in registration.assessments.all()},
    )
    if request.method == "POST" and form.is_valid():
        changes = workflow.assess_criteria(request.user, registration, form.assessment_rows())
        messages.success(request, _("Đã lưu đánh giá tiêu chí.") if changes else _("Không có thay đổi nào."))
        return redirect("staff_registration", registration.pk)
    return render(request, "staff/assess.html", {
        "form": form, "registration": registration, "criteria_set": criteria_set,
    })


@role_required(may_review)
def review(request, pk, kind):
    if kind not in REVIEW_KINDS:
        raise Http404
    review_kind = REVIEW_KINDS[kind]
    registration = get_registration_for_user(request.user, pk)
    workflow.require(workflow.permissions_for(request.user, registration).review,
                     _("Chỉ sơ kết, tổng kết được mô hình đã duyệt."))
    existing = registration.reviews.filter(kind=review_kind).first()
    initial = {"review_date": datetime.date.today()}
    if existing:
        initial = {"review_date": existing.review_date, "outcome": existing.outcome, "summary": existing.summary}
    form = ReviewForm(request.POST or None, kind=review_kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.record_review(request.user, registration, kind=review_kind, **form.cleaned_data)
        except workflow.NotNow as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu %(kind)s.") % {"kind": review_kind.label.lower()})
            return redirect("staff_registration", registration.pk)
    return render(request, "staff/review.html", {
        "form": form, "registration": registration, "kind_label": review_kind.label, "existing": existing,
    })


@role_required(may_close_year)
def close_year(request):
    user = request.user
    form = close_year_form(request.POST or None, user)
    if request.method == "POST" and form.is_valid():
        area = form.cleaned_data.get("area") or user.area
        try:
            workflow.close_year(user, area, form.cleaned_data["year"])
        except workflow.NotNow as error:
            form.add_error("year", str(error))
        else:
            messages.success(request, _("Đã khóa sổ năm %(year)s cho %(area)s.")
                             % {"year": form.cleaned_data["year"], "area": area})
            return redirect("staff_close_year")
    closures = YearClosure.objects.select_related("area", "closed_by").order_by("-year")
    if not user.is_superuser:
        closures = closures.filter(area=user.area)
    return render(request, "staff/close_year.html", {"form": form, "closures": closures, "area": user.area})


