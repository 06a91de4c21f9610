"""What each app server process does once, before its first visitor (danvan/wsgi.py).

Django leaves the URL configuration, the view modules and the templates to the first request
that needs them. On our 2-core servers a worker's first page took over a second (every view
module imported, the URL patterns' regular expressions compiled, the page's templates parsed),
and each of the four workers paid it again after every restart, in front of a visitor. Done
here instead, while the worker starts and before it accepts connections.

Nothing here opens a database or cache connection, so a server that loads the application
before forking its workers (gunicorn --preload) shares none between them.
"""
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver
from django.utils import translation

from models_registry import memory


def prepare():
    resolver = get_resolver()
    # Reversing reads each language's patterns; building them imports every view and compiles every pattern.
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018
    engine = engines["django"]
    for folder in map(Path, engine.dirs):
        for path in sorted(folder.rglob("*.html")):
            engine.get_template(path.relative_to(folder).as_posix())
    # What the process keeps for good, as after the first request (memory.py): later
    # collections walk only what requests make.
    memory.freeze()
