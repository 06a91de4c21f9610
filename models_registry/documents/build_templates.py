"""Writes the Word templates in models_registry/documents/templates/ (python -m models_registry.documents.build_templates).

Run once; the .docx files are kept in the repository so that an office can open them in Word,
change fonts, margins, wording or the order of the blocks, and save them back. Their
{{ … }} and {%p … %} / {%tr … %} tags are docxtpl (Jinja) tags and must be kept. Running this
script again overwrites such changes.

The layout follows the rules for administrative documents (Nghị định 30/2020/NĐ-CP): the issuing
body and number on the left, the national name and motto on the right, place and date under them,
the title, the body, then the recipients on the left and the signature block on the right.
"""
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


def new_document(landscape=False):
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    normal.paragraph_format.space_after = Pt(3)
    return document


def paragraph(container, text="", *, bold=False, italic=False, underline=False, size=None, align=None, after=None):
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    if after is not None:
        p.paragraph_format.space_after = Pt(after)
    return p


def cell_paragraph(cell, text="", **style):
    """The first paragraph of a fresh cell is reused, the others added."""
    if len(cell.paragraphs) == 1 and not cell.paragraphs[0].text and not getattr(cell, "_used", False):
        cell._used = True
        p = cell.paragraphs[0]
        if text:
            run = p.add_run(text)
            run.bold, run.italic, run.underline = style.get("bold"), style.get("italic"), style.get("underline")
            if style.get("size"):
                run.font.size = Pt(style["size"])
        p.alignment = style.get("align", CENTER)
        p.paragraph_format.space_after = Pt(style.get("after", 0))
        return p
    return paragraph(cell, text, align=style.pop("align", CENTER), after=style.pop("after", 0), **style)


def no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def widths(table, *centimetres):
    table.autofit = False
    for column, width in zip(table.columns, centimetres, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, centimetres, strict=True):
            cell.width = Cm(width)


def header(document, *, left_top="parent_body", left_body="{{ body_upper }}", number="Số: {{ number }}"):
    """Issuing body and number | national name, motto, place and date."""
    table = document.add_table(rows=1, cols=2)
    no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(table, 6.3, 10.2)
    left, right = table.rows[0].cells
    cell_paragraph(left, f"{{%p if {left_top} %}}")
    cell_paragraph(left, f"{{{{ {left_top} }}}}", size=12)
    cell_paragraph(left, "{%p endif %}")
    cell_paragraph(left, left_body, bold=True, size=12)
    cell_paragraph(left, "*", size=12)
    cell_paragraph(left, number, size=13)
    cell_paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    cell_paragraph(right, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, size=13, after=6)
    cell_paragraph(right, "{{ place_date }}", italic=True, size=13)
    paragraph(document)


def title(document, text, subtitle=None):
    paragraph(document, text, bold=True, size=14, align=CENTER, after=0)
    if subtitle:
        paragraph(document, subtitle, bold=True, align=CENTER, after=0)
    paragraph(document, "________", align=CENTER, after=6)


