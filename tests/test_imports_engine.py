"""The one import engine: what every path shares (issues 13, 14 and 20)."""
import io
import threading

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, OperationalError, connection
from django.urls import reverse

from models_registry.models import (
    Commendation,
    ExemplarKind,
    ImportBatch,
    Registration,
    Status,
    Unit,
    UnitKind,
)
from models_registry.services import imports
from models_registry.services.imports import reader, uploads
from models_registry.services.imports.template import ALLOWED_SHEET

from .factories import (
    PASSWORD,
    make_commune,
    make_province,
    make_registration,
    make_sheet,
    make_staff,
    make_unit,
)

REGS, UNITS, AWARDS = ImportBatch.Kind.REGISTRATIONS, ImportBatch.Kind.UNITS, ImportBatch.Kind.COMMENDATIONS
HEADERS = ["Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực"]


@pytest.fixture
def world(db):
    province = make_province(code="91", name="Tỉnh Hậu Giang Thử")
    commune = make_commune(province, code="31001", name="Xã Tân Lập")
    kind = UnitKind.objects.get(code="to-chuc-dang")
    unit = make_unit(commune, kind=kind, code="DV-01", name="Chi bộ ấp Đông")
    other_province = make_province(code="92", name="Tỉnh Khác")
    outside = make_unit(make_commune(other_province, code="32001"), kind=kind, code="DV-99", name="Chi bộ tỉnh khác")
    return {"province": province, "commune": commune, "kind": kind, "unit": unit, "outside": outside,
            "staff": make_staff(province), "other_staff": make_staff(other_province)}


def run(kind, headers, rows, user, name="tep.xlsx", write=True):
    return imports.import_file(kind, make_sheet(headers, rows, name=name), name, user=user, write=write)


def messages(report):
    return [str(p) for p in report.problems]


