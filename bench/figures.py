"""The figures every benchmark stage hands to bench/report.py: one small JSON per stage and backend.

    from bench.figures import Figure, record
    record("search", "sqlite", [Figure("list search, pooled", median=13.0, p99=69.0, goal="median < 100 ms",
                                       met=True)], rows="1,000,000 establishments")

Written to var/bench/figures/<stage>-<backend>.json (the last run of a stage on a backend wins); the
report reads every file there, so a stage that did not run this time still shows its last figures with
their date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bench import BENCH_VAR

FIGURES_DIR = BENCH_VAR / "figures"


@dataclasses.dataclass(frozen=True)
class Figure:
    """One measured figure: its median and p99 (or the single value of a one-off run) against its goal."""

    name: str
    median: float | None
    p99: float | None = None
    unit: str = "ms"
    goal: str = ""
    met: bool | None = None
    rows: str = ""  # what it ran on, when it differs from the stage's rows


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (with fewer than 100 samples p99 is the slowest one)."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def record(
    stage: str,
    backend: str,
    figures: Iterable[Figure],
    *,
    rows: str = "",
    extra: dict[str, Any] | None = None,
    folder: Path | None = None,
) -> Path:
    """Write the stage's figures for bench/report.py; returns the file written."""
    target = folder or FIGURES_DIR
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{stage}-{backend}.json"
    data = {
        "stage": stage,
        "backend": backend,
        "rows": rows,
        "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "figures": [dataclasses.asdict(f) for f in figures],
        "extra": extra or {},
    }
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    return path


def load_all(folder: Path | None = None) -> list[dict[str, Any]]:
    """Every stage's figures, in stage then backend order."""
    target = folder or FIGURES_DIR
    if not target.exists():
        return []
    found = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(target.glob("*.json"))]
    return sorted(found, key=lambda d: (str(d.get("stage")), str(d.get("backend"))))
