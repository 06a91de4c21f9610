"""The registration and unit list filters shared by the lists, the unit chooser and the exports.

Query parameters (Vietnamese, as they appear in links):
`nam` year, `linh-vuc` field, `cap` level, `trang-thai` status, `loai-don-vi` unit kind code,
`dia-ban` area id, `don-vi` unit id, `q` text (accent-insensitive, on model and unit name).
Unknown or malformed values are ignored rather than failing the page.
"""
from django.db.models import Q

from .models import AdminArea, ExemplarKind, Field, Level, Status
from .text import fold

PARAMS = ("nam", "linh-vuc", "cap", "trang-thai", "loai-don-vi", "dia-ban", "don-vi", "loai-dien-hinh", "q")


# The largest id a database column holds: a larger number typed into a URL is no id at all.
MAX_ID = 2**63 - 1


def parse_id(value):
    """A positive integer from a query parameter, or None for anything else (text, huge, negative)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def filter_registrations(queryset, params):
    year = parse_id(params.get("nam"))
    if year:
        queryset = queryset.filter(year=year)
    if params.get("linh-vuc") in Field.values:
        queryset = queryset.filter(field=params["linh-vuc"])
    if params.get("cap") in Level.values:
        queryset = queryset.filter(level=params["cap"])
    if params.get("trang-thai") in Status.values:
        queryset = queryset.filter(status=params["trang-thai"])
    if params.get("loai-dien-hinh") in ExemplarKind.values:
        queryset = queryset.filter(exemplar_kind=params["loai-dien-hinh"])
    queryset = _by_kind_and_area(queryset, params, kind="unit_kind")
    unit_id = parse_id(params.get("don-vi"))
    if unit_id:
        queryset = queryset.filter(unit_id=unit_id)
    text = fold(params.get("q", ""))[:200]
    if text:
        queryset = queryset.filter(search_text__contains=text)
    return queryset


def filter_units(queryset, params):
    queryset = _by_kind_and_area(queryset, params, kind="kind")
    words = fold(params.get("q", ""))[:200].split()
    if words:
        # Units carry no folded search column; a province's few thousand names are folded here
        # in milliseconds, so "hoi phu nu" finds "Hội Phụ nữ" on SQLite and PostgreSQL alike.
        queryset = queryset.filter(pk__in=[
            pk for pk, name, code in queryset.values_list("pk", "name", "code")
            if all(word in fold(f"{name} {code}") for word in words)
        ])
    return queryset


def _by_kind_and_area(queryset, params, *, kind):
    """A unit kind takes in its sub-kinds; an area takes in the old areas rolled up into it."""
    code = params.get("loai-don-vi")
    if code:
        queryset = queryset.filter(Q(**{f"{kind}__code": code}) | Q(**{f"{kind}__parent__code": code}))
    area_id = parse_id(params.get("dia-ban"))
    area = AdminArea.objects.filter(pk=area_id).first() if area_id else None
    if area is not None:
        queryset = queryset.filter(area.scope_q("area"))
    return queryset
