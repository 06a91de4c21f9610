"""The dossier of a commendation round: tờ trình, biên bản of the council, one báo cáo thành tích
per proposal, all in one .zip.

The area that prepares it issues it: the deciding area for the whole round, a proposing area
for its own proposals. Official documents are written in Vietnamese whatever language the
page is shown in.
"""
import io
import zipfile

from django.utils.text import slugify
from docxtpl import Listing

from ..models import RESULT_FIGURES, ExemplarKind, ReviewKind
from ..report_tables import RESULT_LABELS
from ..text import fold, nfc
from . import Signature, area_signature, body_name, heading, party_committee, render, vn_date
from .movement_report import number


def percent(part, whole):
    if not whole:
        return "–"
    return f"{100 * part / whole:.1f}".replace(".", ",") + "%"


def _name(registration):
    if registration.exemplar_kind == ExemplarKind.INDIVIDUAL and registration.person_name:
        position = f", {registration.person_position}" if registration.person_position else ""
        return nfc(f"{registration.person_name}{position}")
    return nfc(registration.unit.name)


def _round_period(commendation_round):
    if commendation_round.year_from == commendation_round.year_to:
        return f"năm {commendation_round.year_to}"
    return f"giai đoạn {commendation_round.year_from}–{commendation_round.year_to}"


def submission_context(commendation_round, proposals, issuing_area, *, today):
    deciding = issuing_area.pk == commendation_round.area_id
    addressee = f"Thường trực {party_committee(issuing_area)}" if deciding else body_name(commendation_round.area)
    collectives, individuals = [], []
    for proposal in proposals:
        registration = proposal.registration
        target = individuals if registration.exemplar_kind == ExemplarKind.INDIVIDUAL else collectives
        target.append({
            "number": len(target) + 1,
            "name": _name(registration),
            "area": nfc(registration.unit.name if target is individuals else str(registration.area)),
            "model": nfc(registration.name),
            "year": registration.year,
            "votes": f"{proposal.votes_for}/{proposal.votes_present}",
        })
    total = len(collectives) + len(individuals)
    return {
        **heading(issuing_area, kind="TTr", date=today),
        "round_name": f"đợt “{nfc(commendation_round.name)}”",
        "addressee": addressee,
        "intro": (
            f"Thực hiện đợt xét khen thưởng “{nfc(commendation_round.name)}” {_round_period(commendation_round)}, "
            f"trên cơ sở kết quả bình xét công khai, dân chủ ở cơ sở, {body_name(issuing_area)} kính trình "
            f"xem xét, khen thưởng {len(collectives)} tập thể và {len(individuals)} cá nhân có thành tích "
            "xuất sắc trong phong trào thi đua “Dân vận khéo”, cụ thể như sau:"
        ),
        "collectives": collectives,
        "individuals": individuals,
        "closing": f"Kèm theo Tờ trình là biên bản họp xét và {total} báo cáo thành tích. "
                   f"Kính trình {addressee} xem xét, quyết định.",
        "recipients": ["Như trên;", "Lưu VT."],
        "sign": area_signature(issuing_area),
    }


def minutes_context(commendation_round, proposals, issuing_area, *, today):
    rows = []
    for number_, proposal in enumerate(proposals, start=1):
        rows.append({
            "number": number_,
            "name": f"{_name(proposal.registration)} – {nfc(proposal.registration.name)}",
            "date": vn_date(proposal.vote_date),
            "present": proposal.votes_present,
            "votes_for": proposal.votes_for,
            "votes_against": proposal.votes_against,
            "percent": percent(proposal.votes_for, proposal.votes_present),
        })
    passed = sum(1 for p in proposals if p.votes_present and 2 * p.votes_for > p.votes_present)
    return {
        **heading(issuing_area, kind="BB", date=today),
        "round_name": f"đợt “{nfc(commendation_round.name)}”",
        "intro": (
            f"Hôm nay, ngày {today:%d/%m/%Y}, Hội đồng Thi đua – Khen thưởng của {body_name(issuing_area)} họp xét "
            f"{len(proposals)} đề nghị khen thưởng của đợt “{nfc(commendation_round.name)}”. Số phiếu dưới đây là "
            "số phiếu đã ghi khi lập từng đề nghị."
        ),
        "rows": rows,
        "conclusion": (
            f"Kết luận: {passed}/{len(proposals)} đề nghị đạt trên 50% số phiếu tán thành của người dự họp. "
            "Biên bản kết thúc cùng ngày, đã thông qua cho các thành viên dự họp."
        ),
        "sign": Signature(position="CHỦ TỌA", note="(Ký, ghi rõ họ tên)"),
    }


