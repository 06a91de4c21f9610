"""Every route of the portal × every role × an object of another scope (issue 13, issue 20 suite 1).

The routes come from the URL resolver: a route without an entry in ROUTES fails
`test_every_route_has_an_entry`, so whoever adds a URL adds its line here. An entry names the
method, the expected answer per role for the object of commune X (province P), and the URL's
objects by kind (see `World`); for every route with an object the test also asks for the same
kind of object in province Q and for an id that does not exist, and requires the two answers to
be equal for every role but the administrator (who sees everything): nothing outside one's scope
can be told apart from nothing at all. Entries with `closed=` also ask for the same kind of
object in a year the province has closed. After every refused POST the main tables are as before.

Answers: 200/400/403/404/405, "ok" a redirect after success, "login" a redirect to a sign-in page.
"""
import datetime
import hashlib
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from models_registry.models import (
    AdminArea,
    Attachment,
    BackgroundJob,
    Commendation,
    CommendationForm,
    CommendationRound,
    CriterionAssessment,
    ImportBatch,
    JobKind,
    JobStatus,
    Level,
    LineageEvent,
    Notification,
    NotificationKind,
    Outcome,
    PasswordResetRequest,
    Proposal,
    ReasonTemplate,
    Registration,
    RegistrationEvent,
    Review,
    Status,
    Unit,
    User,
    YearClosure,
)
from tests.factories import (
    make_commune,
    make_kind,
    make_leader,
    make_province,
    make_registration,
    make_round,
    make_staff,
    make_unit,
    make_unit_user,
    make_user,
)

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year
CLOSED_YEAR = YEAR - 1
MISSING = 10**9
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LOGIN, OK = "login", "ok"

ROLES = ("anonymous", "norole", "unit_a", "unit_b", "staff_x", "staff_y", "staff_p", "staff_q", "leader_p", "admin")


def roles(default, **answers):
    return {role: answers.get(role, default) for role in ROLES}


PUBLIC = roles(200)
SIGNED_IN = roles(200, anonymous=LOGIN)
UNIT_PAGE = roles(403, anonymous=LOGIN, unit_a=200, unit_b=200)
UNIT_OWN = roles(403, anonymous=LOGIN, unit_a=200, unit_b=404)
UNIT_ACTION = {**UNIT_OWN, "unit_a": OK}
UNIT_LOCKED = {**UNIT_OWN, "unit_a": 403}
WORKSPACE = roles(200, anonymous=LOGIN, norole=403, unit_a=403, unit_b=403)
REVIEWER = {**WORKSPACE, "leader_p": 403}
AREA_STAFF = {**REVIEWER, "admin": 403}
ITEM_READ = {**WORKSPACE, "staff_y": 404, "staff_q": 404}
ITEM_WRITE = {**ITEM_READ, "leader_p": 403}
ITEM_ACTION = {**ITEM_WRITE, "staff_x": OK, "staff_p": OK, "admin": OK}
ITEM_LOCKED = {**ITEM_WRITE, "staff_x": 403, "staff_p": 403}
ITEM_LOCKED_ACTION = {**ITEM_LOCKED, "admin": OK}
ROUND_READ = {**WORKSPACE, "staff_q": 404}
PROPOSE = roles(403, anonymous=LOGIN, staff_x=200, staff_y=200, staff_q=404)
PROPOSAL_READ = {**WORKSPACE, "staff_y": 404, "staff_q": 404}
DECIDE = roles(403, anonymous=LOGIN, staff_p=OK, staff_y=404, staff_q=404)
CERTIFICATE = roles(200, anonymous=LOGIN, norole=404, unit_b=404, staff_y=404, staff_q=404)
DECISION_FILES = {**CERTIFICATE, "norole": 403, "unit_a": 403, "unit_b": 403}
REVOKE = roles(403, anonymous=LOGIN, staff_x=200, staff_p=200, staff_y=404, staff_q=404)
# The accounts page: staff of an area (for its units' accounts) and administrators.
MANAGER = roles(403, anonymous=LOGIN, staff_x=200, staff_y=200, staff_p=200, staff_q=200, admin=200)
MANAGER_ITEM = {**MANAGER, "staff_y": 404, "staff_q": 404}
MANAGER_ITEM_ACTION = {**MANAGER_ITEM, "staff_x": OK, "staff_p": OK, "admin": OK}
SHEET_TOKEN = {**MANAGER, "staff_x": 404, "staff_y": 404, "staff_p": 404, "staff_q": 404, "admin": 404}
TWO_FACTOR = roles(200, anonymous=LOGIN, norole=403, unit_a=403, unit_b=403)
LINEAGE_FORM = {**REVIEWER, "staff_x": 400, "staff_y": 400, "staff_p": 400, "staff_q": 400, "admin": 400}
REASON = roles(403, anonymous=LOGIN, staff_x=200, staff_y=404, staff_p=404, staff_q=404, admin=200)
# A background job is its requester's alone (staff X's here).
JOB = roles(404, anonymous=LOGIN, norole=403, unit_a=403, unit_b=403, staff_x=200)
EXCEL_TOKEN = {**REVIEWER, "staff_x": 404, "staff_y": 404, "staff_p": 404, "staff_q": 404, "admin": 404}

