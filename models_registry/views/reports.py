"""Leadership dashboards (/bao-cao/): figures for an area and a year or period, drill-down, exports.

Query parameters: `dia-ban` an area code (today's structure unless `co-cau=cu`), `nam` a year,
or `tu-nam` and `den-nam` a period. The area defaults to the viewer's own; an area outside
the viewer's scope answers 404, so the parameters can never widen what a leader sees.
"""
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..access import may_view_reports, role_required, scope_key
from ..filters import ReportListFilterSet, by_area, find_area, parse_id, structure_of
from ..forms.reports import PeriodForm
from ..models import (
    AreaLevel,
    ExemplarKind,
    Field,
    Level,
    Outcome,
    Registration,
    RegistrationSummary,
    Status,
    Unit,
    UnitKind,
    kept_area,
)
from ..pagination import NEWEST_FIRST, counted, keyset_page, total_of
from ..report_files import report_csv, report_workbook
from ..report_tables import headline, link_tables, missing_units_table, report_tables
from ..services.reports import (
    COUNTED_Q,
    MISSING_ORDER,
    MISSING_UNITS_ON_PAGE,
    Summaries,
    build_report,
    cached_report,
    in_operation,
    scoped,
    units_without_registration,
)
from .fragments import form_copy

# An area's parents too: the breadcrumbs and the commission's name are read through them.
AREA_RELATED = ("parent__parent", "current_province", "current_commune")


def resolve_area(params, base_area):
    """The area asked for in `params`, which must lie inside `base_area` (None: everywhere)."""
    code = (params.get("dia-ban") or "").strip()
    if not code:
        return base_area
    area = find_area(code, structure_of(params), *AREA_RELATED)
    if area is None or not (base_area is None or base_area.contains(area)):
        raise Http404(_("Không có địa bàn này trong phạm vi của bạn."))
    return area


def breadcrumbs(base_area, area, report_url, period_params):
    """(label, url) of the area's ancestors from the viewer's own area down, in the area's structure."""
    chain = []
    # Up the parent links (a commune's district, then its province): the objects the commission's
    # name is then looked up through, so no area is read twice.
    ancestor = area
    while ancestor is not None and ancestor.parent_id is not None:
        ancestor = ancestor.parent
        chain.insert(0, ancestor)
    visible = [a for a in chain + [area] if a is not None and (base_area is None or base_area.contains(a))]
    if base_area is not None and base_area not in visible:
        visible.insert(0, base_area)
    crumbs = [(_("Toàn quốc"), build_url(report_url, period_params))] if base_area is None else []
    crumbs += [(str(a), build_url(report_url, {**area_params(a), **period_params})) for a in visible]
    return crumbs


def area_params(area):
    return {} if area is None else {"dia-ban": area.code, "co-cau": area.structure}


def build_url(path, params):
    return f"{path}?{urlencode(params)}" if params else path


def current_area_of(area):
    """Today's area a pre-2025 one rolls up into (its default successor commune, or its province)."""
    if area is None or area.is_current:
        return None
    if area.level == AreaLevel.COMMUNE and area.current_commune_id:
        return area.current_commune
    return area.current_province


def area_and_period(request, *, base_area, report_url, template, public):
    """What every report page starts from: the area and the year or period asked for, and the
    page's context. The third value is a 400 page when the years are wrong, else None."""
    area = resolve_area(request.GET, base_area)
    form = PeriodForm(request.GET, area=area)
    context = {"form": form, "area": area, "public": public, "report_url": report_url}
    if not form.is_valid():
        context["crumbs"] = breadcrumbs(base_area, area, report_url, {})
        return context, None, render(request, template, context, status=400)
    period = form.cleaned_data["period"]
    context["crumbs"] = breadcrumbs(base_area, area, report_url, period.params)
    context.update(form_copy("period", area.pk if area else None, *(form.data.get(name) for name in form.fields)))
    return context, period, None


