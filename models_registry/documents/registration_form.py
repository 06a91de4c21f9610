"""Phiếu đăng ký mô hình "Dân vận khéo": a unit's registration as the paper form, filled or blank.

Official documents are written in Vietnamese whatever language the page is shown in.
"""
from django.utils import timezone
from docxtpl import Listing

from ..models import ExemplarKind
from . import Signature, body_name, date_line, dotted, place_name, render, vn_date

SECTIONS = (
    ("situation", "Thực trạng, lý do xây dựng mô hình"),
    ("objectives", "Mục tiêu"),
    ("content", "Nội dung, cách làm"),
    ("target_group", "Đối tượng vận động"),
    ("target_area", "Địa bàn thực hiện"),
    ("lead_force", "Lực lượng nòng cốt"),
    ("partners", "Đơn vị phối hợp"),
    ("resources", "Nguồn lực"),
    ("milestones", "Các mốc thực hiện"),
    ("expected_results", "Kết quả dự kiến"),
    ("sustainability", "Cách duy trì, nhân rộng"),
    ("success_indicators", "Tiêu chí, chỉ tiêu đánh giá"),
)


def context(registration=None, *, unit=None, year=None, today=None):
    """The form of `registration`, or a blank one for `unit` and `year`."""
    today = today or timezone.localdate()
    unit = registration.unit if registration is not None else unit
    area = unit.area if unit is not None else None
    year = registration.year if registration is not None else (year or today.year)
    commission = body_name(area)
    r = registration

    def value(getter):
        return dotted(getter(r) if r is not None else "")

    facts = [
        {"label": "Tên đơn vị", "value": dotted(unit.name if unit else "")},
        {"label": "Địa bàn", "value": dotted(str(area) if area else "")},
        {"label": "Tên mô hình", "value": value(lambda x: x.name)},
        {"label": "Lĩnh vực", "value": value(lambda x: x.get_field_display())},
        {"label": "Cấp đăng ký", "value": value(lambda x: x.get_level_display())},
        {"label": "Loại điển hình", "value": value(lambda x: x.get_exemplar_kind_display())},
    ]
    if r is None or r.exemplar_kind == ExemplarKind.INDIVIDUAL:
        facts.append({"label": "Họ tên, chức vụ (điển hình cá nhân)",
                      "value": value(lambda x: ", ".join(p for p in (x.person_name, x.person_position) if p))})
    facts.extend([
        {"label": "Xây dựng mới hay củng cố, nâng cao",
         "value": value(lambda x: "Xây dựng mới" if x.is_new else "Củng cố, nâng cao")},
        {"label": "Thời gian bắt đầu", "value": value(lambda x: vn_date(x.start_date))},
        {"label": "Thời gian đánh giá", "value": value(lambda x: vn_date(x.evaluation_date))},
    ])
    for fact in facts:
        # A blank line fits on the row after its label.
        if fact["value"].startswith("..."):
            fact["value"] = "." * max(20, 80 - len(fact["label"]))
    sections = [
        {"number": number, "title": title,
         "text": Listing(getattr(r, name)) if r is not None and getattr(r, name) else dotted("", 180)}
        for number, (name, title) in enumerate(SECTIONS, start=1)
    ]
    when = today if r is None else (r.created_at.date() if r.created_at else today)
    return {
        "commission": commission,
        "commission_upper": commission.upper(),
        "unit_upper": (unit.name if unit else dotted("", 30)).upper(),
        "body": unit.name if unit else "",
        "number": "……/ĐK",
        "place_date": date_line(area, when) if r is not None else
                      f"{place_name(area) if area else '……'}, ngày …… tháng …… năm ……",
        "year": year,
        "facts": facts,
        "sections": sections,
        "recipients": [commission + ";", "Lưu đơn vị."],
        "sign": Signature(position="THỦ TRƯỞNG ĐƠN VỊ"),
    }


def render_form(registration=None, **blank):
    return render("phieu_dang_ky.docx", context(registration, **blank))


def file_name(registration=None, year=None):
    if registration is None:
        return f"phieu-dang-ky-mau-{year}.docx"
    return f"phieu-dang-ky-mo-hinh-{registration.pk}.docx"
