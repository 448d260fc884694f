"""Results at national scale (issue 5): the summary contract and the dashboard against a DuckDB floor.

    .venv/bin/python -m bench.summary                       # SQLite, var/bench/results.sqlite3
    BENCH_POSTGRES_URL=postgres://… .venv/bin/python -m bench.summary --backend postgresql
    .venv/bin/python -m bench.summary --samples 60 --output bench/results/results-2026-11-25.md

Data (generated once, deterministic for --seed): the whole country's geography (`load_geography --all`:
63 provinces and their districts and communes before 1/7/2025, 34 provinces after, with the successor
links), 1,000,000 establishments (bench.generate), 40,000 projects over 20 plan years (2006–2025; before
2025 in pre-reform communes, 2025 in current ones), their budget lines, beneficiaries, advances,
acceptances and results, and recorded values of later periods so that acceptance results plus recorded
values make 5,000,000 indicator values.

Measured, each over --samples random 5-year ranges and filters (none, a fund, a level, a category, a
province, both place modes), after one warm-up pass:
- summary: `results.aggregation.summary` as the API and `report_summary` call it, JSON-encoded;
- dashboard: GET /ket-qua/ through Django's test client as a province-wide leader (queries, templates,
  SVG), with KHUYENCONG_PROVINCE=all so nothing narrows the country;
- DuckDB: the same summary aggregation written directly in SQL over the same rows copied into an
  in-memory DuckDB database (the practical floor), with the ratio beside each figure.
DuckDB is a dev dependency (only this benchmark imports it); BENCH_DUCKDB_PATH can point at another
copy installed with pip --target.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import BENCH_VAR, setup_django

DEFAULT_URL = f"sqlite:///{BENCH_VAR / 'results.sqlite3'}"
N_PROJECTS = 40_000
N_VALUES = 5_000_000
N_ESTABLISHMENTS = 1_000_000
FIRST_YEAR, LAST_YEAR = 2006, 2025
SEED = 20251125
BATCH = 50_000
M = 1_000_000

CATEGORIES = [
    ("training", 25),
    ("demonstration_model", 20),
    ("machinery_application", 20),
    ("product_development", 12),
    ("consulting_information", 12),
    ("cleaner_production", 4),
    ("management_capacity", 4),
    ("linkage_clusters", 1),
    ("international_cooperation", 1),
    ("system_capacity", 1),
]
RECORDED_BY_CATEGORY = {
    "training": ["trained_employed"],
    "demonstration_model": ["revenue_after_support", "counterpart_mobilised", "products_recognised"],
    "machinery_application": ["revenue_after_support", "counterpart_mobilised"],
    "cleaner_production": ["revenue_after_support"],
    "product_development": ["products_recognised", "revenue_after_support"],
}


def today() -> dt.date:
    """The UTC date (Django sets the process's time zone to Vietnam's, a day ahead in the evening)."""
    return dt.datetime.now(dt.UTC).date()


def log(message: str) -> None:
    print(message, flush=True)


# --- data --------------------------------------------------------------------------------------------


def _status(rng: random.Random, year: int) -> str:
    if year <= 2023:
        return rng.choices(["closed", "settled", "not_accepted", "cancelled", "rejected"], [85, 5, 3, 4, 3])[
            0
        ]
    if year == 2024:
        return rng.choices(
            ["closed", "settled", "accepted", "in_progress", "cancelled"], [40, 25, 15, 15, 5]
        )[0]
    return rng.choices(
        ["approved", "contracted", "in_progress", "awaiting_acceptance", "accepted", "submitted", "draft"],
        [15, 20, 30, 10, 5, 10, 10],
    )[0]


def _bulk_values(rows: list[tuple[Any, ...]]) -> None:
    """IndicatorValue rows by the fastest path of each engine (executemany on SQLite, COPY on PostgreSQL)."""
    from django.db import connection

    from khuyencong.results.models import IndicatorValue

    table = IndicatorValue._meta.db_table
    cols = (
        "project_id, indicator_id, period_start, period_end, value, women, ethnic_minority, source, "
        "evidence_id, note, recorded_by_id, recorded_at, updated_at"
    )
    raw = connection.connection
    if connection.vendor == "sqlite":
        cur = raw.cursor()
        raw.execute("BEGIN")
        cur.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * 13)})', rows)
        raw.execute("COMMIT")
    else:
        with raw.cursor() as cur, raw.transaction(), cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)


def _reset_results() -> None:
    from django.db import connection

    tables = [
        "imports_trainee",
        "results_projectfact",
        "results_indicatorvalue",
        "results_followup",
        "results_reportrun",
        "projects_actualresult",
        "projects_machine",
        "projects_acceptance",
        "projects_advance",
        "projects_recovery",
        "projects_budgetline",
        "projects_expectedresult",
        "projects_project_beneficiaries",
        "projects_projectdocument",
        "projects_project",
        "geo_priorityclassification",
    ]
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f'DELETE FROM "{table}"')


def generate(n_projects: int, n_values: int, seed: int) -> dict[str, Any]:
    """Projects and everything hanging off them; returns row counts and timings."""
    from django.db import connection, transaction
    from django.utils import timezone

    from khuyencong.accounts.models import User
    from khuyencong.core.text import search_key
    from khuyencong.geo.choices import Generation, Level
    from khuyencong.geo.models import AdministrativeUnit, PriorityClassification
    from khuyencong.projects.models import (
        Acceptance,
        ActualResult,
        Advance,
        BudgetLine,
        Project,
    )
    from khuyencong.results.models import IndicatorValue

    rng = random.Random(seed)
    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    _reset_results()
    officer, _ = User.objects.get_or_create(username="bench-officer", defaults={"role": "officer"})
    legacy = list(
        AdministrativeUnit.objects.filter(generation=Generation.LEGACY, level=Level.COMMUNE).values_list(
            "id", flat=True
        )
    )
    current = list(
        AdministrativeUnit.objects.filter(generation=Generation.CURRENT, level=Level.COMMUNE).values_list(
            "id", flat=True
        )
    )
    with connection.cursor() as cur:
        cur.execute("SELECT MAX(id) FROM establishments_establishment")
        est_max = cur.fetchone()[0]
    # Priority areas: a fifth of the pre-reform communes difficult, a tenth border, from 2008.
    t = time.perf_counter()
    PriorityClassification.objects.bulk_create(
        [
            PriorityClassification(unit_id=u, kind=kind, valid_from=dt.date(2008, 1, 1), legal_basis="bench")
            for u in legacy
            for kind, share in (("difficult", 5), ("border", 10))
            if u % share == 0
        ],
        batch_size=5000,
    )
    timings["priority classifications"] = time.perf_counter() - t
    t = time.perf_counter()
    names, weights = zip(*CATEGORIES, strict=True)
    projects: list[Project] = []
    spans: list[tuple[dt.date, dt.date]] = []
    for i in range(n_projects):
        year = FIRST_YEAR + i % (LAST_YEAR - FIRST_YEAR + 1)
        category = rng.choices(names, weights)[0]
        status = _status(rng, year)
        support = rng.randrange(50, 1000) * M
        start = dt.date(year, rng.randrange(3, 7), 1)
        end = start + dt.timedelta(days=rng.randrange(150, 270))
        code = f"BENCH-{year}-{i:06d}"
        spans.append((start, end))
        projects.append(
            Project(
                code=code,
                code_key=code,
                title=f"Đề án thử {i}",
                category=category,
                level="national" if rng.random() < 0.35 else "local",
                plan_year=year,
                implementing_unit="Trung tâm Khuyến công",
                unit_id=rng.choice(current if year >= 2025 else legacy),
                start_date=start,
                end_date=end,
                eligible_cost=support * 3,
                status=status,
                decision_date=dt.date(year, 4, 1),
                approved_support=support if status not in ("draft", "submitted", "rejected") else None,
                settled_amount=support - (support // 20 if i % 4 == 0 else 0)
                if status in ("settled", "closed")
                else None,
                liquidation_date=end + dt.timedelta(days=rng.randrange(20, 90))
                if status in ("settled", "closed")
                else None,
                created_by=officer,
                search_key=search_key(code, f"Đề án thử {i}"),
            )
        )
    with transaction.atomic():
        Project.objects.bulk_create(projects, batch_size=5000)
    ids = dict(Project.objects.values_list("code_key", "id"))
    for p in projects:
        p.pk = ids[p.code_key]
    timings["projects"] = time.perf_counter() - t
    t = time.perf_counter()
    lines, advances, links, acceptances = [], [], [], []
    through = Project.beneficiaries.through
    for p, (start, end) in zip(projects, spans, strict=True):
        support = p.approved_support or rng.randrange(50, 1000) * M
        fund = "central" if p.level == "national" else "provincial"
        if rng.random() < 0.2:
            lines += [
                BudgetLine(project_id=p.pk, source="central", amount=support // 2),
                BudgetLine(project_id=p.pk, source="provincial", amount=support - support // 2),
            ]
        else:
            lines.append(BudgetLine(project_id=p.pk, source=fund, amount=support))
        lines.append(BudgetLine(project_id=p.pk, source="beneficiary", amount=support * 3 // 2))
        if rng.random() < 0.1:
            lines.append(BudgetLine(project_id=p.pk, source="other", amount=support // 5))
        if p.category in (
            "demonstration_model",
            "machinery_application",
            "cleaner_production",
            "product_development",
        ):
            links.append(through(project_id=p.pk, establishment_id=rng.randrange(1, est_max + 1)))
        if p.status in (
            "contracted",
            "in_progress",
            "awaiting_acceptance",
            "accepted",
            "settled",
            "closed",
            "not_accepted",
        ):
            advances.append(Advance(project_id=p.pk, amount=support // 2, paid_on=start, recorded_by=officer))
        if p.status in ("accepted", "settled", "closed", "not_accepted"):
            trained = rng.randrange(20, 60)
            acceptances.append(
                Acceptance(
                    project_id=p.pk,
                    held_on=end + dt.timedelta(days=rng.randrange(-20, 60)),
                    accepted=p.status != "not_accepted",
                    trained_women=trained // 2 if p.category == "training" else 0,
                    trained_ethnic_minority=trained // 3 if p.category == "training" else 0,
                    recorded_by=officer,
                )
            )
    with transaction.atomic():
        BudgetLine.objects.bulk_create(lines, batch_size=5000)
        Advance.objects.bulk_create(advances, batch_size=5000)
        through.objects.bulk_create(links, batch_size=5000)
        Acceptance.objects.bulk_create(acceptances, batch_size=5000)
    timings["budget lines, advances, beneficiaries, acceptances"] = time.perf_counter() - t
    t = time.perf_counter()
    by_project = {p.pk: p for p in projects}
    results = []
    accepted = list(Acceptance.objects.values_list("id", "project_id", "held_on", "accepted"))
    for acc_id, project_id, _held, _ok in accepted:
        category = by_project[project_id].category
        if category == "training":
            results.append(
                ActualResult(acceptance_id=acc_id, indicator="workers_trained", value=rng.randrange(20, 60))
            )
        elif category in ("demonstration_model", "machinery_application"):
            results.append(
                ActualResult(acceptance_id=acc_id, indicator="jobs_created", value=rng.randrange(5, 120))
            )
            other = "models" if category == "demonstration_model" else "machines"
            results.append(ActualResult(acceptance_id=acc_id, indicator=other, value=rng.randrange(1, 4)))
        else:
            results.append(
                ActualResult(
                    acceptance_id=acc_id, indicator="establishments_supported", value=rng.randrange(1, 40)
                )
            )
    with transaction.atomic():
        ActualResult.objects.bulk_create(results, batch_size=5000)
    timings["acceptance results"] = time.perf_counter() - t
    # Recorded values: monthly after the acceptance, capped per project and indicator so that every
    # accepted project gets its share and the total comes to n_values.
    t = time.perf_counter()
    wanted = max(n_values - len(results), 0)
    pairs = [
        (project_id, held, code)
        for _acc, project_id, held, ok in accepted
        if ok
        for code in RECORDED_BY_CATEGORY.get(by_project[project_id].category, [])
    ]
    rng.shuffle(pairs)
    limit = dt.date(2026, 10, 31)

    def months_after(held: dt.date) -> int:
        return max((limit.year - held.year) * 12 + limit.month - held.month, 0)

    # Each pair gets a share of the total in proportion to the months it has had since its acceptance.
    available = sum(months_after(held) for _p, held, _c in pairs)
    share = min(wanted / max(available, 1), 1.0)
    table = IndicatorValue._meta.db_table
    from bench.generate import _pg_secondary, _sqlite_secondary

    raw_cursor = connection.cursor()
    if connection.vendor == "sqlite":
        indexes, _triggers = _sqlite_secondary(raw_cursor.cursor, table)
    else:
        indexes = _pg_secondary(raw_cursor.cursor, table)
    for name, _sql in indexes:
        raw_cursor.execute(f'DROP INDEX "{name}"')
    now = timezone.now()
    batch: list[tuple[Any, ...]] = []
    made = 0
    for project_id, held, code in pairs:
        if made >= wanted:
            break
        month = dt.date(held.year + (held.month // 12), held.month % 12 + 1, 1)
        women = code == "trained_employed"
        for _k in range(-(-int(months_after(held) * share * 1000) // 1000)):
            if month > limit or made >= wanted:
                break
            nxt = dt.date(month.year + (month.month // 12), month.month % 12 + 1, 1)
            value = (
                rng.randrange(1, 60)
                if code in ("trained_employed", "products_recognised")
                else rng.randrange(10, 900) * M
            )
            batch.append(
                (
                    project_id,
                    code,
                    month,
                    nxt - dt.timedelta(days=1),
                    value,
                    value // 2 if women else None,
                    value // 3 if women else None,
                    "business_report",
                    None,
                    "",
                    officer.pk,
                    now,
                    now,
                )
            )
            made += 1
            month = nxt
            if len(batch) >= BATCH:
                _bulk_values(batch)
                batch = []
    if batch:
        _bulk_values(batch)
    timings["recorded values (insert)"] = time.perf_counter() - t
    t = time.perf_counter()
    for _name, create in indexes:
        raw_cursor.execute(create)
    timings["recorded values (indexes)"] = time.perf_counter() - t
    t = time.perf_counter()
    from khuyencong.results import facts

    # The rows above were written in bulk, past the signals that keep the per-project facts current.
    facts.refresh()
    timings["project facts"] = time.perf_counter() - t
    t = time.perf_counter()
    raw_cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    timings["ANALYZE"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t_all
    return {"timings": timings, "counts": counts()}


def counts() -> dict[str, int]:
    from khuyencong.establishments.models import Establishment
    from khuyencong.geo.models import AdministrativeUnit
    from khuyencong.projects.models import Acceptance, ActualResult, BudgetLine, Project
    from khuyencong.results.models import IndicatorValue

    actual = ActualResult.objects.count()
    recorded = IndicatorValue.objects.count()
    return {
        "establishments": Establishment.objects.count(),
        "administrative units": AdministrativeUnit.objects.count(),
        "projects": Project.objects.count(),
        "budget lines": BudgetLine.objects.count(),
        "acceptances": Acceptance.objects.count(),
        "acceptance results": actual,
        "recorded values": recorded,
        "indicator values (acceptance + recorded)": actual + recorded,
    }


# --- samples -----------------------------------------------------------------------------------------


def samples(n: int, seed: int) -> list[dict[str, Any]]:
    """Random 5-year ranges with a random filter each, both place modes."""
    from khuyencong.geo.choices import Level
    from khuyencong.geo.models import AdministrativeUnit

    rng = random.Random(seed + 1)
    provinces = sorted(
        set(AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("code", flat=True))
    )
    out = []
    for i in range(n):
        start = rng.randrange(FIRST_YEAR, LAST_YEAR - 3)
        params: dict[str, Any] = {
            "from_year": start,
            "to_year": start + 4,
            "units": "current" if i % 2 else "recorded",
        }
        kind = rng.choice(["none", "none", "fund", "level", "category", "province"])
        if kind == "fund":
            params["fund"] = rng.choice(["central", "provincial"])
        elif kind == "level":
            params["level"] = rng.choice(["national", "local"])
        elif kind == "category":
            params["category"] = rng.choice([c for c, _ in CATEGORIES[:5]])
        elif kind == "province":
            params["province"] = rng.choice(provinces)
        out.append(params)
    return out


def _stats(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)

    def rank(percent: int) -> float:  # nearest rank
        return ordered[max(0, -(-len(ordered) * percent // 100) - 1)] * 1000

    return {
        "median": statistics.median(ordered) * 1000,
        "p95": rank(95),
        "p99": rank(99),
        "max": ordered[-1] * 1000,
        "n": len(ordered),
    }


def time_summary(cases: list[dict[str, Any]]) -> list[float]:
    from khuyencong.accounts.models import User
    from khuyencong.results.aggregation import Filters, summary

    user = User(username="bench-leader", role="leader", is_active=True)
    times = []
    for params in cases:
        filters = Filters.from_params(params, default_years=(FIRST_YEAR, LAST_YEAR))
        t = time.perf_counter()
        json.dumps(summary(user=user, filters=filters))
        times.append(time.perf_counter() - t)
    return times


def time_dashboard(cases: list[dict[str, Any]]) -> list[float]:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from khuyencong.accounts.models import User

    leader, _ = User.objects.get_or_create(username="bench-leader", defaults={"role": "leader"})
    client = Client(SERVER_NAME="localhost")
    client.force_login(leader)
    times = []
    # Static URLs without the collectstatic manifest, as the test settings do; nothing else differs.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        for params in cases:
            t = time.perf_counter()
            response = client.get("/ket-qua/", params)
            times.append(time.perf_counter() - t)
            assert response.status_code == 200, (params, response.status_code)
    return times


# --- DuckDB ------------------------------------------------------------------------------------------


def _duckdb() -> Any:
    extra = os.environ.get("BENCH_DUCKDB_PATH")
    if extra:
        sys.path.insert(0, extra)
    try:
        import duckdb
    except ImportError:
        return None
    return duckdb


def duckdb_copy(duckdb: Any) -> Any:
    """The rows the summary reads, copied into an in-memory DuckDB database through CSV files."""
    from django.db import connection

    tables = {
        "project": "SELECT id, plan_year, category, level, status, unit_id FROM projects_project",
        "budget_line": "SELECT project_id, source, amount FROM projects_budgetline",
        "acceptance": "SELECT id, project_id, accepted, held_on FROM projects_acceptance",
        "actual_result": "SELECT acceptance_id, indicator, value FROM projects_actualresult",
        "beneficiary": "SELECT project_id, establishment_id FROM projects_project_beneficiaries",
        "establishment": "SELECT id, sector FROM establishments_establishment",
        "unit": "SELECT id, code, generation, level, parent_id, name FROM geo_administrativeunit",
        "succession": "SELECT predecessor_id, successor_id, is_default FROM geo_unitsuccession",
    }
    db = duckdb.connect()
    with tempfile.TemporaryDirectory() as folder, connection.cursor() as cur:
        for name, sql in tables.items():
            path = Path(folder) / f"{name}.csv"
            cur.execute(sql)
            header = [c[0] for c in cur.description]
            with path.open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                while rows := cur.fetchmany(100_000):
                    writer.writerows(rows)
            db.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv_auto('{path}', header=true)")
    return db


COUNTED = "('approved','contracted','in_progress','awaiting_acceptance','accepted','not_accepted','settled','closed','suspended')"


def duckdb_summary(db: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The summary's aggregation in plain SQL: per-project facts once, then the same groupings."""
    where = [
        f"p.plan_year BETWEEN {int(params['from_year'])} AND {int(params['to_year'])}",
        f"p.status IN {COUNTED}",
    ]
    for key in ("level", "category"):
        if params.get(key):
            where.append(f"p.{key} = '{params[key]}'")
    if params.get("fund"):
        where.append(
            f"EXISTS (SELECT 1 FROM budget_line b WHERE b.project_id = p.id AND b.source = '{params['fund']}' AND b.amount > 0)"
        )
    place = (
        "p.unit_id"
        if params["units"] == "recorded"
        else "CASE WHEN u.generation = '2025' THEN p.unit_id ELSE COALESCE(s.successor_id, p.unit_id) END"
    )
    facts = f"""
        WITH first_successor AS (
            SELECT predecessor_id, arg_min(successor_id, (NOT is_default, successor_id)) AS successor_id
            FROM succession GROUP BY predecessor_id),
        money AS (
            SELECT project_id,
                   SUM(amount) FILTER (WHERE source = 'central') AS central,
                   SUM(amount) FILTER (WHERE source = 'provincial') AS provincial,
                   SUM(amount) FILTER (WHERE source = 'beneficiary') AS own,
                   SUM(amount) FILTER (WHERE source = 'other') AS other
            FROM budget_line GROUP BY project_id),
        results AS (
            SELECT a.project_id,
                   SUM(r.value) FILTER (WHERE r.indicator = 'jobs_created') AS jobs,
                   SUM(r.value) FILTER (WHERE r.indicator = 'workers_trained') AS trained,
                   SUM(r.value) FILTER (WHERE r.indicator = 'establishments_supported') AS supported
            FROM acceptance a JOIN actual_result r ON r.acceptance_id = a.id WHERE a.accepted GROUP BY a.project_id),
        sector AS (
            SELECT b.project_id, arg_min(e.sector, b.establishment_id) AS sector
            FROM beneficiary b JOIN establishment e ON e.id = b.establishment_id GROUP BY b.project_id),
        facts AS (
            SELECT p.id, p.plan_year AS year, p.category, COALESCE(sc.sector, 'unspecified') AS sector,
                   {place} AS place,
                   COALESCE(m.central, 0) AS central, COALESCE(m.provincial, 0) AS provincial,
                   COALESCE(m.own, 0) AS own, COALESCE(m.other, 0) AS other,
                   COALESCE(r.jobs, 0) AS jobs, COALESCE(r.trained, 0) AS trained, COALESCE(r.supported, 0) AS supported
            FROM project p JOIN unit u ON u.id = p.unit_id
            LEFT JOIN first_successor s ON s.predecessor_id = p.unit_id
            LEFT JOIN money m ON m.project_id = p.id
            LEFT JOIN results r ON r.project_id = p.id
            LEFT JOIN sector sc ON sc.project_id = p.id
            WHERE {" AND ".join(where)})
    """
    if params.get("province"):
        facts += f"""
        , province_units AS (
            SELECT c.id FROM unit c LEFT JOIN unit d ON d.id = c.parent_id LEFT JOIN unit pr ON pr.id = d.parent_id
            WHERE (c.level = 'province' AND c.code = '{params["province"]}')
               OR (d.level = 'province' AND d.code = '{params["province"]}')
               OR (pr.level = 'province' AND pr.code = '{params["province"]}'))
        , scoped AS (SELECT * FROM facts WHERE place IN (SELECT id FROM province_units))
        """
    else:
        facts += ", scoped AS (SELECT * FROM facts)"
    # The per-project facts once (a temporary table), then the five groupings over it.
    db.execute("CREATE OR REPLACE TEMP TABLE scoped_facts AS " + facts + " SELECT * FROM scoped")
    brief = "COUNT(*), SUM(central + provincial), SUM(jobs), SUM(trained)"
    total = db.execute(
        "SELECT COUNT(*), SUM(central), SUM(provincial), SUM(own), SUM(other), SUM(jobs), SUM(trained), SUM(supported) FROM scoped_facts"
    ).fetchone()
    out = {"total": total}
    for key in ("category", "sector", "year"):
        out[key] = db.execute(
            f"SELECT {key}, {brief} FROM scoped_facts GROUP BY {key} ORDER BY {key}"
        ).fetchall()
    out["unit"] = db.execute(
        "SELECT u.code, u.name, COUNT(*), SUM(s.central + s.provincial), SUM(s.jobs), SUM(s.trained) "
        "FROM scoped_facts s JOIN unit u ON u.id = s.place GROUP BY u.code, u.name"
    ).fetchall()
    return out