def report_page(request, *, base_area, viewer, summaries, units, counted_q, public, report_url, list_url,
                missing_url=None):
    """Shared by the leaders' dashboard and the public statistics. `viewer` and `summaries`: see
    `cached_report`."""
    context, period, refused = area_and_period(request, base_area=base_area, report_url=report_url,
                                               template="reports/dashboard.html", public=public)
    if refused:
        return refused
    area = context["area"]
    # A commune's few missing units are listed on the page; above that the number links to their list.
    inline_missing = not public and area is not None and area.level == AreaLevel.COMMUNE
    report = cached_report(
        viewer, summaries, units, area, period, counted_q=counted_q,
        missing_limit=MISSING_UNITS_ON_PAGE if inline_missing else 0, idle_units_listed=not public,
    )
    base_params = {**area_params(area), **period.params}

    def tables():
        linked = link_tables(
            report_tables(report, public=public),
            report_url=report_url,
            list_url=list_url,
            base_params=base_params,
            missing_url=missing_url,
        )
        return {table.key.replace("-", "_"): table for table in linked}

    context.update(
        report=report,
        period=period,
        # Built only if the template's cached copy of the tables is missing.
        tables=SimpleLazyObject(tables),
        report_cache_seconds=settings.REPORT_CACHE_SECONDS if report.cache_key else 0,
        missing=link_tables([missing_units_table(report)], report_url=report_url, list_url=None, base_params=base_params)[0]
        if inline_missing
        else None,
        commission=area.get_commission_name() if area is not None else _("Ban Dân vận"),
        export_params=urlencode(base_params),
        period_query=urlencode(period.params),
        headline=headline(report),
        current_area=current_area_of(area),
        missing_list_url=build_url(missing_url, {**area_params(area), "nam": period.year_to}) if missing_url else None,
    )
    return render(request, "reports/dashboard.html", context)


def viewer_area(request):
    """The area whose reports the viewer reads by default and may not leave (None: the country),
    read with what `resolve_area` reads with an area asked for."""
    user = request.user
    if not user.area_id:
        return None
    area = kept_area(AREA_RELATED, pk=user.area_id)
    # The same row, given to the account: its scope (access.scope_of) is read from it, not again.
    user.area = area
    return area


@require_GET
@role_required(may_view_reports)
def dashboard(request):
    base_area, units = viewer_area(request), Unit.objects.for_user(request.user)
    return report_page(
        request,
        base_area=base_area,
        viewer=scope_key(request.user),
        summaries=lambda: Summaries.for_user(request.user),
        units=units,
        counted_q=COUNTED_Q,
        public=False,
        report_url=reverse("reports-dashboard"),
        list_url=reverse("reports-registrations"),
        missing_url=reverse("reports-missing-units"),
    )


def filtered_registrations(params, registrations, cells, area, period, counted_q=COUNTED_Q):
    """Registrations behind one number of a report (its area, period and list filters), and the
    summary cells among `cells` that count them, or None (`summary_cells`)."""
    registrations = registrations.filter(year__gte=period.year_from, year__lte=period.year_to)
    if area is not None:
        registrations = by_area(registrations, area)
    filters = ReportListFilterSet(params, registrations, period=period, counted_q=counted_q)
    cells = cells.filter(counted_q, year__gte=period.year_from, year__lte=period.year_to)
    return filters.qs, filters.summary_cells(cells, area=area)


def describe_filters(params, period, registrations):
    """The list filters in words, so a list reached from a number says what it counts."""
    words = []
    for param, choices, title in (
        ("linh-vuc", Field, _("Lĩnh vực")),
        ("cap", Level, _("Cấp")),
        ("trang-thai", Status, _("Trạng thái")),
        ("loai-dien-hinh", ExemplarKind, _("Loại điển hình")),
        ("ket-qua", Outcome, _("Kết quả")),
    ):
        if params.get(param) in choices.values:
            words.append(f"{title}: {choices(params[param]).label}")
    if params.get("ket-qua") == "chua":
        words.append(_("Chưa đánh giá"))
    if params.get("moi") in ("1", "0"):
        words.append(_("Xây dựng mới") if params["moi"] == "1" else _("Củng cố, nâng cao"))
    if params.get("nhan-rong") == "1":
        words.append(_("Nhân rộng từ mô hình khác"))
    if params.get("tiep-noi") in ("co", "khong") and period.is_single:
        words.append(
            (_("Được duy trì sang năm %(year)s") if params["tiep-noi"] == "co" else _("Không tiếp tục năm %(year)s"))
            % {"year": period.year_to + 1}
        )
    kind = UnitKind.objects.filter(code=params.get("loai-don-vi", "")).first() if params.get("loai-don-vi") else None
    if kind is not None:
        words.append(f"{_('Khối, loại đơn vị')}: {kind.name}")
    # Named only if the viewer sees one of its registrations: an id must not reveal units elsewhere.
    unit_id = parse_id(params.get("don-vi"))
    unit_name = None if unit_id is None else (
        registrations.filter(unit_id=unit_id).values_list("unit__name", flat=True).first())
    if unit_name is not None:
        words.append(f"{_('Đơn vị')}: {unit_name}")
    return words


