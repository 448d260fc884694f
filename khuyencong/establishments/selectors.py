"""Reads of the registry, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import CharField, F, Func
from django.shortcuts import get_object_or_404

from khuyencong.accounts.scope import ALL, scope_unit_ids
from khuyencong.core.search_index import candidate_ids
from khuyencong.establishments.models import Establishment, EstablishmentQuerySet
from khuyencong.geo.selectors import expand_units

# A search matching more than this shows "more than N" and lists the newest first (see the paginator).
SEARCH_CAP = 2000


@dataclass(frozen=True)
class EstablishmentFilters:
    q: str = ""
    commune: int | None = None
    sector: str = ""
    legal_form: str = ""
    include_merged: bool = False

    def apply(self, qs: EstablishmentQuerySet, *, search: str = "matches") -> EstablishmentQuerySet:
        if not self.include_merged:
            qs = qs.active()
        if self.q.strip():
            qs = qs.filter(**{f"search_key__{search}": self.q})
        if self.commune:
            qs = qs.filter(commune_id__in=expand_units([self.commune]))
        if self.sector:
            qs = qs.filter(sector=self.sector)
        if self.legal_form:
            qs = qs.filter(legal_form=self.legal_form)
        return qs


def establishment_list(
    *, user: Any, filters: EstablishmentFilters | None = None, search: str = "matches"
) -> EstablishmentQuerySet:
    qs = Establishment.objects.visible_to(user)
    return (
        (filters or EstablishmentFilters())
        .apply(qs, search=search)
        .select_related("commune", "commune__parent")
        .order_by("name", "id")
    )


def establishment_get(*, user: Any, pk: int) -> Establishment:
    """Any record the user may see, merged ones included (their page points to the kept record)."""
    return get_object_or_404(
        Establishment.objects.visible_to(user).select_related("commune", "commune__parent", "merged_into"),
        pk=pk,
    )


class _Unindexed(Func):
    """`(name || '')`: the order of name, but no index serves it, so PostgreSQL filters first, then
    sorts the few matches, instead of walking the name index and testing every row."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


class EstablishmentPaginator(Paginator):
    """The list's paginator: it counts at most SEARCH_CAP and then queries the way that count calls for.

    Neither full-text index returns rows in name order, so a name-ordered search either sorts every
    match or walks the name index testing each row; names that share their first words ("Hợp tác xã
    ...") sit together, so the walk can read most of the registry. Measured at 1,000,000 rows
    (bench/README.md), the fast plans are:

    * no search: count at most SEARCH_CAP + 1 rows; pages walk estab_name_id;
    * at most SEARCH_CAP matches: their ids straight from the index, then `pk IN (ids)` under the
      user's scope and filters: an exact count and a sort of at most SEARCH_CAP rows, by name;
    * more: the count says "more than SEARCH_CAP" (`capped`) and rows come newest first, walking the
      primary key and testing each row (`matches_scan`).

    Place-scoped users (commune officers) run one capped, newest-first query inside their scope that
    gives both the count and the ids of every page.
    """

    def __init__(self, *, user: Any, filters: EstablishmentFilters, per_page: int) -> None:
        self.user = user
        self.filters = filters
        self.capped = False
        self.base = establishment_list(user=user, filters=filters)
        super().__init__(self.base, per_page)

    @cached_property
    def count(self) -> int:
        user, filters = self.user, self.filters
        if not filters.q.strip():
            return self._capped(self.base.order_by()[: SEARCH_CAP + 1].count())
        unfiltered = establishment_list(user=user, filters=replace(filters, q=""))
        if scope_unit_ids(user) is ALL:
            ids = candidate_ids(Establishment, filters.q, SEARCH_CAP + 1)
            if len(ids) > SEARCH_CAP:
                self.object_list = establishment_list(
                    user=user, filters=filters, search="matches_scan"
                ).order_by("-id")
                return self._capped(len(ids))
            few = unfiltered.filter(pk__in=ids)
            self.object_list = self._by_name(few)
            return few.count()
        # SQLite: the scan form, so the scope's commune index drives and probes the matches; PostgreSQL
        # ANDs the plain form with the commune index by itself.
        search = "matches_scan" if self._vendor() == "sqlite" else "matches"
        scoped = establishment_list(user=user, filters=filters, search=search)
        found = list(scoped.order_by("-id").values_list("pk", flat=True)[: SEARCH_CAP + 1])
        if len(found) > SEARCH_CAP:
            self.object_list = unfiltered.filter(pk__in=found[:SEARCH_CAP]).order_by("-id")
            return self._capped(len(found))
        self.object_list = self._by_name(unfiltered.filter(pk__in=found))
        return len(found)

    def _vendor(self) -> str:
        return str(connections[router.db_for_read(Establishment)].vendor)

    def _by_name(self, qs: EstablishmentQuerySet) -> EstablishmentQuerySet:
        return qs.order_by(_Unindexed(F("name")), "id") if self._vendor() == "postgresql" else qs

    def _capped(self, n: int) -> int:
        self.capped = n > SEARCH_CAP
        return min(n, SEARCH_CAP)