def time_duckdb(db: Any, cases: list[dict[str, Any]]) -> list[float]:
    times = []
    for params in cases:
        t = time.perf_counter()
        duckdb_summary(db, params)
        times.append(time.perf_counter() - t)
    return times


def check_agreement(db: Any, cases: list[dict[str, Any]]) -> int:
    """The DuckDB floor computes the same figures as the selector (projects, support, jobs): else it is no floor."""
    from khuyencong.accounts.models import User
    from khuyencong.results.aggregation import Filters, summary

    user = User(username="bench-leader", role="leader", is_active=True)
    checked = 0
    for params in cases:
        ours = summary(user=user, filters=Filters.from_params(params, default_years=(FIRST_YEAR, LAST_YEAR)))
        theirs = duckdb_summary(db, params)["total"]
        support = ours["support_vnd"]["central"] + ours["support_vnd"]["provincial"]
        assert (ours["projects"], support, ours["results"]["jobs_created"]) == (
            theirs[0],
            int(theirs[1] or 0) + int(theirs[2] or 0),
            int(theirs[5] or 0),
        ), (params, ours["projects"], theirs)
        checked += 1
    return checked


# --- report ------------------------------------------------------------------------------------------


def write_report(path: Path, data: dict[str, Any]) -> None:
    lines = [
        f"# Results summary and dashboard at national scale — {today():%Y-%m-%d}",
        "",
        "Produced by `python -m bench.summary` (bench/summary.py). Machine: 2 cores, shared with other "
        "sessions' tests, so single figures move by ±20 %; the medians and p95 over the samples are what to go by.",
        "",
    ]
    for backend, result in data.items():
        lines += [f"## {backend}", "", "Rows:", ""]
        lines += [f"- {name}: {value:,}" for name, value in result["counts"].items()]
        if result.get("generate"):
            lines += [
                "",
                "Generation (s): " + ", ".join(f"{k} {v:.1f}" for k, v in result["generate"].items()),
            ]
        lines += [
            "",
            f"{result['samples']} random 5-year ranges with a random filter each (none, fund, level, category, "
            "province; recorded and current place modes alternating), after one warm-up pass.",
            "",
            "| figure | median ms | p95 ms | goal | DuckDB median ms | ratio (median) |",
            "|---|---:|---:|---|---:|---:|",
        ]
        duck = result.get("duckdb")
        for name, goal in (("summary", "< 200 ms"), ("dashboard", "< 500 ms")):
            s = result[name]
            ratio = f"{s['median'] / duck['median']:.1f}×" if duck else "—"
            duck_cell = f"{duck['median']:.1f}" if duck else "not installed"
            lines.append(f"| {name} | {s['median']:.0f} | {s['p95']:.0f} | {goal} | {duck_cell} | {ratio} |")
        if duck:
            lines += [
                "",
                f"DuckDB p95: {duck['p95']:.1f} ms; agreement with the selector checked on {result['agreement']} samples.",
                "",
                "The DuckDB query aggregates the raw rows (projects, budget lines, acceptance results, beneficiaries, "
                "successor links) in memory on every call; the summary reads the per-project facts the application "
                "keeps current on every change (results.ProjectFact), so it can come out under the floor. The "
                "dashboard still computes per request what the stored facts do not hold (advances, priority classes).",
            ]
        lines.append("")
    path.write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=N_PROJECTS)
    parser.add_argument("--values", type=int, default=N_VALUES)
    parser.add_argument("--establishments", type=int, default=N_ESTABLISHMENTS)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--regenerate", action="store_true", help="make the projects and values again")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    url = (
        os.environ.get("BENCH_POSTGRES_URL")
        if args.backend == "postgresql"
        else os.environ.get("DATABASE_URL", DEFAULT_URL)
    )
    if not url:
        sys.exit("BENCH_POSTGRES_URL is not set")
    os.environ["KHUYENCONG_PROVINCE"] = "all"
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import check_database, ensure
    from khuyencong.projects.models import Project

    check_database(False)
    ensure(args.establishments, log=log)
    # A database made before the latest migrations (e.g. a new index) gets them; nothing to do otherwise.
    call_command("migrate", verbosity=0)
    result: dict[str, Any] = {}
    saved = BENCH_VAR / f"results-generate-{connection.vendor}.json"
    if args.regenerate or Project.objects.count() != args.projects:
        log(f"generating {args.projects:,} projects and {args.values:,} indicator values")
        made = generate(args.projects, args.values, args.seed)
        result["generate"] = made["timings"]
        saved.write_text(json.dumps(made["timings"], indent=1))
    else:
        if saved.exists():
            result["generate"] = json.loads(saved.read_text())  # how long it took when it was made
    result["counts"] = counts()
    log(json.dumps(result["counts"], indent=1))
    cases = samples(args.samples, args.seed)
    time_summary(cases[:5])  # warm-up: caches, statistics
    time_dashboard(cases[:5])
    result["samples"] = len(cases)
    result["summary"] = _stats(time_summary(cases))
    log(f"summary: {result['summary']}")
    result["dashboard"] = _stats(time_dashboard(cases))
    log(f"dashboard: {result['dashboard']}")
    duckdb = _duckdb()
    if duckdb is None:
        log("DuckDB is not importable: pip install --target DIR duckdb, then BENCH_DUCKDB_PATH=DIR")
    else:
        t = time.perf_counter()
        db = duckdb_copy(duckdb)
        log(f"DuckDB copy in {time.perf_counter() - t:.1f}s")
        result["agreement"] = check_agreement(db, cases[:10])
        time_duckdb(db, cases[:5])
        result["duckdb"] = _stats(time_duckdb(db, cases))
        log(f"duckdb: {result['duckdb']}")
    data: dict[str, Any] = {}
    for vendor in ("sqlite", "postgresql"):  # the report shows both backends' latest runs
        if vendor == connection.vendor:
            data[vendor] = result
        elif (BENCH_VAR / f"results-{vendor}.json").exists():
            data.update(json.loads((BENCH_VAR / f"results-{vendor}.json").read_text()))
    output = args.output or Path(f"bench/results/results-{today():%Y-%m-%d}.md")
    json_path = BENCH_VAR / f"results-{connection.vendor}.json"
    json_path.write_text(json.dumps({connection.vendor: result}, indent=1, default=str))
    write_report(output, data)
    log(f"written {output}")


if __name__ == "__main__":
    main()