def list_page(request, *, base_area, registrations, cells, counted_q, public, report_url):
    context, period, refused = area_and_period(request, base_area=base_area, report_url=report_url,
                                               template="reports/registration_list.html", public=public)
    if refused:
        return refused
    area = context["area"]
    rows, cells = filtered_registrations(request.GET, registrations, cells, area, period, counted_q)
    page = keyset_page(rows.select_related("unit", "area", "unit_kind"), NEWEST_FIRST, request.GET,
                       size=settings.LIST_PAGE_SIZE, total=total_of(rows, cells))
    context.update(
        period=period,
        page=page,
        filters=describe_filters(request.GET, period, registrations),
        back_url=build_url(report_url, {**area_params(area), **period.params}),
    )
    return render(request, "reports/registration_list.html", context)


@require_GET
@role_required(may_view_reports)
def missing_units(request):
    """The units of an area with no registration in a year (optionally of one kind of unit)."""
    base_area, units = viewer_area(request), Unit.objects.for_user(request.user)
    report_url = reverse("reports-dashboard")
    context, period, refused = area_and_period(request, base_area=base_area, report_url=report_url,
                                               template="reports/missing_units.html", public=False)
    if refused:
        return refused
    area, year = context["area"], period.year_to
    summaries, units = scoped(Summaries.for_user(request.user).filter(COUNTED_Q), units.filter(is_active=True), area)
    kind = UnitKind.objects.filter(code=request.GET.get("loai-don-vi", "")).first()
    if kind is not None:
        units = units.filter(Q(kind=kind) | Q(kind__parent=kind))
    missing = units_without_registration(in_operation(units, year), summaries, year)
    page = keyset_page(missing, MISSING_ORDER, request.GET, size=settings.LIST_PAGE_SIZE, total=counted(missing))
    context.update(
        year=year,
        kind=kind,
        page=page,
        crumbs=breadcrumbs(base_area, area, report_url, {"nam": year}),
        back_url=build_url(report_url, {**area_params(area), "nam": year}),
    )
    return render(request, "reports/missing_units.html", context)


@require_GET
@role_required(may_view_reports)
def registration_list(request):
    base_area, registrations = viewer_area(request), Registration.objects.for_user(request.user)
    return list_page(
        request,
        base_area=base_area,
        registrations=registrations.filter(COUNTED_Q),
        cells=RegistrationSummary.objects.for_user(request.user),
        counted_q=COUNTED_Q,
        public=False,
        report_url=reverse("reports-dashboard"),
    )


def export_report(request):
    """The report for the export views: (area, period, report, tables), or raises."""
    base_area, units = viewer_area(request), Unit.objects.for_user(request.user)
    area = resolve_area(request.GET, base_area)
    form = PeriodForm(request.GET, area=area)
    if not form.is_valid():
        return area, None, None, form
    period = form.cleaned_data["period"]
    report = build_report(Summaries.for_user(request.user), units, area, period, missing_limit=None)
    tables = report_tables(report) + [missing_units_table(report)]
    return area, period, report, tables


def export_filename(area, period, extension):
    place = area.code if area is not None else "toan-quoc"
    years = f"{period.year_from}" if period.is_single else f"{period.year_from}-{period.year_to}"
    return f"bao-cao-dan-van-kheo-{place}-{years}.{extension}"


def invalid_export(form):
    messages = "; ".join(str(error) for errors in form.errors.values() for error in errors)
    return HttpResponse(
        _("Không xuất được báo cáo: %(errors)s") % {"errors": messages},
        status=400,
        content_type="text/plain; charset=utf-8",
    )


@require_GET
@role_required(may_view_reports)
def export_xlsx(request):
    area, period, report, tables = export_report(request)
    if report is None:
        return invalid_export(tables)
    content = report_workbook(area, period, tables, made_on=timezone.localdate(), taken=report.taken)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(area, period, "xlsx")}"'
    return response


@require_GET
@role_required(may_view_reports)
def export_csv(request):
    area, period, report, tables = export_report(request)
    if report is None:
        return invalid_export(tables)
    content = report_csv(area, period, tables, made_on=timezone.localdate(), taken=report.taken)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(area, period, "csv")}"'
    return response
