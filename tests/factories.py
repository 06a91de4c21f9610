"""Small factory functions: each builds one valid object with sensible defaults."""
import itertools

from models_registry.models import (
    AdminArea,
    AreaLevel,
    Registration,
    Role,
    Status,
    Structure,
    Unit,
    UnitKind,
    User,
)

_seq = itertools.count(1)
# Area codes have five characters: a letter (never a real code's digit) and four digits.
PASSWORD = "mat-khau-thu-nghiem"


def make_province(code=None, name=None, structure=Structure.CURRENT):
    n = next(_seq)
    area = AdminArea.objects.create(
        structure=structure, code=code or f"P{n % 10000:04d}", name=name or f"Tỉnh Thử {n}",
        level=AreaLevel.PROVINCE,
    )
    area.province = area
    if structure == Structure.CURRENT:
        area.current_province = area
    area.save()
    return area


def make_district(province, code=None, name=None):
    n = next(_seq)
    area = AdminArea.objects.create(
        structure=Structure.LEGACY, code=code or f"D{n % 10000:04d}", name=name or f"Huyện Thử {n}", level=AreaLevel.DISTRICT,
        parent=province, province=province, current_province=province.current_province,
    )
    area.district = area
    area.save()
    return area


def make_commune(parent, code=None, name=None, successor=None):
    """A commune under `parent` (a current province, or a legacy district).

    For a legacy commune, `successor` is the current commune it rolls up into.
    """
    n = next(_seq)
    area = AdminArea(code=code or f"C{n % 10000:04d}", name=name or f"Xã Thử {n}", level=AreaLevel.COMMUNE, parent=parent,
                     structure=parent.structure, province=parent.province)
    if parent.structure == Structure.LEGACY:
        area.district = parent
        area.current_province = successor.current_province if successor else parent.current_province
        area.current_commune = successor
    else:
        area.current_province = parent.province
    area.save()
    if area.structure == Structure.CURRENT:
        area.current_commune = area
        area.save(update_fields=["current_commune"])
    return area


def make_kind(code=None, name=None, parent=None):
    n = next(_seq)
    return UnitKind.objects.create(code=code or f"loai-{n}", name=name or f"Loại {n}", parent=parent)


def make_unit(area, kind=None, code=None, name=None, **extra):
    n = next(_seq)
    return Unit.objects.create(
        code=code or f"DV{n:05d}", name=name or f"Đơn vị thử {n}", kind=kind or make_kind(), area=area, **extra
    )


def make_registration(unit, year=2025, name=None, status=Status.DRAFT, **extra):
    n = next(_seq)
    extra.setdefault("field", "economy")
    # What submitting asks for, so a factory draft can be sent as it is.
    extra.setdefault("objectives", "Mục tiêu thử")
    extra.setdefault("content", "Nội dung thử")
    extra.setdefault("success_indicators", "Tiêu chí thử")
    return Registration.objects.create(unit=unit, year=year, name=name or f"Mô hình thử {n}", status=status, **extra)


def make_user(username=None, role="", unit=None, area=None, **extra):
    n = next(_seq)
    return User.objects.create_user(
        username=username or f"nguoidung{n}", password=PASSWORD, role=role, unit=unit, area=area, **extra
    )


def make_unit_user(unit, **extra):
    return make_user(role=Role.UNIT, unit=unit, **extra)


def make_staff(area, **extra):
    return make_user(role=Role.STAFF, area=area, **extra)


def make_leader(area, **extra):
    return make_user(role=Role.LEADER, area=area, **extra)


def make_sheet(headers, rows, name="tep.xlsx"):
    """An uploaded .xlsx (or .csv, by `name`) file with a header row and data rows."""
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    if name.endswith(".csv"):
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerows(rows)
        return SimpleUploadedFile(name, text.getvalue().encode("utf-8-sig"), content_type="text/csv")
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        name, buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def make_round(area, level=None, year=None, opens_on=None, closes_on=None, **extra):
    """A commendation round of `area`, open today unless dates are given."""
    import datetime

    from django.utils import timezone

    from models_registry.models import CommendationRound
    from models_registry.services.commendations import level_of_area

    today = timezone.localdate()
    year = year or today.year
    n = next(_seq)
    return CommendationRound.objects.create(
        name=extra.pop("name", f"Đợt khen thưởng thử {n}"), area=area, level=level or level_of_area(area),
        year_from=extra.pop("year_from", year), year_to=extra.pop("year_to", year),
        opens_on=opens_on or today - datetime.timedelta(days=5), closes_on=closes_on or today + datetime.timedelta(days=5),
        **extra,
    )


