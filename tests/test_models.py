import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from models_registry.models import Registration, Status
from tests.factories import make_commune, make_province, make_registration, make_unit


@pytest.fixture
def unit(db):
    return make_unit(make_commune(make_province()))


def test_duplicate_registration_for_same_unit_year_and_name_is_rejected(unit):
    make_registration(unit, year=2024, name="Tủ quần áo yêu thương")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_registration(unit, year=2024, name="Tủ quần áo yêu thương")
    assert Registration.objects.count() == 1


def test_same_model_name_in_another_year_is_allowed(unit):
    make_registration(unit, year=2024, name="Tủ quần áo yêu thương")
    make_registration(unit, year=2025, name="Tủ quần áo yêu thương")
    assert Registration.objects.count() == 2


def test_negative_figure_is_rejected_by_the_database(unit):
    registration = make_registration(unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(money_mobilised=-1)
    registration.refresh_from_db()
    assert registration.money_mobilised == 0


def test_negative_figure_fails_validation_in_vietnamese(unit):
    registration = make_registration(unit)
    registration.participants = -5
    with pytest.raises(ValidationError) as error:
        registration.full_clean()
    assert "participants" in error.value.message_dict


def test_year_before_2010_is_rejected_by_the_database(unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_registration(unit, year=2009)


def test_year_after_next_year_fails_validation(unit):
    registration = make_registration(unit)
    registration.year = datetime.date.today().year + 2
    with pytest.raises(ValidationError) as error:
        registration.full_clean()
    assert "Năm phải từ 2010" in error.value.message_dict["year"][0]


def test_individual_exemplar_needs_a_person_name(unit):
    registration = make_registration(unit, exemplar_kind="individual")
    with pytest.raises(ValidationError) as error:
        registration.full_clean()
    assert "person_name" in error.value.message_dict


def test_registration_copies_area_and_kind_from_its_unit(unit):
    registration = make_registration(unit)
    assert registration.area_id == unit.area_id
    assert registration.unit_kind_id == unit.kind_id


def test_search_text_is_accent_free_and_lower_case(unit):
    registration = make_registration(unit, name="Dân vận KHÉO vì hộ nghèo")
    assert "dan van kheo vi ho ngheo" in registration.search_text


def test_published_means_accepted_or_later_and_not_withdrawn(unit):
    shown = {make_registration(unit, status=s).pk for s in (Status.ACCEPTED, Status.COMPLETED, Status.COMMENDED)}
    for hidden in (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.WITHDRAWN):
        make_registration(unit, status=hidden)
    assert set(Registration.objects.published().values_list("pk", flat=True)) == shown


def test_choice_labels_are_shown_in_vietnamese_and_unknown_values_as_they_are():
    registration = Registration(status=Status.ACCEPTED, field="economy", outcome="", level="xa-cu")
    assert registration.get_status_display() == "Đã duyệt"
    assert registration.get_field_display() == "Kinh tế"
    assert registration.get_outcome_display() == ""
    assert registration.get_level_display() == "xa-cu"
