import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from models_registry.models import (
    Attachment,
    Commendation,
    CommendationForm,
    ExemplarKind,
    Field,
    Level,
    Outcome,
    Registration,
    Status,
    Structure,
)
from tests.factories import (
    make_commune,
    make_district,
    make_kind,
    make_province,
    make_registration,
    make_staff,
    make_unit,
)

pytestmark = pytest.mark.django_db

UNPUBLISHED = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.WITHDRAWN]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def province():
    return make_province(name="Tỉnh Vĩnh Long")


@pytest.fixture
def commune(province):
    return make_commune(province, name="Phường Long Châu")


@pytest.fixture
def unit(commune):
    return make_unit(commune, name="Hội Phụ nữ phường Long Châu")


def published(unit, **extra):
    extra.setdefault("status", Status.ACCEPTED)
    return make_registration(unit, **extra)


def commend(registration, decision_number="123/QĐ-UBND"):
    form, _ = CommendationForm.objects.get_or_create(code="giay-khen", defaults={"name": "Giấy khen"})
    return Commendation.objects.create(
        registration=registration, form=form, level=Level.DISTRICT, authority="UBND huyện Long Hồ",
        decision_number=decision_number, decision_date=datetime.date(2024, 10, 15),
    )


def attach(registration, content_type="image/png", is_public=True, caption="Ảnh buổi ra quân"):
    return Attachment.objects.create(
        registration=registration, file=SimpleUploadedFile("anh.png", PNG, content_type=content_type),
        original_name="anh.png", content_type=content_type, size=len(PNG), caption=caption, is_public=is_public,
    )


def listed(client, **params):
    response = client.get("/mo-hinh/", params)
    assert response.status_code == 200
    return {registration.name for registration in response.context["page"].object_list}


# Home

def test_home_shows_this_years_figures_by_field(client, unit):
    year = timezone.localdate().year
    published(unit, year=year, field=Field.ECONOMY, outcome=Outcome.EXEMPLARY)
    published(unit, year=year, field=Field.ECONOMY)
    published(unit, year=year, field=Field.DEFENCE_SECURITY, status=Status.COMMENDED)
    make_registration(unit, year=year, status=Status.SUBMITTED)
    figures = client.get("/").context["figures"]
    assert (figures["year"], figures["total"], figures["exemplary"], figures["commended"]) == (year, 3, 1, 1)
    assert [count for _value, _label, count in figures["by_field"]] == [2, 0, 1, 0]


def test_home_falls_back_to_latest_year_with_models(client, unit):
    published(unit, year=2023)
    figures = client.get("/").context["figures"]
    assert (figures["year"], figures["total"]) == (2023, 1)


def test_home_lists_recent_exemplary_and_commended_models_only_when_published(client, unit):
    exemplary = published(unit, name="Điển hình đã duyệt", status=Status.COMPLETED, outcome=Outcome.EXEMPLARY)
    commended = published(unit, name="Được khen", status=Status.COMMENDED)
    published(unit, name="Bình thường")
    make_registration(unit, name="Điển hình đã rút", status=Status.WITHDRAWN, outcome=Outcome.EXEMPLARY)
    response = client.get("/")
    assert set(response.context["recent"]) == {exemplary, commended}
    assert "Điển hình đã rút" not in response.content.decode()


def test_home_has_search_box_title_and_description(client):
    html = client.get("/").content.decode()
    assert 'action="/mo-hinh/"' in html and 'name="q"' in html and '<label for="tim-trang-chu"' in html
    assert "<title>Trang chủ" in html and '<meta name="description" content="Tìm và học hỏi' in html


# List: only published

@pytest.mark.parametrize("status", UNPUBLISHED)
def test_list_hides_unpublished_models(client, unit, status):
    published(unit, name="Đã duyệt")
    make_registration(unit, name="Không công khai", status=status)
    assert listed(client) == {"Đã duyệt"}


def test_list_shows_only_published_even_to_staff(client, unit, province):
    client.force_login(make_staff(province))
    make_registration(unit, name="Nháp", status=Status.DRAFT)
    assert listed(client) == set()