EDIT = {"year": YEAR, "name": "Tên đã sửa", "field": "economy", "level": "grassroots", "exemplar_kind": "collective",
        "objectives": "Mục tiêu", "content": "Nội dung", "success_indicators": "Chỉ tiêu", "version": 1}
UPLOAD = "upload"  # a fresh PNG file and its caption, built per request


def accept_decision():
    from models_registry.services.commendations import forms_for_level

    return {"form": forms_for_level(Level.PROVINCE)[0].pk, "decision_number": "12/QĐ",
            "decision_date": f"02/01/{YEAR}", "authority": "Ban Dân vận Tỉnh ủy"}


@dataclass(frozen=True)
class Case:
    """One route: its expected answers for the object of commune X, the kinds of its URL's objects
    (`pk="draft"`) or fixed URL values (`kind="so-ket"`), and, with `closed`, the answers for
    the same object in a closed year."""

    method: str
    expected: dict
    data: object = None
    closed: dict | None = None
    public: bool = False
    kwargs: dict = field(default_factory=dict)


def get(expected, **kwargs):
    return Case("get", expected, kwargs=kwargs)


def post(expected, data=None, **kwargs):
    return Case("post", expected, data=data, kwargs=kwargs)


def with_closed(case, closed):
    return Case(case.method, case.expected, case.data, closed, case.public, case.kwargs)


def public(**kwargs):
    return Case("get", PUBLIC, public=True, kwargs=kwargs)


