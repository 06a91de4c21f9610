"""Maps of models: the public one (/ban-do/) and a leader's for the area of a report
(/bao-cao/ban-do/). Each page draws its points from a GeoJSON address with the same query, and
lists the same models beside the map for those who cannot use it."""
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .. import maps
from ..access import may_view_reports, role_required
from ..filters import PublicFilterSet, by_area
from ..models import Registration, RegistrationSummary
from ..pagination import NEWEST_FIRST, PARAMETERS, keyset_page, total_of
from ..search import mark_commended
from ..services.reports import COUNTED_Q
from .caching import cache_for_visitors, public_list_query
from .public import LIST_RELATED, published
from .reports import area_and_period, viewer_area

LIST_PAGE_SIZE = 20


def _map_context(request, registrations, cells, points_url):
    page = keyset_page(registrations.select_related(*LIST_RELATED), NEWEST_FIRST, request.GET, size=LIST_PAGE_SIZE,
                       total=total_of(registrations, cells))
    page.object_list = mark_commended(page.object_list)
    # The map shows every point, whichever page of the list is open.
    query = request.GET.copy()
    for name in PARAMETERS:
        query.pop(name, None)
    return {
        "page": page,
        "points_url": f"{points_url}?{query.urlencode()}" if query else points_url,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "provinces": maps.province_labels(),
        "communes": [] if settings.MAP_TILE_URL else maps.commune_dots(),
        "legend": maps.legend(),
        "point_limit": maps.POINT_LIMIT,
    }


def _points_response(registrations):
    response = JsonResponse(maps.points(registrations), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json; charset=utf-8"
    return response


@require_GET
@cache_for_visitors(query=public_list_query)
def public_map(request):
    filters = PublicFilterSet(request.GET or None, published())
    cells = filters.summary_cells(RegistrationSummary.objects.published())
    context = _map_context(request, filters.qs, cells, reverse("public-map-points"))
    context.update(filters=filters, form=filters.form)
    return render(request, "public/map.html", context)


@require_GET
def public_map_points(request):
    return _points_response(PublicFilterSet(request.GET or None, published()).qs)


def _report_registrations(request):
    """What the leader's report counts for the area and period asked for, or the 400/404 answer."""
    base_area, registrations = viewer_area(request), Registration.objects.for_user(request.user)
    context, period, refused = area_and_period(
        request, base_area=base_area, report_url=reverse("reports-dashboard"), template="reports/map.html", public=False
    )
    if refused:
        return None, None, refused
    registrations = registrations.filter(COUNTED_Q, year__gte=period.year_from, year__lte=period.year_to)
    if context["area"] is not None:
        registrations = by_area(registrations, context["area"])
    context["period"] = period
    return registrations, context, None


@require_GET
@role_required(may_view_reports)
def report_map(request):
    registrations, context, refused = _report_registrations(request)
    if refused:
        return refused
    period, area = context["period"], context["area"]
    # The country is counted, as in every list (VocabularyFilterSet.summary_cells).
    cells = None if area is None else RegistrationSummary.objects.for_user(request.user).filter(
        COUNTED_Q, year__gte=period.year_from, year__lte=period.year_to).of_area(area)
    context.update(_map_context(request, registrations, cells, reverse("reports-map-points")))
    return render(request, "reports/map.html", context)


@require_GET
@role_required(may_view_reports)
def report_map_points(request):
    registrations, _context, refused = _report_registrations(request)
    if refused:
        return refused
    return _points_response(registrations)
