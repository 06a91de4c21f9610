
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from models_registry import importing
from models_registry.models import Action, Field, ImportBatch, Registration, RegistrationEvent, Status, Unit, UnitKind
from models_registry.resources import (
    NEW_OR_CONTINUED,
    FigureWidget,
    LabelWidget,
    RegistrationResource,
    TextWidget,
    UnitResource,
    neutralise,
)

from .factories import make_commune, make_district, make_province, make_registration, make_unit

pytestmark = pytest.mark.django_db
COMPARED = ["unit_id", "year", "name", "field", "level", "exemplar_kind", "person_name", "person_position", "is_new",
            "status", "objectives", "content", "results", "participants", "beneficiaries", "money_mobilised",
            "land_donated_m2", "work_days", "houses", "households_out_of_poverty"]


@pytest.fixture
def world():
    province = make_province(code="91")
    commune = make_commune(province, code="31001", name="Xã Tân Lập")
    legacy_district = make_district(make_province(code="93", structure="cu"), code="931")
    legacy_commune = make_commune(legacy_district, code="93101", successor=commune)
    kind = UnitKind.objects.get(code="cong-an")
    unit = make_unit(commune, kind=kind, code="CA-01", name="Công an xã Tân Lập")
    old_unit = make_unit(legacy_commune, kind=kind, code="CA-OLD", name="Công an xã cũ")
    return {"province": province, "commune": commune, "unit": unit, "old_unit": old_unit, "kind": kind}


def snapshot():
    return sorted(Registration.objects.values_list(*COMPARED))


def test_exported_registrations_reimport_to_the_same_data(world):
    make_registration(world["unit"], year=2024, name="Camera an ninh", field="defence_security", level="district",
                      status=Status.COMPLETED, participants=12, money_mobilised=2500000, is_new=False,
                      content="- Lắp camera \"an ninh\", báo động\n- Trực đêm", results="=Không còn trộm", objectives="+100% hộ")
    make_registration(world["old_unit"], year=2019, name="Gương người tốt", field="political_system",
                      exemplar_kind="individual", person_name="Trần Văn Bảy", person_position="Trưởng công an",
                      status=Status.ACCEPTED, houses=3)
    before = snapshot()
    content = RegistrationResource().export(Registration.objects.all()).export("xlsx")
    Registration.objects.all().delete()
    report = importing.run(ImportBatch.Kind.REGISTRATIONS, SimpleUploadedFile("xuat.xlsx", content), "xuat.xlsx",
                           write=True)
    assert report.ok, [str(p) for p in report.problems]
    assert snapshot() == before


def test_exported_csv_reimports_unchanged(world):
    make_registration(world["unit"], year=2024, name="Ấp văn hóa", field="culture_society", results="@mọi nhà")
    content = ("\ufeff" + RegistrationResource().export(Registration.objects.all()).export("csv")).encode("utf-8")
    report = importing.run(ImportBatch.Kind.REGISTRATIONS, SimpleUploadedFile("xuat.csv", content), "xuat.csv",
                           write=True)
    assert report.ok and report.counts[importing.UNCHANGED] == 1


def test_exported_units_reimport_to_the_same_data(world):
    make_unit(world["commune"], kind=world["kind"], code="CA-02", name="Tổ an ninh ấp 1", parent=world["unit"])
    before = sorted(Unit.objects.values_list("code", "name", "kind_id", "area_id", "parent_id", "level"))
    content = UnitResource().export(Unit.objects.all()).export("xlsx")
    report = importing.run(ImportBatch.Kind.UNITS, SimpleUploadedFile("dv.xlsx", content), "dv.xlsx", write=True)
    assert report.ok, [str(p) for p in report.problems]
    assert report.counts[importing.UNCHANGED] == 3
    assert sorted(Unit.objects.values_list("code", "name", "kind_id", "area_id", "parent_id", "level")) == before