# One line per route, by URL name. Object kinds: draft, submitted, accepted (registrations of unit A),
# attachment (evidence of the draft), photo (public photo of the accepted one), round (province P's),
# proposal (commune X's, to P's round), commendation (of the accepted one).
ROUTES = {
    "switch_language": get(roles(OK), code="en"),
    "home": public(),
    "public-list": public(),
    "public-detail": public(pk="accepted"),
    "public-photo": public(pk="accepted", attachment_pk="photo"),
    "public-poster": public(pk="accepted"),
    "public-map": public(),
    "public-map-points": public(),
    "api-registrations": public(),
    "api-registration": public(pk="accepted"),
    "api-statistics": public(),
    "api-schema": public(),
    "api-docs": public(),
    "public-data-csv": public(),
    "public-data-json": public(),
    "public-data-doc": public(),
    "public-robots": public(),
    "public-sitemap": public(),
    "public-sitemap-section": public(section="mo-hinh"),
    "statistics-dashboard": public(),
    "statistics-registrations": public(),
    "login": get(roles(OK, anonymous=200)),
    "logout": post(roles(OK)),
    "password_change": get(SIGNED_IN),
    "password_change_done": get(SIGNED_IN),
    "notifications": get(SIGNED_IN),
    # A notification is its account's alone: anyone else's answers as a missing one.
    "notification_open": get(roles(404, anonymous=LOGIN, unit_a=OK), pk="notification"),
    "notifications_mark_read": post(roles(OK, anonymous=LOGIN)),
    "notifications_email": post(roles(OK, anonymous=LOGIN), {"notify_by_email": "1"}),
    "password_set_new": get(roles(OK, anonymous=LOGIN)),
    "password_forgot": public(),
    "password_reset_confirm": public(uidb64="MQ", token="khong-dung"),
    "two_factor_verify": get(roles(OK, anonymous=LOGIN)),
    "two_factor_setup": get(TWO_FACTOR),
    "staff_accounts": get(MANAGER),
    "staff_account_create": get(MANAGER),
    "staff_accounts_bulk": get(MANAGER),
    "staff_account_reset": post(MANAGER_ITEM, pk="account"),
    "staff_account_deactivate": post(MANAGER_ITEM_ACTION, pk="account"),
    "staff_account_reactivate": post(MANAGER_ITEM_ACTION, pk="account"),
    "staff_account_request_dismiss": post(MANAGER_ITEM_ACTION, pk="reset_request"),
    "staff_account_sheet": get(SHEET_TOKEN, token="khong-co"),
    "staff_account_sheet_file": get(SHEET_TOKEN, token="khong-co", fmt="pdf"),
    "staff_account_sheet_discard": post({**MANAGER, "staff_x": OK, "staff_y": OK, "staff_p": OK, "staff_q": OK,
                                         "admin": OK}, token="khong-co"),
    "staff_unit": get(ITEM_READ, pk="unit"),
    "lineage_home": get(REVIEWER),
    "lineage_record": post(LINEAGE_FORM, what="sap-nhap"),
    "lineage_import": post(LINEAGE_FORM),
    "lineage_suggestions": get(REVIEWER),
    "unit_portal_home": get(UNIT_PAGE),
    "unit_portal_create": get(UNIT_PAGE),
    "unit_portal_registration": get(UNIT_OWN, pk="draft"),
    "unit_portal_edit": with_closed(post(UNIT_ACTION, EDIT, pk="draft"), UNIT_LOCKED),
    "unit_portal_submit": with_closed(post(UNIT_ACTION, {"version": 1}, pk="draft"), UNIT_LOCKED),
    "unit_portal_results": with_closed(get(UNIT_OWN, pk="accepted"), UNIT_LOCKED),
    "unit_portal_upload": with_closed(post(UNIT_ACTION, UPLOAD, pk="draft"), UNIT_LOCKED),
    "unit_portal_attachment": get(UNIT_OWN, pk="attachment"),
    "unit_portal_attachment_delete": with_closed(post(UNIT_ACTION, pk="attachment"), UNIT_LOCKED),
    "unit_portal_withdraw": with_closed(get(UNIT_OWN, pk="accepted"), UNIT_LOCKED),
    "unit_portal_delete": with_closed(get(UNIT_OWN, pk="draft"), UNIT_LOCKED),
    "staff_home": get(WORKSPACE),
    "staff_registrations": get(WORKSPACE),
    # Staff with no published model in scope are sent back to the list with a message.
    "staff_posters": get({**WORKSPACE, "staff_y": OK}),
    "staff_registration_create": get(REVIEWER),
    "staff_registration": with_closed(get(ITEM_READ, pk="draft"), ITEM_READ),
    "staff_registration_edit": with_closed(get(ITEM_WRITE, pk="draft"), ITEM_LOCKED),
    "staff_registration_submit": with_closed(post(ITEM_ACTION, {"version": 1}, pk="draft"), ITEM_LOCKED_ACTION),
    # In a closed year the accept page sends staff back with a message (and changes nothing).
    "staff_registration_accept": with_closed(post(ITEM_ACTION, {"version": 1, "confirm": "True"}, pk="submitted"),
                                             {**ITEM_LOCKED_ACTION, "staff_x": OK, "staff_p": OK}),
    "staff_registration_reopen": with_closed(get(ITEM_WRITE, pk="accepted"), ITEM_LOCKED),
    "staff_registration_withdraw": with_closed(get(ITEM_WRITE, pk="accepted"), ITEM_LOCKED),
    "staff_registration_delete": with_closed(get(ITEM_WRITE, pk="draft"), ITEM_LOCKED),
    "staff_attachment_delete": with_closed(post(ITEM_ACTION, pk="attachment"), ITEM_LOCKED_ACTION),
    # Nothing ticked: back to the queue with a message.
    "staff_bulk": post({**REVIEWER, "staff_x": OK, "staff_y": OK, "staff_p": OK, "staff_q": OK, "admin": OK},
                       {"thao-tac": "duyet"}),
    "staff_reasons": get(REVIEWER),
    # Staff change their own area's reason templates only.
    "staff_reason_edit": get(REASON, pk="reason"),
    "staff_reason_delete": post({**REASON, "staff_x": OK, "admin": OK}, pk="reason"),
    "staff_registration_return": with_closed(get(ITEM_WRITE, pk="submitted"), ITEM_LOCKED),
    "staff_registration_assess": with_closed(get(ITEM_WRITE, pk="submitted"), ITEM_LOCKED),
    "staff_registration_review": with_closed(get(ITEM_WRITE, pk="accepted", kind="so-ket"), ITEM_LOCKED),
    "staff_registration_results": with_closed(get(ITEM_WRITE, pk="accepted"), ITEM_LOCKED),
    "staff_registration_upload": with_closed(post(ITEM_ACTION, UPLOAD, pk="draft"), ITEM_LOCKED_ACTION),
    "staff_attachment": get(ITEM_READ, pk="attachment"),
    "staff_close_year": get(REVIEWER),
    # The plan of one's own area: an administrator, of no area, has none.
    "staff_plan": get({**WORKSPACE, "admin": 404}),
    "staff_plan_units": get({**WORKSPACE, "admin": 404}, query="buoc=dang-ky&tinh-trang=tre-han"),
    "excel_index": get(REVIEWER),
    "excel_upload": post({**REVIEWER, "staff_x": 400, "staff_y": 400, "staff_p": 400, "staff_q": 400, "admin": 400}),
    "excel_preview": get(EXCEL_TOKEN, token="khong-co"),
    "excel_confirm": post(EXCEL_TOKEN, token="khong-co"),
    "excel_cancel": post(EXCEL_TOKEN, token="khong-co"),
    "excel_template": get(REVIEWER, what="dang-ky"),
    "excel_export": get(WORKSPACE, what="dang-ky", fmt="xlsx"),
    "job": get(JOB, pk="job"),
    "job_progress": get(JOB, pk="job"),
    "job_download": get(JOB, pk="job"),
    "commendations-rounds": get(WORKSPACE),
    "commendations-round-create": get(AREA_STAFF),
    "commendations-round-detail": get(ROUND_READ, pk="round"),
    "commendations-proposal-create": get(PROPOSE, pk="round"),
    "commendations-proposal-detail": get(PROPOSAL_READ, pk="proposal"),
    "commendations-proposal-accept": post({**DECIDE, "staff_x": 403}, accept_decision, pk="proposal"),
    "commendations-proposal-decline": post({**DECIDE, "staff_x": 403}, {"note": "Chưa đủ thành tích"}, pk="proposal"),
    "commendations-list": get(WORKSPACE),
    "commendations-direct-entry": get(AREA_STAFF),
    "commendations-import": get(AREA_STAFF),
    "commendations-certificate": get(CERTIFICATE, pk="commendation"),
    "commendations-certificate-pdf": get(CERTIFICATE, pk="commendation"),
    "commendations-round-dossier": get({**ROUND_READ, "staff_y": OK}, pk="round"),
    "commendations-decision-docx": get(DECISION_FILES, pk="commendation"),
    "commendations-decision-pdf": get(DECISION_FILES, pk="commendation"),
    "commendations-revoke": get(REVOKE, pk="commendation"),
    "commendations-revoke-decision": get(REVOKE, pk="commendation"),
    "commendations-unit-history": get(ITEM_READ, pk="unit"),
    "commendations-person-history": get(ITEM_READ, pk="person"),
    "certificate-verify": get(roles(404), code="ma-khong-co"),
    "unit_portal_blank_form": get(UNIT_PAGE),
    "unit_portal_registration_docx": get(UNIT_OWN, pk="draft"),
    "staff_blank_form": get(WORKSPACE),
    "staff_registration_docx": get(ITEM_READ, pk="draft"),
    "reports-export-docx": get(WORKSPACE),
    "reports-dashboard": get(WORKSPACE),
    "reports-registrations": get(WORKSPACE),
    "reports-missing-units": get(WORKSPACE),
    "reports-export-xlsx": get(WORKSPACE),
    "reports-export-csv": get(WORKSPACE),
    "reports-map": get(WORKSPACE),
    "reports-map-points": get(WORKSPACE),
}


def walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name, pattern


ALL_ROUTES = list(walk(get_resolver().url_patterns))
ADMIN_ROUTES = [(name, pattern) for name, pattern in ALL_ROUTES if name and name.startswith("admin:")]
PORTAL_ROUTES = sorted(name for name, _ in ALL_ROUTES if name and not name.startswith("admin:"))


def test_every_route_has_an_entry():
    unnamed = [str(pattern.pattern) for name, pattern in ALL_ROUTES if not name]
    # The admin's catch-all (a 404 for signed-in staff, else its sign-in page) is its only unnamed route.
    assert unnamed == [str(pattern.pattern) for name, pattern in walk(admin.site.urls[0]) if not name]
    assert [name for name in PORTAL_ROUTES if name not in ROUTES] == []


def test_every_entry_is_a_route():
    assert sorted(set(ROUTES) - set(PORTAL_ROUTES)) == []


# The world: built once per module inside a transaction that is rolled back at its end ----------

def build_world():
    province = make_province(name="Tỉnh P")
    commune_x = make_commune(province, name="Xã X")
    commune_y = make_commune(province, name="Xã Y")
    other_province = make_province(name="Tỉnh Q")
    other_commune = make_commune(other_province, name="Xã Q")
    kind = make_kind()
    unit_a = make_unit(commune_x, kind=kind, name="Đơn vị A")
    unit_b = make_unit(commune_x, kind=kind, name="Đơn vị B")
    unit_q = make_unit(other_commune, kind=kind, name="Đơn vị Q")
    accounts = SimpleNamespace(
        norole=make_user(username="khongvaitro"),
        unit_a=make_unit_user(unit_a, username="donvi.a"),
        unit_b=make_unit_user(unit_b, username="donvi.b"),
        staff_x=make_staff(commune_x, username="canbo.x"),
        staff_y=make_staff(commune_y, username="canbo.y"),
        # Given the admin flag as well: the admin must still refuse it (admin is for superusers).
        staff_p=make_staff(province, username="canbo.p", is_staff=True),
        staff_q=make_staff(other_province, username="canbo.q"),
        leader_p=make_leader(province, username="lanhdao.p"),
        admin=User.objects.create_superuser(username="quantri", password="x", email="quantri@example.org"),
    )
    own = objects_of(unit_a, province, commune_x, accounts.staff_x, YEAR)
    other = objects_of(unit_q, other_province, other_commune, accounts.staff_q, YEAR)
    closed = objects_of(unit_a, None, None, None, CLOSED_YEAR)
    YearClosure.objects.create(area=province, year=CLOSED_YEAR, closed_by=accounts.staff_p)
    return SimpleNamespace(accounts=accounts, own=own, other=other, closed=closed)


