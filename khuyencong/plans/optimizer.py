"""The annual plan's optimiser: which proposals to fund, within the envelopes and the officer's rules.

A pure module (no Django): `Problem` in, `Result` out, so that it can be checked against brute force
and benchmarked on its own. The service layer (`plans.services`) reads the database into a `Problem`
and writes the `Result` back; `plans.explain` turns the structured reasons into Vietnamese.

The model. One binary y_i per proposal (funded or not) and, where partial funding is allowed, one
continuous a_i (the amount funded, between the minimum viable amount and the request, within the legal
cap). The value of a funded proposal is its score (or expected jobs, or both multiplied) scaled by the
share of its request that is funded; the sum is maximised subject to:

* per fund, the support paid from it stays within its envelope (a proposal's support is split between
  funds in the proportion of its request);
* at least a given share of all support goes to proposals in priority areas;
* per content category, a minimum/maximum share of support and a minimum/maximum number of proposals;
* per commune and per establishment (each beneficiary of a project), at most a given amount of support;
* proposals the officer put in or left out, and commitments already approved, are fixed.

Units. Money is integer đồng everywhere outside the solver. The MILP works in thousands of đồng:
requests (10^7–10^9 đ) and envelopes (10^9–10^11 đ) then sit at 10^4–10^8, where HiGHS's absolute
tolerances (10^-6..10^-7) are a fraction of a đồng and its scaling copes, whereas in đồng the matrix
and objective would be nine orders of magnitude apart. The solver's answer is then brought back to
integers: selections are rounded to 0/1, partial amounts to whole đồng and down to `step` (1.000 đ)
but never below the minimum, and split between funds by largest remainder. Every constraint is then
checked again in exact integer arithmetic (`check`); if the solver's tolerances or that rounding leave
one violated by even one đồng, its bound is tightened by the violation (doubling each time) and the
model is solved again, so no fund can end above its envelope in the answer.

The proven gap is (bound − value) / bound, with the bound from the first, untightened solve and the
value recomputed from the integer amounts: the plan is at most that far below the best possible plan.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

import highspy
import numpy as np

UNIT = 1000  # đồng per model unit
BP = 10_000  # basis points in a whole
INF = highspy.kHighsInf

Objective = Literal["score", "jobs", "score_jobs"]
OBJECTIVES: tuple[Objective, ...] = ("score", "jobs", "score_jobs")
Unit = Literal["vnd", "bp", "count", "flag"]


class Kind(StrEnum):
    FUND = "fund"
    PRIORITY_SHARE = "priority_share"
    CATEGORY_MIN_SHARE = "category_min_share"
    CATEGORY_MAX_SHARE = "category_max_share"
    CATEGORY_MIN_COUNT = "category_min_count"
    CATEGORY_MAX_COUNT = "category_max_count"
    COMMUNE_MAX = "commune_max"
    ESTABLISHMENT_MAX = "establishment_max"
    MUST_IN = "must_in"
    MUST_OUT = "must_out"
    # Reasons only (not constraints an officer relaxes):
    ABOVE_CAP = "above_cap"  # request above the legal cap, and no partial funding within it
    FIXED = "fixed"  # a commitment already approved
    AMOUNT = "amount"  # an amount outside [minimum, request] (only `check` reports it)
    NO_VALUE = "no_value"  # adding it would not raise the plan's value
    TIE = "tie"  # it could replace the proposal named, for the same value
    WITHIN_GAP = "within_gap"  # it would fit; the plan is within the gap, not proven optimal


# Rules that hold amounts down; the others (shares and counts from below) hold them up.
UPPER_KINDS = frozenset(
    {Kind.FUND, Kind.CATEGORY_MAX_SHARE, Kind.CATEGORY_MAX_COUNT, Kind.COMMUNE_MAX, Kind.ESTABLISHMENT_MAX}
)
LOWER_KINDS = frozenset({Kind.PRIORITY_SHARE, Kind.CATEGORY_MIN_SHARE, Kind.CATEGORY_MIN_COUNT})


# --- input ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    key: str
    score: float
    requested: Mapping[str, int]  # fund -> đồng
    jobs: int = 0
    category: str = ""
    commune: str = ""
    establishments: tuple[str, ...] = ()
    priority: bool = False
    minimum: int | None = None  # partial funding allowed down to this total (đồng); None: all or nothing
    cap: int | None = None  # legal maximum support (đồng); None: no cap in force
    must: Literal["in", "out"] | None = None
    fixed: bool = False  # already approved: in the plan at `requested`, not a choice

    @property
    def total(self) -> int:
        return sum(self.requested.values())


@dataclass(frozen=True)
class CategoryRule:
    category: str
    min_share_bp: int | None = None
    max_share_bp: int | None = None
    min_count: int | None = None
    max_count: int | None = None


@dataclass(frozen=True)
class Problem:
    proposals: Sequence[Proposal]
    envelopes: Mapping[str, int]
    priority_min_bp: int = 0
    categories: Sequence[CategoryRule] = ()
    commune_max: int | None = None
    establishment_max: int | None = None
    objective: Objective = "score"
    time_limit: float = 30.0  # seconds for the main solve (the officer may raise it)
    gap: float = 1e-4  # stop once proven within this relative gap (1e-4 = 0,01 %)
    step: int = 1000  # partial amounts are whole multiples of this many đồng (above the minimum)
    explain: bool = True  # price the lower-bound rules and, when infeasible, find the conflict
    explain_time_limit: float = 20.0

    @property
    def funds(self) -> list[str]:
        names = set(self.envelopes)
        for p in self.proposals:
            names.update(f for f, amount in p.requested.items() if amount)
        return sorted(names)


@dataclass(frozen=True)
class Issue:
    """Input that cannot be solved as given; the service turns it into a Vietnamese message."""

    code: str
    field: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)


class InvalidProblem(ValueError):
    def __init__(self, issues: Sequence[Issue]) -> None:
        super().__init__("; ".join(f"{i.field}: {i.code}" for i in issues))
        self.issues = list(issues)


# --- output ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A constraint (or a reason): its kind and what it is about (fund, category, commune, proposal)."""

    kind: Kind
    key: str = ""


@dataclass(frozen=True)
class Violation:
    """`actual` against `limit`: above it for upper-bound rules, below it for lower-bound ones."""

    ref: Ref
    unit: Unit
    actual: int
    limit: int

    @property
    def excess(self) -> int:
        return abs(self.actual - self.limit)


@dataclass(frozen=True)
class Line:
    key: str
    selected: bool
    amounts: Mapping[str, int]
    total: int
    partial: bool
    value: float
    reasons: tuple[Violation, ...] = ()
    instead_of: str = ""  # for one left out: the proposal it would replace, when that is its way in


@dataclass(frozen=True)
class Binding:
    ref: Ref
    unit: Unit
    actual: int
    limit: int
    blocks: int  # proposals left out that this rule alone would have to give way for
    cost: float | None = None  # value the plan gives up to meet this rule (lower-bound rules)


@dataclass(frozen=True)
class Relaxation:
    ref: Ref
    unit: Unit
    actual: int  # what the least-violating plan reaches
    limit: int


@dataclass(frozen=True)
class Infeasibility:
    conflict: tuple[Ref, ...]  # constraints that cannot all hold together
    relax: tuple[Relaxation, ...]  # the fewest to give up, and by how much
    irreducible: bool  # False when time ran out before each member of the conflict was confirmed
    each_alone: bool = False  # True: relaxing any one of `relax` is enough; False: all of them together


