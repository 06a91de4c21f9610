"""The staff workspace (/quan-ly/): queue, list, decisions, entering on a unit's behalf, criteria, reviews, closing."""
import datetime
import re

import pytest

from models_registry.models import (
    Action,
    CriteriaSet,
    Criterion,
    Outcome,
    Registration,
    RegistrationEvent,
    Source,
    Status,
    Unit,
    YearClosure,
)
from models_registry.services import audit, workflow
from tests.factories import (
    make_commune,
    make_portal_world,
    make_province,
    make_registration,
    make_sent,
    make_staff,
    make_unit,
)

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year

VALID = {
    "year": YEAR, "name": "Dân vận khéo trong cải cách hành chính", "field": "political_system",
    "level": "grassroots", "exemplar_kind": "collective", "is_new": "on", "objectives": "Không để hồ sơ trễ hạn",
    "content": "Một cửa, một lần", "success_indicators": "100% hồ sơ đúng hạn",
}


@pytest.fixture
def world():
    return make_portal_world()


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.canbo_xa)
    return client


def test_queue_lists_submitted_registrations_of_the_area_only(staff_client, world):
    make_registration(world.unit_a, year=YEAR, name="Chờ duyệt trong xã", status=Status.SUBMITTED)
    make_registration(world.unit_a, year=YEAR, name="Bản nháp trong xã")
    outsider = make_unit(world.commune_y, kind=world.kind)
    make_registration(outsider, year=YEAR, name="Chờ duyệt xã khác", status=Status.SUBMITTED)
    page = staff_client.get("/quan-ly/").content.decode()
    assert "Chờ duyệt trong xã" in page
    assert "Bản nháp trong xã" not in page
    assert "Chờ duyệt xã khác" not in page


def test_queue_counts_registrations_by_status(staff_client, world):
    for _n in range(3):
        make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED)
    response = staff_client.get("/quan-ly/")
    counts = {value: count for value, _label, count in response.context["counts"]}
    assert (counts[Status.SUBMITTED], counts[Status.DRAFT], response.context["queue_total"]) == (3, 0, 3)


def test_province_staff_sees_every_commune_in_the_queue(client, world):
    outsider = make_unit(world.commune_y, kind=world.kind)
    make_registration(outsider, year=YEAR, name="Chờ duyệt xã Yên Thế", status=Status.SUBMITTED)
    client.force_login(world.canbo_tinh)
    assert "Chờ duyệt xã Yên Thế" in client.get("/quan-ly/").content.decode()


def test_accept_from_the_page(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED)
    # The confirmation page posts its own field; accepting needs it (see test_review.py).
    response = staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/duyet/", {"version": 1, "confirm": "True"})
    assert response.url == f"/quan-ly/mo-hinh/{registration.pk}/"
    registration.refresh_from_db()
    assert registration.status == Status.ACCEPTED


def test_double_clicked_accept_acts_once(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED)
    for _ in range(2):
        staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/duyet/", {"version": 1, "tiep": "hang-cho",
                                                                       "confirm": "True"})
    assert RegistrationEvent.objects.filter(registration=registration, action=Action.ACCEPTED).count() == 1


def test_return_with_a_reason_the_unit_sees(staff_client, client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED)
    staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/tra-lai/", {"reason": "Thiếu tiêu chí đo được",
                                                                       "version": 1})
    registration.refresh_from_db()
    assert (registration.status, registration.return_reason) == (Status.RETURNED, "Thiếu tiêu chí đo được")
    client.force_login(world.donvi_a)
    assert "Thiếu tiêu chí đo được" in client.get(f"/don-vi/mo-hinh/{registration.pk}/").content.decode()


def test_return_without_a_reason_changes_nothing(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED)
    response = staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/tra-lai/", {"reason": "  ", "version": 1})
    assert "Hãy ghi lý do trả lại để đơn vị biết cần sửa gì." in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED


def test_staff_enters_a_registration_for_a_unit_in_scope(staff_client, world):
    response = staff_client.post("/quan-ly/mo-hinh/them/", {**VALID, "unit": world.unit_b.pk})
    registration = Registration.objects.get()
    assert response.url == f"/quan-ly/mo-hinh/{registration.pk}/"
    assert (registration.unit, registration.area) == (world.unit_b, world.commune_x)
    assert RegistrationEvent.objects.get(registration=registration).actor == world.canbo_xa