def staff_client(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


# Case-only duplicates and status columns ---------------------------------------------------------

def test_a_name_differing_only_by_case_is_the_existing_registration_not_a_new_one(world):
    make_registration(world["unit"], year=2024, name="Tủ quần áo", status=Status.ACCEPTED)
    report = run(REGS, HEADERS, [[2024, "DV-01", "tủ  quần áo", "Kinh tế"]], world["staff"])
    assert report.ok and report.counts[imports.UNCHANGED] == 1 and report.counts[imports.CREATE] == 0
    assert "trùng mô hình đã có “Tủ quần áo”" in report.rows[0].summary
    assert list(Registration.objects.values_list("name", flat=True)) == ["Tủ quần áo"]


def test_the_portal_preview_reports_the_case_only_duplicate(client, world):
    make_registration(world["unit"], year=2024, name="Tủ quần áo", status=Status.ACCEPTED)
    staff_client(client, world["staff"])
    response = client.post(reverse("excel_upload"), {
        "kind": REGS, "file": make_sheet(HEADERS, [[2024, "DV-01", "tủ quần áo", "Kinh tế"]])})
    page = client.get(response["Location"]).content.decode()
    assert "trùng mô hình đã có “Tủ quần áo”" in page and "0 tạo mới" in page


def test_a_status_column_changes_nothing_and_the_preview_says_so(client, world):
    existing = make_registration(world["unit"], year=2024, name="Đã có", status=Status.SUBMITTED)
    rows = [[2024, "DV-01", "Đã có", "Kinh tế", "Đã khen thưởng"], [2024, "DV-01", "Mới", "Kinh tế", "Đã khen thưởng"]]
    staff_client(client, world["staff"])
    response = client.post(reverse("excel_upload"), {"kind": REGS, "file": make_sheet(HEADERS + ["Trạng thái"], rows)})
    page = client.get(response["Location"]).content.decode()
    assert "Cột “Trạng thái” chỉ để xem: nhập tệp không đổi trạng thái của mô hình nào." in page
    assert client.post(response["Location"].replace("/xem-truoc/", "/xac-nhan/")).status_code == 302
    existing.refresh_from_db()
    assert existing.status == Status.SUBMITTED
    assert Registration.objects.get(name="Mới").status == Status.ACCEPTED
    assert not Registration.objects.filter(status=Status.COMMENDED).exists()


# Nothing learnt about other areas ----------------------------------------------------------------

def test_an_out_of_area_unit_code_reads_exactly_like_one_that_does_not_exist(world):
    outside = run(REGS, HEADERS, [[2024, "DV-99", "Mô hình", "Kinh tế"]], world["staff"])
    missing = run(REGS, HEADERS, [[2024, "DV-XX", "Mô hình", "Kinh tế"]], world["staff"])
    assert messages(outside) == [m.replace("DV-XX", "DV-99") for m in messages(missing)]
    assert outside.rows[0].summary == missing.rows[0].summary.replace("DV-XX", "DV-99")


def test_a_unit_file_naming_an_out_of_area_parent_reads_like_an_unknown_parent(world):
    headers = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã xã", "Đơn vị cấp trên"]
    outside = run(UNITS, headers, [["CB-02", "Chi bộ mới", "Tổ chức Đảng", "31001", "DV-99"]], world["staff"])
    missing = run(UNITS, headers, [["CB-02", "Chi bộ mới", "Tổ chức Đảng", "31001", "DV-XX"]], world["staff"])
    assert not outside.ok and not Unit.objects.filter(code="CB-02").exists()
    assert messages(outside) == [m.replace("DV-XX", "DV-99") for m in messages(missing)]
    assert not any("Chi bộ tỉnh khác" in m for m in messages(outside))


def test_a_unit_code_taken_outside_the_area_is_refused_without_naming_that_unit(world):
    report = run(UNITS, ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã xã"],
                 [["DV-99", "Chi bộ của tôi", "Tổ chức Đảng", "31001"]], world["staff"])
    assert messages(report) == ["Dòng 2, cột “Mã đơn vị” (giá trị “DV-99”): Mã đơn vị này không dùng được; hãy chọn "
                                "mã khác."]
    assert Unit.objects.get(code="DV-99").name == "Chi bộ tỉnh khác"


def test_a_commendation_for_another_provinces_unit_reads_like_an_unknown_unit(world):
    make_registration(world["outside"], year=2023, name="Mô hình xa", status=Status.COMPLETED)
    headers = ["Năm", "Mã đơn vị", "Tên mô hình", "Hình thức", "Cấp khen", "Số quyết định", "Ngày quyết định",
               "Cơ quan ban hành"]
    row = [2023, "DV-99", "Mô hình xa", "Giấy khen", "Huyện", "1-QĐ", "15/10/2023", "Huyện ủy"]
    outside = run(AWARDS, headers, [row], world["staff"])
    missing = run(AWARDS, headers, [[2023, "DV-XX", *row[2:]]], world["staff"])
    assert messages(outside) == [m.replace("DV-XX", "DV-99") for m in messages(missing)]
    assert not Commendation.objects.exists()


def test_a_unit_code_with_another_name_in_the_file_shows_both_names(world):
    report = run(REGS, ["Năm", "Mã đơn vị", "Tên đơn vị", "Tên mô hình", "Lĩnh vực"],
                 [[2024, "DV-01", "Chi bộ ấp Tây", "Mô hình", "Kinh tế"]], world["staff"])
    assert messages(report) == ["Dòng 2, cột “Tên đơn vị” (giá trị “Chi bộ ấp Tây”): Mã đơn vị DV-01 là “Chi bộ ấp "
                                "Đông”, không phải “Chi bộ ấp Tây” như trong tệp."]


def test_an_out_of_area_code_with_a_name_still_names_nothing(world):
    report = run(REGS, ["Năm", "Mã đơn vị", "Tên đơn vị", "Tên mô hình", "Lĩnh vực"],
                 [[2024, "DV-99", "Chi bộ ấp Tây", "Mô hình", "Kinh tế"]], world["staff"])
    assert messages(report) == ["Dòng 2, cột “Mã đơn vị” (giá trị “DV-99”): Không có đơn vị mang mã này."]


# Parsed once -------------------------------------------------------------------------------------

def test_an_upload_is_parsed_once_however_often_its_preview_is_opened(client, world, monkeypatch):
    calls = []
    real = reader.read_table
    monkeypatch.setattr(uploads, "read_table", lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
    staff_client(client, world["staff"])
    response = client.post(reverse("excel_upload"), {
        "kind": REGS, "file": make_sheet(HEADERS, [[2024, "DV-01", "Mô hình", "Kinh tế"]])})
    for _ in range(3):
        assert "Xác nhận nhập" in client.get(response["Location"]).content.decode()
    assert client.post(response["Location"].replace("/xem-truoc/", "/xac-nhan/")).status_code == 302
    assert len(calls) == 1 and Registration.objects.count() == 1


# Faults: a conflict is a message, a lost connection the outage page ------------------------------

def test_a_conflict_found_by_the_database_is_a_message_not_an_error(client, world, monkeypatch):
    def conflict(self, plans, batch):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(imports.RegistrationImporter, "write", conflict)
    staff_client(client, world["staff"])
    response = client.post(reverse("excel_upload"), {
        "kind": REGS, "file": make_sheet(HEADERS, [[2024, "DV-01", "Mô hình", "Kinh tế"]])})
    confirmed = client.post(response["Location"].replace("/xem-truoc/", "/xac-nhan/"))
    assert confirmed.status_code == 200
    assert "Dữ liệu vừa được người khác thay đổi trong lúc nhập" in confirmed.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_connection_lost_during_the_copy_answers_the_outage_page(client, monkeypatch, reference_data):
    from models_registry.services.imports import writing

    province = make_province(code="91")
    make_unit(make_commune(province, code="31001"), code="DV-01", kind=UnitKind.objects.get(code="to-chuc-dang"))
    staff = make_staff(province)
    real_copy = writing.copy

    def killed(cursor, *args):
        # Another session ends this one's backend just before its COPY, as a failing server would.
        import psycopg2

        pid = connection.connection.info.backend_pid
        params = connection.get_connection_params()
        other = psycopg2.connect(**params)
        other.autocommit = True
        with other.cursor() as terminate:
            terminate.execute("SELECT pg_terminate_backend(%s)", [pid])
        other.close()
        return real_copy(cursor, *args)

    def lost(model, objects):
        raise OperationalError("disk I/O error")

    if connection.vendor == "postgresql":
        monkeypatch.setattr(writing, "copy", killed)
    else:  # SQLite has no server to lose: its driver's error at the same step
        monkeypatch.setattr("models_registry.services.imports.registrations.insert_rows", lost)
    staff_client(client, staff)
    response = client.post(reverse("excel_upload"), {
        "kind": REGS, "file": make_sheet(HEADERS, [[2024, "DV-01", "Mô hình", "Kinh tế"]])})
    confirmed = client.post(response["Location"].replace("/xem-truoc/", "/xac-nhan/"))
    assert confirmed.status_code == 503 and confirmed["Retry-After"] == "10"
    connection.close()
    assert not Registration.objects.exists() and not ImportBatch.objects.exists()


# Commendations sent twice ------------------------------------------------------------------------

COMMENDATION_HEADERS = ["Năm", "Mã đơn vị", "Tên mô hình", "Hình thức", "Cấp khen", "Số quyết định",
                        "Ngày quyết định", "Cơ quan ban hành"]


def _commendation_table(unit, name):
    sheet = make_sheet(COMMENDATION_HEADERS, [[2023, unit.code, name, "Giấy khen", "Huyện", "45-QĐ/HU", "15/10/2023",
                                              "Huyện ủy"]])
    return reader.read_table(sheet, "khen.xlsx")


def test_the_same_commendation_file_confirmed_at_once_twice_records_once(reference_data):
    province = make_province(code="91")
    unit = make_unit(make_commune(province, code="31001"), code="DV-01")
    registration = make_registration(unit, year=2023, name="Hiến đất làm đường", status=Status.COMPLETED)
    staff = make_staff(province)
    table = _commendation_table(unit, registration.name)
    reports = []

    def confirm():
        try:
            reports.append(imports.run(AWARDS, table, "khen.xlsx", user=staff, write=True))
        finally:
            connection.close()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=confirm) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:  # SQLite writes one transaction at a time whatever the threads do
        for _ in range(4):
            confirm()
    assert sorted(r.written for r in reports) == [False, False, False, True], [str(p) for r in reports for p in r.problems]
    refused = [str(p) for r in reports if not r.written for p in r.problems]
    assert all("Khen thưởng này đã có trong hệ thống." in m for m in refused) and len(refused) == 3
    assert Commendation.objects.filter(registration=registration).count() == 1
    assert registration.events.filter(action="commended").count() == 1


def test_a_commendation_file_for_an_individual_by_the_persons_name(world):
    person = make_registration(world["unit"], year=2023, name="Gương sáng", status=Status.COMPLETED,
                               exemplar_kind=ExemplarKind.INDIVIDUAL, person_name="Lê Văn Tám")
    headers = ["Năm", "Mã đơn vị", "Họ tên", "Hình thức", "Cấp khen", "Số quyết định", "Ngày quyết định",
               "Cơ quan ban hành"]
    report = run(AWARDS, headers, [[2023, "DV-01", "le van tam", "Giấy khen", "Huyện", "9-QĐ", 45214, "Huyện ủy"]],
                 world["staff"])
    assert report.written, messages(report)
    assert person.commendations.get().decision_date.strftime("%d/%m/%Y") == "15/10/2023"


# Template and exports ----------------------------------------------------------------------------

def _validated_headers(sheet):
    header = [c.value for c in sheet[1]]
    validated = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            validated[header[cell_range.min_col - 1]] = validation
    return validated


@pytest.mark.parametrize("what, coded", [
    ("dang-ky", ["Lĩnh vực", "Cấp", "Loại điển hình", "Mới/Duy trì"]),
    ("don-vi", ["Loại đơn vị", "Cấp"]),
    ("khen-thuong", ["Hình thức", "Cấp khen"]),
])
def test_templates_have_a_drop_down_list_on_every_coded_column(client, world, what, coded):
    staff_client(client, world["staff"])
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("excel_template", args=[what])).content))
    sheet, allowed = book.worksheets
    assert allowed.title == ALLOWED_SHEET
    validations = _validated_headers(sheet)
    assert sorted(validations) == sorted(coded)
    for header, validation in validations.items():
        assert validation.type == "list" and validation.showErrorMessage
        assert validation.formula1.startswith(f"'{ALLOWED_SHEET}'!$")
        column = next(c for c in range(1, allowed.max_column + 1) if allowed.cell(1, c).value == header)
        listed = [allowed.cell(r, column).value for r in range(2, allowed.max_row + 1) if allowed.cell(r, column).value]
        assert validation.formula1.endswith(f"${len(listed) + 1}")