def test_list_search_without_diacritics(client, unit):
    published(unit, name="Dân vận khéo vì người nghèo")
    published(unit, name="Camera an ninh")
    assert listed(client, q="dan van kheo") == {"Dân vận khéo vì người nghèo"}


def test_list_escapes_html_in_query(client, unit):
    html = client.get("/mo-hinh/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


# List: filters

@pytest.fixture
def spread(province):
    """Models across fields, places, years, levels, kinds and exemplar kinds."""
    other_province = make_province(name="Tỉnh Cà Mau")
    school = make_kind(code="khoi-thu", name="Khối thử")
    clinic = make_kind(code="nhanh-thu", name="Nhánh thử", parent=school)
    front = make_kind(code="mat-tran-thu", name="Mặt trận thử")
    here = make_commune(province, name="Xã An Bình")
    there = make_commune(province, name="Xã Hòa Ninh")
    far = make_commune(other_province, name="Xã Tân Hưng")
    return {
        "A": published(make_unit(here, kind=school), name="A", year=2024, field=Field.ECONOMY, level=Level.GRASSROOTS),
        "B": published(make_unit(there, kind=clinic), name="B", year=2024, field=Field.ECONOMY, level=Level.DISTRICT,
                       exemplar_kind=ExemplarKind.INDIVIDUAL, person_name="Nguyễn Văn An"),
        "C": published(make_unit(far, kind=front), name="C", year=2023, field=Field.CULTURE_SOCIETY,
                       level=Level.PROVINCE, status=Status.COMMENDED),
        "D": published(make_unit(here, kind=front), name="D", year=2023, field=Field.ECONOMY),
        "province": province, "here": here, "other_province": other_province,
    }


def test_filter_by_field(client, spread):
    assert listed(client, **{"linh-vuc": "economy"}) == {"A", "B", "D"}


def test_filter_by_province_and_commune(client, spread):
    assert listed(client, tinh=spread["province"].code) == {"A", "B", "D"}
    assert listed(client, tinh=spread["province"].code, xa=spread["here"].code) == {"A", "D"}


def test_filter_by_current_province_includes_legacy_areas_that_roll_up(client, province, spread):
    old_province = make_province(structure=Structure.LEGACY, name="Tỉnh Bến Tre")
    old_province.current_province = province
    old_province.save()
    old_commune = make_commune(make_district(old_province), name="Xã Phú Túc")
    published(make_unit(old_commune), name="Cũ", year=2019)
    assert "Cũ" in listed(client, tinh=province.code)
    assert "Cũ" not in listed(client, tinh=spread["other_province"].code)


def test_filter_by_year_level_and_exemplar_kind(client, spread):
    assert listed(client, nam=2023) == {"C", "D"}
    assert listed(client, cap="district") == {"B"}
    assert listed(client, **{"loai-dien-hinh": "individual"}) == {"B"}


def test_filter_by_unit_kind_includes_its_sub_kinds(client, spread):
    assert listed(client, **{"loai-don-vi": "khoi-thu"}) == {"A", "B"}
    assert listed(client, **{"loai-don-vi": "nhanh-thu"}) == {"B"}


def test_filter_by_commended(client, spread):
    commend(spread["D"])
    assert listed(client, **{"khen-thuong": "co"}) == {"C", "D"}
    assert listed(client, **{"khen-thuong": "khong"}) == {"A", "B"}


def test_filters_combine(client, spread):
    params = {"linh-vuc": "economy", "nam": 2024, "tinh": spread["province"].code, "cap": "grassroots"}
    assert listed(client, **params) == {"A"}
    assert listed(client, **params, q="zzz") == set()


def test_commune_without_province_is_refused_with_a_message(client, spread):
    response = client.get("/mo-hinh/", {"xa": spread["here"].code})
    assert "Hãy chọn tỉnh/thành phố trước khi chọn xã/phường." in response.content.decode()
    assert {r.name for r in response.context["page"].object_list} == {"A", "B", "C", "D"}


def test_unknown_filter_value_is_reported_and_ignored(client, spread):
    response = client.get("/mo-hinh/", {"linh-vuc": "bogus", "nam": "2024"})
    assert "Giá trị “bogus” không có trong danh sách, hãy chọn lại." in response.content.decode()
    assert {r.name for r in response.context["page"].object_list} == {"A", "B"}


def test_searches_with_other_filters_each_show_their_own_filter_values(client, spread):
    selected = 'value="{}" selected'
    first = client.get("/mo-hinh/", {"q": "mo hinh", "linh-vuc": "economy"}).content.decode()
    second = client.get("/mo-hinh/", {"q": "khac", "linh-vuc": "culture_society"}).content.decode()
    third = client.get("/mo-hinh/", {"q": "khac nua", "linh-vuc": "economy"}).content.decode()
    assert selected.format("economy") in first and selected.format("culture_society") not in first
    assert selected.format("culture_society") in second and selected.format("economy") not in second
    assert selected.format("economy") in third and 'value="khac nua"' in third


def test_a_search_with_a_wrong_filter_value_reports_it_after_one_without(client, spread):
    client.get("/mo-hinh/", {"q": "mo hinh", "nam": "2024"})
    response = client.get("/mo-hinh/", {"q": "mo hinh", "nam": "2024", "linh-vuc": "bogus"})
    assert "Giá trị “bogus” không có trong danh sách, hãy chọn lại." in response.content.decode()


def test_sort_by_name(client, unit):
    for name in ("Chợ", "An", "Bến"):
        published(unit, name=name)
    response = client.get("/mo-hinh/", {"sap-xep": "ten"})
    assert [r.name for r in response.context["page"].object_list] == ["An", "Bến", "Chợ"]


def test_pagination_keeps_filters_in_links(client, unit):
    for n in range(15):
        published(unit, name=f"Mô hình {n}", year=2024)
    response = client.get("/mo-hinh/", {"nam": 2024})
    assert len(response.context["page"].object_list) == 12
    assert f'href="?nam=2024&amp;sau={response.context["page"].next_cursor}"' in response.content.decode()


def test_list_query_count_does_not_grow_with_page_size(client, django_assert_max_num_queries):
    province = make_province()
    for n in range(50):
        unit = make_unit(make_commune(province))
        registration = published(unit, name=f"Mô hình {n}", outcome=Outcome.EXEMPLARY)
        if n % 2:
            commend(registration)
    with django_assert_max_num_queries(5):
        assert len(client.get("/mo-hinh/", {"so-dong": 12}).context["page"].object_list) == 12
    with django_assert_max_num_queries(5):
        assert len(client.get("/mo-hinh/", {"so-dong": 48}).context["page"].object_list) == 48


# Detail

@pytest.mark.parametrize("status", UNPUBLISHED)
def test_detail_of_unpublished_model_is_404(client, unit, status):
    registration = make_registration(unit, status=status)
    assert client.get(f"/mo-hinh/{registration.pk}/").status_code == 404


def test_detail_of_unknown_id_is_404(client):
    assert client.get("/mo-hinh/999999/").status_code == 404


def test_detail_tells_the_story_with_formatted_figures(client, unit):
    registration = published(
        unit, name="Ngân hàng bò", situation="Nhiều hộ thiếu vốn", objectives="Giúp 20 hộ thoát nghèo",
        content="Mỗi hộ nhận một con bò", results="Đàn bò tăng gấp đôi", money_mobilised=1234567,
        beneficiaries=80, status=Status.COMPLETED, outcome=Outcome.EXEMPLARY,
    )
    html = client.get(f"/mo-hinh/{registration.pk}/").content.decode()
    for text in ("Nhiều hộ thiếu vốn", "Giúp 20 hộ thoát nghèo", "Mỗi hộ nhận một con bò", "Đàn bò tăng gấp đôi",
                 "1.234.567", "Hội Phụ nữ phường Long Châu", "Phường Long Châu, Tỉnh Vĩnh Long", "Điển hình"):
        assert text in html
    assert "<title>Ngân hàng bò (2025)" in html
    assert '<meta name="description" content="Hội Phụ nữ phường Long Châu – Giúp 20 hộ thoát nghèo">' in html


def test_detail_of_legacy_area_names_the_current_province(client, province):
    old_province = make_province(structure=Structure.LEGACY, name="Tỉnh Bến Tre")
    old_province.current_province = province
    old_province.save()
    current_commune = make_commune(province, name="Xã Phú Túc mới")
    old_commune = make_commune(make_district(old_province, name="Huyện Châu Thành"), name="Xã Phú Túc",
                               successor=current_commune)
    registration = published(make_unit(old_commune), year=2019)
    html = client.get(f"/mo-hinh/{registration.pk}/").content.decode()
    assert "Huyện Châu Thành" in html and "Tỉnh Bến Tre" in html
    assert "Theo địa giới trước ngày 01/7/2025." in html
    assert "Nay thuộc Xã Phú Túc mới, Tỉnh Vĩnh Long." in html


def test_detail_links_the_years_of_the_same_model_skipping_unpublished(client, unit):
    first = published(unit, year=2022, name="Bò 2022")
    hidden = make_registration(unit, year=2023, name="Bò 2023", continues=first, status=Status.WITHDRAWN)
    middle = published(unit, year=2024, name="Bò 2024", continues=hidden)
    last = published(unit, year=2025, name="Bò 2025", continues=middle)
    response = client.get(f"/mo-hinh/{middle.pk}/")
    assert response.context["years"] == [first, middle, last]
    html = response.content.decode()
    assert f'href="/mo-hinh/{first.pk}/"' in html and f'href="/mo-hinh/{last.pk}/"' in html
    assert "Bò 2023" not in html


def test_detail_lists_published_replications_only(client, unit, province):
    original = published(unit, name="Tủ quần áo 0 đồng")
    elsewhere = make_unit(make_commune(province, name="Xã Tân Ngãi"), name="Đoàn xã Tân Ngãi")
    copy = published(elsewhere, name="Tủ quần áo 0 đồng Tân Ngãi", replicates=original)
    make_registration(make_unit(make_commune(province)), name="Bản nháp nhân rộng", replicates=original)
    response = client.get(f"/mo-hinh/{original.pk}/")
    assert [node.registration for node in response.context["replication_tree"].children] == [copy]
    assert "Đoàn xã Tân Ngãi" in response.content.decode()
    assert "Bản nháp nhân rộng" not in response.content.decode()


def test_detail_of_replication_links_its_published_original(client, unit, province):
    original = published(unit, name="Tủ quần áo 0 đồng")
    copy = published(make_unit(make_commune(province)), replicates=original)
    assert f'href="/mo-hinh/{original.pk}/"' in client.get(f"/mo-hinh/{copy.pk}/").content.decode()


def test_detail_hides_unpublished_original(client, unit, province):
    original = make_registration(unit, name="Gốc chưa duyệt", status=Status.RETURNED)
    copy = published(make_unit(make_commune(province)), replicates=original)
    assert "Gốc chưa duyệt" not in client.get(f"/mo-hinh/{copy.pk}/").content.decode()


def test_detail_shows_commendations(client, unit):
    registration = published(unit, status=Status.COMMENDED)
    commend(registration)
    html = client.get(f"/mo-hinh/{registration.pk}/").content.decode()
    assert "Giấy khen" in html and "Quyết định số 123/QĐ-UBND ngày 15/10/2024" in html


def test_detail_shows_only_public_images(client, unit):
    registration = published(unit)
    shown = attach(registration, caption="Ảnh công khai")
    hidden = attach(registration, is_public=False, caption="Ảnh nội bộ")
    pdf = attach(registration, content_type="application/pdf", caption="Biên bản")
    html = client.get(f"/mo-hinh/{registration.pk}/").content.decode()
    assert f"/anh/{shown.pk}/" in html
    assert f"/anh/{hidden.pk}/" not in html and f"/anh/{pdf.pk}/" not in html


def test_public_photo_is_served(client, unit):
    registration = published(unit)
    photo = attach(registration)
    response = client.get(f"/mo-hinh/{registration.pk}/anh/{photo.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


@pytest.mark.parametrize(
    "status, content_type, is_public",
    [(Status.SUBMITTED, "image/png", True), (Status.ACCEPTED, "image/png", False),
     (Status.ACCEPTED, "application/pdf", True), (Status.ACCEPTED, "image/svg+xml", True)],
)
def test_photo_of_unpublished_model_private_or_not_a_photo_is_404(client, unit, status, content_type, is_public):
    registration = make_registration(unit, status=status)
    attachment = attach(registration, content_type=content_type, is_public=is_public)
    assert client.get(f"/mo-hinh/{registration.pk}/anh/{attachment.pk}/").status_code == 404


def test_photo_under_another_models_id_is_404(client, unit):
    photo = attach(published(unit))
    other = published(unit)
    assert client.get(f"/mo-hinh/{other.pk}/anh/{photo.pk}/").status_code == 404


def test_detail_suggests_similar_models_from_other_places(client, unit):
    registration = published(unit, name="Nuôi bò sinh sản giúp hộ nghèo")
    elsewhere = make_unit(make_commune(make_province()), name="Hội Nông dân xã Tân Hưng")
    twin = published(elsewhere, name="Bò sinh sản cho hộ nghèo")
    response = client.get(f"/mo-hinh/{registration.pk}/")
    assert response.context["similar"] == [twin]
    assert "Mô hình tương tự ở nơi khác" in response.content.decode()


def test_detail_has_print_button(client, unit):
    registration = published(unit)
    assert "data-print" in client.get(f"/mo-hinh/{registration.pk}/").content.decode()


def test_detail_refuses_post(client, unit):
    assert client.post(f"/mo-hinh/{published(unit).pk}/").status_code == 405


# Sitemap and robots.txt

def test_sitemap_lists_published_models_only(client, unit):
    shown = published(unit)
    hidden = make_registration(unit, status=Status.DRAFT)
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-mo-hinh.xml" in index and "/sitemap-trang.xml" in index
    section = client.get("/sitemap-mo-hinh.xml").content.decode()
    assert f"/mo-hinh/{shown.pk}/" in section and f"/mo-hinh/{hidden.pk}/" not in section


def test_robots_txt_points_to_sitemap_and_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /quan-ly/" in text and "Sitemap: http://testserver/sitemap.xml" in text


def test_registration_count_is_untouched_by_browsing(client, unit):
    registration = published(unit)
    client.get(f"/mo-hinh/{registration.pk}/")
    client.get("/mo-hinh/", {"q": "'; DELETE FROM models_registry_registration; --"})
    assert Registration.objects.count() == 1


def test_list_card_of_legacy_area_names_the_current_province(client, province):
    old_province = make_province(structure=Structure.LEGACY, name="Tỉnh Bến Tre")
    old_province.current_province = province
    old_province.save()
    published(make_unit(make_commune(make_district(old_province), name="Xã Phú Túc")), year=2019)
    assert "Xã Phú Túc, Tỉnh Bến Tre" in client.get("/mo-hinh/").content.decode()
    assert "nay thuộc Tỉnh Vĩnh Long" in client.get("/mo-hinh/").content.decode()


def test_detail_query_count_does_not_grow_with_replications_and_commendations(client, unit, django_assert_max_num_queries):
    registration = published(unit, status=Status.COMMENDED)
    for n in range(12):
        copy = published(make_unit(make_commune(make_province())), replicates=registration)
        attach(registration, caption=f"Ảnh {n}")
        # One commendation per registration, form and decision: each of these is a decision of its own.
        commend(registration, decision_number=f"{100 + n}/QĐ-UBND")
        commend(copy)
    with django_assert_max_num_queries(8):
        response = client.get(f"/mo-hinh/{registration.pk}/")
    assert len(response.context["replication_tree"].children) == 12


def test_detail_of_split_legacy_commune_says_which_successor_is_shown(client, province):
    old_province = make_province(structure=Structure.LEGACY, name="Tỉnh Bến Tre")
    old_province.current_province = province
    old_province.save()
    old_commune = make_commune(make_district(old_province), name="Xã Phú Túc", successor=make_commune(province, name="Xã Mới"))
    old_commune.is_split = True
    old_commune.save()
    registration = published(make_unit(old_commune), year=2019)
    html = client.get(f"/mo-hinh/{registration.pk}/").content.decode()
    assert "Nay thuộc Xã Mới (xã cũ đã được chia cho nhiều xã mới; đây là xã kế thừa chính), Tỉnh Vĩnh Long." in html
