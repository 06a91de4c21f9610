"""Achievement history and eligibility warnings when proposing: facts to weigh, never a refusal."""
import datetime

import pytest

from models_registry.models import ExemplarKind, Proposal, Status
from models_registry.services import commendations as rules

from .commendation_world import build_world, vote
from .factories import make_registration, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def earlier_commendation(world, registration, form, level, number="01-QĐ/BDV", year_offset=1):
    """A decision recorded on paper for an earlier year of the same model."""
    earlier = make_registration(world.unit, year=world.today.year - year_offset, name=f"{registration.name} (trước)",
                                status=Status.COMPLETED, exemplar_kind=registration.exemplar_kind,
                                person_name=registration.person_name)
    registration.continues = earlier
    registration.is_new = False
    registration.save()
    return rules.enter_directly(
        world.province_staff, earlier, form=form, level=level, decision_number=number,
        decision_date=datetime.date(earlier.year, 10, 15), authority="Ban Dân vận Tỉnh ủy",
    )


def test_duplicate_warning_for_a_model_already_commended_at_the_same_level(client, world):
    earlier_commendation(world, world.registration, world.bang_khen, "province", number="77-QĐ/BDV")
    client.force_login(world.commune_staff)
    response = client.get(f"/quan-ly/khen-thuong/dot/{world.round.pk}/de-nghi/?mo-hinh={world.registration.pk}")
    assert response.status_code == 200
    warnings = response.context["warnings"]
    assert any("đã được Bằng khen cấp tỉnh theo Quyết định số 77-QĐ/BDV" in w for w in warnings)
    assert "77-QĐ/BDV" in response.content.decode()


def test_no_duplicate_warning_for_a_lower_level(world):
    earlier_commendation(world, world.registration, world.giay_khen, "district")
    warnings = rules.warnings_for(world.registration, "province")
    assert not any("xem lại có trùng thành tích" in w for w in warnings)


def test_prerequisite_warning_states_how_many_are_held(world):
    earlier_commendation(world, world.registration, world.giay_khen, "district")
    warnings = rules.warnings_for(world.registration, "province")
    assert "Bằng khen thường cần có 2 lần Giấy khen trước đó; tập thể này mới có 1 lần." in warnings


def test_no_prerequisite_warning_once_met(world):
    earlier_commendation(world, world.registration, world.giay_khen, "district", number="01")
    other = make_registration(world.unit, year=world.today.year - 3, name="Mô hình cũ khác", status=Status.COMPLETED)
    rules.enter_directly(world.province_staff, other, form=world.giay_khen, level="district", decision_number="02",
                         decision_date=datetime.date(other.year, 10, 15), authority="Ban Dân vận")
    assert rules.warnings_for(world.registration, "province") == []


def test_a_persons_history_counts_only_that_person(world):
    person = make_registration(world.unit, year=world.today.year, name="Gương mẫu", status=Status.COMPLETED,
                               exemplar_kind=ExemplarKind.INDIVIDUAL, person_name="Nguyễn Thị Ánh", outcome="exemplary")
    earlier_commendation(world, world.registration, world.giay_khen, "district")
    warnings = rules.warnings_for(person, "province")
    assert "Bằng khen thường cần có 2 lần Giấy khen trước đó; cá nhân này mới có 0 lần." in warnings


def test_a_warned_proposal_is_still_sent(client, world):
    earlier_commendation(world, world.registration, world.bang_khen, "province", number="77-QĐ/BDV")
    client.force_login(world.commune_staff)
    data = vote(world)
    data["vote_date"] = data["vote_date"].strftime("%d/%m/%Y")
    response = client.post(f"/quan-ly/khen-thuong/dot/{world.round.pk}/de-nghi/",
                           {"registration": world.registration.pk, **data}, follow=True)
    assert Proposal.objects.filter(registration=world.registration, round=world.round).exists()
    assert "77-QĐ/BDV" in response.content.decode()


def test_revoked_commendations_do_not_count_towards_warnings(world):
    commendation = earlier_commendation(world, world.registration, world.bang_khen, "province")
    rules.revoke(world.province_staff, [commendation], ground="false_claim", decision_number="9-QĐ",
                 decision_date=world.today)
    assert not any("xem lại có trùng thành tích" in w for w in rules.warnings_for(world.registration, "province"))


def test_unit_history_page_shows_models_and_commendations_over_the_years(client, world):
    earlier_commendation(world, world.registration, world.giay_khen, "district", number="55-QĐ/BDV")
    client.force_login(world.province_staff)
    response = client.get(f"/quan-ly/khen-thuong/don-vi/{world.unit.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Tủ quần áo yêu thương (trước)" in text and "55-QĐ/BDV" in text


def test_person_history_page_is_for_individual_exemplars_only(client, world):
    client.force_login(world.province_staff)
    assert client.get(f"/quan-ly/khen-thuong/ca-nhan/{world.registration.pk}/").status_code == 404
    person = make_registration(world.unit, year=world.today.year, name="Gương mẫu", status=Status.COMPLETED,
                               exemplar_kind=ExemplarKind.INDIVIDUAL, person_name="Nguyễn Thị Ánh")
    response = client.get(f"/quan-ly/khen-thuong/ca-nhan/{person.pk}/")
    assert response.status_code == 200
    assert "Nguyễn Thị Ánh" in response.content.decode()


def test_history_of_another_province_is_not_found(client, world):
    client.force_login(world.other_province_staff)
    assert client.get(f"/quan-ly/khen-thuong/don-vi/{world.unit.pk}/").status_code == 404


def test_round_years_do_not_hide_the_history(world):
    period = make_round(world.province, year_from=world.today.year - 4, year_to=world.today.year)
    earlier_commendation(world, world.registration, world.bang_khen, "province", number="88")
    assert any("88" in w for w in rules.warnings_for(world.registration, period.level))
