"""English, the portal's second language: chosen from the footer, remembered in a cookie."""
from pathlib import Path

import pytest
from django.utils import translation

from models_registry.models import Status, Structure
from tests.factories import make_commune, make_leader, make_province, make_registration, make_unit

pytestmark = pytest.mark.django_db
CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def english(client):
    client.get("/ngon-ngu/en/")
    return client


def catalogue_entries():
    """(flags, {keyword: text}) for each entry of the English catalogue but its header."""
    for block in CATALOGUE.read_text(encoding="utf-8").strip().split("\n\n"):
        flags, fields, keyword = "", {}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags = line
            elif line.startswith('"'):
                fields[keyword] += line[1:-1]
            elif not line.startswith("#"):
                keyword, _, text = line.partition(" ")
                fields[keyword] = text[1:-1]
        if fields.get("msgid"):
            yield flags, fields


def test_every_message_of_the_english_catalogue_is_translated():
    entries = list(catalogue_entries())
    assert len(entries) > 800
    for flags, fields in entries:
        assert "fuzzy" not in flags, fields["msgid"]
        assert all(text for keyword, text in fields.items() if keyword.startswith("msgstr")), fields["msgid"]


def test_the_home_page_reads_in_english(english):
    page = english.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Find a model" in page
    assert "Tìm mô hình" not in page


def test_the_leaders_report_reads_in_english(english):
    province = make_province()
    make_registration(make_unit(make_commune(province)), status=Status.ACCEPTED)
    english.force_login(make_leader(province))
    page = english.get("/bao-cao/?nam=2025").content.decode()
    assert "Download Excel (.xlsx)" in page
    assert "Tải Excel" not in page and "Toàn quốc" not in page


def test_the_page_not_found_reads_in_english(english):
    page = english.get("/mo-hinh/999999/").content.decode()
    assert "Page not found" in page


def test_a_former_area_is_marked_in_the_language_of_the_page():
    old = make_province(structure=Structure.LEGACY, name="Tỉnh Bến Tre")
    with translation.override("en"):
        assert str(old) == "Tỉnh Bến Tre (former)"
    with translation.override("vi"):
        assert str(old) == "Tỉnh Bến Tre (cũ)"


def test_a_browser_set_up_in_english_still_gets_vietnamese_until_english_is_chosen(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in page and "Tìm mô hình" in page


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client):
    client.cookies["django_language"] = "fr"
    assert '<html lang="vi">' in client.get("/").content.decode()
