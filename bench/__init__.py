"""Benchmarks over a synthetic registry: `python -m bench.generate`, `python -m bench.search` (see README.md)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_VAR = PROJECT_DIR / "var" / "bench"
DEFAULT_SQLITE_URL = f"sqlite:///{BENCH_VAR / 'search.sqlite3'}"


def setup_django(database_url: str | None = None) -> None:
    """Configure Django for a bench database: DATABASE_URL, else var/bench/search.sqlite3.

    Never the developer's own var/khuyencong.sqlite3 by accident: the bench fills and truncates tables.
    """
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DATABASE_URL", DEFAULT_SQLITE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