def objects_of(unit, province, proposing_area, proposer, year):
    """One object of every kind for `unit`; rounds, proposals and commendations only with a province."""
    def registration(status, **extra):
        return make_registration(unit, year=year, status=status, name=f"{status} {unit.name} {year}", **extra)

    draft = registration(Status.DRAFT, objectives="Mục tiêu", content="Nội dung", success_indicators="Chỉ tiêu")
    accepted = registration(Status.ACCEPTED)
    objects = SimpleNamespace(
        draft=draft,
        submitted=registration(Status.SUBMITTED),
        accepted=accepted,
        attachment=make_attachment(draft, is_public=False),
        photo=make_attachment(accepted, is_public=True),
        unit=unit,
        person=make_registration(unit, year=year, status=Status.ACCEPTED, name=f"Cá nhân {unit.name} {year}",
                                 exemplar_kind="individual", person_name="Nguyễn Văn Điển Hình"),
    )
    # The accounts page's objects: an account of the unit and its "forgot password" request.
    objects.account = unit.accounts.first() or make_unit_user(unit)
    objects.reset_request = PasswordResetRequest.objects.create(user=objects.account)
    objects.notification = Notification.objects.create(user=objects.account, kind=NotificationKind.RETURNED,
                                                       title="Mô hình bị trả lại", registration=draft)
    if province is not None:
        objects.reason = ReasonTemplate.objects.create(use="return", text=f"Lý do của {proposing_area}",
                                                       area=proposing_area)
        completed = registration(Status.COMPLETED, outcome=Outcome.EXEMPLARY)
        objects.round = make_round(province)
        objects.proposal = Proposal.objects.create(
            round=objects.round, registration=completed, proposing_area=proposing_area, justification="Tốt",
            votes_for=5, votes_present=5, vote_date=datetime.date(year, 1, 1), proposed_by=proposer)
        objects.job = BackgroundJob(user=proposer, kind=JobKind.EXPORT_REGISTRATIONS, key="dang-ky.xlsx",
                                    title="dang-ky.xlsx", file_name="dang-ky.xlsx", status=JobStatus.DONE)
        objects.job.file.save("dang-ky.xlsx", ContentFile(b"PK"), save=True)
        objects.commendation = Commendation.objects.create(
            registration=accepted, form=CommendationForm.objects.get(code="giay-khen"), level=Level.GRASSROOTS,
            authority="Ban Dân vận", decision_number="1/QĐ", decision_date=datetime.date(year, 1, 1))
    return objects


