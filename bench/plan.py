"""Time the annual-plan optimiser on synthetic years and compare it with the greedy ranking.

    .venv/bin/python -m bench.plan                     # every instance, report to bench/results/plan-<date>.md
    .venv/bin/python -m bench.plan --only large --reps 1
    .venv/bin/python -m bench.plan --output /tmp/plan.md

The optimiser is the pure module `khuyencong.plans.optimizer` (no Django, no database): the generator
below builds its input dataclasses directly. Two families of instances, as issue 4 sets them:

* a provincial year: 100, 200 and 300 proposals (the real scale is at most 300), two funds (the
  provincial budget and central co-funding), the 65 communes of Lạng Sơn since 1/7/2025, the ten content
  categories, ≥ 60 % of support to priority areas, a maximum per commune and per establishment, a few
  category rules, proposals forced in and out, and partial funding allowed for some; goal: within
  0,01 % of HiGHS's bound in under 1 s;
* 10.000 synthetic proposals, three funds, 65 communes, 10 categories and a priority-area share; goal:
  within 0,1 % of the bound in under 5 s (time limit 5 s, which the officer can raise).

Each instance is solved `--reps` times; build (model arrays) and solve (HiGHS, including any re-solve
that brings the integer answer within every constraint) are reported separately, with the explanation
(binding rules, reasons, pricing of the share rules) and the greedy baseline beside them. The same
constraints apply to the greedy ranking, which cannot pursue the lower-bound rules: the table says
whether its plan meets them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import statistics
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import highspy

from khuyencong.plans import optimizer as opt

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MILLION = 1_000_000
CATEGORIES = [
    "training",
    "management_capacity",
    "demonstration_model",
    "machinery_application",
    "cleaner_production",
    "product_development",
    "consulting_information",
    "linkage_clusters",
    "international_cooperation",
    "system_capacity",
]
# How often each content comes up in a year (machinery and demonstration models dominate, as in the
# source article's 2008–2012 programme); the rest is invented for the benchmark.
CATEGORY_WEIGHTS = [14, 6, 18, 26, 6, 12, 8, 4, 2, 4]
# Typical support asked per category, in millions of đồng (median of a log-normal spread).
CATEGORY_MEDIAN = [60, 40, 350, 220, 250, 90, 40, 120, 150, 80]


@dataclass(frozen=True)
class Spec:
    name: str
    n: int
    funds: tuple[str, ...]
    seed: int
    time_limit: float
    gap: float
    goal_seconds: float


def generate(spec: Spec) -> opt.Problem:
    """A synthetic year: deterministic for a given spec (its seed)."""
    rng = random.Random(spec.seed)
    communes = [f"x{k:02d}" for k in range(65)]
    # About 40 % of the communes are priority areas (difficult, border, new-rural-development).
    priority_communes = set(rng.sample(communes, 26))
    commune_weights = [1 / (k + 1) ** 0.6 for k in range(65)]
    establishments = [f"cs{k:05d}" for k in range(max(20, spec.n * 2 // 3))]
    proposals: list[opt.Proposal] = []
    for i in range(spec.n):
        c = rng.choices(range(len(CATEGORIES)), weights=CATEGORY_WEIGHTS)[0]
        total = int(rng.lognormvariate(0, 0.6) * CATEGORY_MEDIAN[c] * MILLION)
        total = max(20 * MILLION, min(1_000 * MILLION, total))
        if rng.random() < 0.85:
            total = total // MILLION * MILLION  # most are asked in whole millions
        main = rng.choices(spec.funds, weights=[6, 3, 1][: len(spec.funds)])[0]
        requested = {main: total}
        if len(spec.funds) > 1 and rng.random() < 0.2:
            other = rng.choice([f for f in spec.funds if f != main])
            part = total * rng.randint(20, 50) // 100
            requested = {main: total - part, other: part}
        commune = rng.choices(communes, weights=commune_weights)[0]
        beneficiaries = tuple(rng.sample(establishments, rng.choice([0, 1, 1, 1, 2])))
        minimum = total * rng.randint(50, 80) // 100 if rng.random() < 0.3 else None
        must: str | None = None
        roll = rng.random()
        if roll < 0.01:
            must = "in"
        elif roll < 0.02:
            must = "out"
        proposals.append(
            opt.Proposal(
                key=f"p{i:05d}",
                score=round(min(100.0, max(50.0, rng.gauss(74, 9))), 2),
                requested=requested,
                jobs=rng.randint(0, 60),
                category=CATEGORIES[c],
                commune=commune,
                establishments=beneficiaries,
                priority=commune in priority_communes,
                minimum=minimum,
                must=must,  # type: ignore[arg-type]
            )
        )
    asked: dict[str, int] = dict.fromkeys(spec.funds, 0)
    for p in proposals:
        for f, amount in p.requested.items():
            asked[f] += amount
    # Money for about 40 % of what is asked, rounded to a hundred million.
    envelopes = {f: asked[f] * 2 // 5 // (100 * MILLION) * (100 * MILLION) for f in spec.funds}
    total_envelope = sum(envelopes.values())
    return opt.Problem(
        proposals=proposals,
        envelopes=envelopes,
        priority_min_bp=6000,
        categories=[
            opt.CategoryRule("training", min_count=max(1, spec.n // 50)),
            opt.CategoryRule("machinery_application", max_share_bp=4000),
            opt.CategoryRule("demonstration_model", min_share_bp=1500),
        ],
        commune_max=total_envelope // 8,
        establishment_max=1_200 * MILLION,
        time_limit=spec.time_limit,
        gap=spec.gap,
    )


SPECS = [
    *(
        Spec(f"province-{n}-s{seed}", n, ("provincial", "central"), seed, 30.0, 1e-4, 1.0)
        for n in (100, 200, 300)
        for seed in (1, 2, 3)
    ),
    Spec("large-10000-s1", 10_000, ("provincial", "central", "other"), 1, 5.0, 1e-3, 5.0),
    Spec("large-10000-s2", 10_000, ("provincial", "central", "other"), 2, 5.0, 1e-3, 5.0),
]


@dataclass
class Row:
    spec: Spec
    objective: str
    status: str
    build: list[float]
    solve: list[float]
    explain: list[float]
    greedy: list[float]
    gap: float
    value: float
    greedy_value: float
    priority_bp: int
    greedy_priority_bp: int
    greedy_unmet: str
    selected: int
    greedy_selected: int
    tightened: int


def run(spec: Spec, reps: int, objective: opt.Objective) -> Row:
    problem = replace(generate(spec), objective=objective)
    results = [opt.solve(problem) for _ in range(reps)]
    last = results[-1]
    unmet = sorted({v.ref.kind.value for v in last.greedy.unmet})
    return Row(
        spec=spec,
        objective=objective,
        status=last.status,
        build=[r.timing.build for r in results],
        solve=[r.timing.solve for r in results],
        explain=[r.timing.explain for r in results],
        greedy=[r.timing.greedy for r in results],
        gap=max(r.gap for r in results),
        value=last.value,
        greedy_value=last.greedy.value,
        priority_bp=last.priority_bp,
        greedy_priority_bp=last.greedy.priority_bp,
        greedy_unmet=", ".join(unmet) or "—",
        selected=sum(1 for line in last.lines if line.selected),
        greedy_selected=len(last.greedy.amounts),
        tightened=max(r.tightened for r in results),
    )


def pct(bp: int) -> str:
    return f"{bp / 100:.2f} %"


def record_figures(rows: list[Row]) -> None:
    """Build + solve per instance size (the slowest instance of each size) for bench/report.py."""
    from bench.figures import Figure, percentile, record

    by_size: dict[int, list[Row]] = {}
    for r in rows:
        by_size.setdefault(r.spec.n, []).append(r)
    figures = []
    for n, group in sorted(by_size.items()):
        totals = [b + s for r in group for b, s in zip(r.build, r.solve, strict=True)]
        spec = group[0].spec
        met = all(
            statistics.median(r.build) + statistics.median(r.solve) < r.spec.goal_seconds
            and r.gap <= r.spec.gap
            for r in group
        )
        figures.append(
            Figure(
                f"plan optimiser, {n:,} proposals ({len(group)} instances, worst gap "
                f"{max(r.gap for r in group) * 100:.4f} %)",
                statistics.median(totals),
                percentile(totals, 99),
                unit="s",
                goal=f"< {spec.goal_seconds:g} s, gap ≤ {spec.gap * 100:g} %",
                met=met,
            )
        )
    record("plan", "none", figures, rows="synthetic proposals (no database)")


def report(rows: list[Row], reps: int) -> str:
    now = dt.datetime.now()
    lines = [
        f"# Annual-plan optimiser (bench/plan.py), {now:%Y-%m-%d %H:%M}",
        "",
        f"HiGHS {highspy.Highs().version()} through highspy, Python {platform.python_version()}, "
        f"{platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores shared with other work. "
        f"Median of {reps} runs per instance (seconds); gap is the worst of the runs, "
        "(bound − value) / bound with the value recomputed from the integer amounts.",
        "",
        "| instance | objective | proposals | status | build s | solve s | build+solve s | goal s | gap | goal gap "
        "| selected (greedy) | value | greedy value | value gained | priority share | greedy priority share "
        "| greedy breaks | explain s | re-solves |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        build, solve = statistics.median(r.build), statistics.median(r.solve)
        gained = (r.value - r.greedy_value) / r.greedy_value * 100 if r.greedy_value else 0.0
        ok = "✓" if build + solve < r.spec.goal_seconds and r.gap <= r.spec.gap else "✗"
        lines.append(
            f"| {r.spec.name} | {r.objective} | {r.spec.n} | {r.status} | {build:.3f} | {solve:.3f} | "
            f"{build + solve:.3f} {ok} | {r.spec.goal_seconds:g} | {r.gap * 100:.4f} % | {r.spec.gap * 100:g} % | "
            f"{r.selected} ({r.greedy_selected}) | {r.value:,.2f} | {r.greedy_value:,.2f} | {gained:+.2f} % | "
            f"{pct(r.priority_bp)} | {pct(r.greedy_priority_bp)} | {r.greedy_unmet} | "
            f"{statistics.median(r.explain):.3f} | {r.tightened} |"
        )
    lines += [
        "",
        "Value gained: (optimiser − greedy) / greedy on the same objective and constraints. The greedy "
        "ranking funds by score until the money runs out and respects the envelopes, the maxima per "
        "commune, establishment and category, and the forced proposals; 'greedy breaks' lists the "
        "lower-bound rules its plan does not meet (priority_share: ≥ 60 % to priority areas; "
        "category_min_share / category_min_count: the category minimums), which the optimiser always meets.",
        "",
        "Reading the figures. A proposal's value is its score (or jobs, or score × jobs) scaled by the share "
        "funded, not a value per đồng, so ranking by score spends the envelope on the expensive high scorers "
        "while the optimum funds more proposals for the same money; that, and the ≥ 60 % to priority areas "
        "that the greedy ranking misses (30–58 % here), is where the gain comes from. 'explain s' is after "
        "the solve and not part of the goal: one extra solve per lower-bound rule to price it (three here), "
        "the reasons of every proposal left out, the greedy ranking. 're-solves' counts the times the "
        "integer answer had to be re-solved with a tightened rule (the trimming of partial amounts fixed "
        "every rounding case without one).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--only", default="", help="run only instances whose name contains this")
    parser.add_argument("--objectives", default="score", help="comma list of score, jobs, score_jobs")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    opt.quiet_banner()
    rows = []
    for spec in SPECS:
        if args.only and args.only not in spec.name:
            continue
        for objective in args.objectives.split(","):
            row = run(spec, args.reps, objective)
            rows.append(row)
            print(
                f"{spec.name:22} {objective:10} {row.status:10} build {statistics.median(row.build):.3f}s "
                f"solve {statistics.median(row.solve):.3f}s gap {row.gap * 100:.4f}% "
                f"vs greedy {row.value - row.greedy_value:+.2f} "
                f"priority {pct(row.priority_bp)} / {pct(row.greedy_priority_bp)}",
                file=sys.stderr,
            )
    record_figures(rows)
    text = report(rows, args.reps)
    output = args.output or RESULTS / f"plan-{dt.date.today():%Y-%m-%d}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
