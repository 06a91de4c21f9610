"""Shared-cache copies of the parts of signed-in pages that come from the data alone.

A signed-in page cannot be kept whole: its menu, its messages and its forms' tokens are the
user's own. What it shows from the data (the staff queue, a unit's own list) is kept instead, as
HTML, for everyone who would see the same (the key's parts: who may see what, the query, the
day, and the language), and used while the data versions it was made under (freshness.py) are
unchanged; the page then renders only base.html and the user's own parts around it.

Unlike `copy_key`, which needs the versions, hence the province, before it can name a copy, the
copy here is named by its parts alone and holds its province and versions: knowing the viewer's
province takes a query (their area, their unit's area), and a page read from its copy should
make none. The rule is the same: the versions are read before the copy is made, so a change
during the making leaves it older than the versions it holds, and it is made again.
A fragment must take nothing from the request itself: everything it reads is passed to its
template, and named among the parts.
"""
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..freshness import base_version, data_version

# A form's HTML (includes/kept.html) is kept this long for everyone asking with the same
# values: crispy's rendering of a filter form costs what several of the page's queries do.
FORM_COPY_SECONDS = 24 * 60 * 60


def cached_fragment(kind, *parts, place, build, drafts=False):
    """The HTML `build()` renders, from the shared cache while the data behind it is unchanged.
    `place()` says in which of today's provinces (its id; None: the country) the rows it shows lie;
    both are only called when the copy is made. With `drafts` it shows private drafts too."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    if seconds <= 0:
        return build()
    key = f"{kind}:{hashlib.sha256(repr((get_language(), parts)).encode()).hexdigest()}"
    kept = cache.get(key)
    if kept is not None:
        province, versions, html = kept
        if data_version(province, drafts=drafts) == versions:
            return mark_safe(html)
    province = place()
    versions = data_version(province, drafts=drafts)
    html = build()
    cache.set(key, (province, versions, str(html)), seconds)
    return mark_safe(html)


def form_copy(kind, *given):
    """The context that keeps a form's HTML: its key's parts are the form's `kind` and what it was
    `given` (its values, the area it is for), the language, the day (a placeholder may show this
    year) and the base version, which a change of what its choices are read from (the kinds of
    unit, the area tree) moves on. A form showing errors is not kept: leave this context out."""
    return {"form_copy": (kind, *given, get_language(), timezone.localdate().isoformat(), base_version()),
            "copy_seconds": FORM_COPY_SECONDS}