def make_attachment(registration, *, is_public):
    attachment = Attachment(registration=registration, original_name="anh.png", content_type="image/png",
                            size=len(PNG), is_public=is_public)
    attachment.file.save("anh.png", SimpleUploadedFile("anh.png", PNG), save=False)
    attachment.save()
    return attachment


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def _media_in_tmp(settings, media_root):
    # The world's files are written once for the module, so every test reads the same folder.
    settings.MEDIA_ROOT = media_root


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_root):
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# Asking ---------------------------------------------------------------------------------------

MAIN_TABLES = (AdminArea, Unit, User, Registration, RegistrationEvent, Attachment, Review, CriterionAssessment,
               YearClosure, CommendationRound, Proposal, Commendation, ImportBatch, PasswordResetRequest, LineageEvent)


def database_state():
    """A hash of every row of the main tables."""
    digest = hashlib.sha256()
    for model in MAIN_TABLES:
        digest.update(repr(list(model.objects.order_by("pk").values_list())).encode())
    return digest.hexdigest()


def answer(response):
    if response.status_code in (301, 302):
        return LOGIN if response.url.startswith(("/tai-khoan/dang-nhap/", "/admin/login/")) else OK
    return response.status_code


def ask(client, name, case, objects, changes_nothing=False, hidden=None):
    """The answer to the route's request for `objects` (a World namespace, or MISSING for every kind).

    A POST answered with a refusal, or any POST when `changes_nothing`, must leave the main tables as they were;
    a page must not show the text `hidden`."""
    kwargs = {key: (MISSING if objects is MISSING else getattr(objects, value).pk) if value in OBJECT_KINDS else value
              for key, value in case.kwargs.items() if key != "query"}
    url = reverse(name, kwargs=kwargs) + (f"?{case.kwargs['query']}" if "query" in case.kwargs else "")
    if case.method == "get":
        response = client.get(url)
        if hidden and not response.streaming:
            assert hidden not in response.content.decode(errors="replace"), f"{name} shows {hidden}"
        return answer(response)
    data = case.data() if callable(case.data) else case.data
    if data == UPLOAD:
        data = {"file": SimpleUploadedFile("them.png", PNG, content_type="image/png"), "caption": "Ảnh"}
    before = database_state()
    result = answer(client.post(url, data or {}))
    if changes_nothing or result not in (OK, 200):
        assert database_state() == before, f"{name}: refused ({result}) but the database changed"
    return result


