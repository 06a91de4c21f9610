"""Review a clerk can trust (/quan-ly/): accepting asks for confirmation and a reason when criteria fall
short, an acceptance can be reopened, the queue shows and sorts what a reviewer needs, bulk actions."""
import datetime

import pytest

from models_registry.models import (
    Action,
    CriteriaSet,
    Criterion,
    CriterionAssessment,
    ReasonTemplate,
    Registration,
    RegistrationEvent,
    Status,
)
from tests.factories import make_portal_world, make_registration, make_sent, make_unit

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year


@pytest.fixture
def world():
    return make_portal_world()


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.canbo_xa)
    return client


def submitted(world, **extra):
    return make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED, **extra)


def with_criteria(world, registration, *results):
    """A criteria set for the world's unit kind, one criterion per result (True, False or None = not assessed)."""
    criteria_set = CriteriaSet.objects.create(unit_kind=world.kind, name="Bộ tiêu chí thử", year_from=YEAR - 1)
    for n, met in enumerate(results):
        criterion = Criterion.objects.create(criteria_set=criteria_set, order=n, title=f"Tiêu chí {n + 1}")
        if met is not None:
            CriterionAssessment.objects.create(registration=registration, criterion=criterion, met=met)
    return criteria_set


def status_of(registration):
    return Registration.objects.get(pk=registration.pk).status


def test_accept_without_the_confirmation_does_nothing(staff_client, world):
    registration = submitted(world)
    response = staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/duyet/", {"version": 1})
    assert response.status_code == 200
    assert "Xác nhận duyệt mô hình" in response.content.decode()
    assert status_of(registration) == Status.SUBMITTED
    assert not RegistrationEvent.objects.filter(registration=registration, action=Action.ACCEPTED).exists()


def test_the_confirmation_page_shows_the_criteria_result(staff_client, world):
    registration = submitted(world)
    with_criteria(world, registration, True, False, None)
    page = staff_client.get(f"/quan-ly/mo-hinh/{registration.pk}/duyet/").content.decode()
    assert "1 tiêu chí chưa đạt" in page
    assert "Tiêu chí 3" in page and "Chưa đánh giá" in page


def test_accept_with_an_unmet_criterion_and_no_reason_is_refused(staff_client, world):
    registration = submitted(world)
    with_criteria(world, registration, True, False)
    response = staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/duyet/", {"version": 1, "confirm": "True"})
    assert "hãy ghi lý do vẫn duyệt" in response.content.decode()
    assert status_of(registration) == Status.SUBMITTED


def test_accept_with_an_unassessed_criterion_needs_a_reason_too(staff_client, world):
    registration = submitted(world)
    with_criteria(world, registration, True, None)
    staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/duyet/", {"version": 1, "confirm": "True"})
    assert status_of(registration) == Status.SUBMITTED


def test_accept_with_a_reason_records_it_in_the_history(staff_client, world):
    registration = submitted(world)
    with_criteria(world, registration, False)
    staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/duyet/",
                      {"version": 1, "confirm": "True", "reason": "Đơn vị cam kết bổ sung trong quý III"})
    assert status_of(registration) == Status.ACCEPTED
    event = RegistrationEvent.objects.get(registration=registration, action=Action.ACCEPTED)
    assert event.reason == "Đơn vị cam kết bổ sung trong quý III"


def test_a_reason_template_gives_the_reason(staff_client, world):
    registration = submitted(world)
    with_criteria(world, registration, False)
    template = ReasonTemplate.objects.create(use=ReasonTemplate.Use.ACCEPT, text="Tiêu chí không áp dụng.")
    staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/duyet/",
                      {"version": 1, "confirm": "True", "template": template.pk, "reason": "Xem biên bản."})
    event = RegistrationEvent.objects.get(registration=registration, action=Action.ACCEPTED)
    assert event.reason == "Tiêu chí không áp dụng. Xem biên bản."


def test_accept_with_every_criterion_met_needs_no_reason(staff_client, world):
    registration = submitted(world)
    with_criteria(world, registration, True, True)
    response = staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/duyet/", {"version": 1, "confirm": "True"})
    assert response.status_code == 302
    assert status_of(registration) == Status.ACCEPTED


def test_reopen_puts_the_model_back_and_off_the_public_page(staff_client, client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    visitor = client.__class__()
    assert visitor.get(f"/mo-hinh/{registration.pk}/").status_code == 200  # and now cached
    staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/mo-lai/",
                      {"to_status": Status.SUBMITTED, "reason": "Duyệt nhầm", "version": 1})
    assert status_of(registration) == Status.SUBMITTED
    assert visitor.get(f"/mo-hinh/{registration.pk}/").status_code == 404
    assert registration.name not in visitor.get("/mo-hinh/").content.decode()
    event = RegistrationEvent.objects.get(registration=registration, action=Action.REOPENED)
    assert (event.from_status, event.to_status, event.reason) == (Status.ACCEPTED, Status.SUBMITTED, "Duyệt nhầm")


