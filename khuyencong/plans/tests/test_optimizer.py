"""The optimiser on its own (no database): exact answers against brute force, greedy, reasons, conflicts."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from khuyencong.plans import optimizer as opt
from khuyencong.plans.optimizer import CategoryRule, Kind, Problem, Proposal, Ref

M = 1_000_000


def proposal(key: str, score: float, amount: int, **kw) -> Proposal:
    return Proposal(key=key, score=score, requested={"provincial": amount}, **kw)


def selected(result: opt.Result) -> set[str]:
    return {line.key for line in result.lines if line.selected}


def amounts(result: opt.Result) -> dict[str, dict[str, int]]:
    return {line.key: dict(line.amounts) for line in result.lines if line.selected}


# --- a hand-built case where greedy loses ----------------------------------------------------------


def test_greedy_by_score_loses_and_the_optimiser_does_not():
    # 1.000 tr.đ: greedy takes A (90 points, 600 tr.đ) and then neither B nor C fits;
    # B + C (80 + 75 = 155 points) fit exactly.
    problem = Problem(
        proposals=[proposal("A", 90, 600 * M), proposal("B", 80, 500 * M), proposal("C", 75, 500 * M)],
        envelopes={"provincial": 1_000 * M},
        gap=0,
    )
    result = opt.solve(problem)
    assert result.status == "optimal"
    assert selected(result) == {"B", "C"}
    assert result.value == 155
    assert result.gap == 0
    assert set(result.greedy.amounts) == {"A"}
    assert result.greedy.value == 90
    assert result.totals == {"provincial": 1_000 * M}
    # A is out for money: the cheapest way in is 100 tr.đ more in the provincial fund, replacing C
    # (the one of least value), rather than 600 tr.đ more on top of the plan.
    a = result.line("A")
    (reason,) = a.reasons
    assert reason.ref == Ref(Kind.FUND, "provincial")
    assert reason.excess == 100 * M
    assert a.instead_of == "C"
    # And the fund is reported as the rule that binds, keeping one proposal out.
    (binding,) = result.binding
    assert binding.ref == Ref(Kind.FUND, "provincial") and binding.blocks == 1


def test_the_priority_share_changes_the_choice_and_greedy_misses_it():
    # 60 % of support must go to priority areas; greedy by score ignores it and breaks the rule.
    problem = Problem(
        proposals=[
            proposal("A", 95, 400 * M),
            proposal("B", 90, 300 * M),
            proposal("C", 70, 300 * M, priority=True),
            proposal("D", 60, 300 * M, priority=True),
        ],
        envelopes={"provincial": 1_000 * M},
        priority_min_bp=6000,
        gap=0,
    )
    result = opt.solve(problem)
    assert selected(result) == {"A", "C", "D"}  # 600 / 1.000 = 60 % to priority areas
    assert result.priority_bp == 6000
    assert set(result.greedy.amounts) == {"A", "B", "C"}
    assert result.greedy.priority_bp == 3000
    assert [v.ref.kind for v in result.greedy.unmet] == [Kind.PRIORITY_SHARE]
    # B is out because taking it would pull the priority share under 60 %, not for lack of money alone.
    assert Kind.PRIORITY_SHARE in {v.ref.kind for v in result.line("B").reasons}
    # The rule binds, and it is priced: without it the plan would be worth more (A + B + C = 255 > 225).
    priority = next(b for b in result.binding if b.ref.kind == Kind.PRIORITY_SHARE)
    assert priority.cost == 30


def test_partial_funding_takes_what_is_left_within_the_minimum_and_the_request():
    problem = Problem(
        proposals=[
            proposal("A", 90, 600 * M),
            proposal("B", 80, 500 * M, minimum=300 * M),
        ],
        envelopes={"provincial": 1_000 * M},
        gap=0,
    )
    result = opt.solve(problem)
    assert selected(result) == {"A", "B"}
    b = result.line("B")
    assert b.partial and b.total == 400 * M
    assert b.value == 80 * 400 / 500  # the score scaled by the share funded
    # Why only part: one more step of money would break the provincial envelope.
    assert [v.ref for v in b.reasons] == [Ref(Kind.FUND, "provincial")]
    # Greedy, as officers do, gives the last one what is left when that reaches its minimum.
    assert result.greedy.amounts == {"A": {"provincial": 600 * M}, "B": {"provincial": 400 * M}}


def test_amounts_that_are_not_round_never_push_a_fund_over_its_envelope():
    # Awkward amounts, two funds split in odd proportions, partial funding everywhere.
    proposals = [
        Proposal(
            key=f"p{i}",
            score=50 + (i * 7) % 50,
            requested={"provincial": 123_456_789 + 1_000_003 * i, "central": 7_654_321 * (i % 3)},
            priority=i % 2 == 0,
            minimum=(123_456_789 + 1_000_003 * i) // 2,
        )
        for i in range(12)
    ]
    problem = Problem(
        proposals=proposals,
        envelopes={"provincial": 987_654_321, "central": 23_456_789},
        priority_min_bp=5_555,
        gap=0,
    )
    result = opt.solve(problem)
    assert result.status == "optimal"
    assert opt.check(problem, amounts(result)) == []
    assert result.totals["provincial"] <= 987_654_321
    assert result.totals["central"] <= 23_456_789
    assert all(isinstance(a, int) for line in result.lines for a in line.amounts.values())
    assert 10_000 * result.priority_amount >= 5_555 * result.total


# --- brute force ------------------------------------------------------------------------------------


def brute_force(problem: Problem) -> float | None:
    """The best value over every subset, all or nothing, checked independently of the optimiser."""
    best: float | None = None
    items = list(problem.proposals)
    for mask in range(1 << len(items)):
        chosen = [p for i, p in enumerate(items) if mask >> i & 1]
        if not feasible(problem, chosen):
            continue
        value = sum(opt.value_of(p, problem.objective) for p in chosen)
        if best is None or value > best:
            best = value
    return best


def feasible(problem: Problem, chosen: list[Proposal]) -> bool:
    keys = {p.key for p in chosen}
    for p in problem.proposals:
        if p.must == "in" and p.key not in keys:
            return False
        if p.must == "out" and p.key in keys:
            return False
        if p.key in keys and p.cap is not None and p.total > p.cap:
            return False
    for fund, envelope in problem.envelopes.items():
        if sum(p.requested.get(fund, 0) for p in chosen) > envelope:
            return False
    total = sum(p.total for p in chosen)
    if total and Fraction(sum(p.total for p in chosen if p.priority), total) < Fraction(
        problem.priority_min_bp, 10_000
    ):
        return False
    for rule in problem.categories:
        members = [p for p in chosen if p.category == rule.category]
        share = Fraction(sum(p.total for p in members), total) if total else Fraction(0)
        if rule.min_share_bp and total and share < Fraction(rule.min_share_bp, 10_000):
            return False
        if rule.max_share_bp is not None and total and share > Fraction(rule.max_share_bp, 10_000):
            return False
        if rule.min_count is not None and len(members) < rule.min_count:
            return False
        if rule.max_count is not None and len(members) > rule.max_count:
            return False
    if problem.commune_max is not None:
        for commune in {p.commune for p in chosen}:
            if sum(p.total for p in chosen if p.commune == commune) > problem.commune_max:
                return False
    if problem.establishment_max is not None:
        for est in {e for p in chosen for e in p.establishments}:
            if sum(p.total for p in chosen if est in p.establishments) > problem.establishment_max:
                return False
    return True


@st.composite
def problems(draw) -> Problem:
    n = draw(st.integers(1, 12))
    categories = ["training", "demonstration_model", "machinery_application"]
    two_funds = draw(st.booleans())
    proposals = []
    for i in range(n):
        amount = draw(st.integers(5, 400)) * M + draw(st.sampled_from([0, 0, 0, 123_457]))
        requested = {"provincial": amount}
        if two_funds and draw(st.booleans()):
            requested["central"] = draw(st.integers(1, 200)) * M
        must = draw(st.sampled_from([None, None, None, None, None, None, None, "in", "out"]))
        proposals.append(
            Proposal(
                key=f"p{i:02d}",
                score=draw(st.integers(0, 10_000)) / 100,
                requested=requested,
                jobs=draw(st.integers(0, 40)),
                category=draw(st.sampled_from(categories)),
                commune=draw(st.sampled_from(["x1", "x2", "x3"])),
                establishments=tuple(
                    draw(st.lists(st.sampled_from(["e1", "e2", "e3", "e4"]), max_size=2, unique=True))
                ),
                priority=draw(st.booleans()),
                # A proposal forced in has passed its cap check (validation refuses it otherwise).
                cap=None if must == "in" else draw(st.sampled_from([None, None, 200 * M, 350 * M])),
                must=must,
            )
        )
    total = sum(p.total for p in proposals)
    forced = [p for p in proposals if p.must == "in"]
    open_ = [p for p in proposals if p.must != "out"]
    rules = []
    for category in categories:
        members = sum(1 for p in open_ if p.category == category)
        if members and draw(st.integers(0, 2)) == 0:
            low = draw(st.one_of(st.none(), st.integers(0, 4000)))
            rules.append(
                CategoryRule(
                    category,
                    min_share_bp=low,
                    max_share_bp=draw(st.one_of(st.none(), st.integers(low or 0, 10_000))),
                    min_count=draw(st.one_of(st.none(), st.integers(0, min(2, members)))),
                    max_count=draw(st.one_of(st.none(), st.integers(2, 5))),
                )
            )

    # Envelopes at least what the forced proposals need, or validation refuses the input outright.
    def need(fund: str) -> int:
        return sum(p.requested.get(fund, 0) for p in forced)

    envelopes = {"provincial": draw(st.integers(need("provincial"), max(total, need("provincial"))))}
    if two_funds:
        envelopes["central"] = need("central") + draw(st.integers(0, 600)) * M
    maximum = st.one_of(st.none(), st.integers(100, 900).map(lambda v: v * M))
    return Problem(
        proposals=proposals,
        envelopes=envelopes,
        priority_min_bp=draw(st.sampled_from([0, 0, 3000, 5000, 6000]))
        if any(p.priority for p in open_)
        else 0,
        categories=rules,
        commune_max=None if forced else draw(maximum),
        establishment_max=None if forced else draw(maximum),
        objective=draw(st.sampled_from(opt.OBJECTIVES)),
        gap=0,
        explain=False,
    )


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(problems())
def test_the_optimum_equals_brute_force_on_small_cases(problem):
    issues = opt.validate(problem)
    assume(not issues)
    best = brute_force(problem)
    result = opt.solve(problem)
    event("infeasible" if best is None else "feasible")
    if best is None:
        assert result.status == "infeasible"
        assert result.infeasibility is not None and result.infeasibility.conflict
        return
    assert result.status == "optimal"
    assert abs(result.value - best) <= 1e-6 * max(1.0, abs(best))
    assert result.gap <= 1e-9
    # The answer itself is feasible, checked by the brute force's own rules, not the optimiser's.
    assert feasible(problem, [p for p in problem.proposals if p.key in selected(result)])
    assert all(
        line.total in (0, next(p.total for p in problem.proposals if p.key == line.key))
        for line in result.lines
    )
    # The greedy baseline never beats it when it meets the same rules (it may, by breaking a minimum).
    if not result.greedy.unmet:
        assert result.greedy.value <= result.value + 1e-6


@st.composite
def partial_problems(draw) -> Problem:
    n = draw(st.integers(1, 10))
    proposals = []
    for i in range(n):
        amount = draw(st.integers(5, 300)) * M + draw(st.sampled_from([0, 0, 654_321]))
        minimum = draw(st.one_of(st.none(), st.integers(1, amount)))
        proposals.append(
            proposal(
                f"p{i:02d}",
                draw(st.integers(0, 10_000)) / 100,
                amount,
                minimum=minimum,
                must=draw(st.sampled_from([None, None, None, None, "out"])),
            )
        )
    return Problem(
        proposals=proposals,
        envelopes={"provincial": draw(st.integers(0, sum(p.total for p in proposals)))},
        gap=0,
        explain=False,
    )


def fractional_best(problem: Problem) -> float:
    """Partial funding, one fund: for each subset pay every minimum, then fill by value per đồng."""
    best = 0.0
    items = [p for p in problem.proposals if p.must != "out"]
    envelope = problem.envelopes["provincial"]
    for mask in range(1 << len(items)):
        chosen = [p for i, p in enumerate(items) if mask >> i & 1]
        floors = {p.key: p.minimum if p.minimum is not None else p.total for p in chosen}
        left = envelope - sum(floors.values())
        if left < 0:
            continue
        value = sum(p.score * floors[p.key] / p.total for p in chosen)
        for p in sorted(chosen, key=lambda p: -p.score / p.total):
            room = min(left, p.total - floors[p.key])
            value += p.score * room / p.total
            left -= room
        best = max(best, value)
    return best


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(partial_problems())
def test_partial_funding_reaches_the_continuous_optimum_up_to_rounding_to_whole_thousands(problem):
    result = opt.solve(problem)
    best = fractional_best(problem)
    # Partial amounts are whole thousands of đồng: at most one step of value lost per proposal.
    rounding = sum(p.score * problem.step / p.total for p in problem.proposals) + 1e-6
    assert best - rounding <= result.value <= best + 1e-6
    assert opt.check(problem, amounts(result)) == []
    for line in result.lines:
        p = next(p for p in problem.proposals if p.key == line.key)
        if line.selected:
            assert (p.minimum or p.total) <= line.total <= p.total


# --- conflicts ----------------------------------------------------------------------------------------


def test_conflicting_constraints_are_named_instead_of_failing():
    # A must be in (a decision with a reason), it alone takes 800 of the 1.000 tr.đ, and it is not in a
    # priority area: 60 % to priority areas cannot be reached whatever else is chosen.
    problem = Problem(
        proposals=[
            proposal("A", 90, 800 * M, must="in"),
            proposal("B", 80, 300 * M, priority=True),
            proposal("C", 70, 150 * M, priority=True),
            proposal("D", 60, 100 * M, category="training"),
        ],
        envelopes={"provincial": 1_000 * M},
        priority_min_bp=6000,
    )
    result = opt.solve(problem)
    assert result.status == "infeasible"
    assert not any(line.selected for line in result.lines)
    conflict = result.infeasibility
    assert conflict is not None and conflict.irreducible
    # The envelope is not part of it: even with money for B and C, 450 of 1.250 tr.đ is 36 % < 60 %.
    # The decision and the rule are.
    assert set(conflict.conflict) == {Ref(Kind.MUST_IN, "A"), Ref(Kind.PRIORITY_SHARE)}
    # Giving up either is enough: the decision on A, or the share, which with A in can reach at most
    # 150 of 950 tr.đ (A and C; B does not fit beside A).
    assert conflict.each_alone
    relax = {r.ref: r for r in conflict.relax}
    assert set(relax) == {Ref(Kind.MUST_IN, "A"), Ref(Kind.PRIORITY_SHARE)}
    assert relax[Ref(Kind.PRIORITY_SHARE)].actual == 150 * 10_000 // 950


def test_a_conflict_that_needs_money_says_how_much():
    # A must be in and fits the envelope on its own (validation cannot object), but two training
    # proposals are also required and all three need 1.100 tr.đ of the 1.000.
    problem = Problem(
        proposals=[
            proposal("A", 90, 500 * M, must="in"),
            proposal("B", 80, 300 * M, category="training"),
            proposal("C", 70, 300 * M, category="training"),
        ],
        envelopes={"provincial": 1_000 * M},
        categories=[CategoryRule("training", min_count=2)],
    )
    result = opt.solve(problem)
    assert result.status == "infeasible"
    conflict = result.infeasibility
    assert set(conflict.conflict) == {
        Ref(Kind.MUST_IN, "A"),
        Ref(Kind.FUND, "provincial"),
        Ref(Kind.CATEGORY_MIN_COUNT, "training"),
    }
    # Any one of the three can give: 100 tr.đ more in the fund, A not forced in, or one training
    # proposal fewer than the minimum of two.
    assert conflict.each_alone
    relax = {r.ref: r for r in conflict.relax}
    assert relax[Ref(Kind.FUND, "provincial")].actual - relax[Ref(Kind.FUND, "provincial")].limit == 100 * M
    assert Ref(Kind.MUST_IN, "A") in relax
    assert relax[Ref(Kind.CATEGORY_MIN_COUNT, "training")].actual == 1


# --- bad input ----------------------------------------------------------------------------------------


def codes(problem: Problem) -> set[str]:
    return {issue.code for issue in opt.validate(problem)}


def test_bad_input_is_refused_before_solving():
    base = [proposal("A", 90, 500 * M, commune="x1"), proposal("B", 80, 300 * M, commune="x1", priority=True)]
    assert codes(Problem(proposals=base, envelopes={"provincial": -1})) == {"envelope_negative"}
    assert codes(Problem(proposals=base, envelopes={"provincial": 1}, priority_min_bp=10_001)) == {
        "share_out_of_range"
    }
    assert "category_min_above_max_share" in codes(
        Problem(
            proposals=base,
            envelopes={"provincial": 1},
            categories=[CategoryRule("training", min_share_bp=5000, max_share_bp=4000)],
        )
    )
    assert "category_min_shares_exceed_total" in codes(
        Problem(
            proposals=[*base, proposal("C", 1, 1 * M, category="x")],
            envelopes={"provincial": 1},
            categories=[CategoryRule("", min_share_bp=6000), CategoryRule("x", min_share_bp=5000)],
        )
    )
    # A proposal forced in that breaks a cap on its own: its legal cap, the envelope, the commune maximum.
    capped = [proposal("A", 90, 500 * M, must="in", cap=400 * M)]
    assert codes(Problem(proposals=capped, envelopes={"provincial": 10**12})) == {"must_in_above_cap"}
    forced = [proposal("A", 90, 500 * M, must="in", commune="x1")]
    assert codes(Problem(proposals=forced, envelopes={"provincial": 400 * M})) == {"must_in_over_envelope"}
    assert codes(Problem(proposals=forced, envelopes={"provincial": 10**12}, commune_max=100 * M)) == {
        "must_in_over_commune_max"
    }
    with pytest.raises(opt.InvalidProblem) as refused:
        opt.solve(Problem(proposals=forced, envelopes={"provincial": 400 * M}))
    assert [i.code for i in refused.value.issues] == ["must_in_over_envelope"]
    assert refused.value.issues[0].params == {"fund": "provincial", "needed": 500 * M, "envelope": 400 * M}


def test_a_request_above_its_cap_stays_out_with_the_cap_as_reason_unless_partial_funding_fits_under_it():
    problem = Problem(
        proposals=[
            proposal("A", 90, 500 * M, cap=400 * M),
            proposal("B", 80, 500 * M, cap=400 * M, minimum=300 * M),
        ],
        envelopes={"provincial": 10**12},
        gap=0,
    )
    result = opt.solve(problem)
    assert [v.ref.kind for v in result.line("A").reasons] == [Kind.ABOVE_CAP]
    assert result.line("B").total == 400 * M  # funded up to its cap, not to its request


# --- small pieces -------------------------------------------------------------------------------------


@given(st.integers(0, 10**12), st.lists(st.integers(0, 10**9), min_size=1, max_size=4))
def test_apportion_splits_exactly_and_in_proportion(total, weights):
    assume(sum(weights) > 0)
    parts = opt.apportion(total, weights)
    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - total * weight / sum(weights)) < 1


def test_the_greedy_baseline_follows_the_score_and_the_money():
    problem = Problem(
        proposals=[
            proposal("A", 70, 300 * M),
            proposal("B", 95, 600 * M),
            proposal("C", 80, 200 * M, must="out"),
            proposal("D", 60, 100 * M),
            proposal("E", 10, 50 * M, must="in"),
        ],
        envelopes={"provincial": 1_000 * M},
        commune_max=None,
    )
    g = opt.greedy(problem)
    # E first (forced in), then by score: B (95), C is out by decision, A (70) fits (950), D does not.
    assert list(g.amounts) == ["E", "B", "A"]
    assert g.total == 950 * M and g.value == 175


def test_every_subset_is_checked_exactly_by_check():
    problem = Problem(
        proposals=[proposal("A", 1, 3), proposal("B", 1, 4, priority=True)],
        envelopes={"provincial": 7},
        priority_min_bp=5715,  # 4/7 = 57,14 %: just under
    )
    for chosen in itertools.chain.from_iterable(itertools.combinations("AB", k) for k in range(3)):
        got = {k: {"provincial": 3 if k == "A" else 4} for k in chosen}
        broken = {v.ref.kind for v in opt.check(problem, got)}
        assert (Kind.PRIORITY_SHARE in broken) == (set(chosen) in ({"A"}, {"A", "B"}))