def test_staff_cannot_enter_for_a_unit_outside_the_area(staff_client, world):
    outsider = make_unit(world.commune_y, kind=world.kind)
    response = staff_client.post("/quan-ly/mo-hinh/them/", {**VALID, "unit": outsider.pk})
    assert "Đơn vị đã chọn không thuộc địa bàn của bạn; hãy chọn lại đơn vị." in response.content.decode()
    assert not Registration.objects.exists()


def test_saving_without_a_unit_asks_for_one(staff_client, world):
    response = staff_client.post("/quan-ly/mo-hinh/them/", VALID)
    assert "Hãy chọn đơn vị trước khi lưu." in response.content.decode()
    assert not Registration.objects.exists()


def test_entering_for_a_unit_starts_by_choosing_it_among_the_staff_scope(staff_client, world):
    make_unit(world.commune_y, kind=world.kind, name="Đơn vị xã khác")
    response = staff_client.get("/quan-ly/mo-hinh/them/")
    page = response.content.decode()
    assert response.templates[0].name == "staff/choose_unit.html"
    assert world.unit_a.name in page and "Đơn vị xã khác" not in page
    assert f'href="/quan-ly/mo-hinh/them/?don-vi={world.unit_a.pk}"' in page


def test_the_unit_chooser_finds_a_name_typed_without_diacritics(staff_client, world):
    make_unit(world.commune_x, kind=world.kind, name="Hội Phụ nữ ấp Đông")
    page = staff_client.get("/quan-ly/mo-hinh/them/?tim=hoi+phu+nu+ap+dong").content.decode()
    assert "Hội Phụ nữ ấp Đông" in page and world.unit_a.name not in page


def test_the_unit_chooser_finds_a_unit_by_its_code(staff_client, world):
    page = staff_client.get(f"/quan-ly/mo-hinh/them/?tim={world.unit_b.code.lower()}").content.decode()
    assert world.unit_b.name in page and world.unit_a.name not in page


def test_the_unit_chooser_lists_at_most_fifty_and_says_how_many_match(staff_client, world, django_assert_max_num_queries):
    Unit.objects.bulk_create([Unit(area=world.commune_x, kind=world.kind, code=f"TQ-{n:03d}", name=f"Tổ tự quản {n:03d}")
                              for n in range(60)])
    with django_assert_max_num_queries(12):
        response = staff_client.get("/quan-ly/mo-hinh/them/?tim=to+tu+quan")
    assert len(response.context["units"]) == 50
    assert "60 đơn vị khớp; hiện 50 đơn vị đầu tiên." in response.content.decode()


def test_the_form_names_the_chosen_unit_and_offers_its_earlier_models(staff_client, world):
    make_registration(world.unit_b, year=YEAR - 1, name="Mô hình năm trước của B")
    page = staff_client.get(f"/quan-ly/mo-hinh/them/?don-vi={world.unit_b.pk}").content.decode()
    assert f"<strong>{world.unit_b.name}</strong>" in page
    assert "Mô hình năm trước của B" in page
    assert f'name="unit" value="{world.unit_b.pk}"' in page


def test_a_unit_id_outside_the_scope_in_the_address_shows_the_chooser(staff_client, world):
    outsider = make_unit(world.commune_y, kind=world.kind)
    response = staff_client.get(f"/quan-ly/mo-hinh/them/?don-vi={outsider.pk}")
    assert response.templates[0].name == "staff/choose_unit.html"


def test_staff_move_a_registration_to_another_unit_chosen_from_the_chooser(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED, name="Tủ sách")
    chooser = staff_client.get(f"/quan-ly/mo-hinh/{registration.pk}/sua/?doi-don-vi=1")
    assert f'href="/quan-ly/mo-hinh/{registration.pk}/sua/?don-vi={world.unit_b.pk}"' in chooser.content.decode()
    form = staff_client.get(f"/quan-ly/mo-hinh/{registration.pk}/sua/?don-vi={world.unit_b.pk}").content.decode()
    assert f'name="unit" value="{world.unit_b.pk}"' in form
    staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/sua/", {**VALID, "unit": world.unit_b.pk, "version": 1})
    registration.refresh_from_db()
    assert registration.unit == world.unit_b