@dataclass(frozen=True)
class Baseline:
    """The greedy ranking officers use by hand: by score, until the money runs out."""

    amounts: Mapping[str, Mapping[str, int]]  # key -> fund -> đồng, selected proposals only
    value: float
    totals: Mapping[str, int]
    total: int
    priority_bp: int
    unmet: tuple[Violation, ...]


@dataclass(frozen=True)
class Timing:
    build: float
    solve: float
    explain: float
    greedy: float


@dataclass(frozen=True)
class Result:
    status: Literal["optimal", "time_limit", "infeasible", "no_solution"]
    objective: Objective
    value: float
    bound: float
    gap: float
    lines: tuple[Line, ...]
    totals: Mapping[str, int]
    total: int
    priority_amount: int
    priority_bp: int
    binding: tuple[Binding, ...]
    infeasibility: Infeasibility | None
    greedy: Baseline
    timing: Timing
    tightened: int  # re-solves needed to make the integer answer meet every constraint exactly

    @property
    def feasible(self) -> bool:
        return self.status in ("optimal", "time_limit")

    def line(self, key: str) -> Line:
        for line in self.lines:
            if line.key == key:
                return line
        raise KeyError(key)


# --- shared arithmetic ------------------------------------------------------------------------------


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split an integer total in proportion to integer weights (largest remainder); parts sum to total."""
    whole = sum(weights)
    if whole <= 0:
        return [0 for _ in weights]
    parts = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def share_bp(part: int, whole: int) -> int:
    """part/whole in basis points, rounded down (0 when nothing is spent)."""
    return part * BP // whole if whole > 0 else 0


def value_of(p: Proposal, objective: Objective) -> float:
    if objective == "jobs":
        return float(p.jobs)
    if objective == "score_jobs":
        return float(p.score) * p.jobs
    return float(p.score)


@dataclass(frozen=True)
class _Item:
    index: int
    p: Proposal
    requested: int  # R: the total requested
    upper: int  # U: the most it can get (the request, or the cap when funded partially within it)
    minimum: int  # m: the least it can get when funded (U when all or nothing)
    partial: bool
    eligible: bool  # False: request above the cap with no partial funding within it
    value: float  # at the full request

    def split(self, total: int) -> dict[str, int]:
        funds = sorted(self.p.requested)
        if total == self.requested:
            return {f: self.p.requested[f] for f in funds}
        return dict(zip(funds, apportion(total, [self.p.requested[f] for f in funds]), strict=True))

    def worth(self, total: int) -> float:
        return self.value * total / self.requested if self.requested else 0.0


def _items(problem: Problem) -> list[_Item]:
    items = []
    for i, p in enumerate(problem.proposals):
        requested = p.total
        if p.fixed:
            items.append(
                _Item(i, p, requested, requested, requested, False, True, value_of(p, problem.objective))
            )
            continue
        upper = requested if p.cap is None else min(requested, p.cap)
        partial = p.minimum is not None and p.minimum < upper
        minimum = p.minimum if partial and p.minimum is not None else upper
        eligible = upper == requested or (p.minimum is not None and p.minimum <= upper)
        if not eligible:
            upper = minimum = requested
        items.append(
            _Item(i, p, requested, upper, minimum, partial, eligible, value_of(p, problem.objective))
        )
    return items


class _Tally:
    """Running totals of a selection, in integers; what every rule is checked against."""

    def __init__(self) -> None:
        self.fund: dict[str, int] = defaultdict(int)
        self.total = 0
        self.priority = 0
        self.cat_amount: dict[str, int] = defaultdict(int)
        self.cat_count: dict[str, int] = defaultdict(int)
        self.commune: dict[str, int] = defaultdict(int)
        self.establishment: dict[str, int] = defaultdict(int)

    def add(self, p: Proposal, amounts: Mapping[str, int], sign: int = 1) -> None:
        total = sum(amounts.values())
        if total == 0:
            return
        for f, amount in amounts.items():
            self.fund[f] += sign * amount
        self.total += sign * total
        if p.priority:
            self.priority += sign * total
        self.cat_amount[p.category] += sign * total
        self.cat_count[p.category] += sign
        self.commune[p.commune] += sign * total
        for e in set(p.establishments):
            self.establishment[e] += sign * total


def _rule_violations(problem: Problem, t: _Tally) -> list[Violation]:
    """Every rule (funds, shares, counts, communes, establishments) that the tally breaks."""
    out: list[Violation] = []
    for f in problem.funds:
        limit = problem.envelopes.get(f, 0)
        if t.fund[f] > limit:
            out.append(Violation(Ref(Kind.FUND, f), "vnd", t.fund[f], limit))
    bp = problem.priority_min_bp
    if bp and BP * t.priority < bp * t.total:
        out.append(Violation(Ref(Kind.PRIORITY_SHARE), "bp", share_bp(t.priority, t.total), bp))
    for rule in problem.categories:
        c = rule.category
        amount, count = t.cat_amount[c], t.cat_count[c]
        if rule.min_share_bp and BP * amount < rule.min_share_bp * t.total:
            out.append(
                Violation(Ref(Kind.CATEGORY_MIN_SHARE, c), "bp", share_bp(amount, t.total), rule.min_share_bp)
            )
        if rule.max_share_bp is not None and BP * amount > rule.max_share_bp * t.total:
            actual = -(-amount * BP // t.total)  # rounded up: above the maximum
            out.append(Violation(Ref(Kind.CATEGORY_MAX_SHARE, c), "bp", actual, rule.max_share_bp))
        if rule.min_count is not None and count < rule.min_count:
            out.append(Violation(Ref(Kind.CATEGORY_MIN_COUNT, c), "count", count, rule.min_count))
        if rule.max_count is not None and count > rule.max_count:
            out.append(Violation(Ref(Kind.CATEGORY_MAX_COUNT, c), "count", count, rule.max_count))
    if problem.commune_max is not None:
        for commune, amount in sorted(t.commune.items()):
            if amount > problem.commune_max:
                out.append(Violation(Ref(Kind.COMMUNE_MAX, commune), "vnd", amount, problem.commune_max))
    if problem.establishment_max is not None:
        for est, amount in sorted(t.establishment.items()):
            if amount > problem.establishment_max:
                out.append(
                    Violation(Ref(Kind.ESTABLISHMENT_MAX, est), "vnd", amount, problem.establishment_max)
                )
    return out


def check(problem: Problem, amounts: Mapping[str, Mapping[str, int]]) -> list[Violation]:
    """Every constraint the given funding breaks, in exact integer arithmetic (empty: all hold).

    `amounts` maps a proposal's key to the đồng it gets from each fund; missing keys get nothing.
    """
    out: list[Violation] = []
    tally = _Tally()
    for item in _items(problem):
        p = item.p
        got = {f: int(a) for f, a in amounts.get(p.key, {}).items() if a}
        total = sum(got.values())
        if p.fixed and got != {f: a for f, a in p.requested.items() if a}:
            out.append(Violation(Ref(Kind.FIXED, p.key), "vnd", total, item.requested))
        if total and (
            not item.eligible
            or not item.minimum <= total <= item.upper
            or any(a < 0 or a > p.requested.get(f, 0) for f, a in got.items())
        ):
            out.append(Violation(Ref(Kind.AMOUNT, p.key), "vnd", total, item.upper))
        if p.must == "in" and total == 0:
            out.append(Violation(Ref(Kind.MUST_IN, p.key), "flag", 0, 1))
        if p.must == "out" and total > 0:
            out.append(Violation(Ref(Kind.MUST_OUT, p.key), "flag", 1, 0))
        tally.add(p, got)
    return out + _rule_violations(problem, tally)


# --- validation ---------------------------------------------------------------------------------------


def validate(problem: Problem) -> list[Issue]:
    """What makes the problem unsolvable as typed, before any solving: bad numbers, rules that contradict
    each other on their face, and proposals the officer forced in that break a cap on their own."""
    issues: list[Issue] = []
    for f, amount in sorted(problem.envelopes.items()):
        if amount < 0:
            issues.append(Issue("envelope_negative", f"envelope.{f}", {"fund": f, "amount": amount}))

    def share(name: str, value: int | None) -> None:
        if value is not None and not 0 <= value <= BP:
            issues.append(Issue("share_out_of_range", name, {"value_bp": value}))

    share("priority_min", problem.priority_min_bp)
    for name, maximum in (
        ("commune_max", problem.commune_max),
        ("establishment_max", problem.establishment_max),
    ):
        if maximum is not None and maximum < 0:
            issues.append(Issue("amount_negative", name, {"amount": maximum}))
    if not 0 < problem.time_limit <= 3600:
        issues.append(Issue("time_limit_invalid", "time_limit", {"value": problem.time_limit}))
    if not 0 <= problem.gap < 1:
        issues.append(Issue("gap_invalid", "gap", {"value": problem.gap}))
    if problem.step < 1:
        issues.append(Issue("step_invalid", "step", {"value": problem.step}))

    keys: set[str] = set()
    for p in problem.proposals:
        if p.key in keys:
            issues.append(Issue("duplicate_proposal", f"proposal.{p.key}", {"key": p.key}))
        keys.add(p.key)
        if any(a < 0 for a in p.requested.values()) or p.total <= 0:
            issues.append(Issue("request_invalid", f"proposal.{p.key}", {"key": p.key}))
        elif p.minimum is not None and not 0 < p.minimum <= p.total:
            issues.append(
                Issue(
                    "minimum_invalid",
                    f"proposal.{p.key}",
                    {"key": p.key, "minimum": p.minimum, "requested": p.total},
                )
            )
    if issues:
        return issues

    items = _items(problem)
    open_items = [it for it in items if it.eligible and it.p.must != "out"]
    seen: set[str] = set()
    total_min = 0
    for rule in problem.categories:
        c = rule.category
        prefix = f"category.{c}"
        if c in seen:
            issues.append(Issue("category_duplicate", prefix, {"category": c}))
        seen.add(c)
        share(f"{prefix}.min_share", rule.min_share_bp)
        share(f"{prefix}.max_share", rule.max_share_bp)
        for name, count in (("min_count", rule.min_count), ("max_count", rule.max_count)):
            if count is not None and count < 0:
                issues.append(Issue("count_negative", f"{prefix}.{name}", {"category": c, "value": count}))
        if (
            rule.min_share_bp is not None
            and rule.max_share_bp is not None
            and rule.min_share_bp > rule.max_share_bp
        ):
            issues.append(Issue("category_min_above_max_share", prefix, {"category": c}))
        if rule.min_count is not None and rule.max_count is not None and rule.min_count > rule.max_count:
            issues.append(Issue("category_min_above_max_count", prefix, {"category": c}))
        total_min += rule.min_share_bp or 0
        available = sum(1 for it in open_items if it.p.category == c)
        if rule.min_count is not None and rule.min_count > available:
            issues.append(
                Issue(
                    "category_min_count_unreachable",
                    f"{prefix}.min_count",
                    {"category": c, "needed": rule.min_count, "available": available},
                )
            )
        if rule.min_share_bp and available == 0:
            issues.append(Issue("category_min_share_unreachable", f"{prefix}.min_share", {"category": c}))
        forced = sum(1 for it in items if it.p.category == c and (it.p.fixed or it.p.must == "in"))
        if rule.max_count is not None and forced > rule.max_count:
            issues.append(
                Issue(
                    "must_in_over_category_max_count",
                    f"{prefix}.max_count",
                    {"category": c, "count": forced, "limit": rule.max_count},
                )
            )
    if total_min > BP:
        issues.append(Issue("category_min_shares_exceed_total", "categories", {"total_bp": total_min}))
    if problem.priority_min_bp and not any(it.p.priority for it in open_items):
        issues.append(Issue("priority_unreachable", "priority_min", {}))

    # What the officer forced in, at its least, must fit each cap on its own.
    forced_items = [it for it in items if it.p.fixed or it.p.must == "in"]
    for it in forced_items:
        if not it.p.fixed and not it.eligible:
            issues.append(
                Issue(
                    "must_in_above_cap",
                    f"proposal.{it.p.key}",
                    {"key": it.p.key, "cap": it.p.cap, "amount": it.minimum},
                )
            )
    fund_need: dict[str, Fraction] = defaultdict(Fraction)
    commune_need: dict[str, int] = defaultdict(int)
    est_need: dict[str, int] = defaultdict(int)
    for it in forced_items:
        for f, r in it.p.requested.items():
            fund_need[f] += Fraction(it.minimum * r, it.requested)
        commune_need[it.p.commune] += it.minimum
        for e in set(it.p.establishments):
            est_need[e] += it.minimum
    for f, fund_total in sorted(fund_need.items()):
        if fund_total > problem.envelopes.get(f, 0):
            issues.append(
                Issue(
                    "must_in_over_envelope",
                    f"envelope.{f}",
                    {"fund": f, "needed": math.ceil(fund_total), "envelope": problem.envelopes.get(f, 0)},
                )
            )
    if problem.commune_max is not None:
        for commune, need in sorted(commune_need.items()):
            if need > problem.commune_max:
                issues.append(
                    Issue(
                        "must_in_over_commune_max",
                        "commune_max",
                        {"commune": commune, "needed": need, "limit": problem.commune_max},
                    )
                )
    if problem.establishment_max is not None:
        for est, need in sorted(est_need.items()):
            if need > problem.establishment_max:
                issues.append(
                    Issue(
                        "must_in_over_establishment_max",
                        "establishment_max",
                        {"establishment": est, "needed": need, "limit": problem.establishment_max},
                    )
                )
    return issues


# --- the model --------------------------------------------------------------------------------------


@dataclass
class _Row:
    ref: Ref
    coefs: dict[int, float]
    lower: float
    upper: float


@dataclass
class _Model:
    items: list[_Item]
    n_cols: int
    b_col: dict[int, int]  # item index -> column of its partial amount above the minimum
    cost: list[float]
    col_lower: list[float]
    col_upper: list[float]
    integer: list[bool]
    rows: list[_Row]
    relaxable: dict[Ref, list[int]]  # group -> rows (a MUST_IN/MUST_OUT group has no rows: a column bound)
    funds: list[str]

    def amount_coefs(self, item: _Item) -> dict[int, float]:
        """The item's funded amount, in model units, as a linear expression of the columns."""
        if item.index in self.b_col:
            return {item.index: item.minimum / UNIT, self.b_col[item.index]: 1.0}
        return {item.index: item.upper / UNIT}