def test_the_registration_template_carries_every_column_of_the_form_and_a_filled_example(client, world):
    staff_client(client, world["staff"])
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("excel_template", args=["dang-ky"])).content)).active
    example = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    for header in ("Thực trạng", "Tiêu chí đánh giá", "Đối tượng vận động", "Địa bàn thực hiện", "Lực lượng nòng cốt",
                   "Đơn vị phối hợp", "Nguồn lực", "Ngày bắt đầu", "Các mốc thực hiện", "Ngày đánh giá",
                   "Kết quả dự kiến", "Cách duy trì, nhân rộng", "Mục tiêu", "Nội dung", "Kết quả"):
        assert example[header], header
    assert (example["Mã đơn vị"], example["Tên đơn vị"]) == ("DV-01", "Chi bộ ấp Đông")


def test_a_template_filled_in_imports_every_form_column(client, world):
    staff_client(client, world["staff"])
    content = client.get(reverse("excel_template", args=["dang-ky"])).content
    report = imports.import_file(REGS, io.BytesIO(content), "mau.xlsx", user=world["staff"])
    assert report.written, messages(report)
    saved = Registration.objects.get()
    assert saved.situation and saved.success_indicators and saved.start_date < saved.evaluation_date


def test_the_export_is_a_formatted_sheet_with_area_names_and_a_telling_file_name(client, world):
    make_registration(world["unit"], year=2024, name="Tủ quần áo", money_mobilised=15_000_000,
                      start_date="2024-03-01", status=Status.ACCEPTED)
    staff_client(client, world["staff"])
    response = client.get(reverse("excel_export", args=["dang-ky", "xlsx"]) + "?nam=2024")
    name = response["Content-Disposition"]
    assert "dang-ky_tinh-hau-giang-thu_nam-2024_" in name and name.endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Đăng ký mô hình" and sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    row = {c.value: sheet.cell(2, i + 1) for i, c in enumerate(sheet[1])}
    assert row["Số tiền vận động (đồng)"].value == 15_000_000 and row["Số tiền vận động (đồng)"].number_format == "#,##0"
    assert row["Ngày bắt đầu"].value.date().isoformat() == "2024-03-01"
    assert row["Ngày bắt đầu"].number_format == "DD/MM/YYYY"
    assert (row["Tên xã"].value, row["Tên tỉnh"].value) == ("Xã Tân Lập", "Tỉnh Hậu Giang Thử")


