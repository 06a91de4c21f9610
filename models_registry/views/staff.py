"""The staff workspace (/quan-ly/): queue, lists, review actions and closing a year."""
import datetime

from django.conf import settings
from django.contrib import messages
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ..access import AREA, may_close_year, may_review, may_use_workspace, role_required, scope_of
from ..filters import RegistrationFilterSet, filter_units, parse_id
from ..forms.registration import NewUnitForm, RegistrationForm, staff_units
from ..forms.staff import (
    AcceptForm,
    AssessmentForm,
    BulkReturnForm,
    ReasonTemplateForm,
    ReopenForm,
    ReturnForm,
    ReviewForm,
    UnitSearchForm,
    close_year_form,
)
from ..models import (
    AdminArea,
    CriteriaSet,
    ReasonTemplate,
    Registration,
    RegistrationEvent,
    RegistrationSummary,
    ReviewKind,
    Status,
    UnitKind,
    YearClosure,
)
from ..pagination import NEWEST_FIRST, PARAMETERS, keyset_page, total_of
from ..queue_filters import QueueFilterSet
from ..services import plans, workflow
from .fragments import cached_fragment, form_copy
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


# Rows the queue shows at most; the filters narrow a longer queue.
QUEUE_LIMIT = 200
# Rows one bulk action takes at most, so one request stays short.
BULK_LIMIT = 200


def criteria_totals(pairs):
    """{(unit kind id, year): number of criteria in force} for the (kind, year) pairs of a list, in two queries."""
    kinds = UnitKind.objects.in_bulk({kind_id for kind_id, _year in pairs})
    sets = list(CriteriaSet.objects.annotate(n=Count("criteria")).order_by("-year_from"))
    totals = {}
    for kind_id, year in pairs:
        kind = kinds.get(kind_id)
        # A sub-kind without its own set uses its parent's, as CriteriaSet.for_kind does.
        for candidate in (kind.pk, kind.parent_id) if kind else ():
            found = next((cs for cs in sets if cs.unit_kind_id == candidate and cs.year_from <= year
                          and (cs.year_to is None or cs.year_to >= year)), None)
            if found is not None:
                totals[(kind_id, year)] = found.n
                break
    return totals


def queue_rows(registrations):
    """Submitted registrations with when they were sent and how they stand against their criteria."""
    queue = registrations.filter(status=Status.SUBMITTED)
    totals = criteria_totals(set(queue.values_list("unit_kind_id", "year").distinct().order_by()))
    total = Value(0, output_field=IntegerField())
    if totals:
        total = Case(*(When(unit_kind_id=kind_id, year=year, then=Value(n)) for (kind_id, year), n in totals.items()),
                     default=Value(0), output_field=IntegerField())
    sent = RegistrationEvent.objects.filter(registration=OuterRef("pk"), to_status=Status.SUBMITTED).order_by("-at")
    queue = queue.annotate(
        sent_at=Coalesce(Subquery(sent.values("at")[:1]), "updated_at"),
        met=Count("assessments", filter=Q(assessments__met=True)),
        unmet=Count("assessments", filter=Q(assessments__met=False)),
        criteria_total=total,
    )
    # For sorting: unmet criteria first, then those not assessed yet, then the complete ones.
    return queue.annotate(shortfall=Case(
        When(unmet__gt=0, then=Value(2)), When(met__lt=total, then=Value(1)), default=Value(0),
        output_field=IntegerField()))


def with_results(rows):
    today = timezone.localdate()
    for row in rows:
        row.criteria = workflow.CriteriaResult(row.criteria_total, row.met, row.unmet)
        row.days_waiting = (today - timezone.localdate(row.sent_at)).days
    return rows


# The queue's parameters (queue_filters.py) and the year of the counts: the page's copy is made from these alone.
HOME_PARAMETERS = ("nam", "xa", "tieu-chi", "cho", "sap-xep")


@role_required(may_use_workspace)
def home(request):
    """The queue: submitted registrations waiting for a decision, oldest first, with counts by status.

    Everything but the menu, the messages and the bulk form's token comes from the data, the
    viewer's scope, the query and the day: one copy serves every viewer of the same scope until a
    change in their province (views/fragments.py)."""
    user = request.user
    year = parse_id(request.GET.get("nam")) or datetime.date.today().year
    # Bound by any parameter at all, as before; read from the known ones only.
    data = QueryDict(mutable=True) if request.GET else None
    if data is not None:
        data.update({name: request.GET[name] for name in HOME_PARAMETERS if name in request.GET})
    content = cached_fragment(
        "hang-cho", *_viewer(user), year, None if data is None else sorted(data.items()), timezone.localdate(),
        place=lambda: _province(user), drafts=True,
        build=lambda: render_to_string("staff/home_content.html", _home_context(user, year, data)),
    )
    return render(request, "staff/home.html", {"content": content})


