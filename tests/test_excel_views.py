import io

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from models_registry.models import ImportBatch, Registration, Status, UnitKind
from models_registry.services.imports import uploads

from .factories import (
    PASSWORD,
    make_commune,
    make_leader,
    make_province,
    make_registration,
    make_sheet,
    make_staff,
    make_unit,
    make_unit_user,
)

pytestmark = pytest.mark.django_db
HEADERS = ["Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực"]


@pytest.fixture
def world():
    province = make_province(code="91")
    commune = make_commune(province, code="31001", name="Xã Tân Lập")
    kind = UnitKind.objects.get(code="mat-tran")
    unit = make_unit(commune, kind=kind, code="DV-01", name="Ban công tác Mặt trận ấp Đông")
    other = make_unit(make_commune(make_province(code="92"), code="32001"), kind=kind, code="DV-99")
    return {"province": province, "commune": commune, "unit": unit, "other": other, "staff": make_staff(province)}


@pytest.fixture
def staff_client(client, world):
    client.login(username=world["staff"].username, password=PASSWORD)
    return client


def upload(client, rows, kind="registrations", name="dang-ky.xlsx", headers=HEADERS):
    return client.post(reverse("excel_upload"), {"kind": kind, "file": make_sheet(headers, rows, name=name)})


def token_of(response):
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_it_shows_the_upload_page_to_staff(staff_client):
    response = staff_client.get(reverse("excel_index"))
    assert response.status_code == 200
    assert "Tải lên và xem trước" in response.content.decode()


def test_it_redirects_anonymous_visitors_to_login(client):
    response = client.get(reverse("excel_index"))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_it_forbids_unit_accounts(client, world):
    user = make_unit_user(world["unit"])
    client.login(username=user.username, password=PASSWORD)
    assert client.get(reverse("excel_index")).status_code == 403
    assert client.get(reverse("excel_export", args=["dang-ky", "xlsx"])).status_code == 403


def test_it_forbids_leaders_to_import(client, world):
    leader = make_leader(world["province"])
    client.login(username=leader.username, password=PASSWORD)
    response = upload(client, [[2024, "DV-01", "Mô hình", "Kinh tế"]])
    assert response.status_code == 403


def test_upload_keeps_the_parsed_file_and_preview_shows_each_row(staff_client, world):
    response = upload(staff_client, [[2024, "DV-01", "Mô hình một", "Kinh tế"], [2024, "DV-01", "Mô hình hai", "kinh te"]])
    assert response.status_code == 302
    token = token_of(response)
    assert token in staff_client.session["excel_uploads"] and uploads.exists(world["staff"], token)
    assert default_storage.listdir(f"excel-nhap/{world['staff'].pk}")[1] == [f"{token}.json.gz"]
    page = staff_client.get(response["Location"]).content.decode()
    assert "Mô hình một" in page and "Mô hình hai" in page and "Xác nhận nhập" in page
    assert Registration.objects.count() == 0


def test_confirm_imports_the_file_and_removes_it(staff_client, world):
    token = token_of(upload(staff_client, [[2024, "DV-01", "Mô hình một", "Kinh tế"]]))
    response = staff_client.post(reverse("excel_confirm", args=[token]))
    assert response.status_code == 302
    assert Registration.objects.get().status == Status.ACCEPTED
    assert ImportBatch.objects.get().created_by == world["staff"]
    assert not uploads.exists(world["staff"], token)
    assert "Đã nhập 1 dòng" in staff_client.get(response["Location"]).content.decode()


def test_preview_of_a_bad_file_lists_every_error_and_offers_no_confirm(staff_client, world):
    token = token_of(upload(staff_client, [[2024, "DV-99", "Mô hình", "Kinh tế"], [1990, "DV-01", "X", "Thể thao"]]))
    page = staff_client.get(reverse("excel_preview", args=[token])).content.decode()
    assert "Tệp bị từ chối: có 3 lỗi" in page
    assert "Không có đơn vị mang mã này" in page and "Năm phải từ" in page and "Không phải giá trị hợp lệ" in page
    assert "Xác nhận nhập" not in page


def test_confirm_of_a_bad_file_writes_nothing(staff_client, world):
    token = token_of(upload(staff_client, [[2024, "DV-99", "Mô hình", "Kinh tế"]]))
    response = staff_client.post(reverse("excel_confirm", args=[token]))
    assert response.status_code == 200
    assert "Chưa có dữ liệu nào được nhập" in response.content.decode()
    assert Registration.objects.count() == 0


def test_preview_of_an_unreadable_file_says_why(staff_client):
    response = staff_client.post(reverse("excel_upload"), {
        "kind": "registrations", "file": make_sheet(["x"], [], name="ghi-chu.csv")})
    page = staff_client.get(response["Location"]).content.decode()
    assert "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào." in page


