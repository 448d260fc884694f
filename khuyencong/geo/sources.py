"""Read the administrative geography from the offline PyPI data packages, into plain records.

Two packages, each good at one thing:

* ``vietnam-provinces``: the current two-level units (from 1/7/2025) with the national statistics
  codes (its data comes from the statistics office's register). Codes are taken from here.
* ``vietnamadminunits``: the legacy three-level snapshot of 30/6/2025 with centre coordinates, centre
  coordinates of the current units, and the old → new conversion table. Its current-unit codes come
  from a mapping site and disagree with the register for about a hundred communes, so current units
  are matched to it by name within the province, never by code.

Nothing here touches the database; `loader` turns these records into rows.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from khuyencong.core.text import fold, normalise_spaces
from khuyencong.geo.choices import Generation, Level

UnitKey = tuple[str, str, str]  # (generation, level, code): how a unit is known across loads

_COORDINATE = Decimal("0.000001")
_LEGACY_COMMUNE_TYPES = ("Thị trấn", "Phường", "Xã")
_LEGACY_DISTRICT_TYPES = ("Thành phố", "Thị xã", "Quận", "Huyện")
_CURRENT_TYPES = {
    "tỉnh": "Tỉnh",
    "thành phố trung ương": "Thành phố trung ương",
    "xã": "Xã",
    "phường": "Phường",
    "đặc khu": "Đặc khu",
}


@dataclass(frozen=True)
class UnitRecord:
    generation: str
    level: str
    code: str
    name: str
    short_name: str
    division_type: str
    parent: UnitKey | None
    latitude: Decimal | None
    longitude: Decimal | None
    # Code of the current province the unit lies in (for a legacy unit: the province its old
    # province merged into), so that one province's installation loads its own history too.
    scope: str

    @property
    def key(self) -> UnitKey:
        return (self.generation, self.level, self.code)


@dataclass(frozen=True)
class LinkRecord:
    predecessor: UnitKey
    successor: UnitKey
    is_default: bool


@dataclass(frozen=True)
class Geography:
    units: tuple[UnitRecord, ...]
    links: tuple[LinkRecord, ...]
    # Problems in the source data that did not stop the load (shown in the command's summary).
    warnings: tuple[str, ...] = ()
    current_provinces: frozenset[str] = field(default_factory=frozenset)
    legacy_to_current_province: dict[str, str] = field(default_factory=dict)


def _coordinate(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(_COORDINATE)


def _split_type(name: str, types: tuple[str, ...], fallback: str) -> tuple[str, str]:
    """'Thị trấn Cao Lộc' -> ('Thị trấn', 'Cao Lộc'). The legacy table's own type column is wrong
    for a few rows (a "Xã" named "Phường 5"), the name's prefix is not."""
    for kind in types:
        if name.startswith(kind + " "):
            return kind, name[len(kind) + 1 :]
    return fallback, name


def _short(full: str, rest: str) -> str:
    # "Phường 5" shortened to "5" reads as a number, not a place.
    return full if rest.isdigit() else rest


def _name_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text).lower())


def _folded_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(text))


def _package_dir(name: str) -> Path:
    # Located without importing: importing vietnamadminunits loads its whole address parser.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(name)
    return Path(next(iter(spec.submodule_search_locations)))


def _match_wards(
    wards: list[dict[str, Any]], rows: list[dict[str, Any]]
) -> tuple[dict[int, dict[str, Any]], list[dict[str, Any]]]:
    """Pair the register's wards with the coordinate table's rows of one province.

    Exact name first; then the name without diacritics where that is unambiguous (tone marks are
    placed differently, "Hoà"/"Hòa"); the code only as a last resort, since the codes disagree.
    """
    matched: dict[int, dict[str, Any]] = {}
    used: set[int] = set()  # ids of rows already paired
    keys: list[Callable[[dict[str, Any]], str]] = [
        lambda r: _name_key(r["ward"]),
        lambda r: _folded_key(r["ward"]),
        lambda r: str(int(r["wardCode"])),
    ]
    ward_keys: list[Callable[[dict[str, Any]], str]] = [
        lambda w: _name_key(w["name"]),
        lambda w: _folded_key(w["name"]),
        lambda w: str(w["code"]),
    ]
    for row_key, ward_key in zip(keys, ward_keys, strict=True):
        index: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            if id(row) not in used:
                index[row_key(row)].append(row)
        for ward in wards:
            if ward["code"] in matched:
                continue
            candidates = [r for r in index.get(ward_key(ward), []) if id(r) not in used]
            if len(candidates) == 1:
                matched[ward["code"]] = candidates[0]
                used.add(id(candidates[0]))
    return matched, [r for r in rows if id(r) not in used]


