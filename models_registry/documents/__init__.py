"""Word documents the commission files, filled from the portal's data (docxtpl).

Each document has its own module and a template in templates/ (written once by
build_templates.py, then restyled by the office as it likes). This module holds what every
document shares: the issuing body, the number and symbol, place and date, and the signature.
"""
import io
from dataclasses import dataclass
from pathlib import Path

from docxtpl import DocxTemplate

from ..text import fold, nfc

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEFAULT_BODY = "Ban Dân vận"
DEFAULT_HEAD = "Trưởng ban"
# Place names in a document's date line drop the kind of area: "Vĩnh Long, ngày …".
AREA_PREFIXES = ("Thành phố ", "Tỉnh ", "Thị xã ", "Quận ", "Huyện ", "Phường ", "Thị trấn ", "Đặc khu ", "Xã ")
# Left for the registry clerk (văn thư), who numbers a document when it is signed.
NUMBER_BLANK = "……"


@dataclass
class Signature:
    position: str
    name: str = ""
    capacity_line: str = ""
    note: str = "(Ký, ghi rõ họ tên, đóng dấu)"


def place_name(area):
    if area is None:
        return "Hà Nội"
    name = area.name
    for prefix in AREA_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def date_line(area, date):
    return f"{place_name(area)}, ngày {date.day:02d} tháng {date.month:02d} năm {date.year}"


def vn_date(date):
    return date.strftime("%d/%m/%Y") if date else ""


def body_name(area):
    return nfc(area.get_commission_name() if area is not None else DEFAULT_BODY)


def body_symbol(body):
    """Initials of the body for the document symbol: "Ban Dân vận Tỉnh ủy Vĩnh Long" → "BDVTU".

    The place name after "ủy" is left out, as the offices write it.
    """
    letters = []
    for word in body.split():
        if fold(word) == "va":
            continue
        letters.append(fold(word)[:1].upper())
        if fold(word) == "uy":
            break
    return "".join(letters) or "BDV"


def number_line(kind, body, number=""):
    """'Số: 12-BC/BDVTU' with the number left blank unless known."""
    if number:
        return f"Số: {number}"
    return f"Số: {NUMBER_BLANK}-{kind}/{body_symbol(body)}"


def area_signature(area):
    """The head of the area's commission signs on behalf of it (TM.)."""
    body = body_name(area)
    position = (area.signer_position if area is not None else "") or DEFAULT_HEAD
    return Signature(
        capacity_line=f"TM. {body.upper()}",
        position=position.upper(),
        name=(area.signer_name if area is not None else "") or "",
    )


def heading(area, *, kind, date, number="", body=None):
    """The context keys of the header every template shares."""
    body = nfc(body) if body else body_name(area)
    return {
        "body": body,
        "body_upper": body.upper(),
        "parent_body": "",
        "number": number_line(kind, body, number)[len("Số: "):],
        "place_date": date_line(area, date),
    }


def dotted(value, width=60):
    """A value, or a dotted line to write it in by hand on a blank form."""
    text = nfc(value) if value not in (None, "") else ""
    return text or "." * width


def render(template_name, context, *, subdocs=None):
    """The filled document as bytes. `subdocs` builds parts made in python-docx (a report's tables)."""
    template = DocxTemplate(TEMPLATE_DIR / template_name)
    if subdocs:
        context = {**context, **{key: build(template) for key, build in subdocs.items()}}
    template.render(context, autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def decision_signature(commendation):
    """The signer of a decision, as recorded with it: TM. the body, or KT. its head, then position and name."""
    from ..models import SigningCapacity

    position = nfc(commendation.signer_position) or DEFAULT_HEAD
    capacity = ""
    if commendation.signing_capacity == SigningCapacity.ON_BEHALF:
        capacity = f"TM. {(nfc(commendation.signing_for) or nfc(commendation.authority)).upper()}"
    elif commendation.signing_capacity == SigningCapacity.DEPUTY:
        capacity = f"KT. {(nfc(commendation.signing_for) or DEFAULT_HEAD).upper()}"
    return Signature(capacity_line=capacity, position=position.upper(), name=nfc(commendation.signer_name))


def party_committee(area):
    """The Party committee a commission serves: "Tỉnh ủy Vĩnh Long", "Đảng ủy Xã Long Hồ"."""
    from ..models import AreaLevel

    if area is None:
        return "Ban Bí thư Trung ương Đảng"
    if area.level == AreaLevel.COMMUNE:
        return f"Đảng ủy {area.name}"
    if area.name.startswith("Thành phố "):
        return f"Thành ủy {place_name(area)}"
    if area.level == AreaLevel.PROVINCE:
        return f"Tỉnh ủy {place_name(area)}"
    return f"Huyện ủy {place_name(area)}"
