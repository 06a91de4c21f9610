"""The role predicates, the area-containment rule and the view decorator of models_registry/access.py."""
import datetime
import re
from itertools import product
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory

from models_registry import access
from models_registry.models import AdminArea, Commendation, CommendationForm, Level, Proposal, Role, Status
from tests.factories import (
    make_commune,
    make_portal_world,
    make_province,
    make_registration,
    make_report_fixture,
    make_round,
    make_staff,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def world():
    world = make_portal_world()
    world.other_province = make_province(name="Tỉnh Khác")
    world.other_commune = make_commune(world.other_province)
    world.other_unit = make_unit(world.other_commune)
    world.norole = make_user(username="khongvaitro")
    world.registration = make_registration(world.unit_a, status=Status.SUBMITTED)
    world.other_registration = make_registration(world.other_unit, status=Status.SUBMITTED)
    return world


# Roles ----------------------------------------------------------------------------------------

def test_a_unit_role_without_a_unit_is_no_unit_account(world):
    assert not access.is_unit_account(make_user(role=Role.UNIT))


def test_a_staff_role_without_an_area_is_no_staff(world):
    assert not access.is_area_staff(make_user(role=Role.STAFF))


def test_anonymous_visitors_have_no_role():
    anonymous = AnonymousUser()
    assert not any(predicate(anonymous) for predicate in access.FOR_TEMPLATES)


def test_an_account_without_a_role_may_do_nothing(world):
    assert not any(predicate(world.norole) for predicate in access.FOR_TEMPLATES)


# Scope ----------------------------------------------------------------------------------------

def test_province_staff_have_the_communes_of_their_province_in_scope(world):
    assert access.in_scope(world.canbo_tinh, area=world.commune_y, unit_id=None)


def test_commune_staff_do_not_have_another_commune_in_scope(world):
    assert not access.in_scope(world.canbo_xa, area=world.commune_y, unit_id=None)


def test_a_unit_account_has_only_its_own_unit_in_scope(world):
    assert access.in_scope(world.donvi_a, area=world.commune_x, unit_id=world.unit_a.pk)
    assert not access.in_scope(world.donvi_a, area=world.commune_x, unit_id=world.unit_b.pk)


def test_administrators_have_everything_in_scope(world):
    assert access.in_scope(world.admin, area=world.other_commune, unit_id=world.other_unit.pk)


def test_an_account_without_a_role_has_nothing_in_scope(world):
    assert access.scope_of(world.norole) == (None, None)
    assert not access.in_scope(world.norole, area=world.commune_x, unit_id=world.unit_a.pk)


def test_in_scope_agrees_with_the_querysets_for_every_role(world):
    from models_registry.models import Registration

    registrations = list(Registration.objects.select_related("area"))
    for user in (world.donvi_a, world.canbo_xa, world.canbo_xa_khac, world.canbo_tinh, world.lanhdao, world.admin):
        visible = set(Registration.objects.for_user(user).values_list("pk", flat=True))
        assert visible == {r.pk for r in registrations if access.in_scope(user, area=r.area, unit_id=r.unit_id)}


# Containment: one rule, three forms -----------------------------------------------------------

def test_contains_scope_q_and_containing_ids_agree_for_every_pair_of_areas():
    make_report_fixture()
    areas = list(AdminArea.objects.all())
    for outer, inner in product(areas, areas):
        by_query = AdminArea.objects.filter(outer.scope_q(""), pk=inner.pk).exists()
        assert outer.contains(inner) == by_query == (outer.pk in inner.containing_ids()), (outer, inner)


def test_an_old_commune_lies_in_the_commune_it_rolled_into_and_in_the_old_district():
    fixture = make_report_fixture()
    old_commune = AdminArea.objects.get(code="83101")
    assert fixture.c1.contains(old_commune)
    assert old_commune.district.contains(old_commune)
    assert not fixture.c2.contains(old_commune)


def test_a_province_is_not_inside_its_commune(world):
    assert not world.commune_x.contains(world.province)


# Registrations --------------------------------------------------------------------------------

def test_leaders_may_not_review(world):
    assert not access.may_review(world.lanhdao)


def test_staff_may_review_a_registration_inside_their_area(world):
    assert access.may_review(world.canbo_tinh, world.registration)


def test_staff_may_not_review_a_registration_of_another_commune(world):
    assert not access.may_review(world.canbo_xa_khac, world.registration)


def test_administrators_may_review_anything(world):
    assert access.may_review(world.admin, world.other_registration)


def test_the_unit_owns_its_registration_and_no_other(world):
    assert access.is_owner(world.donvi_a, world.registration)
    assert not access.is_owner(world.donvi_b, world.registration)


def test_staff_may_enter_registrations_only_for_units_of_their_area(world):
    assert access.may_enter_for_units(world.canbo_xa, world.unit_a)
    assert not access.may_enter_for_units(world.canbo_xa, world.other_unit)


def test_staff_close_the_year_of_their_own_area_only(world):
    assert access.may_close_year(world.canbo_tinh, world.province)
    assert not access.may_close_year(world.canbo_tinh, world.commune_x)


def test_administrators_may_close_any_area(world):
    assert access.may_close_year(world.admin, world.other_province)


def test_leaders_may_not_close_a_year(world):
    assert not access.may_close_year(world.lanhdao, world.province)


# Pages, Excel, admin --------------------------------------------------------------------------

def test_reports_are_for_staff_leaders_and_administrators(world):
    assert [access.may_view_reports(u) for u in (world.canbo_xa, world.lanhdao, world.admin, world.donvi_a)] == [
        True, True, True, False]


def test_leaders_export_but_do_not_import(world):
    assert access.may_export(world.lanhdao)
    assert not access.may_import(world.lanhdao)


def test_unit_accounts_neither_import_nor_export(world):
    assert not access.may_import(world.donvi_a)
    assert not access.may_export(world.donvi_a)


def test_the_admin_flag_alone_does_not_open_the_admin(world):
    assert not access.may_use_admin(make_staff(world.province, is_staff=True))


def test_an_inactive_administrator_may_not_use_the_admin(world):
    world.admin.is_active = False
    assert not access.may_use_admin(world.admin)


def test_admin_refuses_an_account_given_is_staff_as_it_refuses_anonymous_visitors(client, world):
    anonymous = client.get("/admin/")
    client.force_login(make_staff(world.province, is_staff=True))
    flagged = client.get("/admin/")
    assert (flagged.status_code, flagged.url) == (anonymous.status_code, anonymous.url) == (302, "/admin/login/?next=/admin/")


def test_administrators_open_the_admin(client, world):
    client.force_login(world.admin)
    assert client.get("/admin/").status_code == 200


# Commendations --------------------------------------------------------------------------------

def test_commune_staff_propose_to_their_provinces_round(world):
    assert access.may_propose(world.canbo_xa, make_round(world.province))


def test_province_staff_do_not_propose_to_their_own_round(world):
    assert not access.may_propose(world.canbo_tinh, make_round(world.province))


def test_staff_do_not_propose_to_another_provinces_round(world):
    assert not access.may_propose(world.canbo_xa, make_round(world.other_province))


def test_only_the_rounds_area_decides(world):
    commendation_round = make_round(world.province)
    assert access.may_decide(world.canbo_tinh, commendation_round)
    assert not access.may_decide(world.canbo_xa, commendation_round)
    assert not access.may_decide(world.admin, commendation_round)


def test_only_area_staff_create_rounds_and_enter_commendations(world):
    assert [access.may_create_round(u) for u in (world.canbo_xa, world.lanhdao, world.admin)] == [True, False, False]
    assert [access.may_enter_commendations(u) for u in (world.canbo_xa, world.lanhdao, world.admin)] == [
        True, False, False]


def _commendation(registration):
    return Commendation.objects.create(
        registration=registration, form=CommendationForm.objects.get(code="giay-khen"), level=Level.GRASSROOTS,
        authority="Ban Dân vận", decision_number="1/QĐ", decision_date=datetime.date(registration.year, 1, 2))


def test_an_account_without_a_role_cannot_open_any_certificate(client, world):
    commendation = _commendation(make_registration(world.other_unit, status=Status.COMMENDED))
    client.force_login(world.norole)
    existing = client.get(f"/quan-ly/khen-thuong/{commendation.pk}/giay-khen/")
    missing = client.get(f"/quan-ly/khen-thuong/{commendation.pk + 1000}/giay-khen/")
    assert existing.status_code == missing.status_code == 404


def test_a_unit_opens_its_own_certificate(client, world):
    commendation = _commendation(make_registration(world.unit_a, status=Status.COMMENDED))
    client.force_login(world.donvi_a)
    assert client.get(f"/quan-ly/khen-thuong/{commendation.pk}/giay-khen/").status_code == 200


def test_a_decision_on_a_proposal_outside_scope_answers_as_for_a_missing_one(client, world):
    other_staff = make_staff(world.other_commune)
    proposal = Proposal.objects.create(
        round=make_round(world.other_province), registration=world.other_registration,
        proposing_area=world.other_commune, justification="Tốt", votes_for=3, votes_present=3,
        vote_date=datetime.date.today(), proposed_by=other_staff)
    client.force_login(world.canbo_tinh)
    for action in ("khen-thuong", "khong-khen-thuong"):
        existing = client.post(f"/quan-ly/khen-thuong/de-nghi/{proposal.pk}/{action}/", {"note": "Không"})
        missing = client.post(f"/quan-ly/khen-thuong/de-nghi/{proposal.pk + 1000}/{action}/", {"note": "Không"})
        assert existing.status_code == missing.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_an_account_without_a_role_sees_no_proposal(world):
    from models_registry.services.commendations import commendations_for_user, proposals_for_user

    _commendation(make_registration(world.other_unit, status=Status.COMMENDED))
    assert not proposals_for_user(world.norole).exists()
    assert not commendations_for_user(world.norole).exists()


# The view decorator and templates -------------------------------------------------------------

def _guarded(user, predicate=access.may_review):
    request = RequestFactory().get("/quan-ly/thu/?trang=2")
    request.user = user
    return access.role_required(predicate)(lambda request: HttpResponse("vào"))(request)


def test_role_required_sends_anonymous_visitors_to_sign_in():
    response = _guarded(AnonymousUser())
    assert (response.status_code, response.url) == (302, "/tai-khoan/dang-nhap/?next=/quan-ly/thu/%3Ftrang%3D2")


def test_role_required_refuses_a_role_that_may_never_with_the_predicates_message(world):
    with pytest.raises(PermissionDenied, match="chỉ có quyền xem"):
        _guarded(world.lanhdao)


def test_role_required_lets_the_role_through(world):
    assert _guarded(world.canbo_xa).content == "vào".encode()


def test_templates_ask_the_predicates_through_access(world):
    template = engines["django"].from_string("{% if access.may_view_reports %}báo cáo{% endif %}"
                                             "{% if access.is_unit_account %}đơn vị{% endif %}")
    request = RequestFactory().get("/")
    request.user = world.lanhdao
    assert template.render({}, request) == "báo cáo"


def test_templates_cannot_reach_anything_but_the_predicates(world):
    with pytest.raises(AttributeError):
        access.UserAbilities(world.lanhdao).scope_of  # noqa: B018


# One place: no view, service or template reads a role itself ----------------------------------

ROLE_READS = re.compile(r"(?<!access)\.(is_area_staff|is_area_leader|is_unit_account)\b|user\.is_staff\b"
                        r"|\.role\s*(==|!=|in\b|not in\b)")
# Account management sets roles (it does not check them) and the model validates its own fields.
ALLOWED = {"models_registry/access.py", "models_registry/models/accounts.py"}


def test_role_checks_are_made_only_in_the_access_module():
    offenders = []
    for path in sorted([*ROOT.glob("models_registry/**/*.py"), *ROOT.glob("templates/**/*.html")]):
        relative = str(path.relative_to(ROOT))
        if relative in ALLOWED or "/migrations/" in relative:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ROLE_READS.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_the_admin_sign_in_refuses_an_account_given_is_staff_as_any_other(client, world):
    from tests.factories import PASSWORD

    flagged = make_staff(world.province, is_staff=True)
    answers = []
    for user in (flagged, world.canbo_xa):
        response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
        answers.append((response.status_code, [str(e) for e in response.context["form"].non_field_errors()]))
        assert "_auth_user_id" not in client.session
    assert answers[0] == answers[1]
    assert answers[0][0] == 200 and answers[0][1]
