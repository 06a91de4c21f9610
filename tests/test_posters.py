"""A4 posters with a QR code to the model's public page."""
import io

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from models_registry.models import Status
from tests.factories import make_commune, make_province, make_registration, make_staff, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return make_province(name="Tỉnh Vĩnh Long")


def published(province, name="Tủ quần áo yêu thương", **extra):
    unit = make_unit(make_commune(province, name="Phường Một"), name="Hội Phụ nữ phường Một")
    extra = {"field": "culture_society", "objectives": "Giúp người nghèo có áo ấm mùa mưa.", **extra}
    return make_registration(unit, year=2024, name=name, status=Status.ACCEPTED, **extra)


def decoded_qr_codes(page):
    found = []
    for image in page.images:
        picture = Image.open(io.BytesIO(image.data)).convert("L")
        found += [result.text for result in zxingcpp.read_barcodes(picture)]
    return found


def test_poster_is_one_a4_page_with_the_models_details(client, province):
    registration = published(province)
    response = client.get(f"/mo-hinh/{registration.pk}/ap-phich.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width) / 72 * 25.4), round(float(page.mediabox.height) / 72 * 25.4)) == (210, 297)
    text = page.extract_text()
    for expected in ("Tủ quần áo yêu thương", "Hội Phụ nữ phường Một", "Phường Một, Tỉnh Vĩnh Long", "2024",
                     "Văn hóa", "Giúp người nghèo có áo ấm mùa mưa."):
        assert expected in text


def test_poster_qr_code_opens_the_models_public_page(client, province):
    registration = published(province)
    response = client.get(f"/mo-hinh/{registration.pk}/ap-phich.pdf")
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert decoded_qr_codes(page) == [f"http://testserver/mo-hinh/{registration.pk}/"]


def test_poster_qr_uses_the_public_address_when_configured(client, province, settings):
    settings.PUBLIC_BASE_URL = "https://danvankheo.vinhlong.gov.vn"
    registration = published(province)
    page = PdfReader(io.BytesIO(client.get(f"/mo-hinh/{registration.pk}/ap-phich.pdf").content)).pages[0]
    assert decoded_qr_codes(page) == [f"https://danvankheo.vinhlong.gov.vn/mo-hinh/{registration.pk}/"]


def test_an_unpublished_model_has_no_poster(client, province):
    draft = make_registration(make_unit(make_commune(province)), status=Status.SUBMITTED)
    assert client.get(f"/mo-hinh/{draft.pk}/ap-phich.pdf").status_code == 404


def test_staff_print_the_posters_of_their_list_in_one_pdf(client, province):
    first = published(province, name="Tủ quần áo yêu thương")
    second = published(province, name="Bữa cơm nghĩa tình")
    make_registration(make_unit(make_commune(province)), name="Bản nháp", status=Status.DRAFT)
    published(make_province(), name="Tỉnh khác")
    client.force_login(make_staff(province))
    response = client.get("/quan-ly/mo-hinh/ap-phich.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    urls = {url for page in reader.pages for url in decoded_qr_codes(page)}
    assert urls == {f"http://testserver/mo-hinh/{first.pk}/", f"http://testserver/mo-hinh/{second.pk}/"}


def test_staff_posters_follow_the_list_filters(client, province):
    published(province, name="Tủ quần áo yêu thương")
    published(province, name="Kinh tế", field="economy")
    client.force_login(make_staff(province))
    response = client.get("/quan-ly/mo-hinh/ap-phich.pdf", {"linh-vuc": "economy"})
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1


def test_staff_posters_of_an_empty_list_go_back_to_the_list_saying_why(client, province):
    client.force_login(make_staff(province))
    response = client.get("/quan-ly/mo-hinh/ap-phich.pdf", {"linh-vuc": "economy"}, follow=True)
    assert response.redirect_chain[0][0] == "/quan-ly/mo-hinh/?linh-vuc=economy"
    assert "không có mô hình nào đã công bố" in response.content.decode()


def test_staff_posters_of_too_long_a_list_ask_to_narrow_it(client, province, monkeypatch):
    from models_registry import posters

    monkeypatch.setattr(posters, "MAX_POSTERS", 1)
    published(province, name="Một")
    published(province, name="Hai")
    client.force_login(make_staff(province))
    response = client.get("/quan-ly/mo-hinh/ap-phich.pdf", follow=True)
    assert "tối đa 1 áp phích" in response.content.decode()


def test_staff_posters_are_refused_to_visitors(client):
    assert client.get("/quan-ly/mo-hinh/ap-phich.pdf").status_code in (302, 403)
