"""One table of every benchmark figure (issue 8, scope 2): `python -m bench.report`.

Reads what each stage left under var/bench/ — var/bench/figures/<stage>-<backend>.json (bench.figures),
bench.summary's var/bench/results-<backend>.json, bench.queries' var/bench/queries.json — and writes
bench/results/bench-<date>.md: the machine, then per figure its backend, the rows it ran on, median, p99,
goal and whether it was met; the query counts; the soak; the dataset generation timings.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from bench import BENCH_VAR, PROJECT_DIR
from bench.figures import load_all

RESULTS = PROJECT_DIR / "bench" / "results"


def _first_line(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return "unknown"


def _postgres_version() -> str:
    candidates = (
        sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
        if Path("/usr/lib/postgresql").exists()
        else []
    )
    binary = str(candidates[-1]) if candidates else shutil.which("postgres")
    if not binary:
        return "not installed"
    try:
        return subprocess.run(
            [binary, "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> dict[str, str]:
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    disk = shutil.disk_usage(BENCH_VAR)
    try:
        fs = (
            subprocess.run(
                ["df", "--output=fstype,source", str(BENCH_VAR)], capture_output=True, text=True, check=True
            )
            .stdout.splitlines()[-1]
            .split()
        )
        filesystem = " on ".join(fs)
    except (OSError, subprocess.CalledProcessError, IndexError):
        filesystem = "unknown"
    memory = _first_line("/proc/meminfo", "MemTotal")
    with contextlib.suppress(ValueError, IndexError):
        memory = f"{int(memory.split()[0]) / 2**20:.1f} GiB"
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "CPU": f"{_first_line('/proc/cpuinfo', 'model name')} ({platform.machine()})",
        "cores": f"{len(os.sched_getaffinity(0))} usable of {os.cpu_count()} (shared with other work; load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} when this report was written)",
        "RAM": memory,
        "disk": f"{filesystem}, {disk.total / 2**30:.0f} GiB, {disk.free / 2**30:.0f} GiB free",
        "OS": f"{_first_line('/etc/os-release', 'PRETTY_NAME=')}, Linux {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": _postgres_version(),
    }


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:+.1f} %"
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:,.{digits}f} {unit}"


def _met(met: bool | None) -> str:
    return "—" if met is None else "yes" if met else "**no**"


def summary_figures() -> list[dict[str, Any]]:
    """bench.summary's own JSON (it does not write a figures file): median and p95 of its random cases."""
    found = []
    for backend in ("sqlite", "postgresql"):
        path = BENCH_VAR / f"results-{backend}.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text()).get(backend, {})
        counts = data.get("counts", {})
        rows = (
            f"{counts.get('projects', 0):,} projects, {counts.get('establishments', 0):,} establishments, "
            f"{counts.get('indicator values (acceptance + recorded)', 0):,} values"
        )
        written = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).isoformat(timespec="seconds")
        figures = []
        floor = (data.get("duckdb") or {}).get("median")
        for key, label, goal_ms in (
            ("summary", "results summary, any 5-year range", 200),
            ("dashboard", "results dashboard", 500),
        ):
            stats = data.get(key)
            if not stats:
                continue
            ratio = f"; {stats['median'] / floor:.1f}× the DuckDB floor" if floor and key == "summary" else ""
            worst = stats.get("p99", stats.get("p95"))
            figures.append(
                {
                    "name": f"{label} ({stats.get('n', '?')} random ranges and filters; p95 "
                    f"{stats.get('p95', 0):.0f} ms{ratio})",
                    "median": stats["median"],
                    "p99": worst,
                    "unit": "ms",
                    "goal": f"< {goal_ms} ms",
                    # "any range": judged on the slowest percentile measured, not the median
                    "met": worst is not None and worst < goal_ms,
                    "rows": "",
                }
            )
        if floor:
            duck = data["duckdb"]
            figures.append(
                {
                    "name": "DuckDB floor: the summary's aggregation in DuckDB, in memory (for the ratio)",
                    "median": floor,
                    "p99": duck.get("p99", duck.get("p95")),
                    "unit": "ms",
                    "goal": "",
                    "met": None,
                    "rows": "",
                }
            )
        found.append(
            {"stage": "summary", "backend": backend, "rows": rows, "written_at": written, "figures": figures}
        )
    return found