def signature(document, *, recipients=True, left_heading=None):
    """Recipients (or a second signer) on the left, the signer on the right."""
    table = document.add_table(rows=1, cols=2)
    no_borders(table)
    widths(table, 7.5, 9)
    left, right = table.rows[0].cells
    if recipients:
        cell_paragraph(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
        cell_paragraph(left, "{%p for line in recipients %}", align=WD_ALIGN_PARAGRAPH.LEFT)
        cell_paragraph(left, "- {{ line }}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        cell_paragraph(left, "{%p endfor %}", align=WD_ALIGN_PARAGRAPH.LEFT)
    elif left_heading:
        cell_paragraph(left, left_heading, bold=True)
        cell_paragraph(left, "(Ký, ghi rõ họ tên)", italic=True, size=12)
    cell_paragraph(right, "{%p if sign.capacity_line %}")
    cell_paragraph(right, "{{ sign.capacity_line }}", bold=True)
    cell_paragraph(right, "{%p endif %}")
    cell_paragraph(right, "{{ sign.position }}", bold=True)
    cell_paragraph(right, "{{ sign.note }}", italic=True, size=12)
    for _ in range(3):
        cell_paragraph(right, "")
    cell_paragraph(right, "{{ sign.name }}", bold=True)


def loop_table(document, headers, cells, *, loop="{%tr for row in rows %}", column_widths=None):
    """A bordered table: header row, one row per item (docxtpl {%tr %} row loop)."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell_paragraph(cell, text, bold=True, size=11)
    table.rows[1].cells[0].paragraphs[0].add_run(loop)
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell_paragraph(cell, text, size=11, align=WD_ALIGN_PARAGRAPH.LEFT if "name" in text or "label" in text else CENTER)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    if column_widths:
        widths(table, *column_widths)
    paragraph(document)
    return table


def lines(document, loop, text, align=JUSTIFY, **style):
    paragraph(document, loop)
    paragraph(document, text, align=align, **style)
    paragraph(document, "{%p endfor %}")


def page_break(document):
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def registration_form():
    document = new_document()
    header(document, left_top="commission_upper", left_body="{{ unit_upper }}")
    title(document, "PHIẾU ĐĂNG KÝ", "Mô hình “Dân vận khéo” năm {{ year }}")
    paragraph(document, "Kính gửi: {{ commission }}", align=CENTER, after=6)
    lines(document, "{%p for item in facts %}", "{{ item.label }}: {{ item.value }}", align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph(document, "{%p for section in sections %}")
    paragraph(document, "{{ section.number }}. {{ section.title }}", bold=True)
    paragraph(document, "{{ section.text }}", align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph(document, "{%p endfor %}")
    signature(document)
    return document


def movement_report():
    document = new_document()
    header(document)
    title(document, "BÁO CÁO", "Kết quả phong trào thi đua “Dân vận khéo” {{ area_name }}, {{ period }}")
    paragraph(document, "Số liệu tính đến ngày {{ as_of }}, gồm các mô hình đã gửi đăng ký và không rút.",
              italic=True, align=JUSTIFY)
    paragraph(document, "I. SỐ LIỆU CHUNG", bold=True)
    loop_table(document, ["Chỉ tiêu", "Số liệu", "So với kỳ trước"],
               ["{{ row.label }}", "{{ row.value }}", "{{ row.change }}"], column_widths=[8, 4, 4.5])
    paragraph(document, "II. SỐ LIỆU CHI TIẾT", bold=True)
    paragraph(document, "{{p tables }}")
    signature(document)
    return document


def submission():
    document = new_document()
    header(document)
    title(document, "TỜ TRÌNH", "Về việc đề nghị khen thưởng {{ round_name }}")
    paragraph(document, "Kính gửi: {{ addressee }}", align=CENTER, after=6)
    paragraph(document, "{{ intro }}", align=JUSTIFY)
    paragraph(document, "1. Tập thể ({{ collectives|length }})", bold=True)
    loop_table(document, ["STT", "Tên tập thể", "Địa bàn", "Mô hình", "Năm", "Tán thành"],
               ["{{ row.number }}", "{{ row.name }}", "{{ row.area }}", "{{ row.model }}", "{{ row.year }}",
                "{{ row.votes }}"], loop="{%tr for row in collectives %}", column_widths=[1.2, 4.6, 3.2, 4.4, 1.4, 1.7])
    paragraph(document, "2. Cá nhân ({{ individuals|length }})", bold=True)
    loop_table(document, ["STT", "Họ tên, chức vụ", "Đơn vị", "Mô hình", "Năm", "Tán thành"],
               ["{{ row.number }}", "{{ row.name }}", "{{ row.area }}", "{{ row.model }}", "{{ row.year }}",
                "{{ row.votes }}"], loop="{%tr for row in individuals %}", column_widths=[1.2, 4.6, 3.2, 4.4, 1.4, 1.7])
    paragraph(document, "{{ closing }}", align=JUSTIFY)
    signature(document)
    return document


def minutes():
    document = new_document()
    header(document)
    title(document, "BIÊN BẢN", "Họp Hội đồng Thi đua – Khen thưởng xét đề nghị khen thưởng {{ round_name }}")
    paragraph(document, "{{ intro }}", align=JUSTIFY)
    paragraph(document, "Kết quả bỏ phiếu đối với từng đề nghị (theo biên bản họp bình xét của cấp đề nghị):",
              align=JUSTIFY)
    loop_table(document, ["STT", "Tập thể / cá nhân", "Ngày họp", "Dự họp", "Tán thành", "Không tán thành", "Tỷ lệ"],
               ["{{ row.number }}", "{{ row.name }}", "{{ row.date }}", "{{ row.present }}", "{{ row.votes_for }}",
                "{{ row.votes_against }}", "{{ row.percent }}"], column_widths=[1.2, 5.5, 2.5, 1.6, 1.8, 1.9, 1.8])
    paragraph(document, "{{ conclusion }}", align=JUSTIFY)
    signature(document, recipients=False, left_heading="THƯ KÝ")
    return document


def achievement_report():
    document = new_document()
    header(document, left_top="commission_upper", left_body="{{ unit_upper }}", number="")
    title(document, "BÁO CÁO THÀNH TÍCH", "Đề nghị khen thưởng {{ round_name }}")
    paragraph(document, "I. SƠ LƯỢC", bold=True)
    lines(document, "{%p for item in facts %}", "{{ item.label }}: {{ item.value }}", align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph(document, "II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True)
    lines(document, "{%p for section in sections %}", "{{ section.title }}: {{ section.text }}",
          align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph(document, "Kết quả đo được:", italic=True)
    loop_table(document, ["Chỉ số", "Kết quả"], ["{{ row.label }}", "{{ row.value }}"],
               loop="{%tr for row in figures %}", column_widths=[10, 6])
    paragraph(document, "Đánh giá theo tiêu chí và sơ kết, tổng kết:", italic=True)
    loop_table(document, ["Nội dung", "Ngày", "Kết quả", "Nhận xét"],
               ["{{ row.label }}", "{{ row.date }}", "{{ row.outcome }}", "{{ row.note }}"],
               loop="{%tr for row in reviews %}", column_widths=[5, 2.5, 3, 6])
    paragraph(document, "III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN", bold=True)
    lines(document, "{%p for line in earlier %}", "- {{ line }}")
    paragraph(document, "{%p if not earlier %}")
    paragraph(document, "Chưa có.")
    paragraph(document, "{%p endif %}")
    signature(document, recipients=False, left_heading="XÁC NHẬN CỦA CẤP TRÌNH KHEN")
    return document


def decision():
    document = new_document()
    header(document)
    title(document, "QUYẾT ĐỊNH", "Về việc khen thưởng trong phong trào thi đua “Dân vận khéo”")
    paragraph(document, "{{ body_upper }}", bold=True, align=CENTER, after=6)
    lines(document, "{%p for line in grounds %}", "{{ line }}", italic=True)
    paragraph(document, "QUYẾT ĐỊNH:", bold=True, align=CENTER, after=6)
    lines(document, "{%p for article in articles %}", "{{ article }}")
    signature(document)
    page_break(document)
    paragraph(document, "DANH SÁCH", bold=True, align=CENTER, after=0)
    paragraph(document, "tập thể, cá nhân được khen thưởng", bold=True, align=CENTER, after=0)
    paragraph(document, "(Kèm theo Quyết định số {{ decision_number }} ngày {{ decision_date }} của {{ body }})",
              italic=True, align=CENTER, after=6)
    loop_table(document, ["STT", "Tập thể / cá nhân", "Đơn vị, địa bàn", "Mô hình", "Hình thức"],
               ["{{ row.number }}", "{{ row.name }}", "{{ row.area }}", "{{ row.model }}", "{{ row.form }}"],
               column_widths=[1.2, 4.5, 4, 4.5, 2.3])
    paragraph(document, "Danh sách có {{ rows|length }} tập thể, cá nhân.", italic=True)
    return document


BUILDERS = {
    "phieu_dang_ky.docx": registration_form,
    "bao_cao.docx": movement_report,
    "to_trinh.docx": submission,
    "bien_ban.docx": minutes,
    "bao_cao_thanh_tich.docx": achievement_report,
    "quyet_dinh.docx": decision,
}


def main():
    TEMPLATE_DIR.mkdir(exist_ok=True)
    for name, build in BUILDERS.items():
        build().save(TEMPLATE_DIR / name)
        print(TEMPLATE_DIR / name)


if __name__ == "__main__":
    main()