def test_staff_correction_is_in_the_history_with_the_staff_name(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED, name="Tên gõ sai")
    staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/sua/", {**VALID, "unit": world.unit_a.pk, "version": 1})
    event = RegistrationEvent.objects.get(registration=registration, action=Action.EDITED)
    assert (event.actor, event.changes["name"]) == (world.canbo_xa, ["Tên gõ sai", VALID["name"]])


def test_history_shows_changes_made_in_the_admin_and_by_import(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    audit.record(registration, Action.EDITED, actor=world.admin, source=Source.ADMIN,
                 changes={"field": ["economy", "culture_society"]}, reason="Sửa lĩnh vực theo công văn")
    audit.record(registration, Action.IMPORTED, source=Source.IMPORT)
    page = staff_client.get(f"/quan-ly/mo-hinh/{registration.pk}/").content.decode()
    assert "Trang quản trị" in page and "Nhập Excel" in page
    assert "Sửa lĩnh vực theo công văn" in page
    assert "Văn hóa - Xã hội" in page


def test_criteria_assessment_against_the_kinds_set(staff_client, world):
    criteria_set = CriteriaSet.objects.create(unit_kind=world.kind, name="Tiêu chí khối đoàn thể", year_from=2016)
    first = Criterion.objects.create(criteria_set=criteria_set, order=1, title="Được nhân dân đồng tình")
    second = Criterion.objects.create(criteria_set=criteria_set, order=2, title="Có sức lan tỏa")
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    page = staff_client.get(f"/quan-ly/mo-hinh/{registration.pk}/tieu-chi/").content.decode()
    assert "Được nhân dân đồng tình" in page and "Có sức lan tỏa" in page
    staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/tieu-chi/", {
        f"met_{first.pk}": "1", f"note_{first.pk}": "Nhân dân ủng hộ", f"met_{second.pk}": "0"})
    assert {a.criterion_id: a.met for a in registration.assessments.all()} == {first.pk: True, second.pk: False}
    assert RegistrationEvent.objects.filter(registration=registration, action=Action.ASSESSED).count() == 1


def test_year_end_review_from_the_page_completes_the_registration(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/danh-gia/tong-ket/", {
        "review_date": f"15/12/{YEAR}", "outcome": Outcome.ACHIEVED, "summary": "Hoàn thành"})
    registration.refresh_from_db()
    assert (registration.status, registration.outcome) == (Status.COMPLETED, Outcome.ACHIEVED)
    assert registration.reviews.get().review_date == datetime.date(YEAR, 12, 15)


def test_year_end_review_without_outcome_says_so(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    response = staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/danh-gia/tong-ket/", {
        "review_date": f"15/12/{YEAR}", "outcome": ""})
    assert "Tổng kết cuối năm phải có kết quả đánh giá." in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.ACCEPTED


