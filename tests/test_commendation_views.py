"""Pages under /quan-ly/khen-thuong/: who gets what, and what bad input answers."""
import datetime

import pytest

from models_registry.models import (
    Commendation,
    CommendationRound,
    CriteriaSet,
    Criterion,
    CriterionAssessment,
    Outcome,
    Proposal,
    ProposalStatus,
    Review,
    ReviewKind,
    Status,
)
from models_registry.services import commendations as rules

from .commendation_world import build_world, vote
from .factories import make_registration, make_round, make_unit, make_unit_user

pytestmark = pytest.mark.django_db
BASE = "/quan-ly/khen-thuong/"


@pytest.fixture
def world(db):
    return build_world()


def login(client, user):
    client.force_login(user)
    return client


def proposal_post(world, **overrides):
    data = vote(world, **overrides)
    data["vote_date"] = data["vote_date"].strftime("%d/%m/%Y")
    data.setdefault("registration", world.registration.pk)
    data.setdefault("reason_without_exemplary", "")
    return data


def make_proposal(world):
    return rules.propose(world.commune_staff, world.round, world.registration, **vote(world))


def accept_post(world, **overrides):
    data = {
        "form": world.bang_khen.pk, "decision_number": "125-QĐ/BTGDV", "decision_date": world.today.isoformat(),
        "authority": "Ban Tuyên giáo và Dân vận Tỉnh ủy Vĩnh Long", "recipient_name": "",
    }
    data.update(overrides)
    return data


def make_commendation(world):
    return rules.accept(world.province_staff, make_proposal(world), form=world.bang_khen,
                        decision_number="125-QĐ/BTGDV", decision_date=world.today,
                        authority="Ban Tuyên giáo và Dân vận Tỉnh ủy Vĩnh Long")


# Access ---------------------------------------------------------------------------------------

def test_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get(BASE)
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_unit_account_is_refused_the_rounds_page(client, world):
    assert login(client, world.unit_user).get(BASE).status_code == 403


def test_rounds_page_lists_rounds_and_offers_proposal_to_commune_staff(client, world):
    response = login(client, world.commune_staff).get(BASE)
    assert response.status_code == 200
    assert world.round.name in response.content.decode()
    assert f"{BASE}dot/{world.round.pk}/de-nghi/" in response.content.decode()


def test_rounds_page_query_count_does_not_grow_with_rounds(client, world, django_assert_max_num_queries):
    for _ in range(5):
        make_round(world.province)
    login(client, world.commune_staff)
    with django_assert_max_num_queries(10):
        assert client.get(BASE).status_code == 200


def test_round_page_query_count_does_not_grow_with_proposals(client, world, django_assert_max_num_queries):
    for n in range(5):
        registration = make_registration(world.unit, year=world.today.year, status=Status.COMPLETED,
                                          outcome=Outcome.EXEMPLARY, name=f"Mô hình {n}")
        rules.propose(world.commune_staff, world.round, registration, **vote(world))
    login(client, world.province_staff)
    with django_assert_max_num_queries(10):
        content = client.get(f"{BASE}dot/{world.round.pk}/").content.decode()
    assert content.count(">Quyết định</a>") == 5


def test_round_of_another_province_answers_404(client, world):
    assert login(client, world.other_province_staff).get(f"{BASE}dot/{world.round.pk}/").status_code == 404


# Rounds ---------------------------------------------------------------------------------------

def test_province_staff_open_a_province_round(client, world):
    response = login(client, world.province_staff).post(f"{BASE}dot/moi/", {
        "name": "Khen thưởng giai đoạn 2021–2025", "year_from": 2021, "year_to": 2025,
        "opens_on": "01/09/2026", "closes_on": "30/09/2026",
    })
    created = CommendationRound.objects.get(name="Khen thưởng giai đoạn 2021–2025")
    assert response.status_code == 302
    assert (created.area, created.level) == (world.province, "province")


def test_round_with_years_reversed_is_refused_in_vietnamese(client, world):
    response = login(client, world.province_staff).post(f"{BASE}dot/moi/", {
        "name": "Sai năm", "year_from": 2025, "year_to": 2021, "opens_on": "01/09/2026", "closes_on": "30/09/2026",
    })
    assert response.status_code == 200
    assert "“Đến năm” phải bằng hoặc sau “Từ năm”" in response.content.decode()
    assert not CommendationRound.objects.filter(name="Sai năm").exists()


def test_leader_cannot_open_a_round(client, world):
    assert login(client, world.province_leader).get(f"{BASE}dot/moi/").status_code == 403


# Proposals ------------------------------------------------------------------------------------

def test_commune_staff_send_a_proposal(client, world):
    response = login(client, world.commune_staff).post(f"{BASE}dot/{world.round.pk}/de-nghi/", proposal_post(world))
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}de-nghi/{proposal.pk}/"
    assert (proposal.votes_for, proposal.votes_present) == (18, 20)


