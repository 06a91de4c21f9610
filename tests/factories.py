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
PASSWORD = "mat-khau-thu-nghiem"


def make_province(code=None, name=None, structure=Structure.CURRENT):
    n = next(_seq)
    area = AdminArea.objects.create(
        structure=structure, code=code or f"P{n}", name=name or f"Tỉnh Thử {n}",
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
        structure=Structure.LEGACY, code=code or f"D{n}", name=name or f"Huyện Thử {n}", level=AreaLevel.DISTRICT,
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
    area = AdminArea(code=code or f"C{n}", name=name or f"Xã Thử {n}", level=AreaLevel.COMMUNE, parent=parent,
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