def test_unknown_review_kind_is_not_found(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    assert staff_client.get(f"/quan-ly/mo-hinh/{registration.pk}/danh-gia/khac/").status_code == 404


def test_close_year_locks_the_areas_registrations(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    staff_client.post("/quan-ly/khoa-so/", {"year": YEAR, "confirm": "on"})
    assert YearClosure.objects.filter(area=world.commune_x, year=YEAR).exists()
    assert staff_client.get(f"/quan-ly/mo-hinh/{registration.pk}/sua/").status_code == 403
    assert "đã khóa sổ" in staff_client.get(f"/quan-ly/mo-hinh/{registration.pk}/").content.decode()


def test_close_year_needs_confirmation(staff_client):
    response = staff_client.post("/quan-ly/khoa-so/", {"year": YEAR})
    assert "Hãy đánh dấu xác nhận trước khi khóa sổ." in response.content.decode()
    assert not YearClosure.objects.exists()


def test_close_year_refuses_a_future_year(staff_client):
    response = staff_client.post("/quan-ly/khoa-so/", {"year": YEAR + 5, "confirm": "on"})
    assert f"Năm phải từ 2010 đến {YEAR}." in response.content.decode()
    assert not YearClosure.objects.exists()


def test_unit_cannot_edit_in_a_closed_year(client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.RETURNED)
    YearClosure.objects.create(area=world.province, year=YEAR)
    client.force_login(world.donvi_a)
    assert client.post(f"/don-vi/mo-hinh/{registration.pk}/sua/", {**VALID, "version": 1}).status_code == 403
    registration.refresh_from_db()
    assert registration.version == 1


def test_administrator_still_edits_a_closed_year(client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    YearClosure.objects.create(area=world.province, year=YEAR)
    client.force_login(world.admin)
    client.post(f"/quan-ly/mo-hinh/{registration.pk}/sua/", {**VALID, "unit": world.unit_a.pk, "version": 1})
    registration.refresh_from_db()
    assert registration.name == VALID["name"]


def test_list_filters_by_status_and_text(staff_client, world):
    make_registration(world.unit_a, year=YEAR, name="Đường hoa nông thôn", status=Status.ACCEPTED)
    make_registration(world.unit_a, year=YEAR, name="Đường hoa bản nháp")
    page = staff_client.get("/quan-ly/mo-hinh/?trang-thai=accepted&q=duong+hoa").content.decode()
    assert "Đường hoa nông thôn" in page and "Đường hoa bản nháp" not in page


def test_list_query_count_does_not_grow_with_rows(staff_client, world, django_assert_max_num_queries):
    make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED)
    with django_assert_max_num_queries(12) as small:
        staff_client.get("/quan-ly/mo-hinh/")
    for _n in range(40):
        unit = make_unit(world.commune_x, kind=world.kind)
        make_registration(unit, year=YEAR, status=Status.SUBMITTED)
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get("/quan-ly/mo-hinh/")


def test_queue_query_count_does_not_grow_with_rows(staff_client, world, django_assert_max_num_queries):
    make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED)
    # 13 for the queue (one lists the filter's communes, which name its form's copy), 4 for the
    # year's timeliness summary (units, plans, sent and reviewed dates).
    with django_assert_max_num_queries(17) as small:
        staff_client.get("/quan-ly/")
    for _n in range(40):
        unit = make_unit(world.commune_x, kind=world.kind)
        make_registration(unit, year=YEAR, status=Status.SUBMITTED)
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get("/quan-ly/")


def test_registration_page_query_count_does_not_grow_with_history(staff_client, world,
                                                                  django_assert_max_num_queries):
    registration = make_registration(world.unit_a, year=YEAR)
    audit.record(registration, Action.CREATED, actor=world.donvi_a)
    with django_assert_max_num_queries(20) as small:
        staff_client.get(f"/quan-ly/mo-hinh/{registration.pk}/")
    for n in range(30):
        audit.record(registration, Action.EDITED, actor=world.canbo_xa, changes={"name": [str(n), str(n + 1)]})
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(f"/quan-ly/mo-hinh/{registration.pk}/")


def test_staff_enters_a_continued_model_for_a_unit(staff_client, world):
    earlier = make_registration(world.unit_b, year=YEAR - 1, name="Mô hình năm trước của B")
    data = {**VALID, "unit": world.unit_b.pk, "continues": earlier.pk}
    del data["is_new"]
    staff_client.post("/quan-ly/mo-hinh/them/", data)
    assert Registration.objects.get(year=YEAR).continues == earlier


def test_staff_cannot_move_a_registration_into_a_closed_year(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    YearClosure.objects.create(area=world.commune_x, year=YEAR - 1)
    response = staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/sua/",
                                 {**VALID, "unit": world.unit_a.pk, "year": YEAR - 1, "version": 1})
    assert f"Năm {YEAR - 1} đã khóa sổ" in response.content.decode()
    registration.refresh_from_db()
    assert (registration.year, registration.version) == (YEAR, 1)


def test_moving_a_registration_to_another_unit_is_shown_by_name(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED, name=VALID["name"])
    staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/sua/", {**VALID, "unit": world.unit_b.pk, "version": 1})
    registration.refresh_from_db()
    assert registration.unit == world.unit_b
    event = RegistrationEvent.objects.get(registration=registration, action=Action.EDITED)
    assert event.changes["unit"] == [world.unit_a.name, world.unit_b.name]


def test_leader_sees_the_registration_without_any_action(client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED, name="Mô hình chờ duyệt")
    client.force_login(world.lanhdao)
    page = client.get(f"/quan-ly/mo-hinh/{registration.pk}/").content.decode()
    assert "Mô hình chờ duyệt" in page
    assert "action-bar" not in page and "upload-form" not in page


def test_registration_page_shows_its_commendations_with_a_certificate_link(staff_client, world):
    from models_registry.models import Commendation, CommendationForm

    registration = make_registration(world.unit_a, year=YEAR, status=Status.COMMENDED)
    commendation = Commendation.objects.create(
        registration=registration, form=CommendationForm.objects.get(code="giay-khen"), level="district",
        authority="Ủy ban nhân dân huyện", decision_number="45/QĐ-UBND", decision_date="2025-10-14",
    )
    page = staff_client.get(f"/quan-ly/mo-hinh/{registration.pk}/").content.decode()
    assert "Quyết định số 45/QĐ-UBND ngày 14/10/2025" in page
    assert f"/quan-ly/khen-thuong/{commendation.pk}/giay-khen/" in page


# The queue page's copy (views/fragments.py) -------------------------------------------------------

def test_the_queue_page_is_read_from_its_copy_while_nothing_changes(staff_client, world, django_assert_max_num_queries):
    make_registration(world.unit_a, year=YEAR, name="Chờ duyệt trong xã", status=Status.SUBMITTED)
    staff_client.get("/quan-ly/")
    # The session and the user: nothing of the page itself.
    with django_assert_max_num_queries(2):
        assert "Chờ duyệt trong xã" in staff_client.get("/quan-ly/").content.decode()


def test_a_registration_accepted_leaves_the_queue_and_moves_the_counts_at_once(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR, name="Chờ duyệt trong xã", status=Status.SUBMITTED)
    staff_client.get("/quan-ly/")
    workflow.accept(world.canbo_xa, registration)
    response = staff_client.get("/quan-ly/")
    counts = {value: count for value, _label, count in response.context["counts"]}
    assert (counts[Status.SUBMITTED], counts[Status.ACCEPTED], response.context["queue_total"]) == (0, 1, 0)
    assert "Chờ duyệt trong xã" not in response.content.decode()


def test_a_new_draft_shows_at_once_in_the_queue_pages_count_of_drafts(staff_client, world):
    staff_client.get("/quan-ly/")
    make_registration(world.unit_a, year=YEAR)  # a unit's private draft, which reports never show
    counts = {value: count for value, _label, count in staff_client.get("/quan-ly/").context["counts"]}
    assert counts[Status.DRAFT] == 1


def test_a_criterion_assessed_shows_at_once_in_the_queue(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED)
    criteria_set = CriteriaSet.objects.create(unit_kind=world.kind, name="Bộ tiêu chí", year_from=YEAR - 1)
    criterion = Criterion.objects.create(criteria_set=criteria_set, order=1, title="Được nhân dân hưởng ứng")
    assert "Chưa đánh giá" in staff_client.get("/quan-ly/").content.decode()
    workflow.assess_criteria(world.canbo_xa, registration, [(criterion, False, "", None)])
    assert "1 tiêu chí chưa đạt" in staff_client.get("/quan-ly/").content.decode()


def test_the_queue_pages_copy_lives_through_a_change_in_another_province(staff_client, world, monkeypatch):
    elsewhere = make_registration(make_unit(make_commune(make_province())), year=YEAR, status=Status.SUBMITTED)
    staff_client.get("/quan-ly/")
    Registration.objects.filter(pk=elsewhere.pk).update(status=Status.ACCEPTED)  # the workflow's UPDATE
    monkeypatch.setattr("models_registry.views.staff._home_context", _not_rebuilt)
    assert staff_client.get("/quan-ly/").status_code == 200
    make_registration(world.unit_b, year=YEAR, status=Status.SUBMITTED)
    with pytest.raises(AssertionError, match="rebuilt"):
        staff_client.get("/quan-ly/")


def test_staff_of_another_commune_never_read_the_first_communes_copy(client, world):
    make_registration(world.unit_a, year=YEAR, name="Chờ duyệt xã Hòa Bình", status=Status.SUBMITTED)
    client.force_login(world.canbo_xa)
    client.get("/quan-ly/")
    client.force_login(world.canbo_xa_khac)
    assert "Chờ duyệt xã Hòa Bình" not in client.get("/quan-ly/").content.decode()


def test_a_leader_never_reads_the_staffs_copy_with_its_actions(client, world):
    make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED)
    client.force_login(world.canbo_tinh)
    assert "Duyệt hàng loạt" in client.get("/quan-ly/").content.decode()
    client.force_login(world.lanhdao)
    assert "Duyệt hàng loạt" not in client.get("/quan-ly/").content.decode()