def test_province_staff_cannot_open_the_proposal_form_of_their_own_round(client, world):
    assert login(client, world.province_staff).get(f"{BASE}dot/{world.round.pk}/de-nghi/").status_code == 403


def test_staff_of_another_province_get_404_on_the_proposal_form(client, world):
    response = login(client, world.other_province_staff).get(f"{BASE}dot/{world.round.pk}/de-nghi/")
    assert response.status_code == 404


def test_closed_round_refuses_the_proposal_with_a_message(client, world):
    world.round.opens_on = world.today - datetime.timedelta(days=20)
    world.round.closes_on = world.yesterday
    world.round.save()
    response = login(client, world.commune_staff).post(f"{BASE}dot/{world.round.pk}/de-nghi/", proposal_post(world))
    assert response.status_code == 200
    assert "chỉ nhận đề nghị từ" in response.content.decode()
    assert not Proposal.objects.exists()


def test_second_proposal_of_the_same_model_is_refused(client, world):
    make_proposal(world)
    response = login(client, world.commune_staff).post(f"{BASE}dot/{world.round.pk}/de-nghi/", proposal_post(world))
    assert response.status_code == 200
    assert "không đề nghị được trong đợt này" in response.content.decode()
    assert Proposal.objects.count() == 1


def test_inconsistent_votes_are_refused_on_the_field(client, world):
    response = login(client, world.commune_staff).post(
        f"{BASE}dot/{world.round.pk}/de-nghi/", proposal_post(world, votes_for=12, votes_against=9, votes_present=20)
    )
    assert response.status_code == 200
    assert "không được lớn hơn số người dự họp (20)" in response.content.decode()
    assert not Proposal.objects.exists()


def test_model_of_another_commune_is_not_offered(client, world):
    other = make_registration(make_unit(world.other_commune), year=world.today.year, name="Mô hình xã bên",
                              status=Status.COMPLETED, outcome=Outcome.EXEMPLARY)
    response = login(client, world.commune_staff).get(f"{BASE}dot/{world.round.pk}/de-nghi/")
    assert world.registration.name in response.content.decode()
    assert other.name not in response.content.decode()


def test_proposal_page_shows_criteria_assessment_and_reviews(client, world):
    criteria_set = CriteriaSet.objects.create(unit_kind=world.unit.kind, name="Bộ tiêu chí thử")
    criterion = Criterion.objects.create(criteria_set=criteria_set, title="Được nhân dân đồng tình hưởng ứng")
    CriterionAssessment.objects.create(registration=world.registration, criterion=criterion, met=True)
    Review.objects.create(registration=world.registration, kind=ReviewKind.YEAR_END, review_date=world.today,
                          outcome=Outcome.EXEMPLARY, summary="Lan tỏa ra ba xã lân cận.")
    proposal = make_proposal(world)
    content = login(client, world.province_staff).get(f"{BASE}de-nghi/{proposal.pk}/").content.decode()
    assert "Được nhân dân đồng tình hưởng ứng" in content
    assert "Lan tỏa ra ba xã lân cận." in content
    assert "Quyết định khen thưởng" in content


# Decisions ------------------------------------------------------------------------------------

def test_province_staff_accept_and_the_model_is_commended(client, world):
    proposal = make_proposal(world)
    response = login(client, world.province_staff).post(f"{BASE}de-nghi/{proposal.pk}/khen-thuong/",
                                                        accept_post(world))
    world.registration.refresh_from_db()
    assert response.status_code == 302
    assert Commendation.objects.get().decision_number == "125-QĐ/BTGDV"
    assert world.registration.status == Status.COMMENDED


def test_proposing_commune_staff_get_403_on_decision(client, world):
    proposal = make_proposal(world)
    response = login(client, world.commune_staff).post(f"{BASE}de-nghi/{proposal.pk}/khen-thuong/",
                                                       accept_post(world))
    assert response.status_code == 403
    assert not Commendation.objects.exists()


def test_staff_of_another_province_get_404_on_decision(client, world):
    proposal = make_proposal(world)
    response = login(client, world.other_province_staff).post(f"{BASE}de-nghi/{proposal.pk}/khong-khen-thuong/",
                                                              {"note": "Không"})
    assert response.status_code == 404


def test_decision_pages_refuse_get(client, world):
    proposal = make_proposal(world)
    assert login(client, world.province_staff).get(f"{BASE}de-nghi/{proposal.pk}/khen-thuong/").status_code == 405


def test_decline_without_a_note_is_refused(client, world):
    proposal = make_proposal(world)
    response = login(client, world.province_staff).post(f"{BASE}de-nghi/{proposal.pk}/khong-khen-thuong/",
                                                        {"note": ""})
    proposal.refresh_from_db()
    assert response.status_code == 400
    assert "Trường này là bắt buộc" in response.content.decode()
    assert proposal.status == ProposalStatus.PENDING