def _build(problem: Problem, items: list[_Item]) -> _Model:
    n = len(items)
    cost = [0.0] * n
    lower = [0.0] * n
    upper = [1.0] * n
    integer = [True] * n
    b_col: dict[int, int] = {}
    for it in items:
        if it.p.fixed or it.p.must == "in":
            lower[it.index] = 1.0
        if not it.eligible or (it.p.must == "out" and not it.p.fixed):
            upper[it.index] = 0.0
        if it.partial:
            # Amount = minimum × y + b, with 0 ≤ b ≤ (upper − minimum) × y: one linking row, not two.
            cost[it.index] = it.worth(it.minimum)
            b_col[it.index] = len(cost)
            cost.append(it.value * UNIT / it.requested)
            lower.append(0.0)
            upper.append((it.upper - it.minimum) / UNIT)
            integer.append(False)
        else:
            cost[it.index] = it.worth(it.upper)
    model = _Model(items, len(cost), b_col, cost, lower, upper, integer, [], defaultdict(list), problem.funds)
    rows = model.rows

    def add(ref: Ref, coefs: dict[int, float], lo: float, hi: float, group: Ref | None = None) -> None:
        rows.append(_Row(ref, coefs, lo, hi))
        if group is not None:
            model.relaxable[group].append(len(rows) - 1)

    # Partial amounts above the minimum only when the proposal is funded at all.
    for it in items:
        if it.index in b_col:
            col = b_col[it.index]
            add(Ref(Kind.AMOUNT, it.p.key), {col: 1.0, it.index: -(it.upper - it.minimum) / UNIT}, -INF, 0.0)

    # Proposals left out by the officer stay in the rows (their column is fixed at 0), so that the
    # conflict search can let them back in and see what they would cost.
    live = [it for it in items if it.eligible]

    def weighted(weight: Any) -> dict[int, float]:
        """Σ weight(item) × amount(item) over the items that can be funded."""
        coefs: dict[int, float] = defaultdict(float)
        for it in live:
            w = weight(it)
            if w:
                for col, c in model.amount_coefs(it).items():
                    coefs[col] += w * c
        return dict(coefs)

    for f in model.funds:
        ref = Ref(Kind.FUND, f)
        add(
            ref,
            weighted(lambda it, f=f: it.p.requested.get(f, 0) / it.requested),
            -INF,
            problem.envelopes.get(f, 0) / UNIT,
            ref,
        )
    if problem.priority_min_bp:
        s = problem.priority_min_bp / BP
        ref = Ref(Kind.PRIORITY_SHARE)
        add(ref, weighted(lambda it: (1.0 if it.p.priority else 0.0) - s), 0.0, INF, ref)
    for rule in problem.categories:
        c = rule.category
        if rule.min_share_bp:
            s = rule.min_share_bp / BP
            ref = Ref(Kind.CATEGORY_MIN_SHARE, c)
            add(ref, weighted(lambda it, c=c, s=s: (1.0 if it.p.category == c else 0.0) - s), 0.0, INF, ref)
        if rule.max_share_bp is not None and rule.max_share_bp < BP:
            s = rule.max_share_bp / BP
            ref = Ref(Kind.CATEGORY_MAX_SHARE, c)
            add(ref, weighted(lambda it, c=c, s=s: (1.0 if it.p.category == c else 0.0) - s), -INF, 0.0, ref)
        members = {it.index: 1.0 for it in live if it.p.category == c}
        if rule.min_count:
            ref = Ref(Kind.CATEGORY_MIN_COUNT, c)
            add(ref, members, float(rule.min_count), INF, ref)
        if rule.max_count is not None and rule.max_count < len(members):
            ref = Ref(Kind.CATEGORY_MAX_COUNT, c)
            add(ref, members, -INF, float(rule.max_count), ref)
    # A commune or establishment gets a row only when its proposals could together exceed the maximum.
    for kind, most, keys_of in (
        (Kind.COMMUNE_MAX, problem.commune_max, lambda p: (p.commune,)),
        (Kind.ESTABLISHMENT_MAX, problem.establishment_max, lambda p: tuple(sorted(set(p.establishments)))),
    ):
        if most is None:
            continue
        members_of: dict[str, list[_Item]] = defaultdict(list)
        for it in live:
            for key in keys_of(it.p):
                members_of[key].append(it)
        for key, members_list in sorted(members_of.items()):
            if sum(it.upper for it in members_list) <= most:
                continue
            coefs: dict[int, float] = defaultdict(float)
            for it in members_list:
                for col, coef in model.amount_coefs(it).items():
                    coefs[col] += coef
            add(Ref(kind, key), dict(coefs), -INF, most / UNIT, Ref(kind))
    for it in items:
        if it.p.fixed:
            continue
        if it.p.must == "in":
            model.relaxable[Ref(Kind.MUST_IN, it.p.key)] = []
        elif it.p.must == "out" and it.eligible:
            model.relaxable[Ref(Kind.MUST_OUT, it.p.key)] = []
    return model