def test_reopen_to_returned_shows_the_reason_to_the_unit(staff_client, client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/mo-lai/",
                      {"to_status": Status.RETURNED, "reason": "Số liệu chưa khớp biên bản", "version": 1})
    client.force_login(world.donvi_a)
    assert "Số liệu chưa khớp biên bản" in client.get(f"/don-vi/mo-hinh/{registration.pk}/").content.decode()


def test_reopen_without_a_reason_changes_nothing(staff_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    response = staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/mo-lai/",
                                 {"to_status": Status.SUBMITTED, "reason": " ", "version": 1})
    assert "Hãy ghi lý do mở lại mô hình đã duyệt." in response.content.decode()
    assert status_of(registration) == Status.ACCEPTED


def test_reopen_is_refused_once_the_year_is_closed(staff_client, world):
    from models_registry.models import YearClosure

    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    YearClosure.objects.create(area=world.province, year=YEAR)
    response = staff_client.post(f"/quan-ly/mo-hinh/{registration.pk}/mo-lai/",
                                 {"to_status": Status.SUBMITTED, "reason": "Duyệt nhầm", "version": 1})
    assert response.status_code == 403
    assert status_of(registration) == Status.ACCEPTED


def test_bulk_accept_of_three_writes_three_history_entries(staff_client, world):
    chosen = [submitted(world) for _ in range(3)]
    ids = [r.pk for r in chosen]
    confirm = staff_client.post("/quan-ly/hang-cho/hang-loat/", {"thao-tac": "duyet", "chon": ids})
    assert "Xác nhận duyệt hàng loạt" in confirm.content.decode()
    assert Registration.objects.filter(pk__in=ids, status=Status.ACCEPTED).count() == 0
    staff_client.post("/quan-ly/hang-cho/hang-loat/", {"thao-tac": "duyet", "chon": ids, "xac-nhan": "1"})
    assert Registration.objects.filter(pk__in=ids, status=Status.ACCEPTED).count() == 3
    events = RegistrationEvent.objects.filter(registration__in=ids, action=Action.ACCEPTED)
    assert sorted(events.values_list("registration_id", flat=True)) == sorted(ids)


def test_bulk_accept_keeps_back_a_model_with_unmet_criteria_when_no_reason_is_given(staff_client, world):
    good, short = submitted(world), submitted(world)
    criterion = with_criteria(world, short, False).criteria.get()
    CriterionAssessment.objects.create(registration=good, criterion=criterion, met=True)
    response = staff_client.post("/quan-ly/hang-cho/hang-loat/",
                                 {"thao-tac": "duyet", "chon": [good.pk, short.pk], "xac-nhan": "1"}, follow=True)
    assert (status_of(good), status_of(short)) == (Status.ACCEPTED, Status.SUBMITTED)
    assert f"Chưa xử lý “{short.name}”" in response.content.decode()


def test_bulk_return_gives_each_model_the_reason(staff_client, world):
    chosen = [submitted(world) for _ in range(2)]
    template = ReasonTemplate.objects.create(use=ReasonTemplate.Use.RETURN, text="Bổ sung minh chứng.")
    staff_client.post("/quan-ly/hang-cho/hang-loat/", {"thao-tac": "tra-lai", "chon": [r.pk for r in chosen],
                                                       "xac-nhan": "1", "template": template.pk})
    for registration in chosen:
        registration.refresh_from_db()
        assert (registration.status, registration.return_reason) == (Status.RETURNED, "Bổ sung minh chứng.")
    assert RegistrationEvent.objects.filter(registration__in=chosen, action=Action.RETURNED).count() == 2


def test_bulk_return_without_a_reason_changes_nothing(staff_client, world):
    registration = submitted(world)
    response = staff_client.post("/quan-ly/hang-cho/hang-loat/",
                                 {"thao-tac": "tra-lai", "chon": [registration.pk], "xac-nhan": "1"})
    assert "Hãy ghi lý do trả lại để đơn vị biết cần sửa gì." in response.content.decode()
    assert status_of(registration) == Status.SUBMITTED


def test_bulk_action_skips_models_outside_the_staffs_area(staff_client, world):
    outsider = make_registration(make_unit(world.commune_y, kind=world.kind), year=YEAR, status=Status.SUBMITTED)
    staff_client.post("/quan-ly/hang-cho/hang-loat/", {"thao-tac": "duyet", "chon": [outsider.pk], "xac-nhan": "1"})
    assert status_of(outsider) == Status.SUBMITTED


def test_queue_shows_commune_sent_date_days_waiting_and_criteria(staff_client, world):
    sent_on = datetime.date.today() - datetime.timedelta(days=9)
    registration = make_sent(world.unit_a, YEAR, sent_on)
    with_criteria(world, registration, True, False)
    page = staff_client.get("/quan-ly/").content.decode()
    assert world.commune_x.name in page
    assert sent_on.strftime("%d/%m/%Y") in page
    assert "9 ngày" in page
    assert "1 tiêu chí chưa đạt" in page


