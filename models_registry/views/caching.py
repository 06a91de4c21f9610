"""Shared-cache copies of the public pages.

The showcase is what most traffic reads; a copy in the shared cache (Redis in production)
spares each app server the database queries and template rendering. Copies are keyed by the
data version (`freshness.py`), so a change to the data is on the public pages at once.

Anonymous visitors get the whole cached page. A signed-in user's page differs only in the
menu (their name, their links, the logout form's CSRF token) and any messages waiting for
them: they get the cached page with those two parts rendered afresh for them.
"""
import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.cache import cache_page

from ..freshness import data_version

# The parts of base.html that belong to the signed-in user, between these markers.
PERSONAL_PARTS = (
    ("<!--dieu-huong-->", "<!--/dieu-huong-->", "includes/navbar.html"),
    ("<!--thong-bao-->", "<!--/thong-bao-->", "includes/messages.html"),
)


def cache_for_visitors(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if seconds <= 0:
            return view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            return cache_page(seconds, key_prefix=f"cong-khai:{data_version()}")(view)(request, *args, **kwargs)
        return personalised_copy(request, view, seconds, args, kwargs)

    return wrapper


def personalised_copy(request, view, seconds, args, kwargs):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    key = f"cong-khai-dang-nhap:{data_version()}:{get_language()}:{path}"
    parts = cache.get(key)
    if parts is None:
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and response["Content-Type"].startswith("text/html"):
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
