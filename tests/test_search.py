import unicodedata

import pytest

from models_registry.models import Registration, Status
from models_registry.search import parse_query, search_registrations, similar_registrations
from tests.factories import make_commune, make_province, make_registration, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return make_commune(make_province(name="Tỉnh Vĩnh Long"))


def published(unit, **extra):
    return make_registration(unit, status=Status.ACCEPTED, **extra)


def found(query):
    return set(search_registrations(Registration.objects.published(), query).values_list("name", flat=True))


def test_query_without_diacritics_finds_model_name(commune):
    published(make_unit(commune), name="Dân vận khéo trong xây dựng nông thôn mới")
    published(make_unit(commune), name="Tổ tự quản an ninh")
    assert found("dan van kheo") == {"Dân vận khéo trong xây dựng nông thôn mới"}


def test_query_without_diacritics_finds_words_in_content(commune):
    published(make_unit(commune), name="Tổ vay vốn", content="Giúp 40 hộ nghèo vay vốn nuôi bò")
    published(make_unit(commune), name="Tuyến đường hoa", content="Trồng hoa ven đường")
    assert found("ho ngheo") == {"Tổ vay vốn"}


def test_query_finds_words_in_results_objectives_and_unit_name(commune):
    published(make_unit(commune, name="Hội Nông dân xã Long Hồ"), name="Mô hình A", results="Xóa 12 căn nhà tạm")
    published(make_unit(commune), name="Mô hình B", objectives="Không còn trẻ bỏ học")
    assert found("nong dan long ho") == {"Mô hình A"}
    assert found("nha tam") == {"Mô hình A"}
    assert found("bo hoc") == {"Mô hình B"}


def test_decomposed_nfd_query_finds_composed_nfc_data(commune):
    published(make_unit(commune), name=unicodedata.normalize("NFC", "Đường điện thắp sáng"))
    assert found(unicodedata.normalize("NFD", "đường điện")) == {"Đường điện thắp sáng"}


def test_composed_query_finds_data_typed_in_nfd(commune):
    published(make_unit(commune), name=unicodedata.normalize("NFD", "Khuyến học khuyến tài"))
    assert len(found("khuyến học")) == 1


def test_search_ignores_case(commune):
    published(make_unit(commune), name="Dân vận khéo")
    assert found("DÂN VẬN KHÉO") == {"Dân vận khéo"}
    assert found("DAN VAN") == {"Dân vận khéo"}


def test_words_match_in_any_order_and_all_must_be_present(commune):
    published(make_unit(commune), name="Chi hội phụ nữ giúp hộ nghèo")
    published(make_unit(commune), name="Chi hội nông dân")
    assert found("ngheo phu nu") == {"Chi hội phụ nữ giúp hộ nghèo"}
    assert found("ngheo nong dan") == set()


@pytest.mark.parametrize("query", ["%", "_", "' OR 1=1 --", "\"; DROP TABLE models_registry_registration; --", "<script>"])
def test_sql_and_html_characters_match_nothing_and_break_nothing(commune, query):
    published(make_unit(commune), name="Mô hình bình thường")
    assert found(query) == set()
    assert Registration.objects.count() == 1


def test_percent_sign_matches_literally(commune):
    published(make_unit(commune), name="Đạt 100% hộ dùng nước sạch")
    published(make_unit(commune), name="Đạt 1000 hộ")
    assert found("100%") == {"Đạt 100% hộ dùng nước sạch"}


def test_empty_query_keeps_everything(commune):
    published(make_unit(commune))
    published(make_unit(commune))
    assert len(found("   ")) == 2


def test_long_query_is_capped():
    parsed = parse_query(" ".join(f"w{n}" for n in range(500)))
    assert len(parsed.terms) == 8 and len(parsed.words) == 8


def test_similar_models_come_from_other_places_and_share_words():
    home, elsewhere = make_commune(make_province()), make_commune(make_province())
    model = published(make_unit(home), name="Nuôi bò sinh sản giúp hộ nghèo", content="Cho vay bò giống")
    twin = published(make_unit(elsewhere), name="Ngân hàng bò giúp hộ nghèo")
    published(make_unit(home), name="Ngân hàng bò giúp hộ nghèo xã nhà")
    published(make_unit(elsewhere), name="Camera an ninh khu phố")
    similar = similar_registrations(model, Registration.objects.published())
    assert similar == [twin]


def test_similar_models_leave_out_unpublished():
    home, elsewhere = make_commune(make_province()), make_commune(make_province())
    model = published(make_unit(home), name="Nuôi bò sinh sản giúp hộ nghèo")
    make_registration(make_unit(elsewhere), name="Nuôi bò sinh sản", status=Status.SUBMITTED)
    make_registration(make_unit(elsewhere), name="Bò sinh sản giúp hộ nghèo", status=Status.WITHDRAWN)
    assert similar_registrations(model, Registration.objects.published()) == []


def test_similar_models_rank_by_shared_words():
    home, elsewhere = make_commune(make_province()), make_commune(make_province())
    model = published(make_unit(home), name="Nuôi bò sinh sản giúp hộ nghèo")
    weak = published(make_unit(elsewhere), name="Bò giống cho thanh niên")
    strong = published(make_unit(elsewhere), name="Bò sinh sản cho hộ nghèo")
    assert similar_registrations(model, Registration.objects.published()) == [strong, weak]


def test_similar_models_use_two_queries_whatever_the_data(django_assert_max_num_queries):
    home, elsewhere = make_commune(make_province()), make_commune(make_province())
    model = published(make_unit(home), name="Nuôi bò sinh sản giúp hộ nghèo")
    unit = make_unit(elsewhere)
    for n in range(30):
        published(unit, name=f"Bò sinh sản số {n}")
    with django_assert_max_num_queries(2):
        assert len(similar_registrations(model, Registration.objects.published(), limit=4)) == 4