def test_queue_filters_by_commune_and_days_waiting(client, world):
    today = datetime.date.today()
    old = make_sent(world.unit_a, YEAR, today - datetime.timedelta(days=20))
    new = make_sent(world.unit_a, YEAR, today - datetime.timedelta(days=2))
    elsewhere = make_sent(make_unit(world.commune_y, kind=world.kind), YEAR, today - datetime.timedelta(days=20))
    client.force_login(world.canbo_tinh)
    waiting = client.get("/quan-ly/?cho=14").context["queue"]
    assert {r.pk for r in waiting} == {old.pk, elsewhere.pk}
    in_x = client.get(f"/quan-ly/?xa={world.commune_x.pk}").context["queue"]
    assert {r.pk for r in in_x} == {old.pk, new.pk}


def test_queue_filters_and_sorts_by_criteria_result(staff_client, world):
    met, unmet, unassessed = submitted(world), submitted(world), submitted(world)
    criteria_set = with_criteria(world, met, True)
    criterion = criteria_set.criteria.get()
    CriterionAssessment.objects.create(registration=unmet, criterion=criterion, met=False)
    assert [r.pk for r in staff_client.get("/quan-ly/?tieu-chi=chua-dat").context["queue"]] == [unmet.pk]
    assert [r.pk for r in staff_client.get("/quan-ly/?tieu-chi=chua-danh-gia").context["queue"]] == [unassessed.pk]
    assert [r.pk for r in staff_client.get("/quan-ly/?tieu-chi=dat").context["queue"]] == [met.pk]
    order = [r.pk for r in staff_client.get("/quan-ly/?sap-xep=-tieu-chi").context["queue"]]
    assert order == [unmet.pk, unassessed.pk, met.pk]


def test_queue_sorts_by_sent_date(staff_client, world):
    today = datetime.date.today()
    first = make_sent(world.unit_a, YEAR, today - datetime.timedelta(days=5))
    last = make_sent(world.unit_a, YEAR, today - datetime.timedelta(days=1))
    assert [r.pk for r in staff_client.get("/quan-ly/").context["queue"]] == [first.pk, last.pk]
    assert [r.pk for r in staff_client.get("/quan-ly/?sap-xep=-gui").context["queue"]] == [last.pk, first.pk]


def test_a_malformed_queue_filter_is_ignored_with_a_message(staff_client, world):
    registration = submitted(world)
    response = staff_client.get("/quan-ly/?tieu-chi=xyz")
    assert [r.pk for r in response.context["queue"]] == [registration.pk]
    assert "không có trong danh sách" in response.content.decode()


def test_queue_query_count_does_not_grow_with_criteria(staff_client, world, django_assert_max_num_queries):
    registration = submitted(world)
    with_criteria(world, registration, True, False)
    with django_assert_max_num_queries(40) as few:
        staff_client.get("/quan-ly/")
    for _ in range(20):
        with_criteria(world, submitted(world), True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get("/quan-ly/")


def test_staff_keep_their_own_reason_templates(staff_client, world):
    staff_client.post("/quan-ly/ly-do-mau/", {"use": "return", "text": "Thiếu ảnh hoạt động."})
    template = ReasonTemplate.objects.get(text="Thiếu ảnh hoạt động.")
    assert template.area == world.canbo_xa.area
    staff_client.post(f"/quan-ly/ly-do-mau/{template.pk}/", {"use": "return", "text": "Thiếu ảnh hoạt động thực tế."})
    template.refresh_from_db()
    assert template.text == "Thiếu ảnh hoạt động thực tế."
    page = staff_client.get(f"/quan-ly/mo-hinh/{submitted(world).pk}/tra-lai/").content.decode()
    assert "Thiếu ảnh hoạt động thực tế." in page
    staff_client.post(f"/quan-ly/ly-do-mau/{template.pk}/xoa/")
    assert not ReasonTemplate.objects.filter(pk=template.pk).exists()


def test_staff_cannot_change_another_areas_reason_template(staff_client, world):
    theirs = ReasonTemplate.objects.create(use="return", text="Của xã khác.", area=world.commune_y)
    assert staff_client.post(f"/quan-ly/ly-do-mau/{theirs.pk}/xoa/").status_code == 404
    assert ReasonTemplate.objects.filter(pk=theirs.pk).exists()


def test_leaders_cannot_accept(client, world):
    registration = submitted(world)
    client.force_login(world.lanhdao)
    response = client.post(f"/quan-ly/mo-hinh/{registration.pk}/duyet/", {"version": 1, "confirm": "True"})
    assert response.status_code == 403
    assert status_of(registration) == Status.SUBMITTED