def _viewer(user):
    """What a workspace copy's scope, actions and heading are made from (access.scope_of,
    may_review): the viewers it may be shown to have all of these alike."""
    return user.is_superuser, user.role, user.area_id


def _province(user):
    """Where the rows of a workspace copy lie: the viewer's province, or None for the country."""
    return user.area.current_province_id if scope_of(user)[0] == AREA else None


def _home_context(user, year, data):
    visible = Registration.objects.for_user(user)
    counts = dict(visible.filter(year=year).values_list("status").annotate(n=Count("pk")).order_by())
    rows = queue_rows(visible)
    communes = AdminArea.objects.filter(pk__in=visible.filter(status=Status.SUBMITTED).values("area")).order_by("name")
    queue_filter = QueueFilterSet(data, rows, communes=communes)
    queue = queue_filter.qs.select_related(*LIST_COLUMNS)
    if not queue.query.order_by:
        queue = queue.order_by("sent_at", "pk")
    shown = with_results(list(queue[:QUEUE_LIMIT]))
    return {
        "queue": shown,
        # Counted again only when the list was cut short.
        "queue_total": queue.count() if len(shown) == QUEUE_LIMIT else len(shown),
        "filter": queue_filter,
        "filtered": data is not None,
        # The filter form is rendered once for each state of it (bound or not, its values) and list
        # of communes (its choices).
        **form_copy("queue", "" if data is None else f"?{data.urlencode()}",
                    "|".join(f"{commune.pk}:{commune}" for commune in communes)),
        "year": year,
        "counts": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
        "year_total": sum(counts.values()),
        "area": user.area,
        "can_act": may_review(user),
        "timeliness": plans.timeliness_total(user, user.area, year) if user.area else None,
        "steps": plans.STEPS,
        "states": plans.STATES,
    }


@role_required(may_use_workspace)
def registration_list(request):
    """Every registration in the viewer's scope, filtered, a keyset page at a time. Like the queue,
    it comes from the data, the viewer's scope and the query alone: one copy serves every viewer
    of the same scope until a change in their province (views/fragments.py)."""
    user = request.user
    content = cached_fragment(
        "danh-sach", *_viewer(user), sorted(request.GET.lists()), place=lambda: _province(user), drafts=True,
        # The request for the pager's links, which keep the query (named above).
        build=lambda: render_to_string("staff/registrations_content.html", _list_context(user, request.GET),
                                       request=request),
    )
    return render(request, "staff/registrations.html", {"content": content})


def _list_context(user, params):
    filters = RegistrationFilterSet(params or None, Registration.objects.for_user(user))
    kind, scope_area = scope_of(user)
    cells = filters.summary_cells(RegistrationSummary.objects.for_user(user),
                                  area=scope_area if kind == AREA else None)
    page = keyset_page(filters.qs.select_related(*LIST_COLUMNS), NEWEST_FIRST, params,
                       size=settings.LIST_PAGE_SIZE, total=total_of(filters.qs, cells))
    # The exports and posters take the whole filtered list, not this page.
    query = params.copy()
    for name in PARAMETERS:
        query.pop(name, None)
    form = filters.form
    return {
        "page": page,
        "filter_form": form,
        "query": query.urlencode(),
        "can_act": may_review(user),
        **(form_copy("staff-list", query.urlencode()) if not form.is_bound or form.is_valid() else {}),
    }


def unit_chooser(request, units, *, title, cancel_url, new_unit_form=None):
    """Find the unit by its name (with or without diacritics) or code, among those in scope;
    with `new_unit_form`, a unit missing from the catalogue can be added on the spot."""
    form = UnitSearchForm(request.GET)
    text = form.cleaned_data["tim"] if form.is_valid() else ""
    found = filter_units(units, {"q": text})
    if new_unit_form is not None and not new_unit_form.is_bound and text.strip():
        new_unit_form.initial["name"] = text.strip()
    return render(request, "staff/choose_unit.html", {
        "form": form, "units": found.select_related("kind__parent")[:CHOOSER_LIMIT], "total": found.count(),
        "limit": CHOOSER_LIMIT, "searched": bool(text.strip()), "title": title, "cancel_url": cancel_url,
        "new_unit_form": new_unit_form,
    })


