"""What the database refuses (models/validators.py, models/keys.py, text.py): names unique per unit
and year whatever the case or spacing, plausible figures and dates, length limits on texts, and a
commendation recorded once per decision. Each rule holds for forms and full_clean (a Vietnamese
message beside the field) and for the paths that skip them (create, bulk_create, update)."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from models_registry.models import Commendation, CommendationRound, Registration, Status, User, YearClosure
from models_registry.models.validators import MONEY, PEOPLE
from models_registry.services import commendations as rules
from models_registry.services import workflow
from models_registry.text import name_key, single_line
from tests.commendation_world import build_world
from tests.factories import make_portal_world, make_registration

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year


@pytest.fixture
def world():
    return make_portal_world()


def refused_by_database(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def field_errors(instance, exclude=()):
    with pytest.raises(ValidationError) as error:
        instance.full_clean(exclude=exclude)
    return error.value.message_dict


# Names ---------------------------------------------------------------------------------------

def test_names_are_tidied_nfc_without_invisible_characters_and_single_spaced():
    assert single_line("  Tu\u0309  quần\u200b áo\ufeff\n") == "Tủ quần áo"
    assert name_key("ĐƯỜNG  HOA nông thôn") == name_key("đường hoa Nông Thôn")


@pytest.mark.parametrize("spelling", ["tủ quần áo", "TỦ QUẦN ÁO", "Tủ  quần áo", "Tủ quần\u200b áo", "Tu\u0309 quần áo"])
def test_a_name_differing_only_by_case_spacing_or_invisible_characters_is_refused_by_the_database(world, spelling):
    make_registration(world.unit_a, year=YEAR, name="Tủ quần áo")
    refused_by_database(lambda: make_registration(world.unit_a, year=YEAR, name=spelling))
    refused_by_database(lambda: Registration.objects.bulk_create([
        Registration(unit=world.unit_a, year=YEAR, name=spelling, field="economy", area=world.commune_x,
                     unit_kind=world.kind)]))
    assert Registration.objects.count() == 1


def test_the_same_name_in_another_year_or_unit_is_allowed(world):
    make_registration(world.unit_a, year=YEAR, name="Tủ quần áo")
    make_registration(world.unit_a, year=YEAR - 1, name="TỦ QUẦN ÁO")
    make_registration(world.unit_b, year=YEAR, name="tủ quần áo")
    assert Registration.objects.count() == 3


def test_a_stored_name_is_tidied(world):
    registration = make_registration(world.unit_a, year=YEAR, name=" Tủ\u200b  quần áo ")
    registration.refresh_from_db()
    assert (registration.name, registration.name_key) == ("Tủ quần áo", "tủ quần áo")


def test_a_name_of_invisible_characters_only_is_empty_and_refused(world):
    registration = Registration(unit=world.unit_a, year=YEAR, name="\u200b\u200d \ufeff", field="economy")
    assert field_errors(registration)["name"] == ["Tên mô hình không được để trống."]
    refused_by_database(lambda: Registration.objects.bulk_create([
        Registration(unit=world.unit_a, year=YEAR, name="\u200b\u2060", field="economy", area=world.commune_x,
                     unit_kind=world.kind)]))


def test_full_clean_names_the_case_only_duplicate_beside_the_name(world):
    make_registration(world.unit_a, year=YEAR, name="Tủ quần áo")
    duplicate = Registration(unit=world.unit_a, year=YEAR, name="TỦ QUẦN ÁO", field="economy")
    # As a ModelForm asks: the key is not a form field.
    errors = field_errors(duplicate, exclude=["name_key", "area", "unit_kind"])
    assert errors["name"] == ["Đơn vị đã đăng ký một mô hình cùng tên trong năm này."]


def test_workflow_create_answers_a_case_only_duplicate_with_a_message(world):
    make_registration(world.unit_a, year=YEAR, name="Tủ quần áo")
    with pytest.raises(workflow.NotNow, match="cùng tên"):
        workflow.create(world.donvi_a, Registration(unit=world.unit_a, year=YEAR, name="tủ QUẦN áo", field="economy"))
    assert Registration.objects.count() == 1


def test_the_unit_form_refuses_a_case_only_duplicate_and_saves_nothing(client, world):
    make_registration(world.unit_a, year=YEAR, name="Tủ quần áo yêu thương")
    client.force_login(world.donvi_a)
    response = client.post("/don-vi/dang-ky/", {
        "year": YEAR, "name": "TỦ QUẦN ÁO  YÊU THƯƠNG", "field": "culture_society", "level": "grassroots",
        "exemplar_kind": "collective", "is_new": "on", "objectives": "Hỗ trợ", "content": "Quyên góp",
        "success_indicators": "200 lượt",
    })
    assert "Đơn vị đã đăng ký một mô hình cùng tên trong năm này." in response.content.decode()
    assert Registration.objects.count() == 1


# Years, figures, dates, texts ------------------------------------------------------------------

@pytest.mark.parametrize("year", [0, 1999, YEAR + 2, 32767])
def test_a_year_outside_the_portals_years_is_refused(world, year):
    registration = Registration(unit=world.unit_a, year=year, name="Mô hình", field="economy")
    assert "Năm phải từ 2010 đến" in field_errors(registration)["year"][0]


def test_absurd_figures_are_refused_with_the_bound_written_the_vietnamese_way(world):
    registration = make_registration(world.unit_a, year=YEAR)
    registration.money_mobilised = 9_223_372_036_854_775_807
    registration.participants = PEOPLE + 1
    errors = field_errors(registration)
    assert errors["money_mobilised"] == ["Con số quá lớn: tối đa 1.000.000.000.000.000."]
    assert errors["participants"] == ["Con số quá lớn: tối đa 100.000.000."]


@pytest.mark.parametrize("figure", ["participants", "beneficiaries", "money_mobilised", "land_donated_m2", "work_days",
                                    "houses", "households_out_of_poverty"])
def test_every_figure_is_bounded_in_the_database(world, figure):
    registration = make_registration(world.unit_a, year=YEAR)
    refused_by_database(lambda: Registration.objects.filter(pk=registration.pk).update(**{figure: 9 * 10**18}))


def test_the_largest_plausible_figures_are_stored(world):
    registration = make_registration(world.unit_a, year=YEAR, money_mobilised=MONEY, participants=PEOPLE)
    registration.full_clean()


@pytest.mark.parametrize("day", [datetime.date(1, 1, 1), datetime.date(9999, 12, 31)])
def test_dates_of_year_one_or_9999_are_refused(world, day):
    registration = make_registration(world.unit_a, year=YEAR)
    registration.start_date = day
    assert field_errors(registration)["start_date"][0].startswith("Ngày phải từ 01/01/1945 đến 31/12/")
    refused_by_database(lambda: Registration.objects.filter(pk=registration.pk).update(evaluation_date=day))


def test_the_unit_form_refuses_a_start_date_of_year_9999_beside_the_field(client, world):
    client.force_login(world.donvi_a)
    response = client.post("/don-vi/dang-ky/", {
        "year": YEAR, "name": "Mô hình ngày lạ", "field": "economy", "level": "grassroots",
        "exemplar_kind": "collective", "is_new": "on", "objectives": "Hỗ trợ", "content": "Quyên góp",
        "success_indicators": "200 lượt", "start_date": "31/12/9999",
    })
    assert "Ngày phải từ 01/01/1945 đến 31/12/" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_review_dated_year_9999_is_a_message(world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    with pytest.raises(workflow.NotNow) as error:
        workflow.record_review(world.canbo_xa, registration, kind="mid_year", review_date=datetime.date(9999, 12, 31))
    assert "review_date" in error.value.message_dict
    assert not registration.reviews.exists()


def test_an_evaluation_before_the_start_is_refused(world):
    registration = make_registration(world.unit_a, year=YEAR)
    registration.start_date, registration.evaluation_date = datetime.date(YEAR, 6, 1), datetime.date(YEAR, 1, 1)
    assert field_errors(registration)["evaluation_date"] == ["Ngày đánh giá không được trước ngày bắt đầu."]
    refused_by_database(lambda: Registration.objects.filter(pk=registration.pk).update(
        start_date=datetime.date(YEAR, 6, 1), evaluation_date=datetime.date(YEAR, 1, 1)))


def test_a_two_megabyte_results_text_is_refused(world):
    registration = make_registration(world.unit_a, year=YEAR)
    registration.results = "x" * 2_000_000
    assert "tối đa 10000" in field_errors(registration)["results"][0]
    refused_by_database(lambda: Registration.objects.filter(pk=registration.pk).update(results="x" * 2_000_000))


def test_the_results_form_shows_the_bounds_as_field_errors_and_changes_nothing(client, world):
    registration = make_registration(world.unit_a, year=YEAR, status=Status.ACCEPTED)
    client.force_login(world.donvi_a)
    response = client.post(f"/don-vi/mo-hinh/{registration.pk}/ket-qua/", {
        "participants": "1", "beneficiaries": "1", "money_mobilised": "9223372036854775807", "land_donated_m2": "0",
        "work_days": "0", "houses": "0", "households_out_of_poverty": "0", "results": "x" * 10_001,
        "version": registration.version,
    })
    page = response.content.decode()
    assert "Con số quá lớn: tối đa 1.000.000.000.000.000." in page
    assert "10000" in page
    registration.refresh_from_db()
    assert (registration.money_mobilised, registration.results) == (0, "")


def test_a_round_over_years_0_to_32767_is_refused(world):
    with pytest.raises(workflow.NotNow) as error:
        rules.create_round(world.canbo_tinh, name="Đợt", year_from=0, year_to=32767, opens_on=datetime.date(YEAR, 1, 1),
                           closes_on=datetime.date(YEAR, 2, 1))
    assert set(error.value.message_dict) == {"year_from", "year_to"}
    refused_by_database(lambda: CommendationRound.objects.create(
        name="Đợt", area=world.province, level="province", year_from=0, year_to=32767,
        opens_on=datetime.date(YEAR, 1, 1), closes_on=datetime.date(YEAR, 2, 1)))


def test_a_closure_year_uses_the_same_validator(world):
    closure = YearClosure(area=world.province, year=1900)
    assert "Năm phải từ 2010 đến" in field_errors(closure)["year"][0]


# Commendations ---------------------------------------------------------------------------------

@pytest.fixture
def commendation_world(db):
    return build_world()


def direct(world, registration, number="45-QĐ/HU"):
    return rules.enter_directly(
        world.commune_staff, registration, form=world.giay_khen, level="district", decision_number=number,
        decision_date=datetime.date(registration.year, 10, 15), authority="Huyện ủy Long Hồ",
    )


@pytest.mark.parametrize("again", ["45-QĐ/HU", "45 - qđ/hu", " 45-QĐ/HU\u200b"])
def test_the_same_direct_entry_twice_records_once_with_a_message(commendation_world, again):
    past = make_registration(commendation_world.unit, year=YEAR - 2, status=Status.COMPLETED)
    direct(commendation_world, past)
    with pytest.raises(rules.NotNow, match="đã được ghi"):
        direct(commendation_world, past, number=again)
    assert Commendation.objects.count() == 1


def test_a_duplicate_commendation_is_refused_by_the_database(commendation_world):
    past = make_registration(commendation_world.unit, year=YEAR - 2, status=Status.COMPLETED)
    commendation = direct(commendation_world, past)
    copy = {"registration": past, "form": commendation.form, "level": "district", "authority": "Huyện ủy",
            "decision_number": "45-qđ/hu", "decision_date": commendation.decision_date}
    refused_by_database(lambda: Commendation.objects.create(**copy))
    refused_by_database(lambda: Commendation.objects.bulk_create([Commendation(**copy)]))


def test_another_decision_for_the_same_model_is_recorded(commendation_world):
    past = make_registration(commendation_world.unit, year=YEAR - 2, status=Status.COMPLETED)
    direct(commendation_world, past)
    direct(commendation_world, past, number="46-QĐ/HU")
    assert Commendation.objects.count() == 2


def test_direct_entry_does_not_commend_a_model_of_a_closed_year(commendation_world):
    past = make_registration(commendation_world.unit, year=YEAR - 2, status=Status.COMPLETED)
    YearClosure.objects.create(area=commendation_world.province, year=past.year)
    with pytest.raises(rules.NotNow, match="đã khóa sổ: chỉ quản trị viên"):
        direct(commendation_world, past)
    past.refresh_from_db()
    assert (past.status, Commendation.objects.count()) == (Status.COMPLETED, 0)


def test_a_decision_dated_year_one_is_a_message_not_a_server_error(commendation_world):
    past = make_registration(commendation_world.unit, year=YEAR - 2, status=Status.COMPLETED)
    with pytest.raises(rules.NotNow) as error:
        rules.enter_directly(commendation_world.commune_staff, past, form=commendation_world.giay_khen,
                             level="district", decision_number="1", decision_date=datetime.date(1, 1, 1),
                             authority="Huyện ủy")
    assert "decision_date" in error.value.message_dict


# Existing rows ---------------------------------------------------------------------------------

BEFORE = [("models_registry", "0009_search_title")]


@pytest.mark.django_db(transaction=True)
def test_migrating_brings_existing_rows_inside_the_bounds_and_keeps_them():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        area = old.get_model("models_registry", "AdminArea").objects.create(
            structure="moi", code="T0001", name="Tỉnh Cũ", level="province")
        kind = old.get_model("models_registry", "UnitKind").objects.create(code="loai-cu", name="Loại cũ")
        unit = old.get_model("models_registry", "Unit").objects.create(code="DVCU1", name="Đơn vị cũ", kind=kind, area=area)
        OldRegistration = old.get_model("models_registry", "Registration")
        fields = {"unit": unit, "area": area, "unit_kind": kind, "year": YEAR - 1, "field": "economy"}
        first = OldRegistration.objects.create(name="Tủ quần áo", money_mobilised=2**62, results="x" * 20_000,
                                               start_date=datetime.date(1, 1, 1), **fields)
        second = OldRegistration.objects.create(name="tủ  quần\u200b áo", start_date=datetime.date(YEAR - 1, 6, 1),
                                                evaluation_date=datetime.date(YEAR - 1, 1, 1), **fields)
        form = old.get_model("models_registry", "CommendationForm").objects.create(code="gk-cu", name="Giấy khen")
        OldCommendation = old.get_model("models_registry", "Commendation")
        for number in ("45-QĐ/HU", "45 - qđ/hu"):
            OldCommendation.objects.create(registration_id=first.pk, form=form, level="district", authority="Huyện ủy",
                                           decision_number=number, decision_date=datetime.date(YEAR - 1, 10, 15))
    finally:
        MigrationExecutor(connection).migrate(latest)
    first, second = Registration.objects.get(pk=first.pk), Registration.objects.get(pk=second.pk)
    assert (first.name, second.name) == ("Tủ quần áo", "tủ quần áo (2)")
    assert (first.money_mobilised, len(first.results), first.start_date) == (MONEY, 10_000, None)
    assert (second.start_date, second.evaluation_date) == (datetime.date(YEAR - 1, 6, 1), None)
    assert Commendation.objects.filter(registration=first).count() == 1
    first.full_clean()


def test_the_admin_refuses_a_second_copy_of_a_decision_beside_its_number(client, commendation_world):
    past = make_registration(commendation_world.unit, year=YEAR - 2, status=Status.COMPLETED)
    direct(commendation_world, past)
    admin = User.objects.create_superuser(username="quantri", password="mat-khau-thu-nghiem", email="qt@example.org")
    client.force_login(admin)
    response = client.post("/admin/models_registry/commendation/add/", {
        "registration": past.pk, "form": commendation_world.giay_khen.pk, "level": "district",
        "authority": "Huyện ủy Long Hồ", "decision_number": "45 - qđ/hu", "decision_date": f"15/10/{past.year}",
        "signing_capacity": "", "revocation_ground": "",
    })
    assert response.status_code == 200
    assert "Quyết định này đã được ghi cho mô hình với hình thức khen thưởng này." in response.content.decode()
    assert Commendation.objects.count() == 1
