"""Models as points on a map: each at its commune's coordinates, from the area packages.

A registration's area may be an old (pre-2025) commune or district, a new commune or a province;
its point is the first of: the area's own coordinates, those of today's commune it rolled into,
those of its province. One query builds every point, and a map holds at most `POINT_LIMIT`
points (the newest), so a map of the whole country stays one bounded read.
"""
from django.db.models import F, FloatField
from django.db.models.functions import Coalesce
from django.urls import reverse

from .models import PUBLISHED_STATUSES, AdminArea, AreaLevel, Field

POINT_LIMIT = 3000
# Colour per field, shared by the points and the legend (colour-blind safe, Okabe–Ito).
FIELD_COLOURS = {
    Field.ECONOMY: "#E69F00",
    Field.CULTURE_SOCIETY: "#0072B2",
    Field.DEFENCE_SECURITY: "#D55E00",
    Field.POLITICAL_SYSTEM: "#009E73",
}


def _coordinate(name):
    return Coalesce(
        f"area__{name}",
        f"area__current_commune__{name}",
        f"area__province__{name}",
        f"area__current_province__{name}",
        output_field=FloatField(),
    )


def _place(row):
    # The area as recorded (an old commune keeps its old name), then today's province.
    province = row["province_name"] or row["area_name"]
    return f"{row['area_name']}, {province}" if row["area_level"] == AreaLevel.COMMUNE else province


def points(registrations, limit=None):
    """GeoJSON of `registrations` (already scoped and filtered), newest first, at most `limit`.

    `truncated` says there were more: the map then asks the visitor to narrow the filters.
    """
    limit = limit or POINT_LIMIT
    rows = list(
        registrations.annotate(lat=_coordinate("latitude"), lon=_coordinate("longitude"))
        .filter(lat__isnull=False, lon__isnull=False)
        .order_by("-year", "-pk")
        .values(
            "pk", "name", "year", "field", "status", "lat", "lon",
            unit_name=F("unit__name"),
            area_name=F("area__name"),
            area_level=F("area__level"),
            province_name=F("area__current_province__name"),
        )[: limit + 1]
    )
    truncated = len(rows) > limit
    labels = dict(Field.choices)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(row["lon"], 5), round(row["lat"], 5)]},
            "properties": {
                "id": row["pk"],
                "name": row["name"],
                "year": row["year"],
                "unit": row["unit_name"],
                "place": _place(row),
                "field": row["field"],
                "field_label": str(labels.get(row["field"], "")),
                "colour": FIELD_COLOURS.get(row["field"], "#555555"),
                # A leader's map also holds models not yet published: they have no public page.
                "url": reverse("public-detail", args=[row["pk"]]) if row["status"] in PUBLISHED_STATUSES else None,
            },
        }
        for row in rows[:limit]
    ]
    return {"type": "FeatureCollection", "features": features, "truncated": truncated, "limit": limit}


def province_labels():
    """Today's provinces with their coordinates: names drawn on a map that has no tiles."""
    return [
        {"name": name, "lat": lat, "lon": lon}
        for name, lat, lon in AdminArea.objects.current()
        .provinces()
        .filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("name")
        .values_list("name", "latitude", "longitude")
    ]


def commune_dots():
    """Every commune of today's structure as [lat, lon]: drawn faintly on a map without tiles,
    they trace the country's shape (the packages ship points, no outlines)."""
    return [
        [round(lat, 3), round(lon, 3)]
        for lat, lon in AdminArea.objects.current()
        .filter(level=AreaLevel.COMMUNE, latitude__isnull=False, longitude__isnull=False)
        .order_by("pk")
        .values_list("latitude", "longitude")
    ]


def legend():
    return [(value, label, FIELD_COLOURS[value]) for value, label in Field.choices]
