"""Vietnam's administrative areas as the packages ship them, shaped for AdminArea.

`vietnam-provinces` is the authority for today's structure (names, types, codes);
`vietnamadminunits` ships the pre-July-2025 structure, coordinates, and the
converter data that maps each old commune to its new commune(s).
"""
import datetime
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import vietnam_provinces
import vietnamadminunits

from .models import AreaLevel, Structure
from .text import fold

CURRENT_FROM = datetime.date(2025, 7, 1)
LEGACY_TO = datetime.date(2025, 6, 30)


@dataclass
class AreaRow:
    structure: str
    code: str
    name: str
    level: str
    division_type: str = ""
    parent: tuple | None = None
    province: tuple | None = None
    district: tuple | None = None
    current_province: tuple | None = None
    current_commune: tuple | None = None
    latitude: float | None = None
    longitude: float | None = None
    successors: list = field(default_factory=list)  # [(key, is_default)] for old communes

    @property
    def key(self):
        return (self.structure, self.code)

    @property
    def is_split(self):
        return len(self.successors) > 1


def _key(text):
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _dataset():
    base = Path(vietnamadminunits.__file__).parent / "data"
    connection = sqlite3.connect(base / "dataset.db")
    connection.row_factory = sqlite3.Row
    with open(base / "converter_2025.json", encoding="utf-8") as handle:
        converter = json.load(handle)
    return connection, converter


def _official_codes(dataset, official):
    """vietnamadminunits commune code → the official code in vietnam-provinces.

    About a hundred new communes carry a different code in the two packages; the
    names agree, so a code is trusted only where the names match too.
    """
    names = {code: _key(name) for code, (name, _) in official.items()}
    by_name = {(province, _key(name)): code for code, (name, province) in official.items()}
    translation = {}
    for row in dataset.execute("SELECT provinceCode, ward, wardCode FROM admin_units"):
        code, key = row["wardCode"], _key(row["ward"])
        if names.get(code) == key:
            translation[code] = code
        else:
            translation[code] = by_name.get((row["provinceCode"], key), code if code in names else None)
    return translation


def _official_communes():
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as handle:
        provinces = json.load(handle)
    return provinces, {
        f"{ward['code']:05d}": (ward["name"], f"{province['code']:02d}")
        for province in provinces
        for ward in province["wards"]
    }


def _current_rows(dataset):
    provinces, official = _official_communes()
    translation = _official_codes(dataset, official)
    coords = {
        translation[row["wardCode"]]: (row["wardLat"], row["wardLon"])
        for row in dataset.execute("SELECT wardCode, wardLat, wardLon FROM admin_units")
    }
    province_coords = {
        row["provinceCode"]: (row["provinceLat"], row["provinceLon"])
        for row in dataset.execute("SELECT DISTINCT provinceCode, provinceLat, provinceLon FROM admin_units")
    }
    rows = []
    for province in provinces:
        code = f"{province['code']:02d}"
        pkey = (Structure.CURRENT, code)
        lat, lon = province_coords.get(code, (None, None))
        name = province["name"]
        if province["division_type"] == "tỉnh" and not name.startswith("Tỉnh "):
            # The package names cities "Thành phố …" but provinces bare; old provinces are "Tỉnh …".
            name = f"Tỉnh {name}"
        rows.append(AreaRow(Structure.CURRENT, code, name, AreaLevel.PROVINCE, province["division_type"],
                            province=pkey, current_province=pkey, latitude=lat, longitude=lon))
        for ward in province["wards"]:
            wcode = f"{ward['code']:05d}"
            lat, lon = coords.get(wcode, (None, None))
            rows.append(AreaRow(Structure.CURRENT, wcode, ward["name"], AreaLevel.COMMUNE, ward["division_type"],
                                parent=pkey, province=pkey, current_province=pkey,
                                current_commune=(Structure.CURRENT, wcode), latitude=lat, longitude=lon))
    return rows


