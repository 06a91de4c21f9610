"""The public showcase: home, list and search, detail, photos, open data, sitemap, robots.txt.

Everything here starts from `Registration.objects.published()`, whoever is logged in: the
showcase is the same for everyone, and draft, submitted, returned or withdrawn models never
appear. An unpublished or unknown id answers 404.
"""
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import open_data
from ..filters import PUBLIC_FILTER_FIELDS, SORTS, PublicFilterSet
from ..models import RESULT_FIGURES, Attachment, Field, Outcome, Registration, RegistrationSummary, Status
from ..pagination import Total, keyset_page, total_of
from ..replication import replication_tree
from ..search import RankedResults, list_order, mark_commended, mark_found, similar_registrations, with_commended
from .caching import cache_for_visitors, public_list_query, refuse_copy
from .fragments import form_copy

LIST_RELATED = ("unit", "area", "area__province", "area__current_province")
DETAIL_RELATED = LIST_RELATED + ("unit_kind", "unit_kind__parent", "area__district", "area__current_commune")
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
MAX_CHAIN = 15


def published():
    return Registration.objects.published()


def get_published_or_404(pk):
    return get_object_or_404(with_commended(published()).select_related(*DETAIL_RELATED), pk=pk)


def headline_figures():
    """This year's figures, or the latest year with published models when this one has none yet."""
    this_year = timezone.localdate().year
    year = published().filter(year__lte=this_year).aggregate(latest=Max("year"))["latest"] or this_year
    counts = with_commended(published().filter(year=year)).aggregate(
        total=Count("pk"),
        exemplary=Count("pk", filter=Q(outcome=Outcome.EXEMPLARY)),
        commended=Count("pk", filter=Q(is_commended=True)),
        **{f"field_{value}": Count("pk", filter=Q(field=value)) for value in Field.values},
    )
    by_field = [(value, label, counts[f"field_{value}"]) for value, label in Field.choices]
    return {"year": year, "by_field": by_field, **counts}


@require_GET
@cache_for_visitors
def home(request):
    # Plain columns only (no commendation subquery over every row): commended models carry that status.
    recent = (
        published()
        .filter(Q(outcome=Outcome.EXEMPLARY) | Q(status=Status.COMMENDED))
        .select_related(*LIST_RELATED)
        .order_by("-year", "-updated_at", "-pk")[:6]
    )
    return render(request, "public/home.html", {"figures": headline_figures(), "recent": mark_commended(recent)})


@require_GET
@cache_for_visitors(query=public_list_query)
def registration_list(request):
    filters = PublicFilterSet(request.GET or None, published())
    if filters.is_bound and not filters.is_canonical():
        refuse_copy(request)
    values = filters.valid_values()
    query, sort = values.get("q", ""), values.get("sap-xep", "")
    rows = filters.qs.select_related(*LIST_RELATED)
    results = list_order(rows, query, sort)
    context = {"filters": filters, "form": filters.form, "query": query}
    if not filters.form.errors:
        # The filters' HTML, shared by every search with the same filters (the words searched
        # show above it): a page of the list is kept whole, a search is not (views/caching.py).
        data = filters.form.data
        context.update(form_copy("public-filters", *(
            tuple(data.getlist(name)) if hasattr(data, "getlist") else data.get(name) for name in PUBLIC_FILTER_FIELDS)))
    if isinstance(results, RankedResults):
        # Ranked by relevance: numbered pages, the count already capped by the search.
        page = Paginator(results, filters.page_size()).get_page(request.GET.get("trang"))
        context.update(total=Total(page.paginator.count), count_capped=results.is_capped,
                       page_range=page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
                       pager="includes/pagination.html")
    else:
        cells = filters.summary_cells(RegistrationSummary.objects.published())
        page = keyset_page(rows, SORTS[sort or "moi-nhat"], request.GET, size=filters.page_size(),
                           total=total_of(filters.qs, cells))
        context.update(total=page.total, pager="includes/keyset_pagination.html")
    page.object_list = mark_found(mark_commended(page.object_list), query)
    context["page"] = page
    return render(request, "public/list.html", context)


