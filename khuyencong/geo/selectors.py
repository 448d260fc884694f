"""Reads over the administrative geography."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from khuyencong.geo.choices import Generation, Level
from khuyencong.geo.models import AdministrativeUnit, PriorityClassification, UnitSuccession


def expand_units(unit_ids: Iterable[int]) -> frozenset[int]:
    """The units, everything under them, and the old units that became part of them."""
    ids: set[int] = set()
    frontier = set(unit_ids)
    while frontier:
        ids |= frontier
        children = set(AdministrativeUnit.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        older = set(
            UnitSuccession.objects.filter(successor_id__in=frontier).values_list("predecessor_id", flat=True)
        )
        frontier = (children | older) - ids
    return frozenset(ids)


def commune_choices(
    *, province_code: str | None = None, generation: str = Generation.CURRENT
) -> QuerySet[AdministrativeUnit]:
    qs = AdministrativeUnit.objects.filter(level=Level.COMMUNE, generation=generation)
    if province_code and province_code != "all":
        qs = (
            qs.filter(parent__code=province_code)
            if generation == Generation.CURRENT
            else qs.filter(parent__parent__code=province_code)
        )
    return qs.select_related("parent").order_by("short_name", "code")


def unit_counts() -> dict[str, int]:
    rows = AdministrativeUnit.objects.values("generation", "level").annotate(n=Count("id"))
    return {f"{row['generation']}:{row['level']}": row["n"] for row in rows}


def _level_rank(field: str) -> Case:
    """Province, district, commune: the order levels are read in (their codes sort alphabetically)."""
    return Case(
        When(**{field: Level.PROVINCE}, then=Value(0)),
        When(**{field: Level.DISTRICT}, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


# --- old ↔ new ------------------------------------------------------------------------------------


def current_units_for(old_unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The current units that cover an old one, the default first (a divided commune has several).

    A unit that is itself current covers itself. An old district is covered by its new province.
    """
    if old_unit.generation == Generation.CURRENT:
        return [old_unit]
    links = (
        UnitSuccession.objects.filter(predecessor=old_unit)
        .select_related("successor__parent")
        .order_by("-is_default", "successor__name", "successor__code")
    )
    return [link.successor for link in links]


def default_successor(old_unit: AdministrativeUnit) -> AdministrativeUnit | None:
    """The one current unit an old record moves to when nothing more precise is known."""
    if old_unit.generation == Generation.CURRENT:
        return old_unit
    link = (
        UnitSuccession.objects.filter(predecessor=old_unit, is_default=True)
        .select_related("successor__parent")
        .first()
    )
    return link.successor if link else None


def legacy_units_for(current_unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The old units that make up a current one (whole or in part), largest level first.

    For a current province that is its old provinces and their districts; an old unit passes itself.
    """
    if current_unit.generation == Generation.LEGACY:
        return [current_unit]
    links = UnitSuccession.objects.filter(successor=current_unit).select_related("predecessor__parent")
    order = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}
    units = [link.predecessor for link in links]
    return sorted(units, key=lambda u: (order.get(Level(u.level), 3), u.parent_id or 0, u.code))


def successor_links(unit: AdministrativeUnit) -> QuerySet[UnitSuccession]:
    return (
        UnitSuccession.objects.filter(predecessor=unit)
        .select_related("successor__parent")
        .order_by("-is_default", _level_rank("successor__level"), "successor__code")
    )


def predecessor_links(unit: AdministrativeUnit) -> QuerySet[UnitSuccession]:
    """Links into `unit`, each with `shares`: how many units its old unit was divided among."""
    return (
        UnitSuccession.objects.filter(successor=unit)
        .select_related("predecessor__parent")
        .annotate(shares=Count("predecessor__succession_links"))
        .order_by(_level_rank("predecessor__level"), "predecessor__parent__code", "predecessor__code")
    )


# --- lists and pages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitFilters:
    q: str = ""
    generation: str = ""
    level: str = ""
    province: int | None = None


def unit_list(*, filters: UnitFilters) -> QuerySet[AdministrativeUnit]:
    qs = AdministrativeUnit.objects.select_related("parent", "parent__parent")
    query = filters.q.strip()
    if query:
        if query.isascii() and query.isdigit():
            # Statistics codes lose their leading zeros in spreadsheets: 5974 finds 05974.
            qs = qs.filter(
                Q(code=query) | Q(code=query.zfill(5)) | Q(code=query.zfill(3)) | Q(code=query.zfill(2))
            )
        else:
            qs = qs.filter(search_key__matches=query)
    if filters.generation:
        qs = qs.filter(generation=filters.generation)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.province:
        qs = qs.filter(
            Q(pk=filters.province) | Q(parent_id=filters.province) | Q(parent__parent_id=filters.province)
        )
    # Current units first: they are what officers pick today; the old ones are history.
    return qs.order_by("generation", _level_rank("level"), "code")


def province_choices() -> QuerySet[AdministrativeUnit]:
    # Statistics codes follow the official order of the lists (north to south).
    return AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("generation", "code")


def unit_get(*, pk: int) -> AdministrativeUnit:
    """Geography is not personal or scoped data: every signed-in user may read every unit."""
    try:
        return AdministrativeUnit.objects.select_related("parent", "parent__parent").get(pk=pk)
    except AdministrativeUnit.DoesNotExist:
        raise Http404 from None


def children_of(unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    return unit.children.order_by("code")


# --- priority classifications ---------------------------------------------------------------------


def priority_kinds_on(unit: AdministrativeUnit, day: dt.date) -> list[PriorityClassification]:
    """The classifications of `unit` in force on `day` (both ends inclusive), by kind."""
    return list(
        PriorityClassification.objects.filter(unit=unit, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("kind", "valid_from")
    )


@dataclass(frozen=True)
class PriorityHistory:
    in_force: list[PriorityClassification]
    upcoming: list[PriorityClassification]
    past: list[PriorityClassification]


def priority_history(unit: AdministrativeUnit, day: dt.date) -> PriorityHistory:
    records = list(PriorityClassification.objects.filter(unit=unit).order_by("-valid_from", "kind"))
    return PriorityHistory(
        in_force=[p for p in records if p.is_in_force_on(day)],
        upcoming=[p for p in records if p.valid_from > day],
        past=[p for p in records if p.valid_to is not None and p.valid_to < day],
    )


def priority_get(*, pk: int) -> PriorityClassification:
    try:
        return PriorityClassification.objects.select_related("unit", "unit__parent").get(pk=pk)
    except PriorityClassification.DoesNotExist:
        raise Http404 from None
