"""Reads of products and rounds.

Public: a product is public once it holds a recognition; the catalogue filters by group, level, year
and commune and searches without diacritics. Staff: centre officers, administrators and leaders see every
product and round; a council member sees the rounds they sit on (404 for the others); other roles none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from khuyencong.accounts.choices import Role
from khuyencong.core import audit
from khuyencong.core.models import AuditEntry
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import expand_units
from khuyencong.products.choices import LEVEL_RANK, ProductGroup, RecognitionLevel, RoundStatus
from khuyencong.products.models import (
    Conflict,
    Entry,
    Product,
    Recognition,
    RoundMember,
    ScoreSheet,
    SelectionRound,
)
from khuyencong.projects.workflow import CENTRE, role_of

READERS = CENTRE | {Role.LEADER}


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_manage(user: Any) -> bool:
    """Centre officers and administrators keep the catalogue and run the rounds."""
    return _active(user) and role_of(user) in CENTRE


def can_read_staff(user: Any) -> bool:
    return _active(user) and role_of(user) in READERS


def can_view_rounds(user: Any) -> bool:
    return _active(user) and role_of(user) in READERS | {Role.COUNCIL_MEMBER}


# --- public catalogue ------------------------------------------------------------------------------


@dataclass
class CatalogueFilters:
    q: str = ""
    group: str = ""
    level: str = ""
    year: int | None = None
    commune: int | None = None

    @classmethod
    def from_query(cls, params: Any) -> CatalogueFilters:
        def whole(name: str) -> int | None:
            raw = str(params.get(name, "")).strip()
            return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None

        group = str(params.get("group", ""))
        level = str(params.get("level", ""))
        return cls(
            q=str(params.get("q", ""))[:200],
            group=group if group in ProductGroup.values else "",
            level=level if level in RecognitionLevel.values else "",
            year=whole("year"),
            commune=whole("commune"),
        )

    def apply(self, qs: QuerySet[Product]) -> QuerySet[Product]:
        if self.q.strip():
            qs = qs.filter(search_key__matches=self.q)
        if self.group:
            qs = qs.filter(group=self.group)
        if self.level or self.year:
            # Level and year of the same recognition: "province 2024", not "province once, 2024 once".
            recognised = Recognition.objects.filter(product=OuterRef("pk"))
            if self.level:
                recognised = recognised.filter(level=self.level)
            if self.year:
                recognised = recognised.filter(year=self.year)
            qs = qs.filter(Exists(recognised))
        if self.commune:
            # A commune of today also finds products recorded in the old communes it took over.
            qs = qs.filter(commune_id__in=expand_units([self.commune]))
        return qs


def public_products(filters: CatalogueFilters | None = None) -> QuerySet[Product]:
    qs = Product.objects.filter(Exists(Recognition.objects.filter(product=OuterRef("pk"))))
    if filters is not None:
        qs = filters.apply(qs)
    return (
        qs.select_related("producer", "commune")
        .prefetch_related(
            Prefetch("recognitions", queryset=Recognition.objects.order_by("-year", "id")),
            "photos",
        )
        .order_by("name", "id")
    )


def public_product_get(*, slug: str) -> Product:
    product = public_products().filter(slug=slug).first()
    if product is None:
        raise Http404
    return product


def best_recognition(product: Product) -> Recognition | None:
    """The highest level, then the latest year (from the prefetched recognitions)."""
    recognitions = list(product.recognitions.all())
    if not recognitions:
        return None
    return min(recognitions, key=lambda r: (LEVEL_RANK[RecognitionLevel(r.level)], -r.year, r.pk))


def catalogue_years() -> list[int]:
    return list(Recognition.objects.order_by("-year").values_list("year", flat=True).distinct())


def catalogue_communes() -> QuerySet[AdministrativeUnit]:
    """Communes that have public products (a short list, not the province's 65)."""
    ids = public_products().values("commune_id")
    return AdministrativeUnit.objects.filter(pk__in=ids).order_by("short_name", "pk")


# --- staff ----------------------------------------------------------------------------------------


def staff_products(*, user: Any, q: str = "") -> QuerySet[Product]:
    if not can_read_staff(user):
        return Product.objects.none()
    qs = Product.objects.all()
    if q.strip():
        qs = qs.filter(search_key__matches=q)
    return qs.select_related("producer", "commune").prefetch_related("recognitions").order_by("name", "id")


def staff_product_get(*, user: Any, pk: int) -> Product:
    return get_object_or_404(staff_products(user=user), pk=pk)


def recognition_get(*, user: Any, pk: int) -> Recognition:
    return get_object_or_404(
        Recognition.objects.filter(product__in=staff_products(user=user)).select_related("product"), pk=pk
    )


def _round_scope(user: Any) -> QuerySet[SelectionRound]:
    if not _active(user):
        return SelectionRound.objects.none()
    role = role_of(user)
    if role in READERS:
        return SelectionRound.objects.all()
    if role == Role.COUNCIL_MEMBER:
        return SelectionRound.objects.filter(pk__in=RoundMember.objects.filter(user=user).values("round_id"))
    return SelectionRound.objects.none()


def round_list(*, user: Any) -> QuerySet[SelectionRound]:
    return _round_scope(user).order_by("-year", "-held_on", "-id")


def round_get(*, user: Any, pk: int) -> SelectionRound:
    """404 for a round outside the reader's scope."""
    return get_object_or_404(_round_scope(user), pk=pk)


def entry_get(*, selection_round: SelectionRound, pk: int) -> Entry:
    return get_object_or_404(
        Entry.objects.select_related("product", "producer", "round", "recognition"),
        round=selection_round,
        pk=pk,
    )


def membership(selection_round: SelectionRound, user: Any) -> RoundMember | None:
    if not _active(user):
        return None
    return RoundMember.objects.filter(round=selection_round, user=user).select_related("user").first()


def members_of(selection_round: SelectionRound) -> list[RoundMember]:
    return list(
        RoundMember.objects.filter(round=selection_round).select_related("user").order_by("position", "id")
    )


def candidate_members(selection_round: SelectionRound) -> QuerySet[Any]:
    from khuyencong.accounts.models import User

    seated = RoundMember.objects.filter(round=selection_round).values("user_id")
    return (
        User.objects.filter(role=Role.COUNCIL_MEMBER, is_active=True)
        .exclude(pk__in=seated)
        .order_by("last_name", "first_name", "username")
    )


def candidate_products(selection_round: SelectionRound) -> QuerySet[Product]:
    entered = Entry.objects.filter(round=selection_round).values("product_id")
    already = Recognition.objects.filter(level=selection_round.level, year=selection_round.year).values(
        "product_id"
    )
    return (
        Product.objects.exclude(pk__in=entered)
        .exclude(pk__in=already)
        .select_related("producer")
        .order_by("name")
    )


@dataclass
class Cell:
    member: RoundMember
    conflict: Conflict | None = None
    sheet: ScoreSheet | None = None

    @property
    def state(self) -> str:
        if self.conflict is not None:
            return "conflict"
        return "submitted" if self.sheet is not None else "pending"


@dataclass
class Row:
    entry: Entry
    cells: list[Cell] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return any(c.sheet for c in self.cells) and all(c.state != "pending" for c in self.cells)


@dataclass
class Progress:
    members: list[RoundMember]
    rows: list[Row]

    @property
    def complete(self) -> bool:
        return bool(self.rows) and all(r.complete for r in self.rows)


def progress(selection_round: SelectionRound) -> Progress:
    members = members_of(selection_round)
    entries = list(
        Entry.objects.filter(round=selection_round)
        .select_related("product", "producer", "recognition")
        .order_by("created_at", "id")
    )
    conflicts = {(c.entry_id, c.member_id): c for c in Conflict.objects.filter(entry__round=selection_round)}
    sheets = {(s.entry_id, s.member_id): s for s in ScoreSheet.objects.filter(entry__round=selection_round)}
    rows = [
        Row(
            entry=entry,
            cells=[
                Cell(member=m, conflict=conflicts.get((entry.pk, m.pk)), sheet=sheets.get((entry.pk, m.pk)))
                for m in members
            ],
        )
        for entry in entries
    ]
    return Progress(members=members, rows=rows)


def sees_all_scores(user: Any, selection_round: SelectionRound) -> bool:
    """The centre and leaders see every sheet while scoring goes on; members see only their own until
    the round is closed, so that nobody scores against someone else's figures."""
    return can_read_staff(user) or selection_round.status == RoundStatus.CLOSED


@dataclass
class Result:
    entry: Entry
    totals: list[int]
    mean: Decimal | None
    passed: bool | None  # None while sheets are missing


def results_preview(selection_round: SelectionRound) -> list[Result]:
    """What closing would record: each entry's mean and whether it reaches the pass mark."""
    from khuyencong.products.services import mean_of, passes

    results: list[Result] = []
    for row in progress(selection_round).rows:
        totals = [c.sheet.total for c in row.cells if c.sheet is not None]
        done = row.complete
        results.append(
            Result(
                entry=row.entry,
                totals=totals,
                mean=mean_of(totals) if totals else None,
                passed=passes(totals, selection_round.pass_mark) if done else None,
            )
        )
    return results


def round_history(selection_round: SelectionRound) -> QuerySet[AuditEntry]:
    return audit.history(selection_round)[:200]
