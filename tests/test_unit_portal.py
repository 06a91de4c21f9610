"""The unit portal (/don-vi/): registering, continuing, editing, submitting, results and evidence."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from models_registry.models import Action, Attachment, Registration, RegistrationEvent, Source, Status
from models_registry.services import workflow
from tests.factories import make_commune, make_portal_world, make_province, make_registration, make_unit

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"

VALID = {
    "year": YEAR, "name": "Tủ quần áo yêu thương", "field": "culture_society", "level": "grassroots",
    "exemplar_kind": "collective", "is_new": "on", "objectives": "Hỗ trợ 200 lượt", "content": "Quyên góp, trao tặng",
    "success_indicators": "200 lượt hỗ trợ", "start_date": f"01/03/{YEAR}",
}


@pytest.fixture
def world():
    return make_portal_world()


@pytest.fixture
def unit_client(client, world):
    client.force_login(world.donvi_a)
    return client


def test_home_reminds_a_unit_without_a_registration_this_year(unit_client, world):
    make_registration(world.unit_a, year=YEAR - 1, name="Mô hình năm ngoái")
    page = unit_client.get("/don-vi/").content.decode()
    assert f"Đơn vị chưa đăng ký mô hình “Dân vận khéo” năm {YEAR}." in page
    assert "Mô hình năm ngoái" in page


def test_home_has_no_reminder_once_registered(unit_client, world):
    make_registration(world.unit_a, year=YEAR)
    assert "Đơn vị chưa đăng ký" not in unit_client.get("/don-vi/").content.decode()


def test_home_shows_only_the_units_own_registrations(unit_client, world):
    make_registration(world.unit_b, year=YEAR, name="Mô hình của đơn vị B")
    assert "Mô hình của đơn vị B" not in unit_client.get("/don-vi/").content.decode()


def test_register_creates_a_draft_with_history(unit_client, world):
    response = unit_client.post("/don-vi/dang-ky/", VALID)
    registration = Registration.objects.get()
    assert response.url == f"/don-vi/mo-hinh/{registration.pk}/"
    assert (registration.unit, registration.status, registration.start_date) == (
        world.unit_a, Status.DRAFT, datetime.date(YEAR, 3, 1))
    event = RegistrationEvent.objects.get(registration=registration)
    assert (event.action, event.actor, event.source) == (Action.CREATED, world.donvi_a, Source.PORTAL)


def test_register_missing_fields_says_so_in_vietnamese_and_creates_nothing(unit_client):
    response = unit_client.post("/don-vi/dang-ky/", {"year": YEAR})
    assert response.status_code == 200
    assert "Trường này là bắt buộc." in response.content.decode()
    assert not Registration.objects.exists()


def test_register_refuses_a_year_out_of_range(unit_client):
    response = unit_client.post("/don-vi/dang-ky/", {**VALID, "year": 1999})
    assert f"Năm phải từ 2010 đến {YEAR + 1}." in response.content.decode()
    assert not Registration.objects.exists()


def test_register_individual_exemplar_needs_the_persons_name(unit_client):
    response = unit_client.post("/don-vi/dang-ky/", {**VALID, "exemplar_kind": "individual"})
    assert "Điển hình cá nhân phải có họ tên người được đề cử." in response.content.decode()
    assert not Registration.objects.exists()


def test_register_individual_exemplar_keeps_the_person(unit_client):
    unit_client.post("/don-vi/dang-ky/", {**VALID, "exemplar_kind": "individual", "person_name": "Nguyễn Thị Hoa",
                                          "person_position": "Chi hội trưởng"})
    assert Registration.objects.get().person_name == "Nguyễn Thị Hoa"


def test_register_refuses_a_duplicate_name_in_the_same_year(unit_client, world):
    make_registration(world.unit_a, year=YEAR, name=VALID["name"])
    response = unit_client.post("/don-vi/dang-ky/", VALID)
    assert "Đơn vị đã đăng ký một mô hình cùng tên trong năm này." in response.content.decode()
    assert Registration.objects.count() == 1


def test_register_refuses_a_malformed_date(unit_client):
    response = unit_client.post("/don-vi/dang-ky/", {**VALID, "start_date": "31/02/2026"})
    # The shared date reader (parsing.py) names the value and the format it expects.
    assert "“31/02/2026” không phải ngày dạng dd/mm/yyyy." in response.content.decode()
    assert not Registration.objects.exists()


def test_script_payload_is_shown_escaped(unit_client, world):
    payload = "<script>alert('x')</script>"
    unit_client.post("/don-vi/dang-ky/", {**VALID, "name": f"Mô hình {payload}", "content": payload})
    registration = Registration.objects.get()
    page = unit_client.get(f"/don-vi/mo-hinh/{registration.pk}/").content.decode()
    assert payload not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_decomposed_vietnamese_input_is_stored_composed(unit_client):
    unit_client.post("/don-vi/dang-ky/", {**VALID, "name": "Nha\u0300 nhân a\u0301i"})
    assert Registration.objects.get().name == "Nhà nhân ái"


def test_continue_last_year_prefills_and_links(unit_client, world):
    earlier = make_registration(world.unit_a, year=YEAR - 1, name="Sân chơi thiếu nhi", objectives="Mục tiêu cũ")
    page = unit_client.get(f"/don-vi/dang-ky/?tiep-noi={earlier.pk}").content.decode()
    assert 'value="Sân chơi thiếu nhi"' in page
    assert f'href="/don-vi/mo-hinh/{earlier.pk}/"' in page


def test_continued_registration_is_not_new_and_points_back(unit_client, world):
    earlier = make_registration(world.unit_a, year=YEAR - 1, name="Sân chơi thiếu nhi")
    data = {**VALID, "name": "Sân chơi thiếu nhi", "continues": earlier.pk}
    del data["is_new"]
    unit_client.post(f"/don-vi/dang-ky/?tiep-noi={earlier.pk}", data)
    registration = Registration.objects.get(year=YEAR)
    assert (registration.is_new, registration.continues) == (False, earlier)


def test_cannot_continue_another_units_model(unit_client, world):
    other = make_registration(world.unit_b, year=YEAR - 1)
    assert unit_client.get(f"/don-vi/dang-ky/?tiep-noi={other.pk}").status_code == 404


def test_cannot_link_another_units_model_by_post(unit_client, world):
    other = make_registration(world.unit_b, year=YEAR - 1)
    data = {**VALID, "continues": other.pk}
    del data["is_new"]
    response = unit_client.post("/don-vi/dang-ky/", data)
    assert response.status_code == 200
    assert not Registration.objects.filter(unit=world.unit_a).exists()


def test_edit_a_draft_records_what_changed(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR, name="Tên cũ")
    unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/sua/", {**VALID, "version": 1})
    event = RegistrationEvent.objects.get(registration=registration, action=Action.EDITED)
    assert event.changes["name"] == ["Tên cũ", VALID["name"]]
    page = unit_client.get(f"/don-vi/mo-hinh/{registration.pk}/").content.decode()
    assert "Tên cũ" in page and "Tên mô hình" in page


def test_stale_edit_form_is_refused_with_a_message(unit_client, client, world):
    registration = make_registration(world.unit_a, year=YEAR, name="Tên gốc")
    # Someone else (the commune clerk) saves first, from a form opened at version 1.
    registration.name = "Bản của cán bộ"
    workflow.save_edit(world.canbo_xa, registration, version=1)
    response = unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/sua/", {**VALID, "name": "Bản của đơn vị",
                                                                               "version": 1}, follow=True)
    # Issue 14: the form comes back with the unit's typing beside the clerk's change (test_entry.py).
    assert "Người khác vừa lưu mô hình này trong lúc bạn sửa." in response.content.decode()
    registration.refresh_from_db()
    assert (registration.name, registration.version) == ("Bản của cán bộ", 2)


def test_submit_then_double_click_acts_once(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/gui-duyet/", {"version": 1})
    response = unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/gui-duyet/", {"version": 1}, follow=True)
    assert "đang ở trạng thái “Đã gửi, chờ duyệt”" in response.content.decode()
    assert RegistrationEvent.objects.filter(registration=registration, action=Action.SUBMITTED).count() == 1


def test_returned_registration_shows_the_reason(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.RETURNED, return_reason="Bổ sung số liệu")
    assert "Bổ sung số liệu" in unit_client.get(f"/don-vi/mo-hinh/{registration.pk}/").content.decode()


def test_results_are_saved_and_recorded(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    figures = {"participants": 120, "beneficiaries": 300, "money_mobilised": 15000000, "land_donated_m2": 0,
               "work_days": 40, "houses": 2, "households_out_of_poverty": 1, "results": "Đã trao 150 lượt", "version": 1}
    unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/ket-qua/", figures)
    registration.refresh_from_db()
    assert (registration.participants, registration.money_mobilised) == (120, 15000000)
    assert RegistrationEvent.objects.get(registration=registration, action=Action.EDITED).changes["participants"] == [
        "0", "120"]
    assert "15.000.000" in unit_client.get(f"/don-vi/mo-hinh/{registration.pk}/").content.decode()


def test_negative_figures_are_refused(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    response = unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/ket-qua/", {
        "participants": -5, "beneficiaries": 0, "money_mobilised": 0, "land_donated_m2": 0, "work_days": 0,
        "houses": 0, "households_out_of_poverty": 0, "version": 1})
    assert "Số liệu không được âm." in response.content.decode()
    registration.refresh_from_db()
    assert (registration.participants, registration.version) == (0, 1)


def upload(client, registration, name, content, content_type="image/png"):
    return client.post(f"/don-vi/mo-hinh/{registration.pk}/minh-chung/", {
        "file": SimpleUploadedFile(name, content, content_type=content_type), "caption": "Ảnh trao quà"}, follow=True)


def test_image_upload_is_stored_through_storage_and_recorded(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    upload(unit_client, registration, "Ảnh trao quà.PNG", PNG)
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert attachment.file.name.startswith(f"minh-chung/{YEAR}/") and attachment.file.name.endswith("/anh-trao-qua.png")
    assert attachment.file.storage.exists(attachment.file.name)
    assert RegistrationEvent.objects.filter(registration=registration, action=Action.ATTACHED).exists()


def test_pdf_upload_is_accepted(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    upload(unit_client, registration, "bao-cao.pdf", PDF, "application/pdf")
    assert Attachment.objects.get().content_type == "application/pdf"


def test_non_image_upload_named_like_an_image_is_refused(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    response = upload(unit_client, registration, "virus.png", b"MZ\x90\x00 this is an executable")
    assert "Chỉ nhận ảnh (JPG, PNG, GIF, WEBP) hoặc tệp PDF." in response.content.decode()
    assert not Attachment.objects.exists()


def test_image_with_a_mismatched_extension_is_refused(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    response = upload(unit_client, registration, "anh.html", PNG)
    assert "Đuôi tên tệp không khớp với nội dung tệp." in response.content.decode()
    assert not Attachment.objects.exists()


def test_oversized_upload_is_refused(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    response = upload(unit_client, registration, "lon.png", PNG + b"\x00" * (10 * 1024 * 1024))
    assert "Tệp quá lớn: tối đa 10 MB." in response.content.decode()
    assert not Attachment.objects.exists()


def test_download_serves_the_file_to_its_unit(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    attachment = workflow.add_attachment(world.donvi_a, registration, file=SimpleUploadedFile("a.pdf", PDF),
                                         content_type="application/pdf")
    response = unit_client.get(f"/don-vi/minh-chung/{attachment.pk}/")
    assert (response.status_code, b"".join(response.streaming_content)) == (200, PDF)


def test_download_of_another_units_file_is_not_found(client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    attachment = workflow.add_attachment(world.donvi_a, registration, file=SimpleUploadedFile("a.pdf", PDF),
                                         content_type="application/pdf")
    client.force_login(world.donvi_b)
    assert client.get(f"/don-vi/minh-chung/{attachment.pk}/").status_code == 404


def test_home_query_count_does_not_grow_with_rows(unit_client, world, django_assert_max_num_queries):
    for n in range(3):
        make_registration(world.unit_a, year=YEAR - 1, name=f"Ít {n}")
    with django_assert_max_num_queries(8) as small:
        unit_client.get("/don-vi/")
    for n in range(30):
        make_registration(world.unit_a, year=YEAR - n % 5, name=f"Nhiều {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        unit_client.get("/don-vi/")


def test_resaving_unchanged_multiline_text_records_no_change(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR, name=VALID["name"], success_indicators="Một\nHai")
    unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/sua/", {**VALID, "success_indicators": "Một\r\nHai",
                                                                  "version": 1})
    changes = RegistrationEvent.objects.get(registration=registration, action=Action.EDITED).changes
    assert "start_date" in changes and "success_indicators" not in changes


def test_history_shows_dates_and_choices_as_on_the_form(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR, name=VALID["name"], field="economy")
    unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/sua/", {**VALID, "version": 1})
    page = unit_client.get(f"/don-vi/mo-hinh/{registration.pk}/").content.decode()
    assert f"01/03/{YEAR}" in page
    assert "Kinh tế</del> → Văn hóa - Xã hội" in page


def test_evidence_can_be_kept_off_the_public_pages(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR)
    unit_client.post(f"/don-vi/mo-hinh/{registration.pk}/minh-chung/",
                     {"file": SimpleUploadedFile("cmnd.png", PNG, content_type="image/png")})
    assert Attachment.objects.get().is_public is False


# The home page's copy (views/fragments.py) --------------------------------------------------------

def test_home_is_read_from_its_copy_while_nothing_changes(unit_client, world, django_assert_max_num_queries):
    make_registration(world.unit_a, year=YEAR, name="Tủ sách cộng đồng", status=Status.ACCEPTED)
    unit_client.get("/don-vi/")
    # The session and the user: nothing of the page itself.
    with django_assert_max_num_queries(2):
        assert "Tủ sách cộng đồng" in unit_client.get("/don-vi/").content.decode()


def test_a_draft_saved_shows_at_once_on_the_units_home(unit_client, world):
    draft = make_registration(world.unit_a, year=YEAR, name="Tên cũ")
    unit_client.get("/don-vi/")
    unit_client.post(f"/don-vi/mo-hinh/{draft.pk}/sua/", {**VALID, "name": "Tên mới", "version": 1})
    page = unit_client.get("/don-vi/").content.decode()
    assert "Tên mới" in page and "Tên cũ" not in page


def test_a_model_returned_by_staff_shows_at_once_on_the_units_home(unit_client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.SUBMITTED)
    assert "Có 1 mô hình bị trả lại" not in unit_client.get("/don-vi/").content.decode()
    workflow.return_with_reason(world.canbo_xa, registration, "Thiếu ảnh hoạt động")
    assert "Có 1 mô hình bị trả lại" in unit_client.get("/don-vi/").content.decode()


def test_the_units_home_copy_lives_through_a_change_in_another_province(unit_client, world, monkeypatch):
    elsewhere = make_unit(make_commune(make_province()), kind=world.kind)
    submitted = make_registration(elsewhere, year=YEAR, status=Status.SUBMITTED)
    unit_client.get("/don-vi/")
    Registration.objects.filter(pk=submitted.pk).update(status=Status.ACCEPTED)  # the workflow's UPDATE
    make_registration(elsewhere, year=YEAR)  # a private draft there
    monkeypatch.setattr("models_registry.views.unit_portal._home_context", _not_rebuilt)
    assert unit_client.get("/don-vi/").status_code == 200


def test_another_unit_never_reads_the_first_units_copy(client, world):
    make_registration(world.unit_a, year=YEAR, name="Mô hình của đơn vị A")
    client.force_login(world.donvi_a)
    client.get("/don-vi/")
    client.force_login(world.donvi_b)
    assert "Mô hình của đơn vị A" not in client.get("/don-vi/").content.decode()


def _not_rebuilt(*args, **kwargs):
    raise AssertionError("the copy was rebuilt")