def _key_index(model: _Model) -> dict[str, int]:
    return {it.p.key: it.index for it in model.items}


def _lp(
    model: _Model,
    *,
    maximise: bool = True,
    extra_cols: Sequence[tuple[float, float, float, bool]] = (),
    extra_rows: Sequence[_Row] = (),
    row_bounds: Mapping[int, tuple[float, float]] | None = None,
    col_bounds: Mapping[int, tuple[float, float]] | None = None,
    cost: Sequence[float] | None = None,
) -> highspy.HighsLp:
    """The model as HiGHS arrays (row-wise), with optional extra columns/rows for the elastic variant."""
    lp = highspy.HighsLp()
    n = model.n_cols + len(extra_cols)
    rows = [*model.rows, *extra_rows]
    lp.num_col_ = n
    lp.num_row_ = len(rows)
    costs = list(cost if cost is not None else model.cost) + [c for c, _, _, _ in extra_cols]
    lo = list(model.col_lower) + [c for _, c, _, _ in extra_cols]
    hi = list(model.col_upper) + [c for _, _, c, _ in extra_cols]
    for col, (a, b) in (col_bounds or {}).items():
        lo[col], hi[col] = a, b
    lp.col_cost_ = np.array(costs, dtype=np.float64)
    lp.col_lower_ = np.array(lo, dtype=np.float64)
    lp.col_upper_ = np.array(hi, dtype=np.float64)
    row_lo = [r.lower for r in rows]
    row_hi = [r.upper for r in rows]
    for i, (a, b) in (row_bounds or {}).items():
        row_lo[i], row_hi[i] = a, b
    lp.row_lower_ = np.array(row_lo, dtype=np.float64)
    lp.row_upper_ = np.array(row_hi, dtype=np.float64)
    starts = [0]
    index: list[int] = []
    value: list[float] = []
    for r in rows:
        for col, c in sorted(r.coefs.items()):
            if c:
                index.append(col)
                value.append(c)
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=np.float64)
    kinds = [*model.integer, *(flag for _, _, _, flag in extra_cols)]
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if k else highspy.HighsVarType.kContinuous for k in kinds
    ]
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    return lp


def _highs(time_limit: float, gap: float) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(0.05, float(time_limit)))
    # A tenth of the target is left for the rounding of partial amounts to whole đồng.
    h.setOptionValue("mip_rel_gap", float(gap) * 0.9)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("presolve", "off")
    return h