def make_report_fixture():
    """A hand-counted data set for the report tests (see tests/test_reports.py for the counts).

    Province P (today's structure, code 86) with communes C1, C2; the old province LP and its
    district LD roll up into P: old commune LC1 into C1, LC2 (split) by default into C2.
    Province Q (code 01) is someone else's.
    """
    from types import SimpleNamespace

    from models_registry.models import ExemplarKind, Outcome

    p = make_province(code="86", name="Tỉnh Vĩnh Long")
    c1 = make_commune(p, code="86001", name="Phường Một")
    c2 = make_commune(p, code="86002", name="Xã Hai")
    lp = make_province(code="83", name="Tỉnh Bến Tre", structure=Structure.LEGACY)
    lp.current_province = p
    lp.save()
    ld = make_district(lp, code="831", name="Huyện Châu Thành")
    lc1 = make_commune(ld, code="83101", name="Xã Cũ Một", successor=c1)
    lc2 = make_commune(ld, code="83102", name="Xã Cũ Hai", successor=c2)
    lc2.is_split = True
    lc2.save()
    q = make_province(code="01", name="Thành phố Hà Nội")
    qc = make_commune(q, code="01001", name="Phường Ba Đình")

    k1 = UnitKind.objects.get_or_create(code="to-chuc-dang", defaults={"name": "Tổ chức Đảng"})[0]
    k2 = UnitKind.objects.get_or_create(code="doan-the", defaults={"name": "Đoàn thể chính trị - xã hội"})[0]
    k2s = make_kind(code="hoi-phu-nu", name="Hội Phụ nữ", parent=k2)

    u1 = make_unit(c1, k1, code="U1", name="Chi bộ ấp Một")
    u2 = make_unit(c1, k2s, code="U2", name="Hội Phụ nữ phường Một")
    u3 = make_unit(c2, k2, code="U3", name="Đoàn Thanh niên xã Hai")
    u4 = make_unit(lc1, k1, code="U4", name="Chi bộ xã cũ Một")
    u5 = make_unit(c2, k1, code="U5", name="Chi bộ ấp Năm")
    u6 = make_unit(qc, k1, code="U6", name="Chi bộ Ba Đình")
    u7 = make_unit(lc2, k2, code="U7", name="Hội Nông dân xã cũ Hai")
    make_unit(c2, k1, code="U8", name="Chi bộ đã giải thể", is_active=False)

    r10 = make_registration(u4, 2025, "Dân vận khéo 2025 xã cũ", Status.ACCEPTED, participants=30)
    r11 = make_registration(u4, 2025, "Mô hình bỏ dở", Status.SUBMITTED, field="culture_society")
    r12 = make_registration(u7, 2025, "Mô hình xã bị chia", Status.ACCEPTED)
    r1 = make_registration(u1, 2026, "Ấp không rác", Status.ACCEPTED, participants=100, money_mobilised=1_000_000)
    r2 = make_registration(
        u2, 2026, "Tủ áo yêu thương", Status.COMPLETED, field="culture_society", level="district",
        exemplar_kind=ExemplarKind.INDIVIDUAL, person_name="Nguyễn Thị Bí Mật", is_new=False, continues=r10,
        outcome=Outcome.EXEMPLARY, participants=50,
    )
    r3 = make_registration(
        u3, 2026, "Ấp không rác nhân rộng", Status.COMMENDED, replicates=r1, outcome=Outcome.ACHIEVED,
        land_donated_m2=200,
    )
    r4 = make_registration(u1, 2026, "Bản nháp", Status.DRAFT, field="defence_security")
    r5 = make_registration(u3, 2026, "Đã rút", Status.WITHDRAWN, field="political_system", participants=999)
    r6 = make_registration(u6, 2026, "Mô hình Hà Nội", Status.ACCEPTED)
    return SimpleNamespace(**locals())


def make_portal_world():
    """The cast of the workflow tests: one province, two communes, two units in commune X,
    and one account per role (named after the demo accounts)."""
    from types import SimpleNamespace

    province = make_province(name="Tỉnh Thử")
    commune_x = make_commune(province, name="Xã Hòa Bình")
    commune_y = make_commune(province, name="Xã Yên Thế")
    kind = make_kind(name="Hội Phụ nữ")
    unit_a = make_unit(commune_x, kind=kind, name="Chi hội Phụ nữ thôn A")
    unit_b = make_unit(commune_x, kind=kind, name="Chi đoàn thôn B")
    return SimpleNamespace(
        province=province, commune_x=commune_x, commune_y=commune_y, kind=kind, unit_a=unit_a, unit_b=unit_b,
        donvi_a=make_unit_user(unit_a, username="donvi.a"),
        donvi_b=make_unit_user(unit_b, username="donvi.b"),
        canbo_xa=make_staff(commune_x, username="canbo.xa", first_name="Cán bộ xã"),
        canbo_xa_khac=make_staff(commune_y, username="canbo.xakhac"),
        canbo_tinh=make_staff(province, username="canbo.tinh"),
        lanhdao=make_leader(province, username="lanhdao"),
        admin=User.objects.create_superuser(username="admin", password=PASSWORD, email="admin@example.org"),
    )




def make_plan(area, year, **dates):
    from models_registry.models import YearPlan

    return YearPlan.objects.create(area=area, year=year, **dates)


def make_sent(unit, year, on, *, status=Status.SUBMITTED):
    """A registration of `unit` sent for review on the date `on` (its history says so)."""
    import datetime

    from django.utils import timezone

    from models_registry.models import Action, RegistrationEvent

    registration = make_registration(unit, year=year, status=status)
    event = RegistrationEvent.objects.create(registration=registration, action=Action.SUBMITTED,
                                             from_status=Status.DRAFT, to_status=Status.SUBMITTED)
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(9)))
    RegistrationEvent.objects.filter(pk=event.pk).update(at=at)
    return registration


def make_units(area, count, kind=None, prefix="HL"):
    """`count` units of `area` in one query (bulk account creation at a province's scale)."""
    kind = kind or make_kind()
    n = next(_seq)
    return Unit.objects.bulk_create([
        Unit(code=f"{prefix}{n}-{i:05d}", name=f"Đơn vị hàng loạt {n}-{i}", kind=kind, area=area) for i in range(count)
    ])
