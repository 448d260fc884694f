"""Time the registry search as an officer sees it, on SQLite and (with BENCH_POSTGRES_URL) PostgreSQL.

    .venv/bin/python -m bench.search                      # SQLite var/bench/search.sqlite3, 1,000,000 rows
    BENCH_POSTGRES_URL='postgres://postgres@/khuyencong_bench?host=/tmp/pg&port=55432' .venv/bin/python -m bench.search
    .venv/bin/python -m bench.search -n 100000 --reps 10  # smaller and quicker

Each backend runs in its own process (Django settings are per process) against a database that
bench.generate fills when it is missing or short. For every query of a fixed mix the real selector
`establishment_list(user=officer, filters=EstablishmentFilters(q=...))` is paged as the list view
pages it (Paginator, 25 a page) and three things are timed after warm-up:

* count    -- Paginator(qs, 25).count, i.e. SELECT COUNT(*)
* page     -- list(qs[:25]), the LIMIT 25 query with its joins
* together -- Paginator(qs, 25).page(1) and its rows: what a list request pays

`--variants` also times candidate fixes (raw SQL / patched lookups kept inside bench/, see VARIANTS)
against the same mix. Results go to bench/results/search-<date>.md and stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import DEFAULT_SQLITE_URL, PROJECT_DIR, setup_django
from bench.users import current_user, make_users, use_user

GOAL_MS = 100.0
PAGE_SIZE = 25
RESULTS = PROJECT_DIR / "bench" / "results"

# (label, query, realistic?, who) -- a realistic query counts towards the overall figure; who is the
# province-wide "officer" or a "commune" officer scoped to the busiest commune (and its predecessors).
# "{tax}" and "{tax5}" are filled with a real active record's tax code and its first five digits.
QUERY_MIX: list[tuple[str, str, bool, str]] = [
    ("two name words", "hung long", True, "officer"),
    ("abbreviated legal form + name", "cty tnhh hung long", True, "officer"),
    ("trade, with diacritics", "mây tre", True, "officer"),
    ("trade, folded", "may tre dan", True, "officer"),
    ("trade + place", "che bien lam san dong dang", True, "officer"),
    ("person's name", "nguyen van hung", True, "officer"),
    ("tax-code prefix (5 digits)", "{tax5}", True, "officer"),
    ("full tax code", "{tax}", True, "officer"),
    ("common words", "cong ty", True, "officer"),
    ("rare word", "khuoi khon", True, "officer"),
    ("legal form (names cluster at H)", "htx", True, "officer"),
    ("workshop (names cluster at X)", "xuong", True, "officer"),
    ("matches nothing", "zxqv", True, "officer"),
    ("(no search: first page of everything)", "", False, "officer"),
    ("commune officer: two name words", "hung long", True, "commune"),
    ("commune officer: common words", "cong ty", True, "commune"),
    ("commune officer: no search", "", False, "commune"),
]


# ---------------------------------------------------------------------------------------------------------
# Timing


def timed(fn: Callable[[], Any], reps: int, warmup: int, budget_s: float) -> dict[str, Any]:
    """Run fn warmup times, then up to reps times (at least 5, and fewer past budget_s); milliseconds."""
    result = None
    for _ in range(warmup):
        result = fn()
    samples: list[float] = []
    started = time.perf_counter()
    for i in range(reps):
        t = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t) * 1000)
        if i >= 4 and time.perf_counter() - started > budget_s:
            break
    return {
        "median": statistics.median(samples),
        "p99": percentile(samples, 99),
        "n": len(samples),
        "samples": samples,
        "result": result,
    }


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (with 30 samples p99 is the slowest one)."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


# ---------------------------------------------------------------------------------------------------------
# The worker: one backend, inside Django


def resolve_queries() -> list[tuple[str, str, bool, str]]:
    from khuyencong.establishments.models import Establishment

    # A fixed record (same seed, same ids on both backends) gives the tax-code queries.
    rec = Establishment.objects.active().exclude(tax_code="").filter(pk__gte=123_456).order_by("id").first()
    rec = rec or Establishment.objects.active().exclude(tax_code="").order_by("-id").first()
    tax = rec.tax_code if rec else "4900000000"
    return [(label, q.format(tax=tax, tax5=tax[:5]), real, who) for label, q, real, who in QUERY_MIX]


def baseline_fns(q: str) -> dict[str, Callable[[], Any]]:
    """What the establishment list view runs: its paginator (khuyencong.establishments.selectors)."""
    from khuyencong.establishments.selectors import EstablishmentFilters, EstablishmentPaginator

    user = current_user()

    def paginator() -> Any:
        return EstablishmentPaginator(user=user, filters=EstablishmentFilters(q=q), per_page=PAGE_SIZE)

    def count() -> int:
        return int(paginator().count)

    def together() -> tuple[str, list[Any]]:
        pager = paginator()
        rows = list(pager.page(1))
        return (f"{pager.count}+" if pager.capped else str(pager.count)), rows

    # `page` alone is not separable any more: the paginator's count chooses the page's query.
    return {"count": count, "page": together, "together": together}


def captured_sql(fn: Callable[[], Any]) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql)
            rows = cur.fetchall()
            depth: dict[int, int] = {0: -1}
            lines = []
            for node, parent, _unused, detail in rows:
                depth[node] = depth.get(parent, -1) + 1
                lines.append("  " * depth[node] + detail)
            return "\n".join(lines)
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(r[0] for r in cur.fetchall())


def machine_info() -> dict[str, Any]:
    import sqlite3

    import django
    from django.db import connection

    info: dict[str, Any] = {
        "vendor": connection.vendor,
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT version()")
            info["postgresql"] = cur.fetchone()[0]
            settings = {}
            for name in (
                "shared_buffers",
                "work_mem",
                "effective_cache_size",
                "random_page_cost",
                "lc_collate",
                "jit",
                "max_parallel_workers_per_gather",
            ):
                cur.execute(f"SHOW {name}")
                settings[name] = cur.fetchone()[0]
            info["pg_settings"] = settings
            cur.execute("SELECT pg_size_pretty(pg_total_relation_size('establishments_establishment'))")
            info["table_size"] = cur.fetchone()[0]
    else:
        name = connection.settings_dict["NAME"]
        info["db_size"] = f"{os.path.getsize(name) / 2**20:.0f} MB"
    return info


def run_worker(args: argparse.Namespace) -> dict[str, Any]:
    setup_django(args.database_url)
    from django.db import connection

    from bench import generate

    gen = generate.ensure(args.n, seed=args.seed, log=lambda msg: print(msg, file=sys.stderr, flush=True))
    out: dict[str, Any] = {"machine": machine_info(), "generate": gen, "queries": [], "variants": {}}
    make_users()
    queries = resolve_queries()
    for label, q, real, who in queries:
        use_user(who)
        fns = baseline_fns(q)
        entry: dict[str, Any] = {"label": label, "q": q, "realistic": real, "who": who}
        for kind in ("count", "page", "together"):
            r = timed(fns[kind], args.reps, args.warmup, args.budget)
            if kind == "count":
                entry["matches"] = r["result"]
            if kind == "together":
                entry["first"] = [x.pk for x in r["result"][1][:5]]
            entry[kind] = {k: v for k, v in r.items() if k != "result"}
        sqls = captured_sql(fns["together"])
        entry["sql"] = sqls
        entry["plans"] = [explain(s) for s in sqls]
        out["queries"].append(entry)
        print(
            f"[{connection.vendor}] {label:<40} {entry['matches']:>9,} matches  count {entry['count']['median']:8.1f}  "
            f"page {entry['page']['median']:8.1f}  together {entry['together']['median']:8.1f} ms",
            file=sys.stderr,
            flush=True,
        )
    if args.variants:
        from bench import variants

        for name, (doc, make) in variants.for_vendor(connection.vendor).items():
            results = []
            setup, teardown = getattr(make, "setup", None), getattr(make, "teardown", None)
            if setup:
                setup()
            try:
                for label, q, real, who in queries:
                    use_user(who)
                    fn = make(q)
                    r = timed(fn, args.reps, args.warmup, args.budget)
                    count, rows = r.pop("result")
                    results.append(
                        {
                            "label": label,
                            "q": q,
                            "realistic": real,
                            "matches": count,
                            "first": [x.pk for x in rows[:5]],
                            **r,
                        }
                    )
                    print(
                        f"[{connection.vendor}] variant {name:<26} {label:<40} {count!s:>9}  {r['median']:8.1f} ms",
                        file=sys.stderr,
                        flush=True,
                    )
                use_user("officer")
                by_label = {label: q for label, q, _real, _who in queries}
                plans = [explain(s) for s in captured_sql(make(by_label["common words"]))]
                plans_rare = [explain(s) for s in captured_sql(make(by_label["rare word"]))]
            finally:
                if teardown:
                    teardown()
            out["variants"][name] = {
                "doc": doc,
                "results": results,
                "plans_common_words": plans,
                "plans_rare_word": plans_rare,
            }
    return out


# ---------------------------------------------------------------------------------------------------------
# The parent: run a worker per backend, write Markdown


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def mark(ms: float) -> str:
    return f"{ms:,.1f}" + (" ✅" if ms <= GOAL_MS else " ❌")


def overall(entries: list[dict[str, Any]], kind: str | None = None) -> tuple[float, float]:
    samples = [s for e in entries if e["realistic"] for s in (e[kind]["samples"] if kind else e["samples"])]
    return statistics.median(samples), percentile(samples, 99)


def record_figures(results: dict[str, dict[str, Any]], n: int) -> None:
    """The pooled figure and the slowest realistic query, per backend, for bench/report.py."""
    from bench.figures import Figure, record

    for vendor, result in results.items():
        median, p99 = overall(result["queries"], "together")
        realistic = [e for e in result["queries"] if e["realistic"]]
        worst = max(realistic, key=lambda e: e["together"]["median"])
        goal = f"median < {GOAL_MS:.0f} ms"
        record(
            "search",
            vendor,
            [
                Figure(
                    "registry search, realistic mix pooled", median, p99, goal=goal, met=median <= GOAL_MS
                ),
                Figure(
                    f"registry search, slowest query ({worst['label']})",
                    worst["together"]["median"],
                    worst["together"]["p99"],
                    goal=goal,
                    met=worst["together"]["median"] <= GOAL_MS,
                ),
            ],
            rows=f"{n:,} establishments",
        )


def render(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    now = dt.datetime.now()
    lines = [f"# Registry search benchmark, {now:%Y-%m-%d %H:%M}", ""]
    first = next(iter(results.values()))["machine"]
    lines += [
        f"- Machine: {cpu_model()}, {os.cpu_count()} cores, {ram()} RAM; {platform.platform()}",
        f"- Python {first['python']}, Django {first['django']}, SQLite {first['sqlite']}",
    ]
    for vendor, res in results.items():
        m = res["machine"]
        if vendor == "postgresql":
            lines.append(
                f"- {m['postgresql']}; table+indexes {m['table_size']}; "
                + ", ".join(f"{k}={v}" for k, v in m["pg_settings"].items())
            )
        else:
            lines.append(f"- SQLite file {m['db_size']}")
    lines += [
        f"- Dataset: {args.n:,} synthetic establishments (bench.generate, seed {args.seed}); a province-wide officer, and a commune officer (busiest commune) where the query says so",
        f"- Each figure: median and p99 (nearest rank) in ms of up to {args.reps} runs after {args.warmup} warm-up runs "
        f"(fewer when a run is slow: at least 5, budget {args.budget:.0f} s); goal: median ≤ {GOAL_MS:.0f} ms (✅/❌).",
        "- count = `EstablishmentPaginator(...).count` (at most 2,000; its plan depends on the count); "
        "page = together = `EstablishmentPaginator(...).page(1)` + rows, what a list request pays. "
        '"Overall" pools the samples of the realistic queries.',
        "",
    ]
    for vendor, res in results.items():
        gen = res["generate"]
        lines += [f"## {vendor}", ""]
        if gen.get("timings"):
            label = "Generation (earlier run)" if gen.get("skipped") else "Generation"
            lines.append(f"{label}: " + "; ".join(f"{k} {v:.1f} s" for k, v in gen["timings"].items()))
            lines.append("")
        lines += [
            "| query | q | matches | count median | count p99 | page median | page p99 | together median | together p99 | goal |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for e in res["queries"]:
            lines.append(
                f"| {e['label']} | `{e['q']}` | {e['matches']:,} | {mark(e['count']['median'])} | {e['count']['p99']:,.1f} | "
                f"{mark(e['page']['median'])} | {e['page']['p99']:,.1f} | {mark(e['together']['median'])} | "
                f"{e['together']['p99']:,.1f} | {GOAL_MS:.0f} |"
            )
        cm, cp = overall(res["queries"], "count")
        pm, pp = overall(res["queries"], "page")
        tm, tp = overall(res["queries"], "together")
        lines.append(
            f"| **overall (realistic)** | | | {mark(cm)} | {cp:,.1f} | {mark(pm)} | {pp:,.1f} | "
            f"**{mark(tm)}** | {tp:,.1f} | {GOAL_MS:.0f} |"
        )
        lines.append("")
        if res["variants"]:
            lines += [
                f"### {vendor}: candidate fixes (count + first page, as a list request)",
                "",
                "Cells: median ms (count shown; ≠ when the first five rows differ from the baseline's).",
                "",
            ]
            names = list(res["variants"])
            lines.append("| query | baseline | " + " | ".join(names) + " |")
            lines.append("|---|---:|" + "---:|" * len(names))
            for i, e in enumerate(res["queries"]):
                cells = [mark(e["together"]["median"])]
                for name in names:
                    v = res["variants"][name]["results"][i]
                    same = "" if v["first"] == e["first"] else " ≠"
                    cells.append(f"{mark(v['median'])} ({v['matches']}{same})")
                lines.append(f"| {e['label']} | " + " | ".join(cells) + " |")
            cells = [mark(overall(res["queries"], "together")[0])]
            cells += [mark(overall(res["variants"][n]["results"])[0]) for n in names]
            lines.append("| **overall median (realistic)** | " + " | ".join(cells) + " |")
            cells = [f"{overall(res['queries'], 'together')[1]:,.1f}"]
            cells += [f"{overall(res['variants'][n]['results'])[1]:,.1f}" for n in names]
            lines.append("| **overall p99 (realistic)** | " + " | ".join(cells) + " |")
            lines.append("")
            for name in names:
                lines.append(f"- **{name}**: {res['variants'][name]['doc']}")
            lines.append("")
        lines += [f"### {vendor}: query plans", ""]
        for e in res["queries"]:
            lines += [f"**{e['label']}** (`{e['q']}`, {e['matches']:,} matches)", ""]
            for sql, plan in zip(e["sql"], e["plans"], strict=True):
                lines += ["```sql", sql, "```", "```", plan, "```"]
            lines.append("")
        for name, v in res["variants"].items():
            for key, what in (("plans_common_words", "`cong ty`"), ("plans_rare_word", "the rare word")):
                lines += [f"**variant {name}**, {what}:", ""]
                for plan in v[key]:
                    lines += ["```", plan, "```"]
                lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=1_000_000, help="establishments in the dataset")
    parser.add_argument("--seed", type=int, default=20251125)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--budget", type=float, default=20.0, help="seconds per measurement before cutting reps"
    )
    parser.add_argument(
        "--variants", action="store_true", help="also time the candidate fixes in bench/variants.py"
    )
    parser.add_argument("--backend", choices=["all", "sqlite", "postgresql"], default="all")
    parser.add_argument("--sqlite-url", default=os.environ.get("BENCH_SQLITE_URL", DEFAULT_SQLITE_URL))
    parser.add_argument("--output", help="Markdown file (default bench/results/search-<date>.md)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        out = run_worker(args)
        Path(args.json).write_text(json.dumps(out))
        return

    targets: list[tuple[str, str]] = []
    if args.backend in ("all", "sqlite"):
        targets.append(("sqlite", args.sqlite_url))
    pg_url = os.environ.get("BENCH_POSTGRES_URL")
    if args.backend in ("all", "postgresql"):
        if pg_url:
            targets.append(("postgresql", pg_url))
        elif args.backend == "postgresql":
            sys.exit("BENCH_POSTGRES_URL is not set")
        else:
            print("BENCH_POSTGRES_URL not set: SQLite only", file=sys.stderr)
    results: dict[str, dict[str, Any]] = {}
    for vendor, url in targets:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
            out_path = tmp.name
        cmd = [
            sys.executable,
            "-m",
            "bench.search",
            "--worker",
            "--database-url",
            url,
            "--json",
            out_path,
            "-n",
            str(args.n),
            "--seed",
            str(args.seed),
            "--reps",
            str(args.reps),
            "--warmup",
            str(args.warmup),
            "--budget",
            str(args.budget),
        ] + (["--variants"] if args.variants else [])
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        subprocess.run(cmd, check=True, cwd=PROJECT_DIR, env=env)
        results[vendor] = json.loads(Path(out_path).read_text())
        os.unlink(out_path)
    text = render(results, args)
    record_figures(results, args.n)
    RESULTS.mkdir(parents=True, exist_ok=True)
    output = Path(args.output) if args.output else RESULTS / f"search-{dt.date.today():%Y-%m-%d}.md"
    output.write_text(text)
    print(text)
    print(f"written to {output}", file=sys.stderr)


if __name__ == "__main__":
    main()