def test_two_staff_share_the_queues_copy_each_with_their_own_token_and_name(client, world):
    make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED)
    colleague = make_staff(world.commune_x, username="canbo.xa2", first_name="Đồng nghiệp")
    client.force_login(world.canbo_xa)
    first = client.get("/quan-ly/").content.decode()
    client.force_login(colleague)
    second = client.get("/quan-ly/").content.decode()
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert "Đồng nghiệp" in second and "Cán bộ xã" not in second
    assert not set(token.findall(first)) & set(token.findall(second))
    assert second.count('form="queue-form"') == first.count('form="queue-form"') > 0


# The staff list's copy (views/fragments.py) --------------------------------------------------------

def test_the_staff_list_is_read_from_its_copy_while_nothing_changes(staff_client, world, django_assert_max_num_queries):
    make_registration(world.unit_a, year=YEAR, name="Mô hình trong danh sách", status=Status.SUBMITTED)
    staff_client.get("/quan-ly/mo-hinh/")
    # The session and the user: nothing of the page itself.
    with django_assert_max_num_queries(2):
        assert "Mô hình trong danh sách" in staff_client.get("/quan-ly/mo-hinh/").content.decode()


def test_a_model_sent_shows_at_once_in_the_staff_list(staff_client, world):
    staff_client.get("/quan-ly/mo-hinh/")
    make_registration(world.unit_a, year=YEAR, name="Mô hình vừa gửi", status=Status.SUBMITTED)
    assert "Mô hình vừa gửi" in staff_client.get("/quan-ly/mo-hinh/").content.decode()


