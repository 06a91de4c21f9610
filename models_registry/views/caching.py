"""Shared-cache copies of public pages for anonymous visitors.

Published data changes a few times a day, while the showcase is what most traffic reads;
a copy kept for a minute in the shared cache (Redis in production) spares each app server
the database queries and template rendering. Signed-in users always get a fresh page,
since theirs carries their name and menu.
"""
from functools import wraps

from django.conf import settings
from django.views.decorators.cache import cache_page


def cache_for_visitors(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if seconds <= 0 or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        return cache_page(seconds, key_prefix="cong-khai")(view)(request, *args, **kwargs)

    return wrapper
