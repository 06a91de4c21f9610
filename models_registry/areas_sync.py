"""Bring the AdminArea and AreaSuccessor tables in line with the packages' data.

Compares the wanted state with what is stored and writes only the differences, so a
second run changes nothing; a handful of bulk queries, not one per area.
"""
from django.db import transaction
from django.db.models import F

from .area_sources import CURRENT_FROM, LEGACY_TO, all_area_rows
from .models import AdminArea, AreaSuccessor, Structure

PLAIN_FIELDS = ("name", "level", "division_type", "latitude", "longitude", "is_split", "valid_from", "valid_to")
LINK_FIELDS = ("parent", "province", "district", "current_province", "current_commune")


def _wanted_plain(row):
    current = row.structure == Structure.CURRENT
    return {
        "name": row.name,
        "level": row.level,
        "division_type": row.division_type,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "is_split": row.is_split,
        "valid_from": CURRENT_FROM if current else None,
        "valid_to": None if current else LEGACY_TO,
    }


def _link_ids(row, stored):
    """Link ids that can be set at creation; a link to the row itself waits for its id."""
    return {
        f"{name}_id": stored[getattr(row, name)].pk if getattr(row, name) and getattr(row, name) != row.key else None
        for name in LINK_FIELDS
    }


def _create_missing(rows, stored):
    """Create absent areas level by level, parents first, so links are set in the same INSERT."""
    created = 0
    groups = {}
    for row in rows:
        groups.setdefault((row.structure, row.level), []).append(row)
    for structure, level in groups:
        new_areas = [
            AdminArea(structure=structure, code=row.code, **_wanted_plain(row), **_link_ids(row, stored))
            for row in groups[(structure, level)]
            if row.key not in stored
        ]
        if not new_areas:
            continue
        AdminArea.objects.bulk_create(new_areas, batch_size=2000)
        created += len(new_areas)
        for area in AdminArea.objects.filter(structure=structure, level=level):
            stored[(area.structure, area.code)] = area
    for name in LINK_FIELDS:
        self_linked = [stored[row.key] for row in rows if getattr(row, name) == row.key]
        AdminArea.objects.filter(pk__in=[a.pk for a in self_linked], **{f"{name}__isnull": True}).update(**{name: F("pk")})
        for area in self_linked:
            setattr(area, f"{name}_id", area.pk)
    return created


@transaction.atomic
def sync_areas(rows=None):
    """Returns counts: created, updated, successors created / updated / removed."""
    rows = all_area_rows() if rows is None else rows
    stored = {(a.structure, a.code): a for a in AdminArea.objects.all()}
    created = _create_missing(rows, stored)

    changed = []
    for row in rows:
        area = stored[row.key]
        wanted = _wanted_plain(row)
        wanted.update({f"{name}_id": stored[getattr(row, name)].pk if getattr(row, name) else None for name in LINK_FIELDS})
        if any(getattr(area, attr) != value for attr, value in wanted.items()):
            for attr, value in wanted.items():
                setattr(area, attr, value)
            changed.append(area)
    AdminArea.objects.bulk_update(changed, PLAIN_FIELDS + LINK_FIELDS, batch_size=500)
    updated = len(changed)

    wanted_links = {
        (stored[row.key].pk, stored[new_key].pk): is_default
        for row in rows
        for new_key, is_default in row.successors
    }
    stored_links = {(s.old_area_id, s.new_area_id): s for s in AreaSuccessor.objects.all()}
    to_create = [
        AreaSuccessor(old_area_id=old, new_area_id=new, is_default=is_default)
        for (old, new), is_default in wanted_links.items()
        if (old, new) not in stored_links
    ]
    to_fix = []
    for pair, link in stored_links.items():
        if pair in wanted_links and link.is_default != wanted_links[pair]:
            link.is_default = wanted_links[pair]
            to_fix.append(link)
    stale = [link.pk for pair, link in stored_links.items() if pair not in wanted_links]
    AreaSuccessor.objects.bulk_create(to_create, batch_size=2000)
    AreaSuccessor.objects.bulk_update(to_fix, ["is_default"], batch_size=2000)
    AreaSuccessor.objects.filter(pk__in=stale).delete()
    return {
        "created": created,
        "updated": updated,
        "successors_created": len(to_create),
        "successors_updated": len(to_fix),
        "successors_removed": len(stale),
    }
