"""Reads over the administrative geography."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from khuyencong.geo.choices import Generation, Level
from khuyencong.geo.models import AdministrativeUnit, UnitSuccession


def expand_units(unit_ids: Iterable[int]) -> frozenset[int]:
    """The units, everything under them, and the old units that became part of them."""
    ids: set[int] = set()
    frontier = set(unit_ids)
    while frontier:
        ids |= frontier
        children = set(AdministrativeUnit.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        older = set(UnitSuccession.objects.filter(successor_id__in=frontier).values_list("predecessor_id", flat=True))
        frontier = (children | older) - ids
    return frozenset(ids)


def commune_choices(*, province_code: str | None = None, generation: str = Generation.CURRENT) -> QuerySet[AdministrativeUnit]:
    qs = AdministrativeUnit.objects.filter(level=Level.COMMUNE, generation=generation)
    if province_code and province_code != "all":
        qs = qs.filter(parent__code=province_code) if generation == Generation.CURRENT else qs.filter(
            parent__parent__code=province_code
        )
    return qs.select_related("parent").order_by("short_name", "code")


def unit_counts() -> dict[str, int]:
    rows = AdministrativeUnit.objects.values("generation", "level").annotate(n=Count("id"))
    return {f"{row['generation']}:{row['level']}": row["n"] for row in rows}