@role_required(may_review)
def registration_create(request):
    units = staff_units(request.user)
    title = _("Nhập mô hình thay đơn vị")
    if request.method == "POST" and "them-don-vi" in request.POST:
        new_unit_form = NewUnitForm(request.POST, user=request.user)
        if new_unit_form.is_valid():
            unit = new_unit_form.save()
            messages.success(request, _("Đã thêm đơn vị “%(name)s” (mã %(code)s).") % {"name": unit.name, "code": unit.code})
            return redirect(f"{reverse('staff_registration_create')}?don-vi={unit.pk}")
        return unit_chooser(request, units, title=title, cancel_url=reverse("staff_registrations"),
                            new_unit_form=new_unit_form)
    unit = units.filter(pk=parse_id(request.GET.get("don-vi"))).first()
    if unit is None and request.method != "POST":
        return unit_chooser(request, units, title=title, cancel_url=reverse("staff_registrations"),
                            new_unit_form=NewUnitForm(user=request.user))
    form = RegistrationForm(request.POST or None, units=units, unit=unit, on_paper=True,
                            initial={"year": datetime.date.today().year})
    on_paper = form.is_bound and form.is_valid() and form.cleaned_data.get("approved_on_paper")
    saved = _("Đã nhập mô hình và ghi nhận đã duyệt trên giấy.") if on_paper else _(
        "Đã nhập mô hình thay đơn vị (bản nháp).")
    registration = create_registration(request, form, saved, approved_on_paper=bool(on_paper))
    if registration is not None:
        if "them-tiep" in request.POST:
            # Paper forms come in piles: straight on to the next one.
            return redirect("staff_registration_create")
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


def _back(request, registration):
    # Acting from the queue returns to the queue, so staff can work through it.
    if request.POST.get("tiep", request.GET.get("tiep")) == "hang-cho":
        return redirect("staff_home")
    return redirect("staff_registration", registration.pk)


def _criteria_rows(registration):
    criteria_set = CriteriaSet.for_kind(registration.unit_kind, registration.year)
    if criteria_set is None:
        return None, []
    assessments = {a.criterion_id: a for a in registration.assessments.all()}
    return criteria_set, [(c, assessments.get(c.pk)) for c in criteria_set.criteria.all()]


@role_required(may_review)
def accept(request, pk):
    """Accepting asks for confirmation on its own page, with the criteria result beside the button."""
    registration = get_registration_for_user(request.user, pk)
    if not workflow.permissions_for(request.user, registration).accept:
        messages.warning(request, _("Mô hình đang ở trạng thái “%(status)s”, không duyệt được.")
                         % {"status": registration.get_status_display()})
        return redirect("staff_registration", registration.pk)
    result = workflow.criteria_result(registration)
    form = AcceptForm(request.POST or None, user=request.user, initial={"version": registration.version, "confirm": True})
    # Without the confirmation page's own field a POST (an old bookmark, a script) only shows the page.
    if request.method == "POST" and form.is_valid() and form.cleaned_data["confirm"]:
        try:
            workflow.accept(request.user, registration, version=form.cleaned_data.get("version"),
                            reason=form.cleaned_data["reason"], result=result)
        except workflow.NotNow as error:
            if not (result.shortfall and not form.cleaned_data["reason"]):
                messages.warning(request, " ".join(error.messages))
                return _back(request, registration)
            form.add_error("reason", error)
        else:
            messages.success(request, _("Đã duyệt mô hình “%(name)s”.") % {"name": registration.name})
            return _back(request, registration)
    criteria_set, criteria = _criteria_rows(registration)
    return render(request, "staff/accept.html", {
        "form": form, "registration": registration, "result": result, "criteria_set": criteria_set,
        "criteria": criteria, "next": request.POST.get("tiep", request.GET.get("tiep", "")),
    })


@role_required(may_review)
def return_registration(request, pk):
    registration = get_registration_for_user(request.user, pk)
    workflow.require(workflow.permissions_for(request.user, registration).return_,
                     _("Chỉ trả lại được mô hình đang chờ duyệt."))
    form = ReturnForm(request.POST or None, user=request.user, initial={"version": registration.version})
    if request.method == "POST" and form.is_valid():
        try:
            workflow.return_with_reason(request.user, registration, form.cleaned_data["reason"],
                                        version=form.cleaned_data.get("version"))
        except workflow.NotNow as error:
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã trả lại mô hình cho đơn vị kèm lý do."))
        return _back(request, registration)
    return render(request, "staff/return.html", {
        "form": form, "registration": registration, "next": request.POST.get("tiep", request.GET.get("tiep", "")),
    })