@lru_cache(maxsize=1)
def read_geography() -> Geography:
    """The whole country, old and new, with the succession links. Package data never changes at
    run time, so it is read once per process."""
    nested_path = _package_dir("vietnam_provinces") / "data" / "nested-divisions.json"
    adminunits_dir = _package_dir("vietnamadminunits") / "data"
    register: list[dict[str, Any]] = json.loads(nested_path.read_text(encoding="utf-8"))
    converter: dict[str, Any] = json.loads(
        (adminunits_dir / "converter_2025.json").read_text(encoding="utf-8")
    )
    with closing(sqlite3.connect(f"file:{adminunits_dir / 'dataset.db'}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        legacy_rows = [dict(r) for r in conn.execute("SELECT * FROM admin_units_legacy")]
        current_rows = [dict(r) for r in conn.execute("SELECT * FROM admin_units")]

    warnings: list[str] = []
    units: list[UnitRecord] = []
    links: list[LinkRecord] = []

    # --- current units (register) with coordinates (conversion package) --------------------------
    rows_by_province_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in current_rows:
        rows_by_province_key[row["provinceKey"]].append(row)
    province_key_to_code: dict[str, str] = {}  # conversion package's province key -> register code
    ward_key_to_code: dict[tuple[str, str], str] = {}  # (province key, ward key) -> register code
    for province in register:
        code = f"{province['code']:02d}"
        division_type = _CURRENT_TYPES[province["division_type"]]
        name = normalise_spaces(province["name"])
        if division_type == "Tỉnh":
            full_name, short_name = f"Tỉnh {name}", name
        else:
            full_name, short_name = name, name.removeprefix("Thành phố ")
        candidates = [k for k in rows_by_province_key if _folded_key(k) == _folded_key(full_name)]
        rows = rows_by_province_key[candidates[0]] if candidates else []
        if candidates:
            province_key_to_code[candidates[0]] = code
        else:
            warnings.append(f"Không có toạ độ cho {full_name} ({code}).")
        province_key: UnitKey = (Generation.CURRENT, Level.PROVINCE, code)
        units.append(
            UnitRecord(
                generation=Generation.CURRENT,
                level=Level.PROVINCE,
                code=code,
                name=full_name,
                short_name=short_name,
                division_type=division_type,
                parent=None,
                latitude=_coordinate(rows[0]["provinceLat"]) if rows else None,
                longitude=_coordinate(rows[0]["provinceLon"]) if rows else None,
                scope=code,
            )
        )
        matched, unmatched_rows = _match_wards(province["wards"], rows)
        for row in unmatched_rows:
            warnings.append(
                f"{row['ward']}, {row['province']}: không khớp được với danh mục đơn vị hiện hành."
            )
        for ward in province["wards"]:
            ward_code = f"{ward['code']:05d}"
            ward_type = _CURRENT_TYPES[ward["division_type"]]
            ward_name = normalise_spaces(ward["name"])
            _kind, rest = _split_type(ward_name, (ward_type,), ward_type)
            centre = matched.get(ward["code"])
            if centre is None:
                warnings.append(f"Không có toạ độ cho {ward_name}, {full_name} ({ward_code}).")
            else:
                ward_key_to_code[(centre["provinceKey"], centre["wardKey"])] = ward_code
            units.append(
                UnitRecord(
                    generation=Generation.CURRENT,
                    level=Level.COMMUNE,
                    code=ward_code,
                    name=ward_name,
                    short_name=_short(ward_name, rest),
                    division_type=ward_type,
                    parent=province_key,
                    latitude=_coordinate(centre["wardLat"]) if centre else None,
                    longitude=_coordinate(centre["wardLon"]) if centre else None,
                    scope=code,
                )
            )
    current_provinces = frozenset(u.code for u in units if u.level == Level.PROVINCE)

    # --- legacy units (snapshot of 30/6/2025) ------------------------------------------------------
    legacy_province_successor: dict[str, str] = {}  # legacy province code -> current province code
    legacy_province_code: dict[str, str] = {r["provinceKey"]: r["provinceCode"] for r in legacy_rows}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        if new_key not in province_key_to_code:
            warnings.append(f"Bảng chuyển đổi nhắc tới tỉnh mới “{new_key}” không có trong danh mục.")
            continue
        for old_key in old_keys:
            legacy_province_successor[legacy_province_code[old_key]] = province_key_to_code[new_key]

    seen: set[UnitKey] = set()
    composite_to_key: dict[str, UnitKey] = {}  # conversion package's "province_district_ward" key
    for row in legacy_rows:
        province_code = row["provinceCode"]
        scope = legacy_province_successor.get(province_code, "")
        province_key = (Generation.LEGACY, Level.PROVINCE, province_code)
        if province_key not in seen:
            seen.add(province_key)
            name = normalise_spaces(row["province"])
            units.append(
                UnitRecord(
                    generation=Generation.LEGACY,
                    level=Level.PROVINCE,
                    code=province_code,
                    name=name,
                    short_name=normalise_spaces(row["provinceShort"]),
                    division_type="Thành phố trung ương" if name.startswith("Thành phố ") else "Tỉnh",
                    parent=None,
                    latitude=_coordinate(row["provinceLat"]),
                    longitude=_coordinate(row["provinceLon"]),
                    scope=scope,
                )
            )
            if scope:
                links.append(LinkRecord(province_key, (Generation.CURRENT, Level.PROVINCE, scope), True))
        district_key = (Generation.LEGACY, Level.DISTRICT, row["districtCode"])
        if district_key not in seen:
            seen.add(district_key)
            name = normalise_spaces(row["district"])
            kind, rest = _split_type(name, _LEGACY_DISTRICT_TYPES, row["districtType"] or "")
            units.append(
                UnitRecord(
                    generation=Generation.LEGACY,
                    level=Level.DISTRICT,
                    code=row["districtCode"],
                    name=name,
                    short_name=_short(name, rest),
                    division_type=kind,
                    parent=province_key,
                    latitude=_coordinate(row["districtLat"]),
                    longitude=_coordinate(row["districtLon"]),
                    scope=scope,
                )
            )
        composite = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        if not row["wardCode"]:
            # Island districts had no communes; the conversion table maps the district itself.
            composite_to_key[composite] = district_key
            continue
        name = normalise_spaces(row["ward"])
        kind, rest = _split_type(name, _LEGACY_COMMUNE_TYPES, row["wardType"] or "")
        commune = UnitRecord(
            generation=Generation.LEGACY,
            level=Level.COMMUNE,
            code=row["wardCode"],
            name=name,
            short_name=_short(name, rest),
            division_type=kind,
            parent=district_key,
            latitude=_coordinate(row["wardLat"]),
            longitude=_coordinate(row["wardLon"]),
            scope=scope,
        )
        units.append(commune)
        composite_to_key[composite] = commune.key

    # Districts are abolished, not merged into communes: the current unit covering an old district
    # is its province (an island district with no communes also has its special zone, below).
    for unit in [u for u in units if u.generation == Generation.LEGACY and u.level == Level.DISTRICT]:
        if unit.scope:
            links.append(LinkRecord(unit.key, (Generation.CURRENT, Level.PROVINCE, unit.scope), True))

    # --- old commune -> new commune -----------------------------------------------------------------
    def current_ward(source_province: str, ward_key: str) -> UnitKey | None:
        code = ward_key_to_code.get((source_province, ward_key))
        if code is None:
            warnings.append(
                f"Bảng chuyển đổi nhắc tới “{ward_key}” ({source_province}) không có trong danh mục."
            )
            return None
        return (Generation.CURRENT, Level.COMMUNE, code)

    def old_unit(composite: str) -> UnitKey | None:
        key = composite_to_key.get(composite)
        if key is None:
            warnings.append(f"Bảng chuyển đổi nhắc tới đơn vị cũ “{composite}” không có trong dữ liệu.")
        return key

    island_districts: set[UnitKey] = set()
    for new_province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, composites in wards.items():
            successor = current_ward(new_province, ward_key)
            for composite in composites:
                predecessor = old_unit(composite)
                if successor and predecessor:
                    if predecessor[1] == Level.DISTRICT:
                        island_districts.add(predecessor)
                    links.append(LinkRecord(predecessor, successor, True))
    for new_province, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for composite, parts in olds.items():
            predecessor = old_unit(composite)
            for part in parts:
                successor = current_ward(new_province, part["newWardKey"])
                if successor and predecessor:
                    links.append(LinkRecord(predecessor, successor, bool(part["isDefaultNewWard"])))

    # An island district's special zone is the tighter answer than the whole province.
    links = [
        LinkRecord(link.predecessor, link.successor, False)
        if link.predecessor in island_districts and link.successor[1] == Level.PROVINCE
        else link
        for link in links
    ]
    return Geography(
        units=tuple(units),
        links=tuple(links),
        warnings=tuple(warnings),
        current_provinces=current_provinces,
        legacy_to_current_province=legacy_province_successor,
    )