def _chain_back(registration):
    earlier, cursor = [], registration.continues_id
    while cursor and len(earlier) < MAX_CHAIN:
        row = Registration.objects.filter(pk=cursor).only("pk", "continues_id", "status", "year", "name").first()
        if row is None:
            break
        earlier.append(row)
        cursor = row.continues_id
    return earlier


def _chain_forward(registration):
    later, cursor = [], registration.pk
    while cursor and len(later) < MAX_CHAIN:
        row = (
            Registration.objects.filter(continues_id=cursor)
            .only("pk", "status", "year", "name")
            .order_by("year", "pk")
            .first()
        )
        if row is None:
            break
        later.append(row)
        cursor = row.pk
    return later


def model_years(registration):
    """Published registrations of the same model in other years, oldest first, linked by `continues`.

    The walk passes through unpublished years without showing them, and is bounded so a
    mistaken loop in the data cannot run away.
    """
    rows = list(reversed(_chain_back(registration))) + [registration] + _chain_forward(registration)
    seen, years = set(), []
    for row in rows:
        if row.pk not in seen and (row.is_published or row.pk == registration.pk):
            seen.add(row.pk)
            years.append(row)
    return years if len(years) > 1 else []


def result_figures(registration):
    figures = []
    for name in RESULT_FIGURES:
        value = getattr(registration, name)
        if value:
            field = Registration._meta.get_field(name)
            figures.append({"name": name, "label": field.verbose_name, "value": value})
    return figures


@require_GET
@cache_for_visitors
def registration_detail(request, pk):
    registration = get_published_or_404(pk)
    context = {
        "registration": registration,
        "figures": result_figures(registration),
        "years": model_years(registration),
        "replication_tree": replication_tree(registration, published()),
        "commendations": registration.commendations.active().select_related("form").order_by("decision_date"),
        "photos": registration.attachments.filter(is_public=True, content_type__in=PHOTO_TYPES),
        "similar": similar_registrations(registration, with_commended(published())),
    }
    return render(request, "public/detail.html", context)


@require_GET
def photo(request, pk, attachment_pk):
    attachment = get_object_or_404(
        Attachment,
        pk=attachment_pk,
        registration_id=pk,
        registration__in=published(),
        is_public=True,
        content_type__in=PHOTO_TYPES,
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, content_type=attachment.content_type)


def _open_data_queryset(request):
    filters = PublicFilterSet(request.GET or None, published())
    form = filters.form
    if filters.is_bound and not form.is_valid():
        messages = [f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()]
        return None, HttpResponseBadRequest(
            _("Tham số lọc không hợp lệ, không có dữ liệu nào được xuất.") + "\n" + "\n".join(messages),
            content_type="text/plain; charset=utf-8",
        )
    return filters.qs, None


def _site_root(request):
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
def open_data_csv(request):
    queryset, error = _open_data_queryset(request)
    if error:
        return error
    response = StreamingHttpResponse(open_data.csv_lines(queryset, _site_root(request)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mo-hinh-dan-van-kheo.csv"'
    return response


@require_GET
def open_data_json(request):
    queryset, error = _open_data_queryset(request)
    if error:
        return error
    return StreamingHttpResponse(
        open_data.json_chunks(queryset, _site_root(request)), content_type="application/json; charset=utf-8"
    )


@require_GET
def open_data_doc(request):
    return render(request, "public/open_data.html", {
        "fields": open_data.DOCUMENTED_FIELDS,
        "licence_name": open_data.LICENCE_NAME,
        "licence_url": open_data.LICENCE_URL,
        "last_changed": open_data.last_changed(),
        "api_rate": open_data.api_rate(),
    })


ROBOTS_DISALLOW = ("/admin/", "/quan-ly/", "/don-vi/", "/bao-cao/", "/tai-khoan/", "/i18n/")


@require_GET
def robots_txt(request):
    lines = ["User-agent: *"] + [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('public-sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class PageSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return ["home", "public-list", "public-data-doc"]

    def location(self, item):
        return reverse(item)


class RegistrationSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6
    limit = 10000

    def items(self):
        return published().order_by("pk").only("pk", "updated_at")

    def location(self, item):
        return reverse("public-detail", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"trang": PageSitemap, "mo-hinh": RegistrationSitemap}