def test_formula_like_text_comes_back_inert_from_an_exported_file(client, world):
    make_registration(world["unit"], year=2024, name="Tủ quần áo", start_date="2024-03-01", status=Status.ACCEPTED,
                      results="=1+1 không phải công thức")
    staff_client(client, world["staff"])
    content = client.get(reverse("excel_export", args=["dang-ky", "xlsx"])).content
    report = imports.import_file(REGS, io.BytesIO(content), "xuat.xlsx", user=world["staff"])
    assert report.ok and report.counts[imports.UNCHANGED] == 0 and report.counts[imports.UPDATE] == 1
    # The formula-like text comes back with the apostrophe the export put before it: inert from then on.
    assert Registration.objects.get().results == "'=1+1 không phải công thức"


def test_the_command_and_the_page_give_the_same_report(client, world, tmp_path, capsys):
    rows = [[2024, "DV-01", "Mô hình", "Thể thao"], [2024, "DV-99", "Khác", "Kinh tế"]]
    path = tmp_path / "tep.xlsx"
    path.write_bytes(make_sheet(HEADERS, rows).read())
    with pytest.raises(CommandError):
        call_command("import_registrations", str(path), user=world["staff"].username)
    printed = capsys.readouterr().err.strip().splitlines()
    staff_client(client, world["staff"])
    response = client.post(reverse("excel_upload"), {"kind": REGS, "file": make_sheet(HEADERS, rows)})
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert [str(p) for p in uploads.check(world["staff"], token).problems] == printed
    assert len(printed) == 2 and not Registration.objects.exists()