@role_required(may_review)
def reopen(request, pk):
    """Take an acceptance back while the year is open: to the queue, or to the unit with the reason."""
    registration = get_registration_for_user(request.user, pk)
    workflow.require(workflow.permissions_for(request.user, registration).reopen,
                     _("Chỉ mở lại được mô hình đã duyệt của năm chưa khóa sổ."))
    form = ReopenForm(request.POST or None, user=request.user, initial={"version": registration.version})
    if request.method == "POST" and form.is_valid():
        try:
            workflow.reopen(request.user, registration, to_status=form.cleaned_data["to_status"],
                            reason=form.cleaned_data["reason"], version=form.cleaned_data.get("version"))
        except workflow.NotNow as error:
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã mở lại mô hình; mô hình không còn hiện trên trang công khai."))
        return redirect("staff_registration", registration.pk)
    return render(request, "staff/reopen.html", {"form": form, "registration": registration})


BULK_ACTIONS = ("duyet", "tra-lai")


@require_POST
@role_required(may_review)
def bulk(request):
    """Accept or return the models ticked in the queue: a confirmation page first, then one by one."""
    action = request.POST.get("thao-tac")
    if action not in BULK_ACTIONS:
        raise Http404
    ids = [pk for pk in (parse_id(value) for value in request.POST.getlist("chon")) if pk][:BULK_LIMIT]
    visible = Registration.objects.for_user(request.user)
    chosen = with_results(list(queue_rows(visible.filter(pk__in=ids)).select_related(*LIST_COLUMNS)
                               .order_by("sent_at", "pk")))
    if not chosen:
        messages.warning(request, _("Hãy đánh dấu ít nhất một mô hình đang chờ duyệt."))
        return redirect("staff_home")
    form_class = AcceptForm if action == "duyet" else BulkReturnForm
    form = form_class(request.POST if "xac-nhan" in request.POST else None, user=request.user)
    if form.is_bound and form.is_valid():
        if action == "duyet":
            outcome = workflow.bulk_accept(request.user, chosen, reason=form.cleaned_data["reason"])
            done = ngettext("Đã duyệt %(count)s mô hình.", "Đã duyệt %(count)s mô hình.", len(outcome.done))
        else:
            outcome = workflow.bulk_return(request.user, chosen, form.cleaned_data["reason"])
            done = ngettext("Đã trả lại %(count)s mô hình.", "Đã trả lại %(count)s mô hình.", len(outcome.done))
        if outcome.done:
            messages.success(request, done % {"count": len(outcome.done)})
        for registration, message in outcome.refused:
            messages.warning(request, _("Chưa xử lý “%(name)s”: %(reason)s")
                             % {"name": registration.name, "reason": message})
        return redirect("staff_home")
    return render(request, "staff/bulk.html", {
        "form": form, "rows": chosen, "action": action,
        "shortfall": sum(1 for row in chosen if row.criteria.shortfall),
    })


@role_required(may_review)
def reasons(request):
    """The reason templates staff pick from when returning, accepting or reopening."""
    user = request.user
    own = ReasonTemplate.objects.all() if user.is_superuser else ReasonTemplate.objects.filter(area=user.area_id)
    shared = ReasonTemplate.objects.none() if user.is_superuser else ReasonTemplate.objects.filter(area=None)
    form = ReasonTemplateForm(request.POST or None, instance=ReasonTemplate(area=user.area, created_by=user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã thêm lý do mẫu."))
        return redirect("staff_reasons")
    return render(request, "staff/reasons.html", {
        "form": form, "own": own.select_related("area"), "shared": shared, "can_act": True,
    })


@role_required(may_review)
def reason_edit(request, pk):
    template = _own_reason(request, pk)
    form = ReasonTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu lý do mẫu."))
        return redirect("staff_reasons")
    return render(request, "staff/reason_edit.html", {"form": form, "reason_template": template})


@require_POST
@role_required(may_review)
def reason_delete(request, pk):
    _own_reason(request, pk).delete()
    messages.success(request, _("Đã xóa lý do mẫu."))
    return redirect("staff_reasons")


def _own_reason(request, pk):
    """Staff change their own area's templates; administrators every one."""
    templates = ReasonTemplate.objects.all()
    if not request.user.is_superuser:
        templates = templates.filter(area=request.user.area_id)
    return get_object_or_404(templates, pk=pk)


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


