"""Every page and action of /don-vi/, /quan-ly/ and the registration pages, for every role.

Expected answers: 200 page, "ok" a redirect after a successful action, "login" a redirect
to the login page, 403 visible but not for this role, 404 outside the user's scope.
"""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from models_registry.models import Status
from models_registry.services import workflow
from tests.factories import PASSWORD, make_portal_world, make_registration

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

ROLES = ("anonymous", "donvi_a", "donvi_b", "canbo_xa", "canbo_xa_khac", "canbo_tinh", "lanhdao", "admin")

UNIT_PAGE = {"anonymous": "login", "donvi_a": 200, "donvi_b": 200, "canbo_xa": 403, "canbo_xa_khac": 403,
             "canbo_tinh": 403, "lanhdao": 403, "admin": 403}
# A page or action on unit A's registration, inside /don-vi/.
UNIT_OWN = {"anonymous": "login", "donvi_a": 200, "donvi_b": 404, "canbo_xa": 403, "canbo_xa_khac": 403,
            "canbo_tinh": 403, "lanhdao": 403, "admin": 403}
UNIT_OWN_ACTION = {**UNIT_OWN, "donvi_a": "ok"}
STAFF_READ = {"anonymous": "login", "donvi_a": 403, "donvi_b": 403, "canbo_xa": 200, "canbo_xa_khac": 200,
              "canbo_tinh": 200, "lanhdao": 200, "admin": 200}
STAFF_WRITE = {**STAFF_READ, "lanhdao": 403}
# A page or action on unit A's registration (commune X), inside /quan-ly/.
STAFF_ITEM_READ = {**STAFF_READ, "canbo_xa_khac": 404}
STAFF_ITEM_WRITE = {**STAFF_ITEM_READ, "lanhdao": 403}
STAFF_ITEM_ACTION = {**STAFF_ITEM_WRITE, "canbo_xa": "ok", "canbo_tinh": "ok", "admin": "ok"}

EDIT_DATA = {
    "year": YEAR, "name": "Tên sửa", "field": "economy", "level": "grassroots", "exemplar_kind": "collective",
    "objectives": "Mục tiêu", "content": "Nội dung", "success_indicators": "Chỉ tiêu", "version": 1,
}

# (label, method, url template, data, expectations). {draft} is unit A's draft, {submitted} and {accepted}
# unit A's registrations in those states, {attachment} evidence on the draft.
CASES = [
    ("unit home", "get", "/don-vi/", None, UNIT_PAGE),
    ("unit create form", "get", "/don-vi/dang-ky/", None, UNIT_PAGE),
    ("unit detail", "get", "/don-vi/mo-hinh/{draft}/", None, UNIT_OWN),
    ("unit edit form", "get", "/don-vi/mo-hinh/{draft}/sua/", None, UNIT_OWN),
    ("unit edit save", "post", "/don-vi/mo-hinh/{draft}/sua/", EDIT_DATA, UNIT_OWN_ACTION),
    ("unit edit of a submitted one", "get", "/don-vi/mo-hinh/{submitted}/sua/", None, {**UNIT_OWN, "donvi_a": 403}),
    ("unit submit", "post", "/don-vi/mo-hinh/{draft}/gui-duyet/", {"version": 1}, UNIT_OWN_ACTION),
    ("unit results form", "get", "/don-vi/mo-hinh/{accepted}/ket-qua/", None, UNIT_OWN),
    ("unit results of a draft", "get", "/don-vi/mo-hinh/{draft}/ket-qua/", None, {**UNIT_OWN, "donvi_a": 403}),
    ("unit upload", "post", "/don-vi/mo-hinh/{draft}/minh-chung/", "upload", UNIT_OWN_ACTION),
    ("unit download", "get", "/don-vi/minh-chung/{attachment}/", None, UNIT_OWN),
    ("staff queue", "get", "/quan-ly/", None, STAFF_READ),
    ("staff list", "get", "/quan-ly/mo-hinh/", None, STAFF_READ),
    ("staff create form", "get", "/quan-ly/mo-hinh/them/", None, STAFF_WRITE),
    ("staff detail", "get", "/quan-ly/mo-hinh/{draft}/", None, STAFF_ITEM_READ),
    ("staff edit form", "get", "/quan-ly/mo-hinh/{draft}/sua/", None, STAFF_ITEM_WRITE),
    ("staff submit on behalf", "post", "/quan-ly/mo-hinh/{draft}/gui-duyet/", {"version": 1}, STAFF_ITEM_ACTION),
    ("staff accept", "post", "/quan-ly/mo-hinh/{submitted}/duyet/", {"version": 1}, STAFF_ITEM_ACTION),
    ("staff return form", "get", "/quan-ly/mo-hinh/{submitted}/tra-lai/", None, STAFF_ITEM_WRITE),
    ("staff return", "post", "/quan-ly/mo-hinh/{submitted}/tra-lai/", {"reason": "Thiếu số liệu", "version": 1},
     STAFF_ITEM_ACTION),
    ("staff criteria form", "get", "/quan-ly/mo-hinh/{submitted}/tieu-chi/", None, STAFF_ITEM_WRITE),
    ("staff mid-year review form", "get", "/quan-ly/mo-hinh/{accepted}/danh-gia/so-ket/", None, STAFF_ITEM_WRITE),
    ("staff year-end review", "post", "/quan-ly/mo-hinh/{accepted}/danh-gia/tong-ket/",
     {"review_date": f"{YEAR}-12-01", "outcome": "achieved"}, STAFF_ITEM_ACTION),
    ("staff results form", "get", "/quan-ly/mo-hinh/{accepted}/ket-qua/", None, STAFF_ITEM_WRITE),
    ("staff upload", "post", "/quan-ly/mo-hinh/{draft}/minh-chung/", "upload", STAFF_ITEM_ACTION),
    ("staff download", "get", "/quan-ly/minh-chung/{attachment}/", None, STAFF_ITEM_READ),
    ("staff close year form", "get", "/quan-ly/khoa-so/", None, STAFF_WRITE),
]


