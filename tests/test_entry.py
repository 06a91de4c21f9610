"""Entering models without a wrong number or an unintended publication: figures and dates as
Vietnamese write them, drafts, withdrawal, evidence privacy, paper forms, edit conflicts, history."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from models_registry.models import (
    Action,
    Attachment,
    CommendationRound,
    Registration,
    RegistrationEvent,
    Status,
    Unit,
)
from tests.factories import make_portal_world, make_registration, make_unit_user

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
VALID = {
    "year": YEAR, "name": "Tủ quần áo yêu thương", "field": "culture_society", "level": "grassroots",
    "exemplar_kind": "collective", "is_new": "on", "objectives": "Hỗ trợ 200 lượt", "content": "Quyên góp, trao tặng",
    "success_indicators": "200 lượt hỗ trợ",
}
FIGURES = {"participants": "1.200", "beneficiaries": "", "money_mobilised": "30.000.000", "land_donated_m2": "0",
           "work_days": "", "houses": "", "households_out_of_poverty": "", "results": ""}


@pytest.fixture
def world():
    return make_portal_world()


@pytest.fixture
def unit_client(client, world):
    client.force_login(world.donvi_a)
    return client


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.canbo_xa)
    return client


def accepted(world, **extra):
    return make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED, **extra)


def post_results(client, prefix, registration, **figures):
    return client.post(f"{prefix}/mo-hinh/{registration.pk}/ket-qua/",
                       {**FIGURES, **figures, "version": registration.version})


# Numbers ------------------------------------------------------------------------------------

def test_unit_form_stores_30_000_000_written_with_dots(unit_client, world):
    registration = accepted(world)
    post_results(unit_client, "/don-vi", registration)
    registration.refresh_from_db()
    assert (registration.money_mobilised, registration.participants) == (30_000_000, 1_200)


def test_staff_form_stores_30_000_000_written_with_spaces(staff_client, world):
    registration = accepted(world)
    post_results(staff_client, "/quan-ly", registration, money_mobilised="30 000 000")
    registration.refresh_from_db()
    assert registration.money_mobilised == 30_000_000


def test_a_decimal_comma_in_a_whole_number_is_a_form_error(unit_client, world):
    registration = accepted(world, money_mobilised=5)
    response = post_results(unit_client, "/don-vi", registration, money_mobilised="30,5")
    assert "không rõ là số nguyên" in response.content.decode()
    registration.refresh_from_db()
    assert registration.money_mobilised == 5


def test_a_negative_figure_is_a_form_error(unit_client, world):
    registration = accepted(world)
    response = post_results(unit_client, "/don-vi", registration, houses="-3")
    assert "Số liệu không được âm." in response.content.decode()


def test_results_form_shows_stored_figures_grouped_in_text_boxes(unit_client, world):
    registration = accepted(world, money_mobilised=30_000_000)
    page = unit_client.get(f"/don-vi/mo-hinh/{registration.pk}/ket-qua/").content.decode()
    assert 'value="30.000.000"' in page
    assert 'type="number"' not in page
    assert "đồng" in page


# Dates --------------------------------------------------------------------------------------

def test_dates_are_read_day_first_in_english_too(unit_client, world):
    unit_client.cookies["django_language"] = "en"
    unit_client.post("/don-vi/dang-ky/", {**VALID, "start_date": "01/12/2026"})
    assert Registration.objects.get().start_date == datetime.date(2026, 12, 1)


def test_round_form_takes_a_dd_mm_yyyy_text_date(client, world):
    client.force_login(world.canbo_tinh)
    client.cookies["django_language"] = "en"
    assert 'type="date"' not in client.get("/quan-ly/khen-thuong/dot/moi/").content.decode()
    client.post("/quan-ly/khen-thuong/dot/moi/", {"name": "Đợt thử", "year_from": YEAR, "year_to": YEAR,
                                         "opens_on": "01/12/2026", "closes_on": "15/12/2026"})
    assert CommendationRound.objects.get().opens_on == datetime.date(2026, 12, 1)


# Drafts, withdrawal, deletion ---------------------------------------------------------------

def test_a_draft_with_only_a_name_saves(unit_client):
    response = unit_client.post("/don-vi/dang-ky/", {"year": YEAR, "name": "Ý tưởng mới", "level": "grassroots",
                                                     "exemplar_kind": "collective"})
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.name, registration.status, registration.field) == ("Ý tưởng mới", Status.DRAFT, "")


def test_submitting_an_incomplete_draft_lists_what_is_missing(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR, field="", objectives="", success_indicators="")
    page = unit_client.get(f"/don-vi/mo-hinh/{registration.pk}/").content.decode()
    assert "lĩnh vực, mục tiêu, tiêu chí đánh giá của mô hình" in page
    response = unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/gui-duyet/", {"version": 1}, follow=True)
    assert "Chưa gửi được: còn thiếu các mục lĩnh vực, mục tiêu, tiêu chí đánh giá của mô hình." in \
        response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.DRAFT


def test_withdraw_removes_the_model_from_reports_and_the_public_page(unit_client, client, world):
    registration = accepted(world)
    leader = client.__class__()
    leader.force_login(world.lanhdao)
    report_url = f"/bao-cao/?dia-ban={world.province.code}&nam={YEAR}"
    before = leader.get(report_url).context["report"].figures["total"]
    visitor = client.__class__()
    assert visitor.get(f"/mo-hinh/{registration.pk}/").status_code == 200
    unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/rut/", {"reason": "Đơn vị sáp nhập", "version": 1})
    registration.refresh_from_db()
    assert registration.status == Status.WITHDRAWN
    assert leader.get(report_url).context["report"].figures["total"] == before - 1
    assert visitor.get(f"/mo-hinh/{registration.pk}/").status_code == 404
    event = RegistrationEvent.objects.get(registration=registration, action=Action.WITHDRAWN)
    assert event.reason == "Đơn vị sáp nhập"
    assert "Đơn vị sáp nhập" in unit_client.get(f"/don-vi/mo-hinh/{registration.pk}/").content.decode()


def test_withdraw_needs_a_reason(unit_client, world):
    registration = accepted(world)
    response = unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/rut/", {"reason": "  ", "version": 1})
    assert "Hãy ghi lý do rút mô hình." in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.ACCEPTED


def test_a_draft_cannot_be_withdrawn_only_deleted(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    assert unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/rut/", {"reason": "x"}).status_code == 403


def test_unit_deletes_its_draft(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    assert "Xóa bản nháp" in unit_client.get(f"/don-vi/mo-hinh/{registration.pk}/xoa/").content.decode()
    response = unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/xoa/")
    assert response.url == "/don-vi/"
    assert not Registration.objects.filter(pk=registration.pk).exists()


def test_a_submitted_model_cannot_be_deleted(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED)
    assert unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/xoa/").status_code == 403
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_another_unit_cannot_delete_the_draft(client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    client.force_login(world.donvi_b)
    assert client.post(f"/don-vi/mo-hinh/{registration.pk}/xoa/").status_code == 404
    assert Registration.objects.filter(pk=registration.pk).exists()


# Evidence -----------------------------------------------------------------------------------

def upload(client, registration, **extra):
    photo = SimpleUploadedFile("anh.png", PNG, content_type="image/png")
    return client.post(f"/don-vi/mo-hinh/{registration.pk}/minh-chung/", {"file": photo, "caption": "Ảnh", **extra})


def test_evidence_is_private_unless_ticked_public(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    upload(unit_client, registration)
    assert Attachment.objects.get().is_public is False
    page = unit_client.get(f"/don-vi/mo-hinh/{registration.pk}/").content.decode()
    assert 'name="is_public"' in page and 'name="is_public" checked' not in page
    assert "chỉ đăng khi người trong ảnh đã đồng ý" in page


def test_unit_deletes_evidence_while_the_model_is_editable(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    upload(unit_client, registration)
    attachment = Attachment.objects.get()
    unit_client.post(f"/don-vi/minh-chung/{attachment.pk}/xoa/")
    assert not Attachment.objects.exists()
    event = RegistrationEvent.objects.get(registration=registration, action=Action.DETACHED)
    assert event.changes == {"attachment": ["anh.png", ""]}


def test_unit_cannot_delete_evidence_once_sent(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    upload(unit_client, registration)
    Registration.objects.filter(pk=registration.pk).update(status=Status.SUBMITTED)
    assert unit_client.post(f"/don-vi/minh-chung/{Attachment.objects.get().pk}/xoa/").status_code == 403
    assert Attachment.objects.exists()


# Paper forms --------------------------------------------------------------------------------

def test_staff_add_a_missing_unit_from_the_chooser(staff_client, world):
    page = staff_client.get("/quan-ly/mo-hinh/them/?tim=Tổ hợp tác").content.decode()
    assert "Đơn vị chưa có trong danh mục? Thêm ngay" in page
    response = staff_client.post("/quan-ly/mo-hinh/them/", {"them-don-vi": "1", "name": "Tổ hợp tác Rau sạch",
                                                            "kind": world.kind.pk, "area": world.commune_x.pk})
    unit = Unit.objects.get(name="Tổ hợp tác Rau sạch")
    assert response.url == f"/quan-ly/mo-hinh/them/?don-vi={unit.pk}"
    assert unit.code.startswith(f"{world.commune_x.code}-")


def test_staff_cannot_add_a_unit_outside_their_area(staff_client, world):
    staff_client.post("/quan-ly/mo-hinh/them/", {"them-don-vi": "1", "name": "Đơn vị lạ", "kind": world.kind.pk,
                                                 "area": world.commune_y.pk})
    assert not Unit.objects.filter(name="Đơn vị lạ").exists()


def test_a_paper_form_approved_already_goes_straight_to_accepted(staff_client, world):
    staff_client.post("/quan-ly/mo-hinh/them/", {**VALID, "unit": world.unit_a.pk, "approved_on_paper": "on"})
    registration = Registration.objects.get()
    assert registration.status == Status.ACCEPTED
    event = RegistrationEvent.objects.get(registration=registration, action=Action.ACCEPTED)
    assert "hồ sơ giấy đã được duyệt" in event.reason


def test_an_incomplete_paper_form_cannot_be_accepted(staff_client, world):
    response = staff_client.post("/quan-ly/mo-hinh/them/", {"year": YEAR, "name": "Chỉ có tên", "level": "grassroots",
                                                            "exemplar_kind": "collective", "unit": world.unit_a.pk,
                                                            "approved_on_paper": "on"})
    assert "Chưa gửi được: còn thiếu" in response.content.decode()
    assert not Registration.objects.exists()


def test_save_and_add_another_returns_to_the_unit_chooser(staff_client, world):
    response = staff_client.post("/quan-ly/mo-hinh/them/", {**VALID, "unit": world.unit_a.pk, "them-tiep": "1"})
    assert response.url == "/quan-ly/mo-hinh/them/"
    assert Registration.objects.count() == 1


# Edit conflicts -----------------------------------------------------------------------------

def test_an_edit_conflict_returns_the_users_text_beside_the_other_change(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR, name=VALID["name"], objectives="Cũ")
    Registration.objects.filter(pk=registration.pk).update(version=2, objectives="Của cán bộ")
    response = unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/sua/",
                                {**VALID, "objectives": "Của tôi, gõ rất lâu", "version": 1})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Người khác vừa lưu mô hình này trong lúc bạn sửa." in page
    assert "Của tôi, gõ rất lâu</textarea>" in page
    assert "Của cán bộ" in page
    # Saving the form as it came back keeps the user's text over the other person's.
    unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/sua/",
                     {**VALID, "objectives": "Của tôi, gõ rất lâu", "version": response.context["form"]["version"].value()})
    registration.refresh_from_db()
    assert registration.objectives == "Của tôi, gõ rất lâu"


# History ------------------------------------------------------------------------------------

def test_history_formats_numbers_and_shows_a_word_diff_of_long_text(unit_client, world):
    long = "Vận động nhân dân " * 10
    registration = accepted(world, content=long + "bằng loa.")
    RegistrationEvent.objects.create(registration=registration, action=Action.EDITED, changes={
        "money_mobilised": ["0", "30000000"], "content": [long + "bằng loa.", long + "bằng họp tổ."],
        "start_date": ["", "2026-12-01"],
    })
    page = unit_client.get(f"/don-vi/mo-hinh/{registration.pk}/").content.decode()
    assert "30.000.000" in page and "30000000" not in page
    assert '<del class="diff-del">loa.</del>' in page
    assert '<ins class="diff-ins">họp tổ.</ins>' in page
    assert "01/12/2026" in page


def test_history_of_a_proposal_reads_as_words(unit_client, world):
    registration = accepted(world)
    RegistrationEvent.objects.create(registration=registration, action=Action.PROPOSED, changes={"proposal": ["", "1"]})
    page = unit_client.get(f"/don-vi/mo-hinh/{registration.pk}/").content.decode()
    assert "Đề nghị khen thưởng</strong>:" in page or "Đề nghị khen thưởng" in page
    assert "— → 1" not in page and "Proposal" not in page


def test_history_labels_are_english_on_the_english_page(unit_client, world):
    registration = accepted(world)
    RegistrationEvent.objects.create(registration=registration, action=Action.EDITED,
                                     changes={"field": ["economy", "culture_society"]})
    unit_client.cookies["django_language"] = "en"
    page = unit_client.get(f"/don-vi/mo-hinh/{registration.pk}/").content.decode()
    assert "Văn hóa - Xã hội" not in page.split('id="lich-su"')[1]


# Choices that fit the year ------------------------------------------------------------------

def test_level_district_is_offered_only_for_years_before_the_reform(unit_client, world):
    page = unit_client.get("/don-vi/dang-ky/").content.decode()
    assert 'value="district"' not in page
    response = unit_client.post("/don-vi/dang-ky/", {**VALID, "level": "district"})
    assert not Registration.objects.exists()
    assert response.status_code == 200


def test_continues_lists_earlier_years_only(unit_client, world):
    earlier = make_registration(world.unit_a, year=YEAR - 1, name="Năm trước")
    same_year = make_registration(world.unit_a, year=YEAR, name="Cùng năm")
    form = unit_client.get("/don-vi/dang-ky/").context["form"]
    offered = set(form.fields["continues"].queryset)
    assert earlier in offered and same_year not in offered


def test_another_unit_user_sees_nothing_of_the_draft(client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    client.force_login(make_unit_user(world.unit_b))
    assert client.get(f"/don-vi/mo-hinh/{registration.pk}/").status_code == 404


def test_continues_offers_a_merged_predecessors_earlier_models(unit_client, world):
    from models_registry.models.lineage import AccountFate
    from models_registry.services import lineage

    theirs = make_registration(world.unit_b, year=YEAR - 1, name="Mô hình của đơn vị đã sáp nhập",
                               status=Status.COMPLETED)
    lineage.merge(world.canbo_xa, [world.unit_b], world.unit_a, datetime.date(YEAR, 1, 1),
                  account_fate=AccountFate.DEACTIVATE)
    form = unit_client.get("/don-vi/dang-ky/").context["form"]
    assert theirs in set(form.fields["continues"].queryset)
    unit_client.post("/don-vi/dang-ky/", {**VALID, "is_new": "", "continues": theirs.pk})
    assert Registration.objects.get(unit=world.unit_a).continues == theirs
