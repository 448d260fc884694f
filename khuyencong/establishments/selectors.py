"""Reads of the registry, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.shortcuts import get_object_or_404

from khuyencong.establishments.models import Establishment, EstablishmentQuerySet
from khuyencong.geo.selectors import expand_units


@dataclass(frozen=True)
class EstablishmentFilters:
    q: str = ""
    commune: int | None = None
    sector: str = ""
    legal_form: str = ""
    include_merged: bool = False

    def apply(self, qs: EstablishmentQuerySet) -> EstablishmentQuerySet:
        if not self.include_merged:
            qs = qs.active()
        if self.q.strip():
            qs = qs.filter(search_key__matches=self.q)
        if self.commune:
            qs = qs.filter(commune_id__in=expand_units([self.commune]))
        if self.sector:
            qs = qs.filter(sector=self.sector)
        if self.legal_form:
            qs = qs.filter(legal_form=self.legal_form)
        return qs


def establishment_list(*, user: Any, filters: EstablishmentFilters | None = None) -> EstablishmentQuerySet:
    qs = Establishment.objects.visible_to(user)
    if filters is None:
        filters = EstablishmentFilters()
    return filters.apply(qs).select_related("commune", "commune__parent").order_by("name", "id")


def establishment_get(*, user: Any, pk: int) -> Establishment:
    """Any record the user may see, merged ones included (their page points to the kept record)."""
    return get_object_or_404(
        Establishment.objects.visible_to(user).select_related("commune", "commune__parent", "merged_into"),
        pk=pk,
    )