def test_upload_refuses_other_file_types_in_the_form(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = staff_client.post(reverse("excel_upload"), {
        "kind": "registrations", "file": SimpleUploadedFile("anh.png", b"\x89PNG....")})
    assert response.status_code == 400
    assert "Chỉ nhận tệp Excel .xlsx hoặc .csv" in response.content.decode()


def test_upload_refuses_a_file_over_the_size_limit(staff_client, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = upload(staff_client, [[2024, "DV-01", "M" * 200, "Kinh tế"]], name="lon.csv")
    assert response.status_code == 400
    assert "Tệp vượt giới hạn" in response.content.decode()


def test_another_users_token_is_not_found(client, staff_client, world):
    token = token_of(upload(staff_client, [[2024, "DV-01", "Mô hình", "Kinh tế"]]))
    other = make_staff(world["province"])
    client.logout()
    client.login(username=other.username, password=PASSWORD)
    assert client.get(reverse("excel_preview", args=[token])).status_code == 404
    assert client.post(reverse("excel_confirm", args=[token])).status_code == 404


def test_cancel_deletes_the_stored_file(staff_client, world):
    token = token_of(upload(staff_client, [[2024, "DV-01", "Mô hình", "Kinh tế"]]))
    staff_client.post(reverse("excel_cancel", args=[token]))
    assert not uploads.exists(world["staff"], token)
    assert staff_client.get(reverse("excel_preview", args=[token])).status_code == 404


def test_preview_rejects_get_on_confirm(staff_client):
    token = token_of(upload(staff_client, [[2024, "DV-01", "Mô hình", "Kinh tế"]]))
    assert staff_client.get(reverse("excel_confirm", args=[token])).status_code == 405


def test_template_has_header_sample_and_allowed_values(staff_client):
    response = staff_client.get(reverse("excel_template", args=["dang-ky"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet, allowed = book.worksheets
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Năm", "Mã đơn vị", "Tên đơn vị"] and "Số tiền vận động (đồng)" in header
    sample = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert sample["Mã đơn vị"] == "DV-01" and sample["Lĩnh vực"] == "Văn hóa - Xã hội"
    columns = {allowed.cell(1, c).value: [allowed.cell(r, c).value for r in range(2, allowed.max_row + 1)]
               for c in range(1, allowed.max_column + 1)}
    assert columns["Lĩnh vực"][:4] == ["Kinh tế", "Văn hóa - Xã hội", "Quốc phòng - An ninh",
                                       "Xây dựng hệ thống chính trị"]
    assert columns["Cấp"][:3] == ["Cơ sở", "Huyện", "Tỉnh"]


def test_the_registration_template_imports_as_it_is(staff_client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = staff_client.get(reverse("excel_template", args=["dang-ky"])).content
    response = staff_client.post(reverse("excel_upload"), {
        "kind": "registrations", "file": SimpleUploadedFile("mau.xlsx", content)})
    page = staff_client.get(response["Location"]).content.decode()
    assert "Tệp hợp lệ" in page


def test_unit_template_lists_unit_kinds(staff_client):
    response = staff_client.get(reverse("excel_template", args=["don-vi"]))
    allowed = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[1]
    kinds = [allowed.cell(r, 1).value for r in range(2, allowed.max_row + 1)]
    assert "Lực lượng vũ trang / Công an" in kinds


def test_export_contains_only_the_users_area_and_the_filter(staff_client, world):
    make_registration(world["unit"], year=2024, name="Trong địa bàn", field="economy")
    make_registration(world["unit"], year=2023, name="Năm khác", field="economy")
    make_registration(world["other"], year=2024, name="Ngoài địa bàn", field="economy")
    response = staff_client.get(reverse("excel_export", args=["dang-ky", "csv"]) + "?nam=2024")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "Trong địa bàn" in text and "Ngoài địa bàn" not in text and "Năm khác" not in text
    assert text.splitlines()[0].startswith("Năm,Mã đơn vị,Tên đơn vị")


def test_export_neutralises_formulas(staff_client, world):
    make_registration(world["unit"], name="=HYPERLINK(\"http://x\")", field="economy", results="+SUM(A1)")
    book = openpyxl.load_workbook(io.BytesIO(staff_client.get(reverse("excel_export", args=["dang-ky", "xlsx"])).content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["Tên mô hình"] == "'=HYPERLINK(\"http://x\")" and row["Kết quả"] == "'+SUM(A1)"
    assert all(cell.data_type != "f" for cell in sheet[2])


def test_unit_export_as_xlsx(staff_client, world):
    response = staff_client.get(reverse("excel_export", args=["don-vi", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    codes = [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)]
    assert codes == ["DV-01"]


def test_leader_may_export(client, world):
    leader = make_leader(world["province"])
    client.login(username=leader.username, password=PASSWORD)
    assert client.get(reverse("excel_export", args=["don-vi", "csv"])).status_code == 200


def test_unknown_export_is_not_found(staff_client):
    assert staff_client.get("/quan-ly/excel/xuat/dang-ky.pdf").status_code == 404


def test_upload_removes_the_users_files_abandoned_for_a_day(staff_client, world):
    import datetime
    import os

    old = default_storage.save(f"excel-nhap/{world['staff'].pk}/cu.xlsx", io.BytesIO(b"x"))
    stamp = (datetime.datetime.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(default_storage.path(old), (stamp, stamp))
    upload(staff_client, [[2024, "DV-01", "Mô hình", "Kinh tế"]])
    assert not default_storage.exists(old)
