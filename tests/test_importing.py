import unicodedata

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from models_registry.models import (
    Action,
    ImportBatch,
    Registration,
    RegistrationEvent,
    RegistrationSummary,
    Source,
    Status,
    Unit,
    UnitKind,
    YearClosure,
)
from models_registry.resources import REGISTRATION_COLUMNS, UNIT_COLUMNS
from models_registry.services import imports

from .factories import (
    make_commune,
    make_province,
    make_registration,
    make_sheet,
    make_staff,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.django_db
REGS = ImportBatch.Kind.REGISTRATIONS
UNITS = ImportBatch.Kind.UNITS
HEADERS = ["Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực", "Cấp", "Loại điển hình", "Họ tên", "Mới/Duy trì",
           "Số người tham gia", "Số tiền vận động (đồng)", "Kết quả"]


@pytest.fixture
def world():
    province = make_province(code="91", name="Tỉnh Hậu Giang Thử")
    commune = make_commune(province, code="31001", name="Xã Tân Lập")
    party = UnitKind.objects.get(code="to-chuc-dang")
    unit = make_unit(commune, kind=party, code="DV-01", name="Chi bộ ấp Đông")
    other_province = make_province(code="92")
    outside = make_unit(make_commune(other_province, code="32001"), kind=party, code="DV-99", name="Chi bộ ngoài")
    staff = make_staff(province)
    return {"province": province, "commune": commune, "kind": party, "unit": unit, "outside": outside,
            "staff": staff}


def row(**overrides):
    values = {"Năm": 2024, "Mã đơn vị": "DV-01", "Tên mô hình": "Tủ quần áo nghĩa tình", "Lĩnh vực": "Kinh tế",
              "Cấp": "Cơ sở", "Loại điển hình": "Tập thể", "Họ tên": "", "Mới/Duy trì": "Mới",
              "Số người tham gia": 120, "Số tiền vận động (đồng)": "1.500.000", "Kết quả": "Giúp 30 hộ"}
    values.update(overrides)
    return [values[h] for h in HEADERS]


def run(rows, user, headers=HEADERS, name="dang-ky.xlsx", write=True):
    return imports.import_file(REGS, make_sheet(headers, rows, name=name), name, user=user, write=write)


def messages(report):
    return [str(p) for p in report.problems]


def test_good_file_imports_every_row_with_its_field_level_unit_and_year(world):
    rows = [row(), row(**{"Tên mô hình": "Ấp không ma túy", "Lĩnh vực": "Quốc phòng - An ninh", "Cấp": "Huyện",
                          "Năm": 2023, "Mới/Duy trì": "Duy trì"}),
            row(**{"Tên mô hình": "Gương sáng", "Loại điển hình": "Cá nhân", "Họ tên": "Nguyễn Văn An",
                   "Lĩnh vực": "Xây dựng hệ thống chính trị", "Cấp": "Tỉnh"})]
    report = run(rows, world["staff"])
    assert report.ok and report.written
    assert report.counts[imports.CREATE] == 3
    saved = {r.name: r for r in Registration.objects.all()}
    first = saved["Tủ quần áo nghĩa tình"]
    assert (first.unit, first.year, first.field, first.level, first.is_new) == (
        world["unit"], 2024, "economy", "grassroots", True)
    assert (first.participants, first.money_mobilised, first.results) == (120, 1500000, "Giúp 30 hộ")
    assert (first.area, first.unit_kind, first.status) == (world["commune"], world["kind"], Status.ACCEPTED)
    second = saved["Ấp không ma túy"]
    assert (second.year, second.field, second.level, second.is_new) == (2023, "defence_security", "district", False)
    third = saved["Gương sáng"]
    assert (third.exemplar_kind, third.person_name, third.level) == ("individual", "Nguyễn Văn An", "province")
    assert "tu quan ao nghia tinh" in first.search_text


def test_import_records_one_batch_and_an_event_per_created_registration(world):
    report = run([row(), row(**{"Tên mô hình": "Mô hình hai"})], world["staff"], name="huyen-a.xlsx")
    batch = ImportBatch.objects.get()
    assert batch == report.batch
    assert (batch.file_name, batch.row_count, batch.created_count, batch.created_by) == (
        "huyen-a.xlsx", 2, 2, world["staff"])
    events = RegistrationEvent.objects.all()
    assert len(events) == 2
    assert {(e.action, e.source, e.batch_id, e.actor_id) for e in events} == {
        (Action.IMPORTED, Source.IMPORT, batch.pk, world["staff"].pk)}
    assert set(Registration.objects.values_list("import_batch", flat=True)) == {batch.pk}


def test_same_file_twice_adds_nothing(world):
    rows = [row(), row(**{"Tên mô hình": "Mô hình hai"})]
    run(rows, world["staff"])
    second = run(rows, world["staff"])
    assert second.ok
    assert second.counts[imports.UNCHANGED] == 2
    assert Registration.objects.count() == 2
    assert RegistrationEvent.objects.count() == 2


def test_changed_figures_update_the_registration_and_its_history(world):
    run([row()], world["staff"])
    report = run([row(**{"Số người tham gia": 300})], world["staff"])
    assert report.counts[imports.UPDATE] == 1
    registration = Registration.objects.get()
    assert registration.participants == 300
    event = registration.events.get(action=Action.EDITED)
    assert event.changes == {"participants": ["120", "300"]} and event.batch == report.batch


def test_nfd_input_matches_nfc_data(world):
    make_registration(world["unit"], year=2024, name="Tủ quần áo nghĩa tình", field="economy",
                      status=Status.ACCEPTED, participants=120, money_mobilised=1500000, results="Giúp 30 hộ")
    nfd = {h: unicodedata.normalize("NFD", v) if isinstance(v, str) else v for h, v in zip(HEADERS, row(), strict=True)}
    headers = [unicodedata.normalize("NFD", h) for h in HEADERS]
    report = run([list(nfd.values())], world["staff"], headers=headers)
    assert report.ok, messages(report)
    assert report.counts[imports.UNCHANGED] == 1
    assert Registration.objects.count() == 1


def test_unit_is_found_by_nfd_name_within_a_commune_given_by_name(world):
    headers = ["Năm", "Tên đơn vị", "Mã xã", "Tên mô hình", "Lĩnh vực"]
    rows = [[2024, unicodedata.normalize("NFD", "chi bộ ấp đông"), "Tân Lập", "Mô hình theo tên", "Kinh tế"]]
    report = run(rows, world["staff"], headers=headers)
    assert report.ok, messages(report)
    assert Registration.objects.get().unit == world["unit"]


def test_accent_free_labels_in_any_case_work(world):
    rows = [row(**{"Lĩnh vực": "VAN HOA - XA HOI", "Cấp": "huyen", "Loại điển hình": "ca nhan",
                   "Họ tên": "Lê Thị Bình", "Mới/Duy trì": "duy tri"})]
    report = run(rows, world["staff"], name="khong-dau.csv")
    assert report.ok, messages(report)
    saved = Registration.objects.get()
    assert (saved.field, saved.level, saved.exemplar_kind, saved.is_new) == (
        "culture_society", "district", "individual", False)


def test_import_looks_things_up_with_a_few_queries_whatever_the_row_count(world):
    rows = [row(**{"Tên mô hình": f"Mô hình {n}"}) for n in range(300)]
    sheet = make_sheet(HEADERS, rows)
    with CaptureQueriesContext(connection) as queries:
        report = imports.import_file(REGS, sheet, "tep.xlsx", user=world["staff"], write=True)
    assert report.counts[imports.CREATE] == 300
    lookups = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("INSERT")]
    assert len(lookups) <= 12, lookups


