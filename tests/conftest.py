import importlib
import os
from pathlib import Path

import pytest
from django.test import override_settings


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    # Tests create many accounts; the production hasher would dominate the run time.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _copies_on():
    # As in production: every test that changes data between two requests also checks that
    # the copies of public pages and reports follow the change.
    # Each test process keeps its own cache: the workers of a run must not share copies or versions.
    memory = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=600, REPORT_CACHE_SECONDS=600, CACHES=memory):
        yield


@pytest.fixture(scope="module")
def all_areas(django_db_setup, django_db_blocker):
    """Every administrative area, loaded once for the module (a few seconds) and removed after it.

    Yields the counts of the first load.
    """
    from models_registry.areas_sync import sync_areas
    from models_registry.models import AdminArea, AreaSuccessor

    with django_db_blocker.unblock():
        counts = sync_areas()
        yield counts
        AreaSuccessor.objects.all().delete()
        AdminArea.objects.update(parent=None, province=None, district=None, current_province=None,
                                 current_commune=None)
        AdminArea.objects.all().delete()


@pytest.fixture(scope="module")
def demo_data(all_areas, django_db_blocker):
    """The quickstart's demo province (models_registry/demo.py), built once for the module and
    removed after it. Yields the number of registrations created."""
    from models_registry.demo import create_demo_data
    from models_registry.models import (
        Commendation,
        CommendationRound,
        Proposal,
        Registration,
        RegistrationEvent,
        Review,
        Unit,
        User,
    )

    with django_db_blocker.unblock():
        created = create_demo_data()
        yield created
        Commendation.objects.all().delete()
        Proposal.objects.all().delete()
        CommendationRound.objects.all().delete()
        RegistrationEvent.objects.all().delete()
        Review.objects.all().delete()
        Registration.objects.update(continues=None, replicates=None)
        Registration.objects.all().delete()
        User.objects.all().delete()
        Unit.objects.all().delete()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached page fragments (filter forms) must not carry one test's data into the next.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def report_day(monkeypatch):
    """`report_day(date)`: reports read their figures on that day (noon, the portal's time), so a
    test says whether the period's last year is finished (services/as_of.py)."""
    import datetime

    from django.utils import timezone

    from models_registry.services import as_of

    def set_day(day):
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        monkeypatch.setattr(as_of, "clock", lambda: at)
    return set_day


@pytest.fixture(scope="session")
def _browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made
    # by the test itself (factories, assertions) are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def reference_data(transactional_db):
    """Unit kinds, criteria and commendation forms from migration 0002.

    Live-server tests run in transactions that end with a flush, which empties tables
    filled by data migrations; reload them so each browser test starts like a real database.
    """
    from django.apps import apps

    importlib.import_module("models_registry.migrations.0002_reference_data").load(apps, None)


@pytest.fixture
def page(_browser, live_server, reference_data):
    """A fresh browser tab pointed at the live test server; `page.base_url` is its root."""
    context = _browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    context.close()


def screenshot(tab, name):
    """Save a full-page PNG under artifacts/screenshots/ for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path
