"""Relevance order, quoted phrases and highlighting of the public search (search.py)."""
import re

import pytest
from django.urls import reverse

from models_registry import search
from models_registry.models import Registration, Status
from models_registry.search import highlight, list_order, parse_query, ranked, search_registrations, snippet
from tests.factories import make_commune, make_province, make_registration, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return make_commune(make_province(name="Tỉnh Vĩnh Long"))


def published(commune, name, year=2024, **extra):
    return make_registration(make_unit(commune), year=year, name=name, status=Status.ACCEPTED, **extra)


def names(query, queryset=None):
    queryset = search_registrations(queryset or Registration.objects.published(), query)
    return [row.name for row in ranked(queryset, query)[:50]]


def test_all_words_in_the_title_come_before_a_newer_model_with_some_of_them(commune):
    published(commune, "Tủ quần áo yêu thương", year=2020)
    published(commune, "Tổ tự quản an ninh trật tự", year=2025, content="Phát quần áo cũ cho bà con")
    assert names("tu quan ao") == ["Tủ quần áo yêu thương", "Tổ tự quản an ninh trật tự"]


def test_the_word_typed_with_its_diacritics_comes_before_the_same_folded_word(commune):
    published(commune, "Tủ quần áo yêu thương", year=2020)
    published(commune, "Tổ tự quản an ninh trật tự", year=2025)
    assert names("tủ") == ["Tủ quần áo yêu thương", "Tổ tự quản an ninh trật tự"]
    # Typed without diacritics, both names hold the word: the newer comes first.
    assert names("tu") == ["Tổ tự quản an ninh trật tự", "Tủ quần áo yêu thương"]


def test_two_words_of_a_title_find_it_first_among_many_newer_content_matches(commune):
    for number in range(15):
        published(commune, f"Mô hình số {number}", year=2025, results="Tình làng nghĩa xóm gắn bó hơn.")
    published(commune, "Bữa cơm nghĩa tình cho bệnh nhân nghèo", year=2019)
    found = names("nghia tinh")
    assert found[0] == "Bữa cơm nghĩa tình cho bệnh nhân nghèo"
    assert len(found) == 16


def test_the_title_phrase_comes_before_the_same_words_apart(commune):
    published(commune, "Tình nghĩa xóm làng", year=2025)
    published(commune, "Nghĩa tình biên giới", year=2020)
    assert names("nghia tinh") == ["Nghĩa tình biên giới", "Tình nghĩa xóm làng"]


def test_recency_breaks_ties_within_a_tier(commune):
    published(commune, "Thắp sáng đường quê", year=2021)
    published(commune, "Thắp sáng đường quê ấp Bình An", year=2024)
    assert names("thap sang") == ["Thắp sáng đường quê ấp Bình An", "Thắp sáng đường quê"]


def test_pages_continue_across_tiers_without_gaps_or_repeats(commune):
    for number in range(5):
        published(commune, f"Nghĩa tình {number}", year=2020 + number)
        published(commune, f"Mô hình {number}", year=2020 + number, content="tình làng nghĩa xóm")
    queryset = search_registrations(Registration.objects.published(), "nghia tinh")
    whole = [row.pk for row in ranked(queryset, "nghia tinh")[0:10]]
    pages = [row.pk for start in range(0, 10, 3) for row in ranked(queryset, "nghia tinh")[start : start + 3]]
    assert pages == whole and len(set(whole)) == 10