def achievement_context(proposal, earlier, *, today):
    registration = proposal.registration
    unit = registration.unit
    facts = [
        {"label": "Tên tập thể" if registration.exemplar_kind == ExemplarKind.COLLECTIVE else "Họ tên, chức vụ",
         "value": _name(registration)},
        {"label": "Đơn vị", "value": nfc(unit.name)},
        {"label": "Địa bàn", "value": str(registration.area)},
        {"label": "Mô hình", "value": f"“{nfc(registration.name)}” ({registration.get_field_display()}, "
                                       f"năm {registration.year})"},
        {"label": "Đề nghị", "value": f"đợt “{nfc(proposal.round.name)}” của {proposal.round.area}"},
    ]
    sections = [
        {"title": title, "text": Listing(nfc(text))}
        for title, text in (
            ("Mục tiêu", registration.objectives),
            ("Nội dung, cách làm", registration.content),
            ("Kết quả đạt được", registration.results),
            ("Thành tích, lý do đề nghị", proposal.justification),
        )
        if text
    ]
    figures = [
        {"label": str(RESULT_LABELS[name]), "value": number(getattr(registration, name))}
        for name in RESULT_FIGURES if getattr(registration, name)
    ]
    reviews = [
        {"label": f"Tiêu chí: {a.criterion}", "date": "", "outcome": "Đạt" if a.met else ("Chưa đạt" if a.met is False else "–"),
         "note": nfc(a.note)}
        for a in registration.assessments.all()
    ]
    reviews += [
        {"label": ReviewKind(r.kind).label, "date": vn_date(r.review_date), "outcome": r.get_outcome_display(),
         "note": nfc(r.summary)}
        for r in registration.reviews.all()
    ]
    return {
        **heading(registration.area, kind="BC", date=today),
        "commission_upper": body_name(registration.area).upper(),
        "unit_upper": nfc(unit.name).upper(),
        "round_name": f"đợt “{nfc(proposal.round.name)}”",
        "facts": facts,
        "sections": sections,
        "figures": figures,
        "reviews": reviews,
        "earlier": [
            f"{c.form.name} ({c.get_level_display()}) theo Quyết định số {c.decision_number} ngày "
            f"{vn_date(c.decision_date)} của {c.authority} – mô hình “{c.registration.name}”, năm {c.registration.year}"
            for c in earlier
        ],
        "sign": Signature(position="THỦ TRƯỞNG ĐƠN VỊ"),
    }


def achievement_file_name(index, proposal):
    slug = slugify(fold(f"{proposal.registration.name}-{proposal.registration.unit.name}"))[:60] or str(proposal.pk)
    return f"03-bao-cao-thanh-tich/{index:02d}-{slug}.docx"


def render_dossier(commendation_round, proposals, issuing_area, earlier_of, *, today):
    """The .zip bytes. `earlier_of(proposal)`: the recorded commendations to list in its achievement report."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("01-to-trinh.docx", render(
            "to_trinh.docx", submission_context(commendation_round, proposals, issuing_area, today=today)))
        archive.writestr("02-bien-ban-hop-xet.docx", render(
            "bien_ban.docx", minutes_context(commendation_round, proposals, issuing_area, today=today)))
        for index, proposal in enumerate(proposals, start=1):
            archive.writestr(achievement_file_name(index, proposal), render(
                "bao_cao_thanh_tich.docx", achievement_context(proposal, earlier_of(proposal), today=today)))
    return buffer.getvalue()
