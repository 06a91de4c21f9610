"""Certificates of commendation: the wording, shared by the print page and the PDF.

The PDF embeds DejaVu Serif from static/fonts/ (Bitstream Vera licence, see
LICENSE-DejaVu.txt there), which covers every Vietnamese letter, so a new machine
needs nothing beyond the Python packages.
"""
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

import segno
from django.conf import settings
from django.urls import reverse
from fpdf import FPDF

from .documents import Signature, decision_signature, place_name
from .models import ExemplarKind
from .services.commendations import recipient_of
from .text import nfc

# fpdf2 subsets the font on every render, and fontTools logs each step at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT_FAMILY = "DejaVuSerif"
FONT_FILES = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf", "I": "DejaVuSerif-Italic.ttf"}

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
    signature: Signature = field(default_factory=lambda: Signature(position=""))
    verify_url: str = ""
    revoked: bool = False

    def qr_svg(self):
        """The QR code as inline SVG for the certificate page."""
        return segno.make(self.verify_url, error="m").svg_inline(scale=3, border=2, title=self.verify_url)

    def qr_png(self):
        buffer = io.BytesIO()
        segno.make(self.verify_url, error="m").save(buffer, kind="png", scale=10, border=2)
        buffer.seek(0)
        return buffer


def verify_url(commendation, request=None):
    """The public verification address printed as a QR code on the certificate."""
    path = reverse("certificate-verify", args=[commendation.verification_code])
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path) if request is not None else path


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


def certificate_for(commendation, request=None):
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
        place_date=f"{place_name(_deciding_area(commendation))}, ngày {date.day:02d} tháng {date.month:02d} "
                   f"năm {date.year}",
        file_name=f"giay-chung-nhan-khen-thuong-{commendation.pk}.pdf",
        signature=_signature(commendation),
        verify_url=verify_url(commendation, request),
        revoked=commendation.is_revoked,
    )


def _signature(commendation):
    """The decision's signer; with none recorded, the issuing body signs as itself."""
    signature = decision_signature(commendation)
    if not (commendation.signer_position or commendation.signing_capacity):
        signature.capacity_line = f"TM. {nfc(commendation.authority).upper()}"
    return signature


def _centered(pdf, text, size, style="", color=INK, height=None, width=None, x=None):
    pdf.set_font(FONT_FAMILY, style, size)
    pdf.set_text_color(*color)
    if x is not None:
        pdf.set_x(x)
    pdf.multi_cell(width or 0, height or size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")


def render_pdf(*certificates):
    """A4 landscape PDF bytes: one page per certificate (all those of a decision print in one go)."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    first = certificates[0]
    pdf.set_title(f"{first.form_name} – {first.recipient}" if len(certificates) == 1 else
                  f"{first.form_name} – Quyết định số {first.decision_number}")
    pdf.set_author(first.authority)
    pdf.set_auto_page_break(False)
    pdf.set_margins(28, 22, 28)
    for style, file_name in FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, str(FONT_DIR / file_name))
    for certificate in certificates:
        _draw(pdf, certificate)
    return bytes(pdf.output())


def _draw(pdf, certificate):
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

    pdf.set_y(60)
    _centered(pdf, certificate.form_name.upper(), 34, "B", color=RED, height=16)
    pdf.ln(1)
    _centered(pdf, "TẶNG", 13, "B", height=8)
    _centered(pdf, certificate.recipient, 22, "B", color=RED, height=11)
    if certificate.recipient_detail:
        _centered(pdf, certificate.recipient_detail, 13, "I", height=7)
    pdf.ln(2)
    _centered(pdf, certificate.achievement, 13, height=7)
    _centered(pdf, f"“{certificate.model_name}”", 15, "B", height=8)
    _centered(pdf, certificate.decision_line, 11.5, "I", height=6.5)

    # The signature sits low on the sheet, or just below a long text: place and date, TM./KT.,
    # position, room for the signature and seal, name.
    signature = certificate.signature
    pdf.set_xy(150, max(140, pdf.get_y() + 3))
    _centered(pdf, certificate.place_date, 12, "I", height=6, width=125, x=150)
    if signature.capacity_line:
        _centered(pdf, signature.capacity_line, 11, "B", height=5.5, width=125, x=150)
    _centered(pdf, signature.position, 11, "B", height=5.5, width=125, x=150)
    if signature.name:
        pdf.set_y(min(pdf.get_y() + 17, 183))
        _centered(pdf, signature.name, 12, "B", height=6, width=125, x=150)

    if certificate.verify_url:
        # Bottom left, inside the frame: the code anyone can scan to check the certificate.
        pdf.image(certificate.qr_png(), x=24, y=154, w=28, h=28)
        pdf.set_xy(54, 160)
        pdf.set_font(FONT_FAMILY, "", 8)
        pdf.set_text_color(*INK)
        pdf.multi_cell(80, 4, f"Xác thực giấy khen: quét mã hoặc mở\n{certificate.verify_url}", align="L")
