"""Certificate wording and the PDF (A4 landscape, embedded font, Vietnamese text intact)."""
import datetime
import io

import pytest
from pypdf import PdfReader

from models_registry.certificates import certificate_for, render_pdf
from models_registry.models import ExemplarKind, Status
from models_registry.services import commendations as rules

from .commendation_world import build_world, vote
from .factories import make_registration, make_round

pytestmark = pytest.mark.django_db
DECISION_DATE = datetime.date(2026, 10, 10)


@pytest.fixture
def world(db):
    return build_world()


def commend(world, registration=None, commendation_round=None, **overrides):
    proposal = rules.propose(world.commune_staff, commendation_round or world.round,
                             registration or world.registration, **vote(world))
    values = {"form": world.bang_khen, "decision_number": "125-QĐ/BTGDV", "decision_date": DECISION_DATE,
              "authority": "Ban Tuyên giáo và Dân vận Tỉnh ủy Vĩnh Long"}
    values.update(overrides)
    return rules.accept(world.province_staff, proposal, today=DECISION_DATE + datetime.timedelta(days=400), **values)


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_collective_certificate_names_the_unit_model_and_decision(world):
    certificate = certificate_for(commend(world))
    assert certificate.form_name == "Bằng khen"
    assert certificate.recipient == "Hội Liên hiệp Phụ nữ xã Thường Thới Tiền"
    assert certificate.recipient_detail == ""
    assert certificate.model_name == "Tủ quần áo yêu thương"
    assert certificate.decision_line == "(Theo Quyết định số 125-QĐ/BTGDV ngày 10/10/2026)"
    assert certificate.place_date == "Vĩnh Long, ngày 10 tháng 10 năm 2026"
    assert f"năm {world.today.year} với mô hình" in certificate.achievement


def test_individual_certificate_names_the_person_with_position_and_unit(world):
    person = make_registration(world.unit, year=world.today.year, name="Gương mẫu hiến đất", status=Status.COMPLETED,
                               outcome="exemplary", exemplar_kind=ExemplarKind.INDIVIDUAL,
                               person_name="Nguyễn Thị Ánh", person_position="Chi hội trưởng ấp 3")
    certificate = certificate_for(commend(world, registration=person))
    assert certificate.recipient == "Nguyễn Thị Ánh"
    assert certificate.recipient_detail == "Chi hội trưởng ấp 3, Hội Liên hiệp Phụ nữ xã Thường Thới Tiền"


def test_typed_recipient_name_wins(world):
    certificate = certificate_for(commend(world, recipient_name="Tập thể Chi hội Phụ nữ ấp Phú Thạnh"))
    assert certificate.recipient == "Tập thể Chi hội Phụ nữ ấp Phú Thạnh"


def test_period_round_is_named_as_a_period(world):
    period = make_round(world.province, year_from=world.today.year - 4, year_to=world.today.year)
    certificate = certificate_for(commend(world, commendation_round=period))
    assert f"giai đoạn {world.today.year - 4}–{world.today.year}" in certificate.achievement


def test_pdf_is_one_a4_landscape_page(world):
    reader = PdfReader(io.BytesIO(render_pdf(certificate_for(commend(world)))))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


def test_pdf_embeds_the_shipped_dejavu_font(world):
    reader = PdfReader(io.BytesIO(render_pdf(certificate_for(commend(world)))))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(fonts[key].get_object()["/BaseFont"]) for key in fonts]
    assert any("DejaVuSerif" in name for name in names)
    descendant = fonts[list(fonts)[0]].get_object()["/DescendantFonts"][0].get_object()
    assert "/FontFile2" in descendant["/FontDescriptor"]


def test_pdf_text_keeps_vietnamese_diacritics(world):
    text = pdf_text(render_pdf(certificate_for(commend(world))))
    for expected in ("BẰNG KHEN", "Hội Liên hiệp Phụ nữ xã Thường Thới Tiền", "Tủ quần áo yêu thương",
                     "125-QĐ/BTGDV", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Vĩnh Long, ngày 10 tháng 10 năm 2026"):
        assert expected in text