def test_the_staff_lists_copy_lives_through_a_change_in_another_province(staff_client, world, monkeypatch):
    elsewhere = make_registration(make_unit(make_commune(make_province())), year=YEAR, status=Status.SUBMITTED)
    staff_client.get("/quan-ly/mo-hinh/")
    Registration.objects.filter(pk=elsewhere.pk).update(status=Status.ACCEPTED)  # the workflow's UPDATE
    monkeypatch.setattr("models_registry.views.staff._list_context", _not_rebuilt)
    assert staff_client.get("/quan-ly/mo-hinh/").status_code == 200
    make_registration(world.unit_b, year=YEAR, status=Status.SUBMITTED)
    with pytest.raises(AssertionError, match="rebuilt"):
        staff_client.get("/quan-ly/mo-hinh/")


def test_staff_of_another_commune_never_read_the_first_communes_list_copy(client, world):
    make_registration(world.unit_a, year=YEAR, name="Mô hình xã Hòa Bình", status=Status.SUBMITTED)
    client.force_login(world.canbo_xa)
    client.get("/quan-ly/mo-hinh/")
    client.force_login(world.canbo_xa_khac)
    assert "Mô hình xã Hòa Bình" not in client.get("/quan-ly/mo-hinh/").content.decode()


def test_two_staff_share_the_staff_lists_copy_each_with_their_own_token(client, world):
    make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED)
    colleague = make_staff(world.commune_x, username="canbo.xa2", first_name="Đồng nghiệp")
    client.force_login(world.canbo_xa)
    first = client.get("/quan-ly/mo-hinh/").content.decode()
    client.force_login(colleague)
    second = client.get("/quan-ly/mo-hinh/").content.decode()
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.findall(second) and not set(token.findall(first)) & set(token.findall(second))


def test_each_filter_of_the_staff_list_has_its_own_copy(staff_client, world):
    make_registration(world.unit_a, year=YEAR, name="Mô hình đã duyệt", status=Status.ACCEPTED)
    make_registration(world.unit_a, year=YEAR, name="Mô hình chờ duyệt", status=Status.SUBMITTED)
    assert "Mô hình chờ duyệt" in staff_client.get("/quan-ly/mo-hinh/").content.decode()
    accepted = staff_client.get("/quan-ly/mo-hinh/?trang-thai=accepted").content.decode()
    assert "Mô hình đã duyệt" in accepted and "Mô hình chờ duyệt" not in accepted


def test_waiting_from_seven_days_lists_a_model_sent_seven_calendar_days_ago(staff_client, world):
    today = datetime.date.today()
    seven = make_sent(world.unit_a, YEAR, today - datetime.timedelta(days=7))
    make_sent(world.unit_a, YEAR, today - datetime.timedelta(days=6))
    assert [r.pk for r in staff_client.get("/quan-ly/?cho=7").context["queue"]] == [seven.pk]


def _not_rebuilt(*args, **kwargs):
    raise AssertionError("the copy was rebuilt")