def _successor_index(dataset, converter):
    """Old 'province_district_ward' key → [(new commune code, is_default)], and old → new province code."""
    translation = _official_codes(dataset, _official_communes()[1])
    by_raw, by_folded = {}, {}
    province_codes = {}
    for row in dataset.execute("SELECT provinceKey, provinceCode, wardKey, wardCode FROM admin_units"):
        code = translation[row["wardCode"]]
        province_codes[row["provinceKey"]] = row["provinceCode"]
        by_raw[(row["provinceKey"], row["wardKey"])] = code
        by_folded.setdefault((_key(row["provinceKey"]), _key(row["wardKey"])), set()).add(code)

    def new_code(province_key, ward_key):
        code = by_raw.get((province_key, ward_key))
        if code is None:
            folded = by_folded.get((_key(province_key), _key(ward_key)), set())
            code = next(iter(folded)) if len(folded) == 1 else None
        return code

    old_to_new_province = {
        old: province_codes[new] for new, olds in converter["DICT_PROVINCE"].items() for old in olds
    }
    successors = {}
    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in sorted(wards.items()):
            code = new_code(province_key, ward_key)
            for old_key in old_keys:
                if code:
                    successors.setdefault(old_key, []).append((code, False))
    for province_key, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, options in olds.items():
            for option in options:
                code = new_code(province_key, option["newWardKey"])
                if code:
                    successors.setdefault(old_key, []).append((code, bool(option["isDefaultNewWard"])))
    for old_key, options in successors.items():
        unique = list(dict.fromkeys(options))
        if not any(is_default for _, is_default in unique):
            # An old commune listed under several new communes without a default: take the first.
            unique[0] = (unique[0][0], True)
        successors[old_key] = unique
    return successors, old_to_new_province


def _legacy_rows(dataset, converter):
    successors, old_to_new_province = _successor_index(dataset, converter)
    rows, seen = [], set()
    query = (
        "SELECT province, district, ward, districtType, wardType, provinceCode, districtCode, wardCode, "
        "provinceLat, provinceLon, districtLat, districtLon, wardLat, wardLon, provinceKey, districtKey, wardKey "
        "FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    )
    for r in dataset.execute(query):
        pkey = (Structure.LEGACY, r["provinceCode"])
        dkey = (Structure.LEGACY, r["districtCode"])
        new_province = (Structure.CURRENT, old_to_new_province[r["provinceKey"]])
        if pkey not in seen:
            seen.add(pkey)
            rows.append(AreaRow(Structure.LEGACY, r["provinceCode"], r["province"], AreaLevel.PROVINCE,
                                "thành phố trung ương" if r["province"].startswith("Thành phố") else "tỉnh",
                                province=pkey, current_province=new_province,
                                latitude=r["provinceLat"], longitude=r["provinceLon"]))
        if dkey not in seen:
            seen.add(dkey)
            rows.append(AreaRow(Structure.LEGACY, r["districtCode"], r["district"], AreaLevel.DISTRICT,
                                (r["districtType"] or "").lower(), parent=pkey, province=pkey, district=dkey,
                                current_province=new_province, latitude=r["districtLat"], longitude=r["districtLon"]))
        if not r["wardCode"]:
            continue
        wkey = (Structure.LEGACY, r["wardCode"])
        if wkey in seen:
            continue
        seen.add(wkey)
        options = successors.get(f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}", [])
        default = next(((Structure.CURRENT, code) for code, is_default in options if is_default), None)
        rows.append(AreaRow(Structure.LEGACY, r["wardCode"], r["ward"], AreaLevel.COMMUNE, (r["wardType"] or "").lower(),
                            parent=dkey, province=pkey, district=dkey, current_province=new_province,
                            current_commune=default, latitude=r["wardLat"], longitude=r["wardLon"],
                            successors=[((Structure.CURRENT, code), is_default) for code, is_default in options]))
    return rows


def all_area_rows():
    """Every area of both structures, parents before children."""
    dataset, converter = _dataset()
    try:
        return _current_rows(dataset) + _legacy_rows(dataset, converter)
    finally:
        dataset.close()