def has_objects(case):
    return any(value in OBJECT_KINDS for value in case.kwargs.values())


OBJECT_KINDS = ("draft", "submitted", "accepted", "attachment", "photo", "round", "proposal", "commendation", "unit",
                "person", "account", "reset_request", "reason", "notification", "job")


# Which of the world's objects lie outside each role's scope: province Q's, except for Q's own staff.
OUTSIDE = {"staff_q": "own", "admin": None}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route(client, world, name, role):
    case = ROUTES[name]
    if role != "anonymous":
        client.force_login(getattr(world.accounts, role))
    outside = OUTSIDE.get(role, "other")
    hidden = None if case.public or not outside else getattr(world, outside).unit.name
    answered = ask(client, name, case, world.own, hidden=hidden)
    assert answered == case.expected[role], f"{name} as {role}, object of commune X: {answered}"
    if not has_objects(case):
        return
    missing = ask(client, name, case, MISSING)
    if not case.public and outside:
        answered = ask(client, name, case, getattr(world, outside))
        assert answered == missing, f"{name} as {role}: {answered} outside the scope, {missing} for a missing id"
    if case.closed is not None:
        answered = ask(client, name, case, world.closed, changes_nothing=role != "admin")
        assert answered == case.closed[role], f"{name} as {role}, object of a closed year: {answered}"


# The Django admin: administrators only; anyone else is refused as an anonymous visitor is -------

ADMIN_MODELS = {f"admin:{model._meta.app_label}_{model._meta.model_name}_": model for model in admin.site._registry}


def admin_url(name, pattern):
    """The admin route's URL with the id of an existing object where it takes one (None: there is none)."""
    model = next((model for prefix, model in ADMIN_MODELS.items() if name.startswith(prefix)), None)
    kwargs = {}
    for key in pattern.pattern.regex.groupindex:
        if key in ("object_id", "pk") and model is not None:
            first = model._default_manager.order_by("pk").first()
            if first is None:
                return None
            kwargs[key] = first.pk
        elif key == "app_label":
            kwargs[key] = "models_registry"
        else:
            kwargs[key] = "1"
    return reverse(name, kwargs=kwargs)


def ask_admin(client, routes):
    """{route name: answer} for the admin's routes, signing out last."""
    answers = {}
    for name, url in sorted(routes.items(), key=lambda item: item[0] == "admin:logout"):
        answers[name] = answer(client.post(url) if name == "admin:logout" else client.get(url))
    return answers


@pytest.fixture(scope="module")
def admin_routes(world):
    return {name: url for name, pattern in ADMIN_ROUTES if (url := admin_url(name, pattern)) is not None}


@pytest.fixture(scope="module")
def anonymous_admin_answers(world, admin_routes, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return ask_admin(Client(), admin_routes)


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_admin_is_for_administrators_only(client, world, role, admin_routes, anonymous_admin_answers):
    client.force_login(getattr(world.accounts, role))
    answers = ask_admin(client, admin_routes)
    if role == "admin":
        assert answers["admin:index"] == 200
        assert [name for name, got in answers.items() if got == LOGIN or (got != OK and got >= 500)] == []
    else:
        assert answers == anonymous_admin_answers
        assert answers["admin:index"] == LOGIN


def test_lists_name_the_units_they_show(client, world):
    # What the matrix looks for on pages of other scopes is there when the scope includes it.
    client.force_login(world.accounts.admin)
    page = client.get(reverse("staff_registrations")).content.decode()
    assert world.own.unit.name in page and world.other.unit.name in page
