"""A4 posters of published models, to hang at the model's site: name, unit, place, year, field,
a short description and a QR code that opens the model's public page.

Fonts are the certificates' DejaVu Serif from static/fonts/ (every Vietnamese letter).
"""
import io

import segno
from django.conf import settings
from django.urls import reverse
from fpdf import FPDF

from .certificates import FONT_DIR, FONT_FAMILY, FONT_FILES
from .text import nfc

RED = (166, 27, 27)
INK = (33, 37, 41)
MUTED = (90, 98, 106)
DESCRIPTION_CHARS = 650
# A print run is one request: past this many posters, narrow the list first.
MAX_POSTERS = 200


def public_url(registration, request=None):
    """The model's public page, absolute: what the QR code on the poster opens."""
    path = reverse("public-detail", args=[registration.pk])
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path) if request is not None else path


def short_description(registration, limit=DESCRIPTION_CHARS):
    text = " ".join(nfc(registration.objectives or registration.content or registration.results).split())
    if len(text) <= limit:
        return text
    return text[: text.rfind(" ", 0, limit)].rstrip(",;:") + " …"


def place_of(registration):
    area = registration.area
    parts = [area.name] if area.level == "commune" else []
    province = area.current_province or area.province
    if province is not None and province.pk != area.pk:
        parts.append(province.name)
    elif not parts:
        parts.append(area.name)
    return ", ".join(parts)


def _qr_png(url):
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=12, border=2)
    buffer.seek(0)
    return buffer


def _line(pdf, text, size, style="", color=INK, height=None, align="C"):
    pdf.set_font(FONT_FAMILY, style, size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, height or size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")


def _draw(pdf, registration, url):
    pdf.add_page()
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.6)
    pdf.rect(8, 8, 194, 281)
    pdf.set_y(20)
    commission = registration.area.get_commission_name() if hasattr(registration.area, "get_commission_name") else ""
    if commission:
        _line(pdf, commission.upper(), 11, "B", MUTED, 6)
    _line(pdf, "MÔ HÌNH “DÂN VẬN KHÉO”", 16, "B", RED, 9)
    pdf.ln(6)
    _line(pdf, nfc(registration.name), 26, "B", INK, 12)
    pdf.ln(4)
    _line(pdf, f"Lĩnh vực: {registration.get_field_display()}  ·  Năm {registration.year}", 13, "", MUTED, 7)
    pdf.ln(6)
    _line(pdf, nfc(registration.unit.name), 15, "B", INK, 8)
    _line(pdf, place_of(registration), 13, "I", INK, 7)
    description = short_description(registration)
    if description:
        pdf.ln(8)
        _line(pdf, description, 12, "", INK, 6.5, align="J")
    # The code sits low and large, readable from a step away; its address printed below for those without a phone.
    size = 62
    top = max(pdf.get_y() + 8, 200)
    if top + size + 16 > 282:
        top = 282 - size - 16
    pdf.image(_qr_png(url), x=(210 - size) / 2, y=top, w=size, h=size)
    pdf.set_y(top + size + 1)
    _line(pdf, "Quét mã để xem mô hình trên Cổng thông tin Dân vận khéo", 11, "B", INK, 5.5)
    _line(pdf, url, 9, "", MUTED, 5)


def render_posters(registrations, request=None):
    """PDF bytes, one A4 page per registration (already checked to be published)."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(18, 16, 18)
    for style, file_name in FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, str(FONT_DIR / file_name))
    rows = list(registrations)
    pdf.set_title(nfc(rows[0].name) if len(rows) == 1 else "Áp phích mô hình “Dân vận khéo”")
    for registration in rows:
        _draw(pdf, registration, public_url(registration, request))
    return bytes(pdf.output())
