"""Load the administrative geography into the database, idempotently.

Units are matched on (generation, level, code) and updated in place, so their primary keys (which
establishments, projects and users point at) never change; a second run writes nothing. Units that
disappeared from the source are left alone: records may still point at them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.core.text import search_key
from khuyencong.geo.choices import LEGACY_END, REFORM_DATE, Generation, Level
from khuyencong.geo.models import AdministrativeUnit, UnitSuccession
from khuyencong.geo.sources import Geography, UnitKey, UnitRecord, read_geography

ALL = "all"
_LEVEL_ORDER = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
_UNIT_FIELDS = (
    "name",
    "short_name",
    "division_type",
    "parent_id",
    "valid_from",
    "valid_to",
    "latitude",
    "longitude",
    "search_key",
)
_BATCH = 500


class GeographyLoadError(Exception):
    pass


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class LoadSummary:
    province: str
    units: dict[tuple[str, str], Counts] = field(default_factory=dict)
    links: Counts = field(default_factory=Counts)
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(
            self.links.created
            or self.links.updated
            or self.links.deleted
            or any(c.created or c.updated for c in self.units.values())
        )

    def count(self, generation: str, level: str) -> int:
        counts = self.units.get((generation, level))
        return counts.total if counts else 0

    def lines(self) -> list[str]:
        labels = {
            (Generation.LEGACY, Level.PROVINCE): _("Tỉnh (trước 01/07/2025)"),
            (Generation.LEGACY, Level.DISTRICT): _("Huyện (trước 01/07/2025)"),
            (Generation.LEGACY, Level.COMMUNE): _("Xã (trước 01/07/2025)"),
            (Generation.CURRENT, Level.PROVINCE): _("Tỉnh (từ 01/07/2025)"),
            (Generation.CURRENT, Level.COMMUNE): _("Xã/phường (từ 01/07/2025)"),
        }
        template = _(
            "%(label)s: %(total)d (tạo mới %(created)d, cập nhật %(updated)d, không đổi %(unchanged)d)"
        )
        lines = [
            template
            % {
                "label": label,
                "total": counts.total,
                "created": counts.created,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
            }
            for key, label in labels.items()
            if (counts := self.units.get(key)) is not None
        ]
        lines.append(
            _("Quan hệ kế thừa: %(total)d (tạo mới %(created)d, cập nhật %(updated)d, xoá %(deleted)d)")
            % {
                "total": self.links.total,
                "created": self.links.created,
                "updated": self.links.updated,
                "deleted": self.links.deleted,
            }
        )
        return lines


def normalise_province(value: str) -> str:
    raw = value.strip().lower()
    if raw == ALL:
        return ALL
    if raw.isdigit() and 1 <= int(raw) <= 99:
        return f"{int(raw):02d}"
    raise GeographyLoadError(
        _("“%(value)s” không phải mã tỉnh (2 chữ số, vd. 20) hay “all”.") % {"value": value}
    )


def _scope(province: str, geography: Geography) -> str | None:
    """The current province whose units (and whose old units) to load; None for the whole country.

    An old province's code is accepted too and means the current province it became part of.
    """
    code = normalise_province(province)
    if code == ALL:
        return None
    if code in geography.current_provinces:
        return code
    if code in geography.legacy_to_current_province:
        return geography.legacy_to_current_province[code]
    raise GeographyLoadError(_("Không có tỉnh mã %(code)s trong dữ liệu địa giới.") % {"code": code})


def _desired(record: UnitRecord, parent_id: int | None) -> dict[str, Any]:
    legacy = record.generation == Generation.LEGACY
    return {
        "name": record.name,
        "short_name": record.short_name,
        "division_type": record.division_type,
        "parent_id": parent_id,
        # The legacy table is a snapshot, not a history: when an old unit began is unknown.
        "valid_from": None if legacy else REFORM_DATE,
        "valid_to": LEGACY_END if legacy else None,
        "latitude": record.latitude,
        "longitude": record.longitude,
        "search_key": search_key(record.name),
    }


def _existing_units(records: list[UnitRecord], whole_country: bool) -> dict[UnitKey, AdministrativeUnit]:
    qs = AdministrativeUnit.objects.all()
    if not whole_country:
        qs = qs.filter(code__in={r.code for r in records})
    return {(u.generation, u.level, u.code): u for u in qs}


def _load_units(records: list[UnitRecord], whole_country: bool, summary: LoadSummary) -> dict[UnitKey, int]:
    existing = _existing_units(records, whole_country)
    ids: dict[UnitKey, int] = {}
    for level in _LEVEL_ORDER:
        to_create: list[AdministrativeUnit] = []
        to_update: list[AdministrativeUnit] = []
        changed_fields: set[str] = set()
        for record in (r for r in records if r.level == level):
            counts = summary.units.setdefault((record.generation, record.level), Counts())
            parent_id = ids[record.parent] if record.parent else None
            desired = _desired(record, parent_id)
            unit = existing.get(record.key)
            if unit is None:
                to_create.append(
                    AdministrativeUnit(
                        generation=record.generation, level=record.level, code=record.code, **desired
                    )
                )
                counts.created += 1
                continue
            ids[record.key] = unit.pk
            differing = {name for name, value in desired.items() if getattr(unit, name) != value}
            if differing:
                for name in differing:
                    setattr(unit, name, desired[name])
                changed_fields |= differing
                to_update.append(unit)
                counts.updated += 1
            else:
                counts.unchanged += 1
        for unit in AdministrativeUnit.objects.bulk_create(to_create, batch_size=_BATCH):
            ids[(unit.generation, unit.level, unit.code)] = unit.pk
        if to_update:
            AdministrativeUnit.objects.bulk_update(to_update, sorted(changed_fields), batch_size=_BATCH)
    return ids


def _load_links(
    geography: Geography,
    scope: str | None,
    ids: dict[UnitKey, int],
    loaded: Iterable[UnitRecord],
    summary: LoadSummary,
) -> None:
    warnings = list(summary.warnings)
    predecessor_ids = {ids[r.key] for r in loaded if r.generation == Generation.LEGACY}
    desired: dict[tuple[int, int], bool] = {}
    has_default: set[int] = set()
    for link in geography.links:
        pred, succ = ids.get(link.predecessor), ids.get(link.successor)
        if pred is None or pred not in predecessor_ids:
            continue
        if succ is None:
            warnings.append(_("Thiếu đơn vị kế thừa %(key)s.") % {"key": "/".join(link.successor)})
            continue
        is_default = link.is_default and pred not in has_default
        if is_default:
            has_default.add(pred)
        desired[(pred, succ)] = desired.get((pred, succ), False) or is_default
    # One old unit with a single successor: that successor is its default, whatever the flag says.
    successor_count: dict[int, int] = {}
    for pred, _succ in desired:
        successor_count[pred] = successor_count.get(pred, 0) + 1
    for (pred, succ), is_default in list(desired.items()):
        if successor_count[pred] == 1 and not is_default:
            desired[(pred, succ)] = True

    qs = UnitSuccession.objects.all()
    if scope is not None:
        qs = qs.filter(predecessor_id__in=predecessor_ids)
    existing = {(s.predecessor_id, s.successor_id): s for s in qs}
    demote: list[UnitSuccession] = []
    promote: list[UnitSuccession] = []
    to_delete: list[int] = []
    for pair, row in existing.items():
        if row.predecessor_id not in predecessor_ids:
            continue
        if pair not in desired:
            to_delete.append(row.pk)
            continue
        is_default = desired[pair]
        if row.is_default == is_default and row.effective == REFORM_DATE:
            summary.links.unchanged += 1
            continue
        row.is_default, row.effective = is_default, REFORM_DATE
        (promote if is_default else demote).append(row)
        summary.links.updated += 1
    to_create = [
        UnitSuccession(predecessor_id=pred, successor_id=succ, is_default=is_default, effective=REFORM_DATE)
        for (pred, succ), is_default in desired.items()
        if (pred, succ) not in existing
    ]
    summary.links.created = len(to_create)
    summary.links.deleted = len(to_delete)
    # At most one default per old unit is a database constraint: take defaults away before giving.
    UnitSuccession.objects.bulk_update(demote, ["is_default", "effective"], batch_size=_BATCH)
    for start in range(0, len(to_delete), _BATCH):
        UnitSuccession.objects.filter(pk__in=to_delete[start : start + _BATCH]).delete()
    UnitSuccession.objects.bulk_update(promote, ["is_default", "effective"], batch_size=_BATCH)
    UnitSuccession.objects.bulk_create(to_create, batch_size=_BATCH)
    summary.warnings = tuple(warnings)


def load_geography(*, province: str) -> LoadSummary:
    """Load one current province with the old units it was made of (`province` = its 2-digit code),
    or the whole country (`province="all"`)."""
    geography = read_geography()
    scope = _scope(province, geography)
    records = [r for r in geography.units if scope is None or r.scope == scope]
    summary = LoadSummary(province=scope or ALL, warnings=geography.warnings if scope is None else ())
    with transaction.atomic():
        ids = _load_units(records, scope is None, summary)
        _load_links(geography, scope, ids, records, summary)
        if summary.changed:
            from khuyencong.results import facts

            # Bulk writes send no signals; a project's current unit may have moved with the links.
            facts.refresh()
    return summary
