"""Certificates of commendation: the wording, shared by the print page and the PDF.

The PDF embeds DejaVu Serif from static/fonts/ (Bitstream Vera licence, see
LICENSE-DejaVu.txt there), which covers every Vietnamese letter, so a new machine
needs nothing beyond the Python packages.
"""
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from fpdf import FPDF

from .models import ExemplarKind
from .services.commendations import recipient_of
from .text import nfc

# fpdf2 subsets the font on every render, and fontTools logs each step at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT_FAMILY = "DejaVuSerif"
FONT_FILES = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf", "I": "DejaVuSerif-Italic.ttf"}

# Place names on a certificate drop the kind of area: "Vĩnh Long, ngày …".
AREA_PREFIXES = ("Thành phố ", "Tỉnh ", "Thị xã ", "Quận ", "Huyện ", "Phường ", "Thị trấn ", "Đặc khu ", "Xã ")

RED = (166, 27, 27)
GOLD = (191, 144, 0)
INK = (33, 37, 41)


@dataclass
class Certificate:
    authority: str
    decision_number: str
    form_name: str
    recipient: str
    recipient_detail: str
    achievement: str
    model_name: str
    decision_line: str
    place_date: str
    file_name: str


def _place_name(area):
    name = area.name
    for prefix in AREA_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _deciding_area(commendation):
    if commendation.proposal_id:
        return commendation.proposal.round.area
    area = commendation.registration.area
    return area.current_province or area.province or area


def _period(commendation):
    if commendation.proposal_id:
        commendation_round = commendation.proposal.round
        if commendation_round.year_from != commendation_round.year_to:
            return f"giai đoạn {commendation_round.year_from}–{commendation_round.year_to}"
    return f"năm {commendation.registration.year}"


def certificate_for(commendation):
    registration = commendation.registration
    recipient = recipient_of(commendation)
    if registration.exemplar_kind == ExemplarKind.INDIVIDUAL:
        parts = [registration.person_position, registration.unit.name]
        detail = ", ".join(part for part in parts if part and part != recipient)
    else:
        detail = registration.unit.name if registration.unit.name != recipient else ""
    date = commendation.decision_date
    return Certificate(
        authority=nfc(commendation.authority),
        decision_number=nfc(commendation.decision_number),
        form_name=nfc(commendation.form.name),
        recipient=nfc(recipient),
        recipient_detail=nfc(detail),
        achievement=(
            "Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” "
            f"{_period(commendation)} với mô hình"
        ),
        model_name=nfc(registration.name),
        decision_line=f"(Theo Quyết định số {nfc(commendation.decision_number)} ngày {date:%d/%m/%Y})",
        place_date=f"{_place_name(_deciding_area(commendation))}, ngày {date.day:02d} tháng {date.month:02d} "
                   f"năm {date.year}",
        file_name=f"giay-chung-nhan-khen-thuong-{commendation.pk}.pdf",
    )


def _centered(pdf, text, size, style="", color=INK, height=None, width=None, x=None):
    pdf.set_font(FONT_FAMILY, style, size)
    pdf.set_text_color(*color)
    if x is not None:
        pdf.set_x(x)
    pdf.multi_cell(width or 0, height or size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")


def render_pdf(certificate):
    """A4 landscape PDF bytes of one certificate."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(f"{certificate.form_name} – {certificate.recipient}")
    pdf.set_author(certificate.authority)
    pdf.set_auto_page_break(False)
    pdf.set_margins(28, 22, 28)
    for style, file_name in FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, str(FONT_DIR / file_name))
    pdf.add_page()

    pdf.set_draw_color(*RED)
    pdf.set_line_width(2.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.6)
    pdf.rect(15, 15, 267, 180)

    # Header: the issuing body on the left, the national motto on the right.
    top = 24
    pdf.set_xy(22, top)
    _centered(pdf, certificate.authority.upper(), 10.5, "B", height=5.2, width=120, x=22)
    pdf.set_x(22)
    _centered(pdf, f"Số: {certificate.decision_number}", 10, height=5.5, width=120, x=22)
    pdf.set_xy(150, top)
    _centered(pdf, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 10.5, "B", height=5.2, width=125, x=150)
    _centered(pdf, "Độc lập - Tự do - Hạnh phúc", 10.5, "B", height=5.5, width=125, x=150)
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.line(191, pdf.get_y() + 0.5, 234, pdf.get_y() + 0.5)

    pdf.set_y(64)
    _centered(pdf, certificate.form_name.upper(), 34, "B", color=RED, height=16)
    pdf.ln(2)
    _centered(pdf, "TẶNG", 13, "B", height=8)
    _centered(pdf, certificate.recipient, 22, "B", color=RED, height=11)
    if certificate.recipient_detail:
        _centered(pdf, certificate.recipient_detail, 13, "I", height=7)
    pdf.ln(3)
    _centered(pdf, certificate.achievement, 13, height=7.5)
    _centered(pdf, f"“{certificate.model_name}”", 15, "B", height=8)
    pdf.ln(1)
    _centered(pdf, certificate.decision_line, 11.5, "I", height=6.5)

    # The signature sits low on the sheet, or just below a long text.
    pdf.set_xy(150, max(152, pdf.get_y() + 6))
    _centered(pdf, certificate.place_date, 12, "I", height=6.5, width=125, x=150)
    _centered(pdf, certificate.authority.upper(), 11, "B", height=6, width=125, x=150)
    return bytes(pdf.output())
