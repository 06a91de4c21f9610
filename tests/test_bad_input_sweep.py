"""Hostile input to every page and form: never a 500, and nothing changes.

The routes come from the URL resolver, so a page added later is swept too. Each route is
requested as a role that can reach it; GET requests carry every known filter parameter set
to the hostile value; POST requests fill every field the page's own form shows.
"""
import re
from urllib.parse import quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from models_registry.models import (
    Attachment,
    Commendation,
    CommendationRound,
    CriterionAssessment,
    ImportBatch,
    Proposal,
    Registration,
    RegistrationEvent,
    Review,
    Unit,
    User,
    YearClosure,
)
from models_registry.services import commendations as rules
from tests.commendation_world import build_world, vote

BAD_UTF8 = "%FF%FE%ED%A0%80"  # bytes that are not UTF-8, sent as they are
HOSTILE = [
    "A" * 5000,
    "nul\x00byte",
    BAD_UTF8,
    "' OR 1=1; DROP TABLE models_registry_registration; --",
    "<script>alert('xss')</script>",
    "-1",
    "99999999999999999999999",
    "1e309",
    "[]",
    "",
]
QUERY_PARAMS = [
    "q", "nam", "tu-nam", "den-nam", "linh-vuc", "cap", "trang-thai", "loai-don-vi", "loai-dien-hinh", "dia-ban",
    "co-cau", "don-vi", "trang", "page", "so-dong", "sap-xep", "tinh", "xa", "mo-hinh", "khen-thuong", "next",
]
WATCHED = [Registration, Unit, Proposal, Commendation, Attachment, Review, CriterionAssessment, YearClosure,
           CommendationRound, ImportBatch, User]
# Action endpoints that take no fields: a POST is the action itself, not input to sweep.
ACTIONS = {"logout", "unit_portal_submit", "staff_registration_submit", "staff_registration_accept",
           "excel_confirm", "excel_cancel"}

pytestmark = pytest.mark.django_db


def routes():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield prefix + str(pattern.pattern), pattern.name

    return [(path, name) for path, name in walk(get_resolver().url_patterns) if not path.startswith("admin/")]


@pytest.fixture
def world():
    world = build_world()
    proposal = rules.propose(world.commune_staff, world.round, world.registration, **vote(world))
    world.commendation = rules.accept(
        world.province_staff, proposal, form=world.bang_khen, decision_number="12/QĐ-UBND",
        decision_date=world.yesterday, authority="Ủy ban nhân dân tỉnh",
    )
    world.pending = rules.propose(world.commune_staff, world.round, _second_registration(world), **vote(world))
    world.attachment = Attachment.objects.create(
        registration=world.registration, original_name="anh.png", content_type="image/png", size=10,
        file=SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10),
    )
    return world


def _second_registration(world):
    from tests.factories import make_registration

    return make_registration(world.unit, year=world.today.year, name="Mô hình thứ hai", status="completed",
                             outcome="exemplary")


def url_for(name, path, world):
    kwargs = {}
    for key in re.findall(r"<(?:\w+:)?(\w+)>", path):
        kwargs[key] = {
            "attachment_pk": world.attachment.pk,
            "token": "khong-co",
            "kind": "tong-ket",
            "what": "dang-ky",
            "fmt": "xlsx",
            "section": "mo-hinh",
        }.get(key)
        if key == "pk":
            if "round" in name:
                kwargs[key] = world.round.pk
            elif "proposal" in name:
                kwargs[key] = world.pending.pk
            elif "certificate" in name:
                kwargs[key] = world.commendation.pk
            elif "attachment" in name:
                kwargs[key] = world.attachment.pk
            else:
                kwargs[key] = world.registration.pk
    return reverse(name, kwargs=kwargs)


def client_for(path, world):
    client = Client()
    if path.startswith("don-vi/"):
        client.force_login(world.unit_user)
    elif path.startswith(("quan-ly/khen-thuong/dot/", "quan-ly/khen-thuong/de-nghi/")):
        client.force_login(world.province_staff)
    elif path.startswith(("quan-ly/", "bao-cao/", "tai-khoan/doi-mat-khau")):
        client.force_login(world.commune_staff)
    return client


def counts():
    return {model.__name__: model.objects.count() for model in WATCHED} | {
        "events": RegistrationEvent.objects.count()
    }


def encode(names, value):
    if value == BAD_UTF8:
        return "&".join(f"{quote(name)}={BAD_UTF8}" for name in names)
    return urlencode({name: value for name in names})


def send(client, method, url, names, value):
    if method == "get":
        return client.get(f"{url}?{encode(names, value)}")
    return client.post(url, encode(names, value), content_type="application/x-www-form-urlencoded")


def page_fields(page):
    """Names of the fields the page's own forms show (none for files and non-HTML answers)."""
    if page.status_code != 200 or page.streaming or "html" not in page.get("Content-Type", ""):
        return []
    return form_fields(page.content.decode("utf-8", "replace"))


def form_fields(html):
    names = set(re.findall(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', html))
    return sorted(names - {"csrfmiddlewaretoken"})


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_query_parameters_never_cause_a_server_error(world, value):
    failures = []
    for path, name in routes():
        url = url_for(name, path, world)
        response = send(client_for(path, world), "get", url, QUERY_PARAMS, value)
        if response.status_code >= 500:
            failures.append((url, response.status_code))
    assert failures == []


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_form_values_never_cause_a_server_error(world, value):
    failures = []
    for path, name in routes():
        if name in ACTIONS:
            continue
        url = url_for(name, path, world)
        client = client_for(path, world)
        page = client.get(url)
        response = send(client, "post", url, page_fields(page), value)
        if response.status_code >= 500:
            failures.append((url, response.status_code))
    assert failures == []


@pytest.mark.parametrize("value", ["nul\x00byte", "A" * 5000, BAD_UTF8], ids=["nul", "long", "bad-utf8"])
def test_invalid_text_in_every_form_changes_nothing(world, value):
    before = counts()
    registration = Registration.objects.values().get(pk=world.registration.pk)
    for path, name in routes():
        if name in ACTIONS:
            continue
        url = url_for(name, path, world)
        client = client_for(path, world)
        fields = page_fields(client.get(url))
        if fields:
            send(client, "post", url, fields, value)
    assert counts() == before
    assert Registration.objects.values().get(pk=world.registration.pk) == registration


def test_posts_without_csrf_token_are_refused_and_change_nothing(world):
    before = counts()
    refused = []
    for path, name in routes():
        url = url_for(name, path, world)
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.province_staff)
        response = client.post(url, {"name": "x", "reason": "x", "year": 2020})
        if response.status_code not in (403, 404, 405):
            refused.append((url, response.status_code))
    assert refused == []
    assert counts() == before