def test_export_writes_labels_as_shown_in_the_design(world):
    make_registration(world["unit"], year=2024, name="Mô hình", field="culture_society", is_new=False)
    dataset = RegistrationResource().export(Registration.objects.all())
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert (row["Lĩnh vực"], row["Cấp"], row["Loại điển hình"], row["Mới/Duy trì"]) == (
        "Văn hóa - Xã hội", "Cơ sở", "Tập thể", "Duy trì")
    assert (row["Mã xã"], row["Mã xã cũ"], row["Tên đơn vị"]) == ("31001", "", "Công an xã Tân Lập")


@pytest.mark.parametrize("text", ["kinh te", "KINH TẾ", "Kinh  tế", "kinh-te", "economy"])
def test_field_labels_match_without_diacritics_in_any_case(text):
    assert LabelWidget(Field.choices).clean(text) == "economy"


def test_new_or_continued_accepts_plain_letters():
    widget = LabelWidget(NEW_OR_CONTINUED)
    assert (widget.clean("moi"), widget.clean("DUY TRÌ")) == (True, False)


@pytest.mark.parametrize("value, number", [("1.500.000", 1500000), ("1,500,000", 1500000), (12.0, 12), ("", 0),
                                           (None, 0), (" 42 ", 42)])
def test_figures_accept_vietnamese_thousands(value, number):
    assert FigureWidget().clean(value) == number


@pytest.mark.parametrize("value, message", [(-3, "không được âm"), ("-3", "không được âm"), (2.5, "số nguyên"),
                                            ("mười", "số nguyên")])
def test_figures_refuse_negative_and_non_whole_numbers(value, message):
    with pytest.raises(ValueError, match=message):
        FigureWidget().clean(value)


def test_text_is_normalised_to_nfc_and_trimmed():
    assert TextWidget().clean("  Tie\u0302\u0301n bo\u0323\u0302  ") == "Tiến bộ"


@pytest.mark.parametrize("value", ["=1+1", " =A1", "+SUM(A1:A2)", "@HYPERLINK(\"x\")", "-cmd(1)"])
def test_text_refuses_formulas(value):
    with pytest.raises(ValueError, match="công thức"):
        TextWidget().clean(value)


@pytest.mark.parametrize("value", ["- gạch đầu dòng", "+84 912 345 678", "'=đã vô hiệu"])
def test_text_keeps_ordinary_text_starting_with_a_sign(value):
    assert TextWidget().clean(value) == value.lstrip("'")


@pytest.mark.parametrize("value", ["=A1", "+1", "-2", "@x"])
def test_neutralise_prefixes_formula_starts(value):
    assert neutralise(value) == "'" + value


def test_admin_row_by_row_import_creates_registrations_with_history(world):
    dataset = tablib.Dataset(headers=["Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực", "Cấp"])
    dataset.append([2024, "CA-01", "Tổ tự quản", "quoc phong - an ninh", "co so"])
    result = RegistrationResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), [
        e.error for row in result.row_errors() for e in row[1]]
    registration = Registration.objects.get()
    assert (registration.unit, registration.field, registration.status) == (
        world["unit"], "defence_security", Status.ACCEPTED)
    assert RegistrationEvent.objects.get().action == Action.IMPORTED


def test_admin_import_finds_the_unit_by_name_in_a_commune(world):
    dataset = tablib.Dataset(headers=["Năm", "Tên đơn vị", "Mã xã", "Tên mô hình", "Lĩnh vực"])
    dataset.append([2024, "cong an xa tan lap", "31001", "Tổ tự quản", "Kinh tế"])
    result = RegistrationResource().import_data(dataset, dry_run=False)
    assert not result.has_validation_errors()
    assert Registration.objects.get().unit == world["unit"]


def test_admin_import_reports_an_unknown_label(world):
    dataset = tablib.Dataset(headers=["Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực"])
    dataset.append([2024, "CA-01", "Tổ tự quản", "Thể thao"])
    result = RegistrationResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert Registration.objects.count() == 0


def test_admin_unit_import_sets_the_area(world):
    dataset = tablib.Dataset(headers=["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã xã cũ"])
    dataset.append(["CA-03", "Công an ấp", "Lực lượng vũ trang / Công an", "93101"])
    result = UnitResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    unit = Unit.objects.get(code="CA-03")
    assert (unit.area.code, unit.kind) == ("93101", world["kind"])
