"""A small province for the commendation tests: two communes, staff at each level, one exemplary model."""
import datetime
from types import SimpleNamespace

from django.utils import timezone

from models_registry.models import CommendationForm, Outcome, Status

from .factories import (
    make_commune,
    make_leader,
    make_province,
    make_registration,
    make_round,
    make_staff,
    make_unit,
    make_unit_user,
)


def build_world():
    today = timezone.localdate()
    province = make_province(name="Tỉnh Vĩnh Long")
    province.commission_name = "Ban Tuyên giáo và Dân vận Tỉnh ủy Vĩnh Long"
    province.save()
    commune = make_commune(province, name="Xã Thường Thới Tiền")
    other_commune = make_commune(province, name="Xã Long Hồ")
    other_province = make_province(name="Tỉnh Bến Tre")
    unit = make_unit(commune, name="Hội Liên hiệp Phụ nữ xã Thường Thới Tiền")
    registration = make_registration(
        unit, year=today.year, name="Tủ quần áo yêu thương", status=Status.COMPLETED, outcome=Outcome.EXEMPLARY,
    )
    return SimpleNamespace(
        today=today,
        yesterday=today - datetime.timedelta(days=1),
        province=province,
        commune=commune,
        other_commune=other_commune,
        other_province=other_province,
        unit=unit,
        registration=registration,
        commune_staff=make_staff(commune, first_name="Lan", last_name="Nguyễn"),
        other_commune_staff=make_staff(other_commune),
        province_staff=make_staff(province, first_name="Hùng", last_name="Trần"),
        other_province_staff=make_staff(other_province),
        province_leader=make_leader(province),
        unit_user=make_unit_user(unit),
        round=make_round(province, name="Khen thưởng điển hình “Dân vận khéo” năm nay"),
        giay_khen=CommendationForm.objects.get(code="giay-khen"),
        bang_khen=CommendationForm.objects.get(code="bang-khen"),
    )


def vote(world, **overrides):
    values = {
        "justification": "Vận động 320 hộ tham gia, hỗ trợ 85 hộ nghèo.",
        "votes_for": 18,
        "votes_against": 1,
        "votes_present": 20,
        "vote_date": world.yesterday,
    }
    values.update(overrides)
    return values