@pytest.fixture
def world():
    world = make_portal_world()
    world.draft = make_registration(world.unit_a, year=YEAR, name="Bản nháp của A")
    world.submitted = make_registration(world.unit_a, year=YEAR, name="Đã gửi của A", status=Status.SUBMITTED)
    world.accepted = make_registration(world.unit_a, year=YEAR, name="Đã duyệt của A", status=Status.ACCEPTED)
    world.attachment = workflow.add_attachment(
        world.donvi_a, world.draft, file=SimpleUploadedFile("anh.png", PNG), content_type="image/png")
    return world


def _answer(response):
    if response.status_code == 302:
        return "login" if response.url.startswith("/tai-khoan/dang-nhap/") else "ok"
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label,method,url,data,expected", CASES, ids=[case[0] for case in CASES])
def test_access(client, world, role, label, method, url, data, expected):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    url = url.format(draft=world.draft.pk, submitted=world.submitted.pk, accepted=world.accepted.pk,
                     attachment=world.attachment.pk)
    if data == "upload":
        data = {"file": SimpleUploadedFile("them.png", PNG, content_type="image/png"), "caption": "Ảnh"}
    response = client.post(url, data) if method == "post" else client.get(url)
    assert _answer(response) == expected[role]


def test_unit_cannot_change_another_units_draft_by_post(client, world):
    other = make_registration(world.unit_b, year=YEAR, name="Bản nháp của B")
    client.login(username="donvi.a", password=PASSWORD)
    response = client.post(f"/don-vi/mo-hinh/{other.pk}/sua/", {**EDIT_DATA, "name": "Bị sửa trộm"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert (other.name, other.version) == ("Bản nháp của B", 1)


def test_unit_cannot_submit_another_units_draft_by_post(client, world):
    other = make_registration(world.unit_b, year=YEAR)
    client.force_login(world.donvi_a)
    assert client.post(f"/don-vi/mo-hinh/{other.pk}/gui-duyet/").status_code == 404
    other.refresh_from_db()
    assert other.status == Status.DRAFT


def test_actions_refuse_get(client, world):
    client.force_login(world.canbo_xa)
    assert client.get(f"/quan-ly/mo-hinh/{world.submitted.pk}/duyet/").status_code == 405
    assert client.get(f"/quan-ly/mo-hinh/{world.draft.pk}/gui-duyet/").status_code == 405


def test_leader_post_to_accept_changes_nothing(client, world):
    client.force_login(world.lanhdao)
    client.post(f"/quan-ly/mo-hinh/{world.submitted.pk}/duyet/", {"version": 1})
    world.submitted.refresh_from_db()
    assert world.submitted.status == Status.SUBMITTED
