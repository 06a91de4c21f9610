"""Credentials sheets: one slip per account to cut out and hand to the unit (PDF), and the same
lines as a spreadsheet (.xlsx). Made from the credentials the moment they are created; the
passwords are stored nowhere else (models_registry/views/account_management.py).

The PDF embeds DejaVu Serif from static/fonts/ like the certificates (certificates.py).
"""
import io

import openpyxl
from fpdf import FPDF
from fpdf.enums import MethodReturnValue
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .certificates import FONT_DIR, FONT_FAMILY, FONT_FILES, INK, RED
from .resources import neutralise

# A4 portrait: two columns of five slips.
PAGE_W, PAGE_H, MARGIN = 210, 297, 8
COLUMNS, ROWS = 2, 5
SLIP_W = (PAGE_W - 2 * MARGIN) / COLUMNS
SLIP_H = (PAGE_H - 2 * MARGIN) / ROWS
PAD = 5
GREY = (108, 117, 125)
HEADERS = ("Đơn vị", "Mã đơn vị", "Địa bàn", "Tên đăng nhập", "Mật khẩu một lần", "Hết hạn")


def _date(value):
    from django.utils import timezone

    return timezone.localtime(value).strftime("%d/%m/%Y")


def _lines(pdf, width, text, height, limit):
    """`text` broken into at most `limit` lines of `width` (the last cut short with "…")."""
    if pdf.get_string_width(text) < width - 2 * pdf.c_margin:
        return [text]  # most names fit on one line; measuring is much cheaper than breaking
    lines = pdf.multi_cell(width, height, text, dry_run=True, output=MethodReturnValue.LINES)
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] = lines[-1].rstrip()[:-1] + "…"
    return lines


def _print_lines(pdf, x, y, width, height, lines):
    for number, line in enumerate(lines):
        pdf.set_xy(x, y + number * height)
        pdf.cell(width, height, line)
    return y + len(lines) * height


def _slip(pdf, x, y, credential, note):
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.2)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2, gap=1.5)
        pdf.rect(x, y, SLIP_W, SLIP_H)
    left, inner = x + PAD, SLIP_W - 2 * PAD
    pdf.set_text_color(*RED)
    pdf.set_font(FONT_FAMILY, "B", 7.5)
    pdf.set_xy(left, y + PAD)
    pdf.cell(inner, 4, "CỔNG THÔNG TIN “DÂN VẬN KHÉO” · PHIẾU TÀI KHOẢN")
    pdf.set_text_color(*INK)
    pdf.set_font(FONT_FAMILY, "B", 10.5)
    below_name = _print_lines(pdf, left, y + PAD + 5, inner, 5, _lines(pdf, inner, credential.unit_name, 5, 2))
    pdf.set_font(FONT_FAMILY, "", 8)
    pdf.set_text_color(*GREY)
    detail = " · ".join(part for part in (credential.unit_code and f"Mã {credential.unit_code}", credential.area_name)
                        if part)
    _print_lines(pdf, left, below_name + 0.5, inner, 4.5, _lines(pdf, inner, detail, 4.5, 1))
    pdf.set_text_color(*INK)
    for row, (label, value) in enumerate((("Tên đăng nhập:", credential.username),
                                          ("Mật khẩu một lần:", credential.password))):
        pdf.set_xy(left, y + 26.5 + row * 7)
        pdf.set_font(FONT_FAMILY, "", 9)
        pdf.cell(31, 6.5, label)
        pdf.set_font(FONT_FAMILY, "B", 12)
        pdf.cell(inner - 31, 6.5, value)
    pdf.set_font(FONT_FAMILY, "I", 7.5)
    pdf.set_text_color(*GREY)
    _print_lines(pdf, left, y + 41.5, inner, 3.5, note(credential.expires_at))


def render_pdf(credentials, *, login_url, title):
    """A4 pages of slips, ten to a page, with dashed lines to cut along."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    for style, file_name in FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, str(FONT_DIR / file_name))
    notes = {}

    def note(expires_at):
        # The same few lines on every slip of a sheet: broken once, not once per slip.
        day = _date(expires_at)
        if day not in notes:
            pdf.set_font(FONT_FAMILY, "I", 7.5)
            notes[day] = _lines(pdf, SLIP_W - 2 * PAD, (
                f"Đăng nhập tại {login_url} trước ngày {day}. Mật khẩu chỉ dùng được một lần: lần đầu đăng nhập, "
                "cổng thông tin yêu cầu đặt mật khẩu mới."), 3.5, 4)
        return notes[day]

    per_page = COLUMNS * ROWS
    for index, credential in enumerate(credentials):
        if index % per_page == 0:
            pdf.add_page()
        place = index % per_page
        _slip(pdf, MARGIN + (place % COLUMNS) * SLIP_W, MARGIN + (place // COLUMNS) * SLIP_H, credential, note)
    return bytes(pdf.output())


def render_xlsx(credentials, *, title):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tài khoản"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for c in credentials:
        sheet.append([neutralise(value) for value in (
            c.unit_name, c.unit_code, c.area_name, c.username, c.password, _date(c.expires_at))])
    for index, width in enumerate((48, 16, 28, 22, 20, 12), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    book.properties.title = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