def test_a_commendation_file_is_checked_and_written_with_a_few_queries(world, django_assert_max_num_queries):
    names = [f"Mô hình {n}" for n in range(60)]
    for name in names:
        make_registration(world["unit"], year=2023, name=name, status=Status.COMPLETED)
    rows = [[2023, "DV-01", name, "Giấy khen", "Huyện", f"{n}-QĐ", "15/10/2023", "Huyện ủy"]
            for n, name in enumerate(names)]
    table = reader.read_table(make_sheet(COMMENDATION_HEADERS, rows), "khen.xlsx")
    with django_assert_max_num_queries(20):
        report = imports.run(AWARDS, table, "khen.xlsx", user=world["staff"], write=True)
    assert report.written and Commendation.objects.count() == 60


def test_a_file_that_takes_too_long_to_read_is_refused_with_the_limit(world, settings):
    settings.IMPORT_MAX_SECONDS = 0.01
    rows = [[2024, "DV-01", f"Mô hình {n}", "Kinh tế"] for n in range(5000)]
    report = run(REGS, HEADERS, rows, world["staff"])
    assert messages(report) == ["Đọc tệp mất quá 0,01 giây nên đã dừng. Hãy chia thành nhiều tệp nhỏ hơn, hoặc mở "
                                "bằng Excel và lưu lại."]
    assert not Registration.objects.exists()


def test_the_same_cell_xml_under_another_type_reads_as_that_type():
    from tests.hostile_files import HEADER_ROW, sheet, xlsx

    cells = "".join(f'<c r="{column}2"{kind}><v>1</v></c>' for column, kind in
                    (("A", ""), ("B", ' t="n"'), ("C", ' t="b"'), ("D", ' t="s"'), ("E", ' t="str"'), ("F", "")))
    shared = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>không</t></si>'
              '<si><t>một</t></si></sst>')
    book = xlsx(sheet(HEADER_ROW + f'<row r="2">{cells}</row>'), shared=shared)
    table = reader.read_table(io.BytesIO(book), "a.xlsx")
    assert table.rows == [(2, [1, 1, True, "một", "1", 1])]
