"""Shared-cache copies of the public pages.

The showcase is what most traffic reads; a copy in the shared cache spares each app server
the database queries and template rendering.

One rule for every copy, here and for built reports (services/reports.py): its key comes from
`freshness.copy_key`, so it holds the data version and the language, plus everything else the
copy depends on. For a page that is its path and its query reduced to the parameters the page
knows; the view then runs with that reduced query only, so nothing outside the key can reach
the copy, and an unknown parameter shares the copy of the query without it. A query with a
value not valid as written (its page says what is wrong; "02024" is a valid year, but not as
written), a text search (rarely asked twice), a page past MAX_CACHED_PAGE or a cursor the site did
not sign is answered fresh and not kept: made-up query strings cannot fill the cache.

Anonymous visitors get the whole cached page. A signed-in user's page differs only in the
menu (their name, their links, the logout form's CSRF token) and any messages waiting for
them: they get the cached page with those two parts rendered afresh for them.
"""
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.template.loader import render_to_string

from .. import pagination
from ..filters import PublicFilterSet, parse_id
from ..forms.reports import PeriodForm
from ..freshness import base_version, copy_key
from ..models import AdminArea, Structure

# The parts of base.html that belong to the signed-in user, between these markers.
PERSONAL_PARTS = (
    ("<!--dieu-huong-->", "<!--/dieu-huong-->", "includes/navbar.html"),
    ("<!--thong-bao-->", "<!--/thong-bao-->", "includes/messages.html"),
)
# Deeper pages of a list are read rarely; each would be one more copy.
MAX_CACHED_PAGE = 20


def no_query(params):
    """Pages that read no query parameter: every query string shares one copy."""
    return QueryDict()


def public_list_query(params):
    """The public list's parameters as given, unknown ones left out; checking the values needs
    the database, so the view does that and refuses a copy of a query that was not already in
    its one valid spelling (`refuse_copy`)."""
    if params.get("q", "").strip():
        return None
    page = params.get("trang", "")
    if page and not (page == str(parse_id(page)) and int(page) <= MAX_CACHED_PAGE):
        return None
    # A cursor is signed: only the site's own links are kept, as deep as page numbers are.
    cursors = [params[name] for name in pagination.PARAMETERS if params.get(name)]
    if len(cursors) > 1 or any((pagination.cursor_page(cursor) or MAX_CACHED_PAGE + 1) > MAX_CACHED_PAGE
                               for cursor in cursors):
        return None
    query = QueryDict(mutable=True)
    for name in sorted(PublicFilterSet.known_parameters()):
        value = params.get(name, "")
        if value and not (name == "trang" and value == "1"):
            query[name] = value
    return query


def refuse_copy(request):
    """This page is answered, but not kept: its query held a value that is not valid as given."""
    request.copy_refused = True


def report_query(params):
    """The area and the year or period of a report page; a wrong one answers 400 or 404, never kept."""
    form = PeriodForm(params)
    code = params.get("dia-ban", "").strip()
    if not form.is_valid():
        return None
    query = QueryDict(mutable=True)
    if code:
        query["dia-ban"] = code
        if params.get("co-cau") == Structure.LEGACY:
            query["co-cau"] = Structure.LEGACY
    for name in ("nam", "tu-nam", "den-nam"):
        if form.cleaned_data.get(name) is not None:
            query[name] = str(form.cleaned_data[name])
    return query


def province_of_query(query):
    """The id of today's province a page's (reduced) query narrows it to, or None (the country):
    the copy then lives through changes in other provinces (freshness.copy_key)."""
    if query.get("tinh"):
        code, structure = query["tinh"], Structure.CURRENT
    elif query.get("dia-ban"):
        code = query["dia-ban"]
        structure = Structure.LEGACY if query.get("co-cau") == Structure.LEGACY else Structure.CURRENT
    else:
        return None
    # Asked on every cached page: kept in the shared cache until the area tree changes.
    key = f"tinh-cua:{base_version()}:{structure}:{code}"
    province = cache.get(key)
    if province is None:
        province = AdminArea.objects.filter(code=code, structure=structure).values_list(
            "current_province_id", flat=True).first() or 0
        cache.set(key, province, None)
    return province or None


def cache_for_visitors(view=None, *, query=no_query):
    """Keep copies of a public view's pages. `query` reduces a request's query to what the page
    reads, or says None: answer this one fresh. Bare `@cache_for_visitors`: the page reads none."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
            known = query(request.GET) if seconds > 0 else None
            if known is None:
                return view(request, *args, **kwargs)
            request.GET = known
            request.META["QUERY_STRING"] = known.urlencode()
            if not request.user.is_authenticated:
                return anonymous_copy(request, view, seconds, args, kwargs)
            return personalised_copy(request, view, seconds, args, kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def _keepable(request, response):
    return (not getattr(request, "copy_refused", False) and response.status_code == 200 and not response.streaming
            and response["Content-Type"].startswith("text/html"))


def anonymous_copy(request, view, seconds, args, kwargs):
    key = copy_key("trang-khach", request.path, request.META["QUERY_STRING"], province=province_of_query(request.GET))
    content = cache.get(key)
    if content is None:
        response = view(request, *args, **kwargs)
        # A page that sets a cookie (a message shown and dropped, say) belongs to this visitor only.
        if _keepable(request, response) and not response.cookies:
            cache.set(key, response.content, seconds)
        return response
    return HttpResponse(content)


def personalised_copy(request, view, seconds, args, kwargs):
    key = copy_key("trang-dang-nhap", request.path, request.META["QUERY_STRING"],
                   province=province_of_query(request.GET))
    parts = cache.get(key)
    if parts is None:
        response = view(request, *args, **kwargs)
        if _keepable(request, response):
            parts = split_personal_parts(response.content.decode())
            if parts is not None:
                cache.set(key, parts, seconds)
        return response
    personal = [render_to_string(template, request=request) for _, _, template in PERSONAL_PARTS]
    html = parts[0] + "".join(part + rest for part, rest in zip(personal, parts[1:], strict=True))
    return HttpResponse(html)


def split_personal_parts(html):
    """The page around its personal parts: [before the menu, between the parts, after], or
    None when the page lacks the markers."""
    pieces = []
    for start, end, _ in PERSONAL_PARTS:
        before, found, rest = html.partition(start)
        _, found_end, html = rest.partition(end)
        if not (found and found_end):
            return None
        pieces.append(before + start)
        html = end + html
    return pieces + [html]
