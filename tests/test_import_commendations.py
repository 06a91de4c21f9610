"""Commendation imports through the one engine: the import_commendations command and the
upload page (preview, then confirm); whole file or nothing, Vietnamese row errors."""
import io
import unicodedata

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from models_registry.models import Action, Commendation, ExemplarKind, ImportBatch, Source, Status

from .commendation_world import build_world
from .factories import make_registration

pytestmark = pytest.mark.django_db
HEADER = ["Năm", "Mã đơn vị", "Tên mô hình", "Họ tên", "Hình thức", "Cấp khen", "Số quyết định",
          "Ngày quyết định", "Cơ quan ban hành"]


@pytest.fixture
def world(db):
    world = build_world()
    world.past = make_registration(world.unit, year=2023, name="Dân vận khéo trong hiến đất làm đường",
                                   status=Status.COMPLETED)
    world.person = make_registration(world.unit, year=2023, name="Gương mẫu vận động", status=Status.COMPLETED,
                                     exemplar_kind=ExemplarKind.INDIVIDUAL, person_name="Nguyễn Thị Ánh")
    return world


def workbook(tmp_path, *rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "khen-thuong.xlsx"
    book.save(path)
    return path


def good_row(world, **overrides):
    row = {"Năm": 2023, "Mã đơn vị": world.unit.code, "Tên mô hình": world.past.name, "Họ tên": "",
           "Hình thức": "Giấy khen", "Cấp khen": "Huyện", "Số quyết định": "45-QĐ/HU",
           "Ngày quyết định": "15/10/2023", "Cơ quan ban hành": "Huyện ủy Long Hồ"}
    row.update(overrides)
    return [row[column] for column in HEADER]


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_commendations", str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


def run_failing(path, *args):
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_commendations", str(path), *args, stdout=io.StringIO(), stderr=err)
    return str(failure.value), err.getvalue()


def test_valid_file_creates_commendations_with_history(tmp_path, world):
    path = workbook(tmp_path, good_row(world),
                    good_row(world, **{"Tên mô hình": "", "Họ tên": "nguyen thi anh", "Số quyết định": "46-QĐ/HU"}))
    assert "Đã nhập 2 dòng từ “khen-thuong.xlsx”: 2 tạo mới" in run(path)
    batch = ImportBatch.objects.get()
    assert batch.kind == ImportBatch.Kind.COMMENDATIONS and batch.created_count == 2
    world.past.refresh_from_db()
    assert world.past.status == Status.COMMENDED
    assert world.person.commendations.get().decision_number == "46-QĐ/HU"
    event = world.past.events.get()
    assert (event.action, event.source, event.batch) == (Action.COMMENDED, Source.IMPORT, batch)


def test_one_bad_row_rejects_the_whole_file(tmp_path, world):
    path = workbook(tmp_path, good_row(world), good_row(world, **{"Mã đơn vị": "KHONG-CO"}))
    message, errors = run_failing(path)
    assert "bị từ chối: 1 lỗi" in message and "Chưa có dữ liệu nào được nhập" in message
    assert "Dòng 3, cột “Mã đơn vị” (giá trị “KHONG-CO”): Không có đơn vị mang mã này." in errors
    assert not Commendation.objects.exists()
    world.past.refresh_from_db()
    assert world.past.status == Status.COMPLETED


def test_row_errors_name_row_column_and_reason(tmp_path, world):
    path = workbook(tmp_path, good_row(world, **{
        "Tên mô hình": "Mô hình không có", "Hình thức": "Huân chương", "Cấp khen": "Xã lớn",
        "Ngày quyết định": "32/13/2023",
    }))
    _, errors = run_failing(path)
    assert "Dòng 2, cột “Tên mô hình” (giá trị “Mô hình không có”): Đơn vị" in errors
    assert "Dòng 2, cột “Hình thức” (giá trị “Huân chương”): Không có hình thức khen thưởng này." in errors
    assert "Dòng 2, cột “Cấp khen” (giá trị “Xã lớn”): Không phải giá trị hợp lệ. Chọn một trong: Cơ sở" in errors
    assert ("Dòng 2, cột “Ngày quyết định” (giá trị “32/13/2023”): “32/13/2023” không phải ngày dạng dd/mm/yyyy."
            in errors)


def test_form_not_issued_at_the_level_is_refused(tmp_path, world):
    _, errors = run_failing(workbook(tmp_path, good_row(world, **{"Hình thức": "Bằng khen", "Cấp khen": "Huyện"})))
    assert "Cấp Huyện không ban hành “Bằng khen”" in errors


def test_same_commendation_twice_is_refused(tmp_path, world):
    run(workbook(tmp_path, good_row(world)))
    _, errors = run_failing(workbook(tmp_path, good_row(world)))
    assert "Khen thưởng này đã có trong hệ thống." in errors
    assert Commendation.objects.count() == 1


def test_missing_columns_are_reported(tmp_path, world):
    _, errors = run_failing(workbook(tmp_path, [2023, world.unit.code], header=["Năm", "Mã đơn vị"]))
    for column in ("Hình thức", "Cấp khen", "Số quyết định", "Ngày quyết định", "Cơ quan ban hành"):
        assert f"Dòng 1, cột “{column}”: Thiếu cột bắt buộc này (xem tệp mẫu)." in errors


def test_headers_and_values_without_diacritics_or_in_nfd_are_accepted(tmp_path, world):
    header = ["nam", "ma don vi", "ten mo hinh", "ho ten", "hinh thuc", "cap khen", "so quyet dinh",
              "ngay quyet dinh", "co quan ban hanh"]
    row = good_row(world, **{"Tên mô hình": unicodedata.normalize("NFD", world.past.name), "Hình thức": "giay khen",
                             "Cấp khen": "huyen"})
    assert "Đã nhập 1 dòng" in run(workbook(tmp_path, row, header=header))


def test_importer_limited_to_their_area_learns_nothing_about_other_units(tmp_path, world):
    _, errors = run_failing(workbook(tmp_path, good_row(world)), "--nguoi-nhap", world.other_commune_staff.username)
    assert f"Dòng 2, cột “Mã đơn vị” (giá trị “{world.unit.code}”): Không có đơn vị mang mã này." in errors
    assert world.unit.name not in errors


# The upload page /quan-ly/khen-thuong/nhap-excel/: preview, then confirm ------------------------

def upload(client, path):
    with open(path, "rb") as handle:
        return client.post("/quan-ly/khen-thuong/nhap-excel/", {"file": handle})


def test_upload_shows_the_preview_and_confirm_records_the_commendation(client, tmp_path, world):
    client.force_login(world.commune_staff)
    response = upload(client, workbook(tmp_path, good_row(world)))
    assert response.status_code == 302 and "/quan-ly/excel/xem-truoc/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Tệp hợp lệ: cả 1 dòng đều nhập được" in page and "Xác nhận nhập" in page
    assert not Commendation.objects.exists()
    confirmed = client.post(response["Location"].replace("/xem-truoc/", "/xac-nhan/"))
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("commendations-list")
    assert ImportBatch.objects.get().created_by == world.commune_staff
    assert world.past.commendations.get().authority == "Huyện ủy Long Hồ"


def test_the_same_file_confirmed_twice_records_once(client, tmp_path, world):
    client.force_login(world.commune_staff)
    path = workbook(tmp_path, good_row(world))
    first, second = upload(client, path)["Location"], upload(client, path)["Location"]
    assert client.post(first.replace("/xem-truoc/", "/xac-nhan/")).status_code == 302
    response = client.post(second.replace("/xem-truoc/", "/xac-nhan/"))
    assert response.status_code == 200
    assert "Khen thưởng này đã có trong hệ thống." in response.content.decode()
    assert Commendation.objects.count() == 1 and ImportBatch.objects.count() == 1


def test_upload_with_a_bad_row_lists_errors_and_writes_nothing(client, tmp_path, world):
    client.force_login(world.commune_staff)
    response = upload(client, workbook(tmp_path, good_row(world), good_row(world, **{"Năm": "hai nghìn"})))
    content = client.get(response["Location"]).content.decode()
    assert "Tệp bị từ chối: có 1 lỗi" in content
    assert "Năm phải là số, ví dụ 2025." in content and "Xác nhận nhập" not in content
    assert not Commendation.objects.exists()


def test_upload_of_another_area_models_reads_like_an_unknown_unit(client, tmp_path, world):
    client.force_login(world.other_commune_staff)
    response = upload(client, workbook(tmp_path, good_row(world)))
    content = client.get(response["Location"]).content.decode()
    assert "Không có đơn vị mang mã này." in content and world.unit.name not in content
    assert not Commendation.objects.exists()


def test_upload_of_a_file_that_is_not_a_spreadsheet_is_refused(client, tmp_path, world):
    fake = tmp_path / "khen-thuong.xlsx"
    fake.write_bytes(b"not a zip")
    client.force_login(world.commune_staff)
    response = upload(client, fake)
    assert "Tệp không phải bảng tính Excel (.xlsx) hoặc CSV." in client.get(response["Location"]).content.decode()


def test_a_closed_year_is_never_touched(tmp_path, world):
    from models_registry.models import YearClosure

    YearClosure.objects.create(area=world.past.area, year=2023)
    _, errors = run_failing(workbook(tmp_path, good_row(world)))
    assert "Năm 2023 đã khóa sổ ở địa bàn của mô hình này" in errors
    world.past.refresh_from_db()
    assert world.past.status == Status.COMPLETED and not Commendation.objects.exists()


def test_unit_account_cannot_open_the_upload_page(client, world):
    client.force_login(world.unit_user)
    assert client.get("/quan-ly/khen-thuong/nhap-excel/").status_code == 403
