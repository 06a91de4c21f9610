import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from models_registry.text import fold, name_key, single_line, title_key

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# Vietnamese in both normal forms, the invisible characters, other scripts' marks and any character at all.
TEXTS = st.text(st.one_of(
    st.sampled_from("Đđ Tủ quần áo nghĩa tình ấp ĐƯỜNG Hoà – “x” _-.,;" + INVISIBLE),
    st.characters(min_codepoint=0x300, max_codepoint=0x36F),
    st.characters(categories=["Mn"]),
    st.characters(),
))


def _folded_char_by_char(value):
    decomposed = unicodedata.normalize("NFD", "".join(ch for ch in value if ch not in INVISIBLE))
    decomposed = decomposed.replace("đ", "d").replace("Đ", "D")
    return " ".join("".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower().split())


def test_fold_drops_diacritics_case_and_extra_spacing():
    assert fold("  Đường   HOA nông thôn\u200b mới ") == "duong hoa nong thon moi"


def test_fold_of_nfd_input_equals_that_of_nfc_input():
    assert fold(unicodedata.normalize("NFD", "Tủ quần áo")) == fold("Tủ quần áo") == "tu quan ao"


def test_fold_keeps_letters_and_signs_without_marks():
    assert fold("Chợ 0 đồng – “Ω” ß") == "cho 0 dong – “ω” ß"


@given(TEXTS)
def test_fold_removes_exactly_the_nonspacing_marks_of_any_text(value):
    assert fold(value) == _folded_char_by_char(value)


@given(TEXTS)
def test_title_key_keeps_exactly_the_alphanumeric_characters_of_any_text(value):
    def words(text):
        return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())

    exact = words(unicodedata.normalize("NFC", value).strip().lower())
    assert title_key(value) == f" {exact} | {words(_folded_char_by_char(value))} "


@given(TEXTS)
def test_single_line_drops_invisible_characters_and_joins_whitespace(value):
    visible = "".join(ch for ch in unicodedata.normalize("NFC", value) if ch not in INVISIBLE)
    assert single_line(value) == " ".join(visible.split())
    assert name_key(value) == single_line(value).casefold()
