"""Open data: published models as CSV and JSON, with documented fields.

Only what the public pages show goes out. The one personal datum is an individual exemplar's
name and position (blank for collectives); nothing about accounts, reviewers, return reasons or
internal notes. Rows are streamed so a province-wide file never sits whole in memory.
"""
import csv
import json

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import ExemplarKind, Structure
from .resources import neutralise
from .search import with_commended


def _area(registration):
    area = registration.area
    return {
        "commune": area.name if area.level == "commune" else "",
        "province": area.province.name if area.province_id else "",
        "current_province": area.current_province.name if area.current_province_id else "",
    }


def _person(registration, attribute):
    if registration.exemplar_kind != ExemplarKind.INDIVIDUAL:
        return ""
    return getattr(registration, attribute)


# (key, description, value) — the order of the CSV columns and of the documentation page.
FIELDS = (
    ("id", _("Mã số của mô hình trên cổng; trang chi tiết là /mo-hinh/<id>/."), lambda r: r.pk),
    ("duong_dan", _("Địa chỉ đầy đủ của trang chi tiết."), lambda r: reverse("public-detail", args=[r.pk])),
    ("nam", _("Năm đăng ký."), lambda r: r.year),
    ("ten_mo_hinh", _("Tên mô hình."), lambda r: r.name),
    ("linh_vuc", _("Lĩnh vực: Kinh tế; Văn hóa - Xã hội; Quốc phòng - An ninh; Xây dựng hệ thống chính trị."),
     lambda r: str(r.get_field_display())),
    ("cap", _("Cấp đăng ký và công nhận: Cơ sở, Huyện, Tỉnh."), lambda r: str(r.get_level_display())),
    ("loai_dien_hinh", _("Tập thể hoặc Cá nhân."), lambda r: str(r.get_exemplar_kind_display())),
    ("ho_ten", _("Họ tên người được nêu gương (chỉ với điển hình cá nhân; trống với tập thể)."),
     lambda r: _person(r, "person_name")),
    ("chuc_vu", _("Chức vụ người được nêu gương (chỉ với điển hình cá nhân)."), lambda r: _person(r, "person_position")),
    ("xay_dung_moi", _("true nếu xây dựng mới, false nếu củng cố, nâng cao mô hình đã có."), lambda r: r.is_new),
    ("tiep_noi_id", _("Mã số mô hình năm trước mà mô hình này tiếp nối (nếu có)."), lambda r: r.continues_id),
    ("nhan_rong_tu_id", _("Mã số mô hình được nhân rộng (nếu có)."), lambda r: r.replicates_id),
    ("don_vi", _("Tên đơn vị thực hiện."), lambda r: r.unit.name),
    ("loai_don_vi", _("Loại đơn vị (khối / loại)."), lambda r: r.unit_kind.label),
    ("xa", _("Xã/phường của đơn vị trong năm đăng ký (trống nếu đơn vị cấp tỉnh, huyện)."),
     lambda r: _area(r)["commune"]),
    ("tinh", _("Tỉnh/thành phố trong năm đăng ký (theo địa giới lúc đó)."), lambda r: _area(r)["province"]),
    ("tinh_hien_nay", _("Tỉnh/thành phố theo địa giới từ 01/7/2025."), lambda r: _area(r)["current_province"]),
    ("dia_gioi", _("moi: địa giới từ 01/7/2025; cu: địa giới trước đó."),
     lambda r: "cu" if r.area.structure == Structure.LEGACY else "moi"),
    ("muc_tieu", _("Mục tiêu."), lambda r: r.objectives),
    ("noi_dung", _("Nội dung, cách làm."), lambda r: r.content),
    ("ket_qua", _("Kết quả đạt được (mô tả)."), lambda r: r.results),
    ("so_nguoi_tham_gia", _("Số người tham gia."), lambda r: r.participants),
    ("so_nguoi_huong_loi", _("Số người hưởng lợi."), lambda r: r.beneficiaries),
    ("so_tien_van_dong", _("Số tiền vận động, đồng."), lambda r: r.money_mobilised),
    ("dat_hien_m2", _("Đất hiến, m²."), lambda r: r.land_donated_m2),
    ("ngay_cong", _("Ngày công đóng góp."), lambda r: r.work_days),
    ("nha_xay_sua", _("Số nhà xây mới hoặc sửa chữa."), lambda r: r.houses),
    ("ho_thoat_ngheo", _("Số hộ thoát nghèo."), lambda r: r.households_out_of_poverty),
    ("danh_gia", _("Kết quả đánh giá: Đạt, Không đạt, Điển hình (trống nếu chưa tổng kết)."),
     lambda r: str(r.get_outcome_display()) if r.outcome else ""),
    ("khen_thuong", _("true nếu mô hình đã được khen thưởng."), lambda r: bool(r.is_commended)),
)
DOCUMENTED_FIELDS = [(key, description) for key, description, _value in FIELDS]


def export_queryset(queryset):
    return with_commended(queryset).select_related(
        "unit", "unit_kind", "unit_kind__parent", "area", "area__province", "area__current_province"
    )


def rows(queryset, site_root=""):
    """Dicts keyed by field; `site_root` (scheme and host) makes `duong_dan` absolute."""
    for registration in export_queryset(queryset).iterator(chunk_size=1000):
        row = {key: value(registration) for key, _description, value in FIELDS}
        row["duong_dan"] = site_root + row["duong_dan"]
        yield row


def _safe_cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else neutralise(value)


class _Echo:
    def write(self, value):
        return value


def csv_lines(queryset, site_root=""):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # lets spreadsheet programs recognise UTF-8
    yield writer.writerow([key for key, _description, _value in FIELDS])
    for row in rows(queryset, site_root):
        yield writer.writerow([_safe_cell(value) for value in row.values()])


def json_chunks(queryset, site_root=""):
    yield '{"fields": ' + json.dumps([key for key, _description, _value in FIELDS]) + ', "items": ['
    separator = ""
    for row in rows(queryset, site_root):
        yield separator + json.dumps(row, ensure_ascii=False)
        separator = ",\n"
    yield "]}\n"


LICENCE_NAME = "Creative Commons Ghi công 4.0 Quốc tế (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.vi"


def last_changed():
    """When the published data last changed: the latest change of a model that is, or was
    until it was withdrawn, published (drafts and reviews in progress change nothing public)."""
    from django.db.models import Max

    from .models import PUBLISHED_STATUSES, Registration, Status

    shown = Registration.objects.filter(status__in=[*PUBLISHED_STATUSES, Status.WITHDRAWN])
    return shown.aggregate(latest=Max("updated_at"))["latest"]


def api_rate():
    """The API's limit per client address as (count, period in words), from the throttle setting."""
    from django.conf import settings

    count, period = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"].split("/")
    words = {"s": _("giây"), "m": _("phút"), "h": _("giờ"), "d": _("ngày")}
    return count, words.get(period[:1], period)