def test_count_stops_at_the_cap_and_says_so(commune, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    for number in range(5):
        published(commune, f"Mô hình {number}")
    results = ranked(search_registrations(Registration.objects.published(), "mo hinh"), "mo hinh")
    assert results.count() == 3 and results.is_capped


def test_a_broad_search_still_puts_an_old_title_match_before_newer_content_matches(commune, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    monkeypatch.setattr(search, "WINDOW", 4)
    published(commune, "Bữa cơm nghĩa tình", year=2016)
    for number in range(6):
        published(commune, f"Mô hình {number}", year=2025, results="Tình làng nghĩa xóm.")
    assert names("nghia tinh")[0] == "Bữa cơm nghĩa tình"


def test_a_broad_search_whose_newest_matches_fill_the_page_reads_only_them(commune, monkeypatch,
                                                                          django_assert_max_num_queries):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    monkeypatch.setattr(search, "WINDOW", 4)
    for number in range(6):
        published(commune, f"Nghĩa tình {number}", year=2020 + number)
    published(commune, "Mô hình cũ", year=2016, results="Tình làng nghĩa xóm.")
    results = ranked(search_registrations(Registration.objects.published(), "nghia tinh"), "nghia tinh")
    assert results.is_capped
    with django_assert_max_num_queries(2):
        assert [row.name for row in results[0:2]] == ["Nghĩa tình 5", "Nghĩa tình 4"]
    assert [row.name for row in results[0:7]][-1] == "Mô hình cũ"


def test_a_chosen_sort_keeps_its_order_instead_of_relevance(commune):
    queryset = Registration.objects.published().order_by("-year")
    assert list_order(queryset, "tu quan ao", "moi-nhat") is queryset
    assert isinstance(list_order(queryset, "tu quan ao", ""), search.RankedResults)
    assert list_order(queryset, "", "") is queryset


def test_a_quoted_phrase_matches_only_the_words_together_in_that_order(commune):
    published(commune, "Giúp hộ nghèo vay vốn")
    published(commune, "Hộ gia đình không còn nghèo")
    published(commune, "Nghèo nhưng hộ nào cũng góp")
    assert names('"hộ nghèo"') == ["Giúp hộ nghèo vay vốn"]
    assert names("“ho ngheo”") == ["Giúp hộ nghèo vay vốn"]
    assert set(names("ho ngheo")) == {"Giúp hộ nghèo vay vốn", "Hộ gia đình không còn nghèo", "Nghèo nhưng hộ nào cũng góp"}


def test_a_quoted_phrase_does_not_match_inside_longer_words(commune):
    published(commune, "Thọ nghèo khó")
    assert names('"ho ngheo"') == []


def test_a_phrase_and_plain_words_combine(commune):
    published(commune, "Hộ nghèo nuôi bò", content="")
    published(commune, "Hộ nghèo trồng lúa", content="")
    assert names('"ho ngheo" bo') == ["Hộ nghèo nuôi bò"]


def test_parse_query_keeps_typed_diacritics_apart_from_folded_words():
    parsed = parse_query('Tủ "quần áo" yêu')
    assert parsed.phrases == [["quan", "ao"]]
    assert parsed.terms == ["tu", "yeu"]
    assert parsed.words == ["quan", "ao", "tu", "yeu"]
    assert parsed.exact == ["tủ", "quần", "áo", "yêu"]


def test_highlight_marks_words_whatever_the_diacritics_and_escapes_html():
    marked = highlight('Tủ <b>quần</b> áo & "yêu thương"', "quan ao")
    assert str(marked) == "Tủ &lt;b&gt;<mark>quần</mark>&lt;/b&gt; <mark>áo</mark> &amp; &quot;yêu thương&quot;"


def test_highlight_joins_words_found_side_by_side():
    assert str(highlight("Tủ quần áo yêu thương", "ao quan tu")) == "<mark>Tủ quần áo</mark> yêu thương"


def test_highlight_of_a_script_tag_in_the_query_and_the_name_stays_text():
    marked = str(highlight("Mô hình <script>alert(1)</script>", "<script>"))
    assert "<script>" not in marked and "&lt;<mark>script</mark>&gt;" in marked


def test_highlight_leaves_words_inside_other_words_alone():
    assert str(highlight("Ban an ninh", "an")) == "Ban <mark>an</mark> ninh"


def test_highlight_marks_the_right_letters_after_characters_that_fold_to_several_or_none():
    # A Hangul syllable folds to three letters and a stray accent to none: the marks still fall
    # on the word found, not beside it.
    assert str(highlight("한 hộ nghèo", "ho ngheo")) == "한 <mark>hộ nghèo</mark>"
    assert str(highlight("a\u0301\u0301 hộ nghèo", "ngheo")) == "á\u0301 hộ <mark>nghèo</mark>"


def test_snippet_shows_the_passage_around_the_first_word_found(commune):
    registration = published(
        commune, "Mô hình A", content=" ".join(["chữ"] * 80) + " giúp <hộ> nghèo vay vốn " + " ".join(["khác"] * 80)
    )
    passage = str(snippet(registration, "ngheo"))
    assert passage.startswith("… ") and passage.endswith(" …")
    assert "&lt;hộ&gt; <mark>nghèo</mark> vay vốn" in passage
    assert len(passage) < 320


def test_list_page_shows_the_best_match_first_with_the_words_marked(client, commune):
    published(commune, "Tủ quần áo yêu thương", year=2020)
    published(commune, "Tổ tự quản an ninh trật tự", year=2025, content="Quần áo cho người nghèo")
    response = client.get(reverse("public-list"), {"q": "tu quan ao"})
    html = response.content.decode()
    first, second = html.index("yêu thương"), html.index("an ninh")
    assert first < second
    assert "<mark>Tủ quần áo</mark> yêu thương" in html
    assert "<mark>Quần áo</mark> cho người nghèo" in html


def test_list_page_newest_first_when_chosen(client, commune):
    published(commune, "Tủ quần áo yêu thương", year=2020)
    published(commune, "Tổ tự quản an ninh trật tự", year=2025, content="Quần áo cho người nghèo")
    html = client.get(reverse("public-list"), {"q": "tu quan ao", "sap-xep": "moi-nhat"}).content.decode()
    assert html.index("an ninh") < html.index("yêu thương")


def test_list_page_search_runs_in_bounded_queries(client, commune, django_assert_max_num_queries):
    for number in range(30):
        published(commune, f"Nghĩa tình {number}", content="tình làng nghĩa xóm")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("public-list"), {"q": "nghia tinh", "trang": "2"})
    assert response.status_code == 200


def placeholder_examples(html):
    placeholder = re.search(r'name="q"[^>]*placeholder="([^"]*)"|placeholder="([^"]*)"[^>]*name="q"', html)
    text = placeholder.group(1) or placeholder.group(2)
    return [example.strip() for example in text.split(":", 1)[1].split(",")]


def test_each_example_of_the_search_box_has_results_on_the_demo_data(client, demo_data):
    examples = placeholder_examples(client.get(reverse("public-list")).content.decode())
    assert len(examples) >= 3
    for example in examples:
        assert names(example), example


def test_demo_title_cases_come_first(demo_data):
    assert names("tu quan ao")[0] == "Tủ quần áo yêu thương"
    assert names("nghia tinh")[0] == "Bữa cơm nghĩa tình cho bệnh nhân nghèo"
    assert names("dan van kheo")