def test_command_user_without_area_limit_can_import_anywhere(world):
    report = run([row(**{"Mã đơn vị": "DV-99"})], None)
    assert report.ok
    assert Registration.objects.get().unit == world["outside"]


# Bad files: each refused with its own message, and nothing written.

def assert_rejected(report, text):
    assert not report.ok
    assert not report.written
    assert any(text in m for m in messages(report)), messages(report)
    assert Registration.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    assert RegistrationEvent.objects.count() == 0


def upload(content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return imports.import_file(REGS, SimpleUploadedFile(name, content), name, user=None, write=True)


def test_file_that_is_not_a_spreadsheet_is_rejected(world):
    assert_rejected(upload(b"%PDF-1.4 not a sheet", "bao-cao.pdf"), "không phải bảng tính")


def test_zip_that_is_not_xlsx_is_rejected(world):
    assert_rejected(upload(b"PK\x03\x04garbage", "tep.xlsx"), "Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")


def test_empty_file_is_rejected(world):
    assert_rejected(upload(b"", "rong.xlsx"), "Tệp rỗng")


def test_file_with_headers_only_is_rejected(world):
    assert_rejected(run([], world["staff"]), "không có dòng dữ liệu")


def test_missing_required_header_is_rejected(world):
    headers = [h for h in HEADERS if h != "Lĩnh vực"]
    rows = [[v for h, v in zip(HEADERS, row(), strict=True) if h != "Lĩnh vực"]]
    assert_rejected(run(rows, world["staff"], headers=headers), "cột “Lĩnh vực”: Thiếu cột bắt buộc")


def test_misspelt_header_is_rejected_with_a_suggestion(world):
    headers = ["Tên mô hìn" if h == "Tên mô hình" else h for h in HEADERS]
    report = run([row()], world["staff"], headers=headers)
    assert_rejected(report, "Tiêu đề cột không đúng mẫu. Có phải là “Tên mô hình”?")


def test_unknown_unit_is_rejected(world):
    report = run([row(**{"Mã đơn vị": "KHONG-CO"})], world["staff"])
    assert_rejected(report, "Dòng 2, cột “Mã đơn vị” (giá trị “KHONG-CO”): Không có đơn vị mang mã này.")


def test_unit_outside_the_clerks_area_reads_like_a_code_that_does_not_exist(world):
    outside = run([row(), row(**{"Mã đơn vị": "DV-99"})], world["staff"])
    missing = run([row(), row(**{"Mã đơn vị": "DV-00"})], world["staff"])
    assert_rejected(outside, "Dòng 3, cột “Mã đơn vị” (giá trị “DV-99”): Không có đơn vị mang mã này.")
    assert [m.replace("DV-99", "?") for m in messages(outside)] == [m.replace("DV-00", "?") for m in messages(missing)]
    assert not any("Chi bộ ngoài" in m for m in messages(outside))


def test_unknown_field_label_is_rejected(world):
    report = run([row(**{"Lĩnh vực": "Thể thao"})], world["staff"])
    assert_rejected(report, "cột “Lĩnh vực” (giá trị “Thể thao”): Không phải giá trị hợp lệ. Chọn một trong: Kinh tế")


def test_year_out_of_range_is_rejected(world):
    assert_rejected(run([row(**{"Năm": 1999})], world["staff"]), "cột “Năm” (giá trị “1999”): Năm phải từ 2010")


def test_negative_figure_is_rejected(world):
    report = run([row(**{"Số người tham gia": -5})], world["staff"])
    assert_rejected(report, "cột “Số người tham gia” (giá trị “-5”): Số liệu không được âm.")


def test_text_over_the_field_length_is_rejected(world):
    report = run([row(**{"Tên mô hình": "M" * 300})], world["staff"])
    assert_rejected(report, "Dài 300 ký tự, tối đa 255 ký tự.")


def test_rows_duplicated_inside_the_file_are_rejected(world):
    report = run([row(), row(), row(**{"Tên mô hình": "Khác"})], world["staff"])
    assert_rejected(report, "Dòng 3, cột “Tên mô hình” (giá trị “Tủ quần áo nghĩa tình”): Trùng với dòng 2")


def test_formula_in_a_cell_is_rejected(world):
    report = run([row(**{"Kết quả": "=HYPERLINK(\"http://x\",\"bấm\")"})], world["staff"])
    assert_rejected(report, "cột “Kết quả”")
    assert any("Ô chứa công thức" in m for m in messages(report))


def test_file_over_the_size_limit_is_rejected_before_reading(world, settings):
    settings.IMPORT_MAX_BYTES = 1000
    assert_rejected(upload(b"x" * 2000, "lon.csv"), "vượt giới hạn 0,0 MB")


def test_file_over_the_row_limit_is_rejected(world, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [row(**{"Tên mô hình": f"Mô hình {n}"}) for n in range(3)]
    assert_rejected(run(rows, world["staff"]), "Tệp có hơn 2 dòng dữ liệu")


def test_one_bad_row_keeps_the_good_rows_out(world):
    report = run([row(), row(**{"Tên mô hình": "Khác", "Cấp": "Trung ương"})], world["staff"])
    assert_rejected(report, "Dòng 3, cột “Cấp”")
    assert report.counts[imports.CREATE] == 1


def test_a_bad_last_row_takes_back_the_rows_written_while_it_was_checked(world):
    # Far more rows than the COPY is sent at a time: the first ones are in the database when the last is checked.
    rows = [row(**{"Tên mô hình": f"Mô hình {n}"}) for n in range(1200)] + [row(**{"Lĩnh vực": "Thể thao"})]
    report = run(rows, world["staff"])
    assert_rejected(report, "Dòng 1202, cột “Lĩnh vực”")
    assert report.counts[imports.CREATE] == 1200
    assert not RegistrationSummary.objects.exists()


def told_progress(rows, user, write):
    calls = []
    table = imports.read(make_sheet(HEADERS, rows), "dang-ky.xlsx")
    imports.run(REGS, table, "dang-ky.xlsx", user=user, write=write, progress=lambda **c: calls.append(c))
    return calls


def test_the_progress_shows_every_row_checked_before_the_write_ends(world):
    rows = [row(**{"Tên mô hình": f"Mô hình {n}"}) for n in range(1201)]
    calls = told_progress(rows, world["staff"], write=True)
    assert calls[-2:] == [{"checked": 1201}, {"written": 1201}]


def test_a_preview_ends_with_every_row_checked(world):
    rows = [row(**{"Tên mô hình": f"Mô hình {n}"}) for n in range(1201)]
    assert told_progress(rows, world["staff"], write=False)[-1] == {"checked": 1201}


def test_closed_year_is_refused_to_staff(world):
    YearClosure.objects.create(area=world["province"], year=2024)
    assert_rejected(run([row()], world["staff"]), "Năm 2024 đã khóa sổ")


def test_individual_exemplar_without_a_name_is_rejected(world):
    assert_rejected(run([row(**{"Loại điển hình": "Cá nhân"})], world["staff"]), "phải ghi họ tên")


def test_preview_writes_nothing(world):
    report = run([row()], world["staff"], write=False)
    assert report.ok and not report.written
    assert report.counts[imports.CREATE] == 1
    assert Registration.objects.count() == 0


# Units

UNIT_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã xã", "Đơn vị cấp trên", "Cấp"]


def run_units(rows, user, headers=UNIT_HEADERS):
    return imports.import_file(UNITS, make_sheet(headers, rows), "don-vi.xlsx", user=user, write=True)


def test_unit_file_creates_units_with_area_kind_and_a_parent_from_the_same_file(world):
    rows = [["CB-02", "Chi bộ ấp Tây", "to chuc dang", "31001", "DV-01", "Cơ sở"],
            ["CB-03", "Chi bộ ấp Nam", "Tổ chức Đảng", "31001", "CB-04", ""],
            ["CB-04", "Đảng ủy xã Tân Lập", "Tổ chức Đảng", "31001", "", "Huyện"]]
    report = run_units(rows, world["staff"])
    assert report.ok, messages(report)
    west, south, top = (Unit.objects.get(code=c) for c in ("CB-02", "CB-03", "CB-04"))
    assert (west.area, west.kind, west.parent, west.level) == (world["commune"], world["kind"], world["unit"],
                                                               "grassroots")
    assert south.parent == top and top.level == "district"
    assert ImportBatch.objects.get().kind == UNITS


def test_unit_file_twice_adds_nothing(world):
    rows = [["CB-02", "Chi bộ ấp Tây", "Tổ chức Đảng", "31001", "", "Cơ sở"]]
    run_units(rows, world["staff"])
    report = run_units(rows, world["staff"])
    assert report.counts[imports.UNCHANGED] == 1
    assert Unit.objects.filter(code="CB-02").count() == 1


def test_unit_in_an_area_outside_the_clerks_is_rejected(world):
    report = run_units([["CB-05", "Chi bộ xa", "Tổ chức Đảng", "32001", "", ""]], world["staff"])
    assert not report.ok
    assert any("không thuộc địa bàn bạn phụ trách" in m for m in messages(report))
    assert not Unit.objects.filter(code="CB-05").exists()


def test_unit_with_an_unknown_kind_is_rejected(world):
    report = run_units([["CB-06", "Chi bộ", "Hội đồng hương", "31001", "", ""]], world["staff"])
    assert any("Không có loại đơn vị này" in m for m in messages(report))
    assert not Unit.objects.filter(code="CB-06").exists()


def test_unit_file_without_an_area_column_is_rejected(world):
    report = run_units([["CB-07", "Chi bộ", "Tổ chức Đảng"]], world["staff"], headers=UNIT_HEADERS[:3])
    assert any("Thiếu cột địa bàn" in m for m in messages(report))


def test_user_without_role_cannot_import_any_unit(world):
    report = run([row()], make_user())
    assert_rejected(report, "Không có đơn vị mang mã này.")


def test_headers_match_the_design_contract():
    assert list(REGISTRATION_COLUMNS.values())[:3] == ["Năm", "Mã đơn vị", "Tên đơn vị"]
    assert {"Số tiền vận động (đồng)", "Đất hiến (m2)", "Hộ thoát nghèo"} <= set(REGISTRATION_COLUMNS.values())
    assert {"Mã xã cũ", "Mã huyện cũ", "Mã tỉnh cũ", "Đơn vị cấp trên"} <= set(UNIT_COLUMNS.values())


def test_status_in_a_file_does_not_change_an_existing_registration(world):
    existing = make_registration(world["unit"], year=2024, name="Tủ quần áo nghĩa tình", field="economy",
                                 status=Status.SUBMITTED)
    headers = HEADERS + ["Trạng thái"]
    report = run([row(**{"Số người tham gia": 5}) + ["Đã khen thưởng"]], world["staff"], headers=headers)
    assert report.ok and report.counts[imports.UPDATE] == 1
    existing.refresh_from_db()
    assert (existing.status, existing.participants) == (Status.SUBMITTED, 5)


def test_row_numbers_follow_the_sheet_across_blank_rows(world):
    report = run([row(), [None] * len(HEADERS), row(**{"Tên mô hình": "Khác", "Cấp": "Xã"})], world["staff"])
    assert_rejected(report, "Dòng 4, cột “Cấp” (giá trị “Xã”)")


def test_semicolon_separated_csv_is_read(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = "Năm;Mã đơn vị;Tên mô hình;Lĩnh vực\n2024;DV-01;Mô hình CSV;Kinh tế\n".encode("utf-8")
    report = imports.import_file(REGS, SimpleUploadedFile("a.csv", content), "a.csv", user=world["staff"], write=True)
    assert report.ok, messages(report)
    assert Registration.objects.get().name == "Mô hình CSV"


def test_csv_not_in_utf8_is_rejected_with_advice(world):
    content = b"N\xe3m,M\xe3 \xf0\xf4n v\xec\n2024,DV-01\n"  # Windows-1258 bytes, not UTF-8
    assert_rejected(upload(content, "cu.csv"), "UTF-8")


def test_sheet_with_inline_strings_is_read(world):
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Dữ liệu")
    sheet.append(["Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực", "Kết quả"])
    sheet.append([2024, "DV-01", "Mô hình <A> & B", "Kinh tế", "Dòng 1\nDòng 2"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = imports.import_file(REGS, SimpleUploadedFile("w.xlsx", buffer.getvalue()), "w.xlsx", user=world["staff"],
                           write=True)
    assert report.ok, messages(report)
    saved = Registration.objects.get()
    assert (saved.name, saved.results) == ("Mô hình <A> & B", "Dòng 1\nDòng 2")


def test_unit_file_leaves_an_entry_per_unit_in_the_administrators_change_log(world):
    run_units([["CB-02", "Chi bộ ấp Tây", "Tổ chức Đảng", "31001", "", "Cơ sở"]], world["staff"])
    run_units([["CB-02", "Chi bộ ấp Tây Mới", "Tổ chức Đảng", "31001", "", "Cơ sở"]], world["staff"])
    unit = Unit.objects.get(code="CB-02")
    entries = LogEntry.objects.filter(object_id=str(unit.pk)).order_by("action_time", "pk")
    assert [(e.action_flag, e.user) for e in entries] == [(ADDITION, world["staff"]), (CHANGE, world["staff"])]
    assert entries[0].change_message.endswith("tạo mới")
    assert "“don-vi.xlsx”" in entries[1].change_message and entries[1].change_message.endswith("sửa tên đơn vị")


def test_an_unchanged_unit_leaves_no_entry_in_the_change_log(world):
    rows = [["CB-02", "Chi bộ ấp Tây", "Tổ chức Đảng", "31001", "", "Cơ sở"]]
    run_units(rows, world["staff"])
    run_units(rows, world["staff"])
    assert LogEntry.objects.filter(object_id=str(Unit.objects.get(code="CB-02").pk)).count() == 1