def quiet_banner() -> None:
    """HiGHS prints its banner on stdout the first time a solver is made; send it to stderr instead, so
    a command that prints JSON prints only JSON."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        highspy.Highs()
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


_FEASIBLE = {highspy.HighsModelStatus.kOptimal}
_STOPPED = {
    highspy.HighsModelStatus.kTimeLimit,
    highspy.HighsModelStatus.kIterationLimit,
    highspy.HighsModelStatus.kSolutionLimit,
    highspy.HighsModelStatus.kInterrupt,
}


def _has_solution(h: highspy.Highs) -> bool:
    info = h.getInfo()
    return bool(info.primal_solution_status == 2)  # kSolutionStatusFeasible


def _amounts_from(model: _Model, values: Sequence[float], step: int) -> dict[str, dict[str, int]]:
    """The solver's columns as integer đồng per proposal and fund (selected proposals only)."""
    out: dict[str, dict[str, int]] = {}
    for it in model.items:
        if values[it.index] < 0.5:
            continue
        if it.index in model.b_col:
            raw = it.minimum + round(max(0.0, values[model.b_col[it.index]]) * UNIT)
            if raw >= it.upper:
                total = it.upper
            elif raw <= it.minimum:
                total = it.minimum
            else:
                total = max(it.minimum, raw // step * step)
        else:
            total = it.upper
        out[it.p.key] = it.split(total)
    return out


def _trim_needed(v: Violation, it: _Item, t: _Tally) -> int:
    """How much less `it` must get for the rule behind `v` to hold (0: trimming it does not help)."""
    p, kind, key = it.p, v.ref.kind, v.ref.key
    if kind == Kind.FUND:
        r = p.requested.get(key, 0)
        return -(-v.excess * it.requested // r) + 1 if r else 0
    if kind == Kind.COMMUNE_MAX:
        return v.excess if p.commune == key else 0
    if kind == Kind.ESTABLISHMENT_MAX:
        return v.excess if key in p.establishments else 0
    if kind == Kind.CATEGORY_MAX_SHARE and p.category == key and v.limit < BP:
        return -(-(BP * t.cat_amount[key] - v.limit * t.total) // (BP - v.limit))
    if kind == Kind.PRIORITY_SHARE and not p.priority:
        return -(-(v.limit * t.total - BP * t.priority) // v.limit)
    if kind == Kind.CATEGORY_MIN_SHARE and p.category != key:
        return -(-(v.limit * t.total - BP * t.cat_amount[key]) // v.limit)
    return 0


def _repair(problem: Problem, model: _Model, amounts: dict[str, dict[str, int]]) -> list[Violation]:
    """Bring a rounded answer within the rules by trimming partial amounts (never below their minimum).

    The solver's tolerances and the rounding of partial amounts can leave a rule broken by a few đồng
    (a fund 1 đ over, a share a hair under its minimum). Trimming the partial amount that carries least
    value per đồng fixes that at no visible cost; what this cannot fix is returned, and the caller
    tightens the rule and solves again.
    """
    by_key = {it.p.key: it for it in model.items}
    for _ in range(4 * len(model.b_col) + 4):
        violations = check(problem, amounts)
        if not violations:
            return []
        v = violations[0]
        t = _Tally()
        for key, got in amounts.items():
            t.add(by_key[key].p, got)
        options = []
        for key_, got in amounts.items():
            it = by_key[key_]
            total = sum(got.values())
            if it.index in model.b_col and total > it.minimum and (d := _trim_needed(v, it, t)) > 0:
                options.append((total - it.minimum < d, it.value / it.requested, it.index, it, total, d))
        if not options:
            return violations
        _, _, _, it, total, d = min(options)
        trimmed = max(it.minimum, (total - d) // problem.step * problem.step)
        amounts[it.p.key] = it.split(trimmed)
    return check(problem, amounts)


def _value(model: _Model, amounts: Mapping[str, Mapping[str, int]]) -> float:
    return sum(it.worth(sum(amounts.get(it.p.key, {}).values())) for it in model.items)


@dataclass
class _Solved:
    status: str
    amounts: dict[str, dict[str, int]]
    bound: float
    tightened: int
    solve_seconds: float


def _excess(problem: Problem, model: _Model, v: Violation, amounts: Mapping[str, Mapping[str, int]]) -> float:
    """How far the row behind a violation found in integers is from holding, in the row's model units."""
    if v.unit == "vnd":
        return v.excess / UNIT
    if v.unit == "count":
        return 0.5
    t = _Tally()
    for it in model.items:
        t.add(it.p, amounts.get(it.p.key, {}))
    part = t.priority if v.ref.kind == Kind.PRIORITY_SHARE else t.cat_amount[v.ref.key]
    # Row: Σ (member − s) × amount ≥ 0 (or ≤ 0); s = limit/BP; in model units.
    return abs(BP * part - v.limit * t.total) / (BP * UNIT)


def _solve_main(problem: Problem, model: _Model) -> _Solved:
    started = time.perf_counter()
    h = _highs(problem.time_limit, problem.gap)
    h.passModel(_lp(model))
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return _Solved("infeasible", {}, 0.0, 0, time.perf_counter() - started)
    if not _has_solution(h):
        return _Solved("no_solution", {}, 0.0, 0, time.perf_counter() - started)
    stopped = status in _STOPPED
    bound = float(h.getInfo().mip_dual_bound)
    values = list(h.getSolution().col_value)
    amounts = _amounts_from(model, values, problem.step)
    row_of: dict[Ref, int] = {row.ref: i for i, row in enumerate(model.rows) if row.ref.kind != Kind.AMOUNT}
    margins: dict[int, float] = {}
    rounds = 0
    while True:
        violations = _repair(problem, model, amounts)
        broken = [v for v in violations if v.ref in row_of]
        others = [v for v in violations if v.ref not in row_of]
        if others:
            raise RuntimeError(f"solver answer breaks {others}")  # bounds on columns never do
        if not broken:
            break
        rounds += 1
        if rounds > 8:
            raise RuntimeError(f"could not bring the answer within {broken} in integers")
        for v in broken:
            i = row_of[v.ref]
            row = model.rows[i]
            excess = _excess(problem, model, v, amounts)
            margin = max(2 * excess, 2 * margins.get(i, 0.0), 1e-6)
            margins[i] = margin
            if row.upper < INF:
                h.changeRowBounds(i, row.lower, row.upper - margin)
            else:
                h.changeRowBounds(i, row.lower + margin, row.upper)
        h.run()
        if not _has_solution(h):
            raise RuntimeError("tightened model has no solution")
        stopped = stopped or h.getModelStatus() in _STOPPED
        values = list(h.getSolution().col_value)
        amounts = _amounts_from(model, values, problem.step)
    return _Solved(
        "time_limit" if stopped else "optimal", amounts, bound, rounds, time.perf_counter() - started
    )


# --- explanations ---------------------------------------------------------------------------------


def _blockers(
    problem: Problem,
    t: _Tally,
    p: Proposal,
    add: Mapping[str, int],
    *,
    new: bool = True,
    drop: tuple[Proposal, Mapping[str, int]] | None = None,
) -> list[Violation]:
    """The rules that adding `p` with `add` to the tally (which meets them all) would break.

    `new` False: `p` is already in the tally and only its amount grows, so no count changes.
    `drop`: a proposal taken out at the same time (a swap), with what it had."""
    out: list[Violation] = []
    q, q_amounts = drop if drop is not None else (None, {})
    extra = sum(add.values())
    freed = sum(q_amounts.values())
    total = t.total + extra - freed

    def minus(attr: str) -> int:
        return freed if q is not None and getattr(q, attr) == getattr(p, attr) else 0

    for f in sorted(set(add) | set(q_amounts)):
        used = t.fund[f] + add.get(f, 0) - q_amounts.get(f, 0)
        if add.get(f, 0) and used > problem.envelopes.get(f, 0):
            out.append(Violation(Ref(Kind.FUND, f), "vnd", used, problem.envelopes.get(f, 0)))
    bp = problem.priority_min_bp
    if bp:
        part = t.priority + (extra if p.priority else 0) - (freed if q is not None and q.priority else 0)
        if BP * part < bp * total:
            out.append(Violation(Ref(Kind.PRIORITY_SHARE), "bp", share_bp(part, total), bp))
    for rule in problem.categories:
        c = rule.category
        amount = t.cat_amount[c] + (extra if p.category == c else 0)
        count = t.cat_count[c] + (1 if new and p.category == c else 0)
        if q is not None and q.category == c:
            amount -= freed
            count -= 1
        if rule.max_share_bp is not None and BP * amount > rule.max_share_bp * total:
            actual = -(-amount * BP // total)
            out.append(Violation(Ref(Kind.CATEGORY_MAX_SHARE, c), "bp", actual, rule.max_share_bp))
        if rule.min_share_bp and BP * amount < rule.min_share_bp * total:
            out.append(
                Violation(Ref(Kind.CATEGORY_MIN_SHARE, c), "bp", share_bp(amount, total), rule.min_share_bp)
            )
        if rule.max_count is not None and count > rule.max_count:
            out.append(Violation(Ref(Kind.CATEGORY_MAX_COUNT, c), "count", count, rule.max_count))
        if rule.min_count is not None and count < rule.min_count:
            out.append(Violation(Ref(Kind.CATEGORY_MIN_COUNT, c), "count", count, rule.min_count))
    if problem.commune_max is not None:
        amount = t.commune[p.commune] + extra - minus("commune")
        if amount > problem.commune_max:
            out.append(Violation(Ref(Kind.COMMUNE_MAX, p.commune), "vnd", amount, problem.commune_max))
    if problem.establishment_max is not None:
        shared = set(q.establishments) if q is not None else set()
        for e in sorted(set(p.establishments)):
            amount = t.establishment[e] + extra - (freed if e in shared else 0)
            if amount > problem.establishment_max:
                out.append(
                    Violation(Ref(Kind.ESTABLISHMENT_MAX, e), "vnd", amount, problem.establishment_max)
                )
    return out


# How many selected proposals to try swapping out for each proposal left out (bounded so that a year of
# 10.000 proposals is explained in about a second).
SWAP_TRIES = 60
SWAP_LOOKS = 600


def _money_needed(violations: Sequence[Violation]) -> int | None:
    """The extra money the violations ask for, or None when some rule other than an envelope breaks."""
    if any(v.ref.kind != Kind.FUND for v in violations):
        return None
    return sum(v.excess for v in violations)


def _way_in(
    problem: Problem, tally: _Tally, it: _Item, chosen: Sequence[tuple[_Item, dict[str, int], float]]
) -> tuple[list[Violation], str]:
    """The cheapest reason `it` is out: what it would take to get it in without making the plan worse.

    Either on top of the plan (the rules that would break, e.g. "needs 600 tr.đ more"), or in place of
    one proposal of lesser value (e.g. "needs 100 tr.đ more, instead of C"), whichever asks for less
    money. Returns the violations and the key of the proposal it would replace ('' if none)."""
    add = it.split(it.minimum)
    worth = it.worth(it.minimum)
    best = _blockers(problem, tally, it.p, add)
    best_need = _money_needed(best)
    instead = ""
    instead_worth = 0.0
    if not best:
        return best, instead
    tries = 0
    for looks, (other, amounts, other_worth) in enumerate(chosen):
        if looks >= SWAP_LOOKS or tries >= SWAP_TRIES or best_need == 0:
            break
        if other_worth > worth + 1e-9:
            continue
        tries += 1
        swap = _blockers(problem, tally, it.p, add, drop=(other.p, amounts))
        need = _money_needed(swap)
        cheaper = need is not None and (best_need is None or need < best_need)
        # For the same money, name the one of least value: that is the swap that loses least.
        if cheaper or (need is not None and need == best_need and instead and other_worth < instead_worth):
            best, best_need, instead, instead_worth = swap, need, other.p.key, other_worth
            if not swap:
                tie = abs(other_worth - worth) <= 1e-9 * max(1.0, worth)
                best = [Violation(Ref(Kind.TIE if tie else Kind.WITHIN_GAP, other.p.key), "flag", 0, 0)]
    return best, instead


def _lines(
    problem: Problem, model: _Model, amounts: Mapping[str, Mapping[str, int]], proven: bool
) -> tuple[list[Line], _Tally]:
    tally = _Tally()
    for it in model.items:
        tally.add(it.p, amounts.get(it.p.key, {}))
    # Proposals that could give way to one left out: not commitments or forced ones; largest first.
    chosen = sorted(
        (
            (it, dict(amounts[it.p.key]), it.worth(sum(amounts[it.p.key].values())))
            for it in model.items
            if it.p.key in amounts and not it.p.fixed and it.p.must != "in"
        ),
        key=lambda row: (-sum(row[1].values()), row[0].index),
    )
    lines: list[Line] = []
    for it in model.items:
        got = dict(amounts.get(it.p.key, {}))
        total = sum(got.values())
        if total:
            # Funded below what it could get: the rules that stop one more step going to it.
            more = min(problem.step, it.upper - total)
            held: list[Violation] = []
            if more > 0:
                bigger = it.split(total + more)
                step_up = {f: bigger[f] - got.get(f, 0) for f in bigger}
                held = _blockers(problem, tally, it.p, step_up, new=False)
            lines.append(Line(it.p.key, True, got, total, total < it.requested, it.worth(total), tuple(held)))
            continue
        reasons: list[Violation]
        instead = ""
        if it.p.must == "out":
            reasons = [Violation(Ref(Kind.MUST_OUT, it.p.key), "flag", 0, 0)]
        elif not it.eligible:
            reasons = [Violation(Ref(Kind.ABOVE_CAP, it.p.key), "vnd", it.requested, it.p.cap or 0)]
        else:
            reasons, instead = _way_in(problem, tally, it, chosen)
            if not reasons:
                # It would fit: either it adds nothing, or the plan is within the gap, not proven best.
                kind = Kind.NO_VALUE if it.value <= 0 else Kind.WITHIN_GAP
                reasons = [Violation(Ref(kind, it.p.key), "flag", 0, 0)]
        lines.append(Line(it.p.key, False, {}, 0, False, 0.0, tuple(reasons), instead))
    return lines, tally


def _slack_violations(problem: Problem, t: _Tally) -> list[Violation]:
    """Rules met with nothing to spare (a fund spent to the last đồng, a count at its maximum)."""
    out: list[Violation] = []
    for f in problem.funds:
        limit = problem.envelopes.get(f, 0)
        if t.fund[f] == limit and limit > 0:
            out.append(Violation(Ref(Kind.FUND, f), "vnd", t.fund[f], limit))
    for rule in problem.categories:
        c = rule.category
        if rule.max_count is not None and t.cat_count[c] == rule.max_count:
            out.append(Violation(Ref(Kind.CATEGORY_MAX_COUNT, c), "count", t.cat_count[c], rule.max_count))
    return out


def _price_lower_rules(problem: Problem, model: _Model, value: float, deadline: float) -> dict[Ref, float]:
    """For each rule that holds amounts up (priority share, category minimums): the value the plan would
    gain without it. A rule that costs nothing beyond the solver's gap does not bind. One solver, the
    model loaded once; each rule's rows are freed for its re-solve and put back after."""
    costs: dict[Ref, float] = {}
    rules = [(ref, rows) for ref, rows in model.relaxable.items() if ref.kind in LOWER_KINDS and rows]
    if not rules:
        return costs
    h = _highs(max(0.05, deadline - time.perf_counter()), problem.gap)
    h.passModel(_lp(model))
    for ref, rows in rules:
        remaining = deadline - time.perf_counter()
        if remaining <= 0.05:
            break
        h.setOptionValue("time_limit", remaining)
        with _bounds(h, model, rows=dict.fromkeys(rows, (-INF, INF))):
            h.run()
            if not _has_solution(h):
                continue
            values = list(h.getSolution().col_value)
        without = _value(model, _amounts_from(model, values, problem.step))
        if without > value * (1 + problem.gap) + 1e-9:
            costs[ref] = without - value
    return costs


def _binding(
    problem: Problem, model: _Model, lines: Sequence[Line], tally: _Tally, costs: Mapping[Ref, float]
) -> list[Binding]:
    blocks: dict[Ref, int] = defaultdict(int)
    example: dict[Ref, Violation] = {}
    for line in lines:
        for v in line.reasons:
            if v.ref.kind in UPPER_KINDS or v.ref.kind in LOWER_KINDS:
                blocks[v.ref] += 1
                example.setdefault(v.ref, v)
    result: dict[Ref, Binding] = {}

    def now(ref: Ref) -> tuple[Unit, int, int]:
        if ref.kind == Kind.FUND:
            return "vnd", tally.fund[ref.key], problem.envelopes.get(ref.key, 0)
        if ref.kind == Kind.PRIORITY_SHARE:
            return "bp", share_bp(tally.priority, tally.total), problem.priority_min_bp
        if ref.kind == Kind.COMMUNE_MAX:
            return "vnd", tally.commune[ref.key], problem.commune_max or 0
        if ref.kind == Kind.ESTABLISHMENT_MAX:
            return "vnd", tally.establishment[ref.key], problem.establishment_max or 0
        rule = next(r for r in problem.categories if r.category == ref.key)
        if ref.kind in (Kind.CATEGORY_MIN_COUNT, Kind.CATEGORY_MAX_COUNT):
            limit = rule.min_count if ref.kind == Kind.CATEGORY_MIN_COUNT else rule.max_count
            return "count", tally.cat_count[ref.key], limit or 0
        limit = rule.min_share_bp if ref.kind == Kind.CATEGORY_MIN_SHARE else rule.max_share_bp
        return "bp", share_bp(tally.cat_amount[ref.key], tally.total), limit or 0

    for ref, count in blocks.items():
        unit, actual, limit = now(ref)
        result[ref] = Binding(ref, unit, actual, limit, count, costs.get(ref))
    for v in _slack_violations(problem, tally):
        if v.ref not in result:
            result[v.ref] = Binding(v.ref, v.unit, v.actual, v.limit, 0, None)
    for ref, cost in costs.items():
        if ref not in result:
            unit, actual, limit = now(ref)
            result[ref] = Binding(ref, unit, actual, limit, 0, cost)
    order = {kind: i for i, kind in enumerate(Kind)}
    return sorted(result.values(), key=lambda b: (order[b.ref.kind], -b.blocks, b.ref.key))


# --- infeasibility --------------------------------------------------------------------------------


def _relaxed_bounds(
    model: _Model, groups: Iterable[Ref]
) -> tuple[dict[int, tuple[float, float]], dict[int, tuple[float, float]]]:
    rows: dict[int, tuple[float, float]] = {}
    cols: dict[int, tuple[float, float]] = {}
    index = _key_index(model)
    for g in groups:
        for i in model.relaxable[g]:
            rows[i] = (-INF, INF)
        if g.kind == Kind.MUST_IN:
            col = index[g.key]
            cols[col] = (0.0, model.col_upper[col])
        elif g.kind == Kind.MUST_OUT:
            col = index[g.key]
            cols[col] = (model.col_lower[col], 1.0)
    return rows, cols


@contextlib.contextmanager
def _bounds(
    h: highspy.Highs,
    model: _Model,
    *,
    rows: Mapping[int, tuple[float, float]] | None = None,
    cols: Mapping[int, tuple[float, float]] | None = None,
) -> Iterator[None]:
    """Change some row and column bounds of the loaded model for one solve, and put them back after."""
    for i, (lo, hi) in (rows or {}).items():
        h.changeRowBounds(i, lo, hi)
    for j, (lo, hi) in (cols or {}).items():
        h.changeColBounds(j, lo, hi)
    try:
        yield
    finally:
        for i in rows or {}:
            h.changeRowBounds(i, model.rows[i].lower, model.rows[i].upper)
        for j in cols or {}:
            h.changeColBounds(j, model.col_lower[j], model.col_upper[j])


def _feasible(h: highspy.Highs, model: _Model, relaxed: Iterable[Ref], time_limit: float) -> bool | None:
    """Is the model (loaded in `h` with no objective) feasible with these groups dropped? None when the
    time ran out before knowing."""
    rows, cols = _relaxed_bounds(model, relaxed)
    h.setOptionValue("time_limit", max(0.05, time_limit))
    with _bounds(h, model, rows=rows, cols=cols):
        h.run()
        status = h.getModelStatus()
        found = _has_solution(h)
    if status == highspy.HighsModelStatus.kInfeasible:
        return False
    return True if found else None


def _elastic(
    problem: Problem, model: _Model, time_limit: float, only: Ref | None = None
) -> tuple[Relaxation, ...]:
    """The fewest rules to give up for a plan to exist, and how far: each relaxable group gets a 0/1
    'given up' column and its rows a slack allowed only when it is given up; minimise how many are given
    up, then (with a weight too small to change that count) how much slack is used.

    With `only`, that rule alone may give: the answer says how far it must go, or is empty when giving
    up that rule alone is not enough."""
    groups = list(model.relaxable)
    n = model.n_cols
    extra_cols: list[tuple[float, float, float, bool]] = []
    extra_rows: list[_Row] = []
    z_of: dict[Ref, int] = {}
    slack_rows = sum(len(rows) for rows in model.relaxable.values())
    total_money = max(1.0, sum(it.upper for it in model.items) / UNIT)
    for g in groups:
        z_of[g] = n + len(extra_cols)
        extra_cols.append((1.0, 0.0, 1.0 if only is None or g == only else 0.0, True))
    col_bounds: dict[int, tuple[float, float]] = {}
    index = _key_index(model)
    for g in groups:
        z = z_of[g]
        if g.kind == Kind.MUST_IN:
            col = index[g.key]
            col_bounds[col] = (0.0, model.col_upper[col])
            extra_rows.append(_Row(g, {col: 1.0, z: 1.0}, 1.0, INF))
        elif g.kind == Kind.MUST_OUT:
            col = index[g.key]
            col_bounds[col] = (0.0, 1.0)
            extra_rows.append(_Row(g, {col: 1.0, z: -1.0}, -INF, 0.0))
        for i in model.relaxable[g]:
            row = model.rows[i]
            big = (
                total_money
                if row.ref.kind not in (Kind.CATEGORY_MIN_COUNT, Kind.CATEGORY_MAX_COUNT)
                else len(model.items)
            )
            s = n + len(extra_cols)
            extra_cols.append((0.5 / (big * (slack_rows + 1)), 0.0, INF, False))
            # Let the row move by s: Σ + s ≥ lower, or Σ − s ≤ upper.
            row.coefs[s] = 1.0 if row.upper >= INF else -1.0
            extra_rows.append(_Row(g, {s: 1.0, z: -big}, -INF, 0.0))
    try:
        h = _highs(time_limit, 1e-6)
        h.passModel(
            _lp(
                model,
                maximise=False,
                extra_cols=extra_cols,
                extra_rows=extra_rows,
                col_bounds=col_bounds,
                cost=[0.0] * n,
            )
        )
        h.run()
        if not _has_solution(h):
            return ()
        values = list(h.getSolution().col_value)
    finally:
        for g in groups:
            for i in model.relaxable[g]:
                model.rows[i].coefs = {c: v for c, v in model.rows[i].coefs.items() if c < n}
    amounts = _amounts_from(model, values[:n], problem.step)
    broken = {v.ref: v for v in check(problem, amounts)}
    out: list[Relaxation] = []
    for g in groups:
        if values[z_of[g]] < 0.5:
            continue
        if g.kind in (Kind.MUST_IN, Kind.MUST_OUT):
            out.append(Relaxation(g, "flag", 0, 1))
            continue
        found = [v for ref, v in broken.items() if ref == g or (ref.kind == g.kind and not g.key)]
        if found:
            worst = max(found, key=lambda v: v.excess)
            out.append(Relaxation(worst.ref, worst.unit, worst.actual, worst.limit))
        else:
            out.append(Relaxation(g, "flag", 0, 0))
    return tuple(out)


def _conflict(model: _Model, deadline: float) -> tuple[tuple[Ref, ...], bool]:
    """An irreducible set of rules that cannot all hold (deletion filter over the relaxable groups):
    drop each group in turn; if the rest is still infeasible, it was not needed for the conflict."""
    kept = list(model.relaxable)
    order = {kind: i for i, kind in enumerate(Kind)}
    # Try the most numerous and least telling first, so that the conflict names envelopes and shares.
    trial = sorted(
        kept, key=lambda g: (g.kind not in (Kind.MUST_OUT, Kind.CATEGORY_MAX_COUNT), order[g.kind])
    )
    dropped: set[Ref] = set()
    complete = True
    # Feasibility only: no objective, any plan that meets the rules will do.
    h = _highs(max(0.05, deadline - time.perf_counter()), 1.0)
    h.passModel(_lp(model, cost=[0.0] * model.n_cols))
    for g in trial:
        remaining = deadline - time.perf_counter()
        if remaining <= 0.05:
            complete = False
            break
        feasible = _feasible(h, model, dropped | {g}, remaining)
        if feasible is False:
            dropped.add(g)
        elif feasible is None:
            complete = False
    conflict = tuple(g for g in kept if g not in dropped)
    return conflict, complete


# --- greedy ---------------------------------------------------------------------------------------


def greedy(problem: Problem) -> Baseline:
    """Rank by score (commitments and forced proposals first) and fund each in turn while the money and
    the upper-bound rules allow; the last one that does not fit whole gets what is left when partial
    funding is allowed and that reaches its minimum. Lower-bound rules are not pursued, only reported."""
    items = _items(problem)
    order = sorted(
        (it for it in items if it.eligible and (it.p.fixed or it.p.must != "out")),
        key=lambda it: (not it.p.fixed, it.p.must != "in", -it.p.score, it.index),
    )
    t = _Tally()
    chosen: dict[str, dict[str, int]] = {}
    for it in order:
        p = it.p
        if p.fixed or p.must == "in":
            amounts = it.split(it.upper)
            if it.partial and _upper_blockers(problem, t, p, amounts):
                amounts = it.split(
                    max(it.minimum, min(it.upper, _room(problem, t, it)) // problem.step * problem.step)
                )
            chosen[p.key] = amounts
            t.add(p, amounts)
            continue
        full = it.split(it.upper)
        if not _upper_blockers(problem, t, p, full):
            chosen[p.key] = full
            t.add(p, full)
            continue
        if not it.partial:
            continue
        room = _room(problem, t, it)
        amount = room // problem.step * problem.step if room < it.upper else it.upper
        if amount >= it.minimum and not _upper_blockers(problem, t, p, it.split(amount)):
            chosen[p.key] = it.split(amount)
            t.add(p, chosen[p.key])
    value = sum(it.worth(sum(chosen.get(it.p.key, {}).values())) for it in items)
    unmet = tuple(v for v in check(problem, chosen))
    return Baseline(chosen, value, dict(t.fund), t.total, share_bp(t.priority, t.total), unmet)


def _upper_blockers(problem: Problem, t: _Tally, p: Proposal, add: Mapping[str, int]) -> list[Violation]:
    return [v for v in _blockers(problem, t, p, add) if v.ref.kind in UPPER_KINDS]


def _room(problem: Problem, t: _Tally, it: _Item) -> int:
    """The most `it` could get now without breaking a fund, commune, establishment or category maximum."""
    room = it.upper
    for f, r in it.p.requested.items():
        if r:
            left = problem.envelopes.get(f, 0) - t.fund[f]
            room = min(room, max(0, left) * it.requested // r)
    if problem.commune_max is not None:
        room = min(room, max(0, problem.commune_max - t.commune[it.p.commune]))
    if problem.establishment_max is not None:
        for e in set(it.p.establishments):
            room = min(room, max(0, problem.establishment_max - t.establishment[e]))
    for rule in problem.categories:
        if rule.category == it.p.category and rule.max_share_bp is not None and rule.max_share_bp < BP:
            # BP(c + a) ≤ bp(T + a)  ⇔  a ≤ (bp·T − BP·c) / (BP − bp)
            top = rule.max_share_bp * t.total - BP * t.cat_amount[rule.category]
            room = min(room, max(0, top // (BP - rule.max_share_bp)))
    return room


# --- the whole run ----------------------------------------------------------------------------------


def solve(problem: Problem) -> Result:
    """Validate, solve, bring the answer back to integers and explain it (or the conflict)."""
    issues = validate(problem)
    if issues:
        raise InvalidProblem(issues)
    started = time.perf_counter()
    items = _items(problem)
    model = _build(problem, items)
    built = time.perf_counter()
    solved = _solve_main(problem, model)
    explain_start = time.perf_counter()
    deadline = explain_start + problem.explain_time_limit
    infeasibility = None
    binding: list[Binding] = []
    if solved.status in ("optimal", "time_limit"):
        value = _value(model, solved.amounts)
        bound = max(solved.bound, value)
        gap = (bound - value) / bound if bound > 1e-9 and bound - value > 1e-9 * max(1.0, bound) else 0.0
        lines, tally = _lines(problem, model, solved.amounts, proven=gap <= 1e-12)
        costs = _price_lower_rules(problem, model, value, deadline) if problem.explain else {}
        binding = _binding(problem, model, lines, tally, costs)
    else:
        value = bound = gap = 0.0
        lines, tally = _lines(problem, model, {}, proven=False)
        if solved.status == "infeasible":
            fewest = _elastic(problem, model, max(1.0, problem.explain_time_limit / 4))
            if problem.explain:
                conflict, complete = _conflict(model, deadline)
                # Each rule of the conflict that can give on its own, and how far it must give.
                alone = [
                    r
                    for g in conflict
                    for r in _elastic(problem, model, max(0.5, deadline - time.perf_counter()), only=g)
                ]
            else:
                conflict, complete, alone = tuple(r.ref for r in fewest), False, []
            if alone:
                infeasibility = Infeasibility(conflict, tuple(alone), complete, each_alone=True)
            else:
                infeasibility = Infeasibility(conflict, fewest, complete, each_alone=False)
    explained = time.perf_counter()
    baseline = greedy(problem)
    done = time.perf_counter()
    return Result(
        status=solved.status,  # type: ignore[arg-type]
        objective=problem.objective,
        value=value,
        bound=bound,
        gap=gap,
        lines=tuple(lines),
        totals={f: tally.fund[f] for f in problem.funds},
        total=tally.total,
        priority_amount=tally.priority,
        priority_bp=share_bp(tally.priority, tally.total),
        binding=tuple(binding),
        infeasibility=infeasibility,
        greedy=baseline,
        timing=Timing(
            build=built - started,
            solve=solved.solve_seconds,
            explain=explained - explain_start,
            greedy=done - explained,
        ),
        tightened=solved.tightened,
    )
