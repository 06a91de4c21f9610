"""Quyết định khen thưởng with its annex list of recipients.

A decision is the set of commendations recorded under one number, date and issuing body.
Official documents are written in Vietnamese whatever language the page is shown in.
"""
from collections import Counter

from ..models import ExemplarKind
from ..services.commendations import recipient_of
from ..text import nfc
from . import decision_signature, heading, render, vn_date


def _period(commendations):
    years = sorted({c.registration.year for c in commendations})
    rounds = {c.proposal.round for c in commendations if c.proposal_id}
    if len(rounds) == 1:
        commendation_round = rounds.pop()
        if commendation_round.year_from != commendation_round.year_to:
            return f"giai đoạn {commendation_round.year_from}–{commendation_round.year_to}"
        return f"năm {commendation_round.year_to}"
    if len(years) == 1:
        return f"năm {years[0]}"
    return f"các năm {years[0]}–{years[-1]}"


def rows(commendations):
    result = []
    for number, commendation in enumerate(commendations, start=1):
        registration = commendation.registration
        detail = [registration.unit.name] if registration.exemplar_kind == ExemplarKind.INDIVIDUAL else []
        detail.append(str(registration.area))
        result.append({
            "number": number,
            "name": nfc(recipient_of(commendation)),
            "area": ", ".join(part for part in detail if part and part != recipient_of(commendation)),
            "model": nfc(registration.name),
            "form": commendation.form.name,
            "kind": registration.exemplar_kind,
        })
    return result


def context(commendations):
    """`commendations`: those of one decision, in the annex's order, with registration, unit, area, form."""
    first = commendations[0]
    body = nfc(first.authority)
    listed = rows(commendations)
    period = _period(commendations)
    area = first.proposal.round.area if first.proposal_id else first.registration.area
    articles = []
    by_form = Counter(row["form"] for row in listed)
    for form_name, _count in by_form.items():
        collectives = sum(1 for row in listed if row["form"] == form_name and row["kind"] == ExemplarKind.COLLECTIVE)
        individuals = sum(1 for row in listed if row["form"] == form_name and row["kind"] == ExemplarKind.INDIVIDUAL)
        articles.append(
            f"Điều {len(articles) + 1}. Tặng {form_name} cho {collectives} tập thể và {individuals} cá nhân đã có "
            f"thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” {period} (có danh sách kèm theo)."
        )
    articles.append(
        f"Điều {len(articles) + 1}. Quyết định có hiệu lực từ ngày ký. Văn phòng, các bộ phận liên quan và các tập thể, "
        f"cá nhân có tên tại danh sách kèm theo chịu trách nhiệm thi hành Quyết định này."
    )
    rounds = {c.proposal.round.name for c in commendations if c.proposal_id}
    grounds = ["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"]
    grounds += [f"Căn cứ kết quả xét đợt “{name}”;" for name in sorted(rounds)]
    grounds.append("Xét đề nghị của Hội đồng Thi đua – Khen thưởng,")
    return {
        **heading(area, kind="QĐ", date=first.decision_date, number=first.decision_number, body=body),
        "decision_number": nfc(first.decision_number),
        "decision_date": vn_date(first.decision_date),
        "grounds": grounds,
        "articles": articles,
        "rows": listed,
        "recipients": ["Như Điều " + str(len(articles)) + ";", "Các tập thể, cá nhân được khen thưởng;", "Lưu VT."],
        "sign": decision_signature(first),
    }


def render_decision(commendations):
    return render("quyet_dinh.docx", context(commendations))