def test_form_not_issued_by_the_level_is_refused_on_the_page(client, world):
    proposal = make_proposal(world)
    response = login(client, world.province_staff).post(f"{BASE}de-nghi/{proposal.pk}/khen-thuong/",
                                                        accept_post(world, form=world.giay_khen.pk))
    assert response.status_code == 400
    assert not Commendation.objects.exists()


def test_deciding_twice_only_says_it_is_decided(client, world):
    commendation = make_commendation(world)
    response = login(client, world.province_staff).post(
        f"{BASE}de-nghi/{commendation.proposal.pk}/khong-khen-thuong/", {"note": "Đổi ý"}, follow=True
    )
    assert "Đề nghị này đã được quyết định." in response.content.decode()
    assert Proposal.objects.get().status == ProposalStatus.ACCEPTED


# Commendation list, direct entry ---------------------------------------------------------------

def test_commendation_list_shows_commendations_in_scope_only(client, world, django_assert_max_num_queries):
    make_commendation(world)
    login(client, world.commune_staff)
    with django_assert_max_num_queries(8):
        mine = client.get(f"{BASE}danh-sach/").content.decode()
    theirs = login(client, world.other_province_staff).get(f"{BASE}danh-sach/").content.decode()
    assert "125-QĐ/BTGDV" in mine
    assert "125-QĐ/BTGDV" not in theirs


def test_commendation_list_filters_by_form(client, world):
    make_commendation(world)
    content = login(client, world.province_staff).get(f"{BASE}danh-sach/?hinh-thuc=giay-khen").content.decode()
    assert "125-QĐ/BTGDV" not in content


def test_direct_entry_finds_and_records_a_past_year_commendation(client, world):
    past = make_registration(world.unit, year=world.today.year - 2, name="Dân vận khéo trong hiến đất làm đường",
                             status=Status.COMPLETED)
    login(client, world.commune_staff)
    found = client.get(f"{BASE}nhap-truc-tiep/", {"q": "hien dat"}).content.decode()
    assert f"?mo-hinh={past.pk}" in found
    response = client.post(f"{BASE}nhap-truc-tiep/?mo-hinh={past.pk}", {
        "form": world.giay_khen.pk, "level": "district", "decision_number": "45-QĐ/HU",
        "decision_date": f"15/10/{past.year}", "authority": "Huyện ủy Long Hồ", "recipient_name": "",
    })
    assert response.status_code == 302
    assert past.commendations.get().decision_number == "45-QĐ/HU"


def test_direct_entry_of_the_current_year_is_refused(client, world):
    response = login(client, world.commune_staff).post(f"{BASE}nhap-truc-tiep/?mo-hinh={world.registration.pk}", {
        "form": world.giay_khen.pk, "level": "grassroots", "decision_number": "1", "decision_date":
        world.today.strftime("%d/%m/%Y"), "authority": "Đảng ủy xã",
    })
    assert response.status_code == 200
    assert "những năm trước" in response.content.decode()
    assert not Commendation.objects.exists()


def test_direct_entry_of_a_model_outside_scope_answers_404(client, world):
    past = make_registration(world.unit, year=world.today.year - 2, status=Status.COMPLETED)
    response = login(client, world.other_commune_staff).get(f"{BASE}nhap-truc-tiep/?mo-hinh={past.pk}")
    assert response.status_code == 404


# Certificates ---------------------------------------------------------------------------------

def test_certificate_page_shows_recipient_model_and_decision(client, world):
    commendation = make_commendation(world)
    content = login(client, world.commune_staff).get(f"{BASE}{commendation.pk}/giay-khen/").content.decode()
    assert "BẰNG KHEN" in content
    assert "Hội Liên hiệp Phụ nữ xã Thường Thới Tiền" in content
    assert "“Tủ quần áo yêu thương”" in content
    assert f"Quyết định số 125-QĐ/BTGDV ngày {world.today:%d/%m/%Y}" in content
    assert "size: A4 landscape" in content


def test_unit_account_prints_its_own_certificate(client, world):
    commendation = make_commendation(world)
    assert login(client, world.unit_user).get(f"{BASE}{commendation.pk}/giay-khen/").status_code == 200


def test_another_unit_account_gets_404_on_the_certificate(client, world):
    commendation = make_commendation(world)
    stranger = make_unit_user(make_unit(world.commune))
    assert login(client, stranger).get(f"{BASE}{commendation.pk}/giay-khen.pdf").status_code == 404


def test_certificate_downloads_as_pdf(client, world):
    commendation = make_commendation(world)
    response = login(client, world.province_staff).get(f"{BASE}{commendation.pk}/giay-khen.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert f"giay-chung-nhan-khen-thuong-{commendation.pk}.pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
