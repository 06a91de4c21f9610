
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from models_registry.models import Field, ImportBatch, Registration, Status, Unit, UnitKind
from models_registry.resources import RegistrationResource, UnitResource, neutralise
from models_registry.services import imports
from models_registry.services.imports.columns import Figure, Label, Text
from models_registry.services.imports.registrations import NEW_OR_CONTINUED

from .factories import make_commune, make_district, make_province, make_registration, make_unit, make_user

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
                      content="- Lắp camera \"an ninh\", báo động\n- Trực đêm", results="-Không còn trộm", objectives="+100% hộ")
    make_registration(world["old_unit"], year=2019, name="Gương người tốt", field="political_system",
                      exemplar_kind="individual", person_name="Trần Văn Bảy", person_position="Trưởng công an",
                      status=Status.ACCEPTED, houses=3)
    before = snapshot()
    content = RegistrationResource().export(Registration.objects.all()).export("xlsx")
    Registration.objects.all().delete()
    report = imports.import_file(ImportBatch.Kind.REGISTRATIONS, SimpleUploadedFile("xuat.xlsx", content), "xuat.xlsx",
                                 write=True)
    assert report.ok, [str(p) for p in report.problems]
    # A file never sets a status (issue 20): every re-created registration is accepted.
    status = COMPARED.index("status")
    assert snapshot() == sorted(row[:status] + (Status.ACCEPTED,) + row[status + 1:] for row in before)


def test_exported_csv_reimports_unchanged(world):
    make_registration(world["unit"], year=2024, name="Ấp văn hóa", field="culture_society", results="@mọi nhà")
    content = ("\ufeff" + RegistrationResource().export(Registration.objects.all()).export("csv")).encode("utf-8")
    report = imports.import_file(ImportBatch.Kind.REGISTRATIONS, SimpleUploadedFile("xuat.csv", content), "xuat.csv",
                                 write=True)
    assert report.ok and report.counts[imports.UNCHANGED] == 1


def test_exported_units_reimport_to_the_same_data(world):
    make_unit(world["commune"], kind=world["kind"], code="CA-02", name="Tổ an ninh ấp 1", parent=world["unit"])
    before = sorted(Unit.objects.values_list("code", "name", "kind_id", "area_id", "parent_id", "level"))
    content = UnitResource().export(Unit.objects.all()).export("xlsx")
    report = imports.import_file(ImportBatch.Kind.UNITS, SimpleUploadedFile("dv.xlsx", content), "dv.xlsx", write=True)
    assert report.ok, [str(p) for p in report.problems]
    assert report.counts[imports.UNCHANGED] == 3
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
    assert Label("field", "Lĩnh vực", Field.choices).clean(text) == "economy"


def test_new_or_continued_accepts_plain_letters():
    column = Label("is_new", "Mới/Duy trì", NEW_OR_CONTINUED)
    assert (column.clean("moi"), column.clean("DUY TRÌ")) == (True, False)


@pytest.mark.parametrize("value, number", [("1.500.000", 1500000), ("1,500,000", 1500000), (12.0, 12), ("", 0),
                                           (None, 0), (" 42 ", 42)])
def test_figures_accept_vietnamese_thousands(value, number):
    assert Figure("participants", "Số người tham gia").clean(value) == number


@pytest.mark.parametrize("value, message", [(-3, "không được âm"), ("-3", "không được âm"), (2.5, "số nguyên"),
                                            ("mười", "số nguyên")])
def test_figures_refuse_negative_and_non_whole_numbers(value, message):
    with pytest.raises(ValueError, match=message):
        Figure("participants", "Số người tham gia").clean(value)


def test_text_is_normalised_to_nfc_and_trimmed():
    assert Text("name", "Tên").clean("  Tie\u0302\u0301n bo\u0323\u0302  ") == "Tiến bộ"


@pytest.mark.parametrize("value", ["=1+1", " =A1", "+SUM(A1:A2)", "@HYPERLINK(\"x\")", "-cmd(1)"])
def test_text_refuses_formulas(value):
    with pytest.raises(ValueError, match="công thức"):
        Text("name", "Tên").clean(value)


@pytest.mark.parametrize("value", ["- gạch đầu dòng", "+84 912 345 678", "'+84 912", "'- gạch"])
def test_text_keeps_ordinary_text_starting_with_a_sign(value):
    assert Text("name", "Tên").clean(value) == value.lstrip("'")


@pytest.mark.parametrize("value", ["'=HYPERLINK(\"http://x\",\"bấm\")", "'=đã vô hiệu", "'+SUM(A1)"])
def test_an_apostrophe_before_a_formula_is_kept_so_the_text_stays_inert(value):
    assert Text("name", "Tên").clean(value) == value


def test_a_formula_kept_as_text_is_stored_as_typed_and_exported_inert(world):
    from .factories import make_sheet

    sheet = make_sheet(["Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực", "Kết quả"],
                       [[2024, "CA-01", "Mô hình", "Kinh tế", "'=HYPERLINK(\"http://x\",\"bấm\")"]], name="a.csv")
    report = imports.import_file(ImportBatch.Kind.REGISTRATIONS, sheet, "a.csv")
    assert report.ok, [str(p) for p in report.problems]
    registration = Registration.objects.get()
    assert registration.results == "'=HYPERLINK(\"http://x\",\"bấm\")"
    dataset = RegistrationResource().export(Registration.objects.all())
    assert dict(zip(dataset.headers, dataset[0], strict=True))["Kết quả"] == registration.results


@pytest.mark.parametrize("value", ["=A1", "+1", "-2", "@x"])
def test_neutralise_prefixes_formula_starts(value):
    assert neutralise(value) == "'" + value


def test_the_admin_offers_export_but_no_import(client, world):
    admin = make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    for model in ("registration", "unit"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:models_registry_{model}_import")
        assert client.get(reverse(f"admin:models_registry_{model}_export")).status_code == 200