def render(today: dt.date) -> str:
    stages = [s for s in load_all() if s["stage"] not in ("summary",)] + summary_figures()
    stages.sort(key=lambda s: (str(s["stage"]), str(s["backend"])))
    lines = [
        f"# Benchmarks — {today:%Y-%m-%d}",
        "",
        "Written by `python -m bench.report` (`make bench` runs it last).",
        "",
    ]
    lines += ["## Machine", ""]
    lines += [f"- **{k}**: {v}" for k, v in machine().items()]
    lines += [
        "",
        "## Figures",
        "",
        "Each stage's last run (its date beside it); median and p99 (nearest rank) unless the figure says "
        "otherwise; a one-off figure (a duration) has no p99.",
        "",
        "| stage | figure | backend | rows | median | p99 | goal | met? | run |",
        "|---|---|---|---|---:|---:|---|---|---|",
    ]
    for stage in stages:
        if stage["stage"] in ("queries",):
            continue
        for f in stage["figures"]:
            lines.append(
                f"| {stage['stage']} | {f['name']} | {stage['backend']} | {f.get('rows') or stage.get('rows', '')} | "
                f"{_num(f['median'], f['unit'])} | {_num(f.get('p99'), f['unit'])} | {f.get('goal') or '—'} | "
                f"{_met(f.get('met'))} | {str(stage.get('written_at', ''))[:16]} |"
            )
    unmet = [
        f"{s['stage']} / {s['backend']}: {f['name']}"
        for s in stages
        for f in s["figures"]
        if f.get("met") is False
    ]
    lines += ["", "Goals not met: " + ("; ".join(unmet) if unmet else "none") + ".", ""]

    queries = BENCH_VAR / "queries.json"
    lines += ["## SQL queries per page", ""]
    if queries.exists():
        data = json.loads(queries.read_text())
        for dataset, rows in data.get("datasets", {}).items():
            lines += [
                f"On {dataset}:",
                "",
                "| page | rows shown | queries | rows shown with 10× rows | queries | flat? |",
                "|---|---:|---:|---:|---:|---|",
            ]
            for r in rows:
                lines.append(
                    f"| {r['page']} | {r['rows']} | {r['queries']} | {r['rows_10x']} | {r['queries_10x']} | "
                    f"{'yes' if r['flat'] else '**no**'} |"
                )
            lines.append("")
    else:
        lines += ["Not measured (`python -m bench.queries`).", ""]

    lines += ["## Soak", ""]
    soaks = [s for s in stages if s["stage"] == "soak"]
    if not soaks:
        lines += ["Not run (`python -m bench.soak`).", ""]
    for s in soaks:
        e = s["extra"]
        clients = e["clients"]
        lines += [
            f"{s['backend']}: {e['seconds']:.0f} s, gunicorn {e['workers']} sync workers (max_requests "
            f"{e['max_requests'] or 'off'}), {clients['readers']} readers, {clients['officers']} officers, "
            f"{clients['api']} API clients, pauses of 0–{2 * clients['think_s']:g} s; {s['rows']}.",
            "",
            "| traffic | requests | req/s | errors | p50 ms | p99 ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for kind, c in e["classes"].items():
            lines.append(
                f"| {kind} | {c['requests']:,} | {c['per_second']:.1f} | {c['errors']} | {c['p50_ms']:.1f} | {c['p99_ms']:.1f} |"
            )
        rss = e["rss"]
        lines += [
            "",
            f"Workers' resident memory (all {e['workers']}), sampled every 10 s: {rss['first_mib']:.1f} MiB over the "
            f"first {rss['window_s']:.0f} s, {rss['last_mib']:.1f} MiB over the last {rss['window_s']:.0f} s "
            f"({rss['growth_pct']:+.1f} %); worker processes seen: {len(e['worker_pids'])}.",
            "",
        ]

    lines += ["## Dataset generation", ""]
    datasets = [s for s in stages if s["stage"] == "dataset"]
    if not datasets:
        lines += ["Not run (`python -m bench.dataset`).", ""]
    for s in datasets:
        state = s["extra"]["state"]
        lines += [
            f"{s['backend']}, scale {s['extra']['scale']} ({s['rows']}):",
            "",
            "| stage | seconds | step |",
            "|---|---:|---|",
        ]
        for name, stage in state.get("stages", {}).items():
            detail = ", ".join(f"{k} {v:.1f}" for k, v in stage.get("detail", {}).items())
            lines.append(f"| {name} | {stage.get('seconds', 0.0):.1f} | {detail} |")
        lines.append(f"| **total** | **{state.get('total seconds', 0.0):.1f}** | |")
        guess = s["extra"].get("estimate at default scale (s)")
        if guess:
            lines += [
                "",
                f"Estimated at the default scale: {sum(guess.values()) / 60:.1f} min (linear in rows).",
            ]
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    today = dt.datetime.now(dt.UTC).date()
    output = args.output or RESULTS / f"bench-{today:%Y-%m-%d}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(today), encoding="utf-8")
    print(f"written {output}")


if __name__ == "__main__":
    main()
