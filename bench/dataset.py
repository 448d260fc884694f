"""The whole synthetic national dataset in one command (issue 8, scope 1).

    .venv/bin/python -m bench.dataset                                   # default scale, var/bench/results.sqlite3
    .venv/bin/python -m bench.dataset --scale tiny                      # var/bench/dataset-tiny.sqlite3
    .venv/bin/python -m bench.dataset --backend postgresql              # BENCH_POSTGRES_URL
    .venv/bin/python -m bench.dataset --scale small --database-url sqlite:////tmp/x-bench.sqlite3

Stages, each by the existing generator where there is one:

1. geography and establishments — `bench.generate.ensure` (`load_geography --all`: the 63 provinces
   before 1/7/2025 and the 34 after; establishments bulk-loaded with their indexes dropped and rebuilt);
2. projects, budget lines, acceptances and indicator values — `bench.summary.generate` (20 plan years,
   2006–2025);
3. trainees (new here): `imports.Trainee` rows on the training projects that got as far as running their
   course, with Vietnamese full names (Kinh names, and Tày, Nùng, Dao, H'Mông and Thái family names where
   those peoples live), `name_key` computed exactly as the model's service does
   (`" ".join(search_tokens(full_name))`), sex, ethnicity drawn from an approximate mix per province
   (rounded from the 2019 census for the northern mountain provinces; "mostly Kinh" elsewhere — bench
   data, not statistics), birth year (aged 16–55 at the plan year), and the commune of residence: the
   project's own commune or one of its siblings (same district, or same province after the reform).
   Loaded like the others: secondary indexes dropped, `executemany` (SQLite) / `COPY` (PostgreSQL) in
   50,000-row batches, indexes recreated from the SQL `migrate` stored, then ANALYZE.

The default scale is the one bench.summary and bench.portal measure on (so `make bench` builds it once, in
its `dataset` stage, and they find it ready): 1,000,000 establishments, 40,000 projects, 5,000,000
indicator values, 2,000,000 trainees. A re-run at the same scale does nothing (each stage checks its row
count); the timings of the run that made each stage are kept in var/bench/dataset-<database>.json and
handed to the report (var/bench/figures/dataset-<backend>.json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import BENCH_VAR, setup_django

SEED = 20261201
BATCH = 50_000
GOAL_SECONDS = 15 * 60  # issue 8: the default scale in under 15 minutes


@dataclass(frozen=True)
class Scale:
    establishments: int
    projects: int
    values: int
    trainees: int


SCALES = {
    "default": Scale(1_000_000, 40_000, 5_000_000, 2_000_000),
    "small": Scale(100_000, 4_000, 500_000, 200_000),
    "tiny": Scale(20_000, 2_000, 250_000, 100_000),
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def default_url(scale: str) -> str:
    """The default scale is bench.summary's and bench.portal's database; the others have their own."""
    if scale == "default":
        from bench.summary import DEFAULT_URL

        return DEFAULT_URL
    return f"sqlite:///{BENCH_VAR / f'dataset-{scale}.sqlite3'}"


# --- trainees ------------------------------------------------------------------------------------------

# Approximate shares (per cent) by province, rounded from the 2019 census for the northern mountain
# provinces; elsewhere mostly Kinh. Synthetic bench data: good enough to make filters and counts realistic.
ETHNIC_MIX: dict[str, list[tuple[str, float]]] = {
    "lang son": [
        ("Nùng", 43),
        ("Tày", 36),
        ("Kinh", 16),
        ("Dao", 3.5),
        ("Sán Chay", 0.5),
        ("Hoa", 0.5),
        ("H'Mông", 0.5),
    ],
    "cao bang": [("Tày", 41), ("Nùng", 31), ("H'Mông", 12), ("Dao", 10), ("Kinh", 5), ("Sán Chay", 1)],
    "ha giang": [
        ("H'Mông", 33),
        ("Tày", 23),
        ("Dao", 15),
        ("Kinh", 12),
        ("Nùng", 10),
        ("Giáy", 3),
        ("Lô Lô", 1),
        ("Hoa", 3),
    ],
    "bac kan": [("Tày", 52), ("Kinh", 19), ("Dao", 17), ("H'Mông", 7), ("Nùng", 5)],
    "lao cai": [
        ("Kinh", 35),
        ("H'Mông", 26),
        ("Tày", 15),
        ("Dao", 14),
        ("Giáy", 5),
        ("Nùng", 4),
        ("Hà Nhì", 1),
    ],
    "tuyen quang": [
        ("Kinh", 47),
        ("Tày", 25),
        ("Dao", 12),
        ("Sán Chay", 8),
        ("H'Mông", 3),
        ("Nùng", 2),
        ("Sán Dìu", 3),
    ],
    "thai nguyen": [
        ("Kinh", 72),
        ("Tày", 11),
        ("Nùng", 6),
        ("Sán Dìu", 3),
        ("Dao", 2),
        ("Sán Chay", 3),
        ("H'Mông", 1),
        ("Hoa", 2),
    ],
    "bac giang": [("Kinh", 87), ("Nùng", 5), ("Tày", 3), ("Sán Chay", 2), ("Sán Dìu", 2), ("Hoa", 1)],
    "yen bai": [("Kinh", 52), ("Tày", 18), ("Dao", 11), ("H'Mông", 11), ("Thái", 6), ("Mường", 2)],
    "dien bien": [
        ("Thái", 35),
        ("H'Mông", 36),
        ("Kinh", 19),
        ("Khơ Mú", 3),
        ("Dao", 2),
        ("Hà Nhì", 1),
        ("Lào", 1),
        ("Cống", 3),
    ],
    "lai chau": [
        ("H'Mông", 24),
        ("Thái", 32),
        ("Kinh", 15),
        ("Dao", 13),
        ("Hà Nhì", 6),
        ("Giáy", 4),
        ("Lự", 2),
        ("Khơ Mú", 4),
    ],
    "son la": [("Thái", 54), ("Kinh", 17), ("H'Mông", 17), ("Mường", 8), ("Dao", 2), ("Khơ Mú", 2)],
    "hoa binh": [("Mường", 63), ("Kinh", 28), ("Thái", 4), ("Tày", 3), ("Dao", 2)],
}
ELSEWHERE = [
    ("Kinh", 92),
    ("Mường", 2),
    ("Khmer", 2),
    ("Hoa", 1),
    ("Tày", 1),
    ("Thái", 1),
    ("Ê Đê", 0.5),
    ("Gia Rai", 0.5),
]

SURNAMES_BY_PEOPLE: dict[str, list[str]] = {
    "Tày": ["Hoàng", "Nông", "Lương", "Vi", "Lý", "Hà", "Lục", "Mã", "Chu", "Lăng", "Đinh", "Dương", "Triệu"],
    "Nùng": ["Hoàng", "Nông", "Lương", "Vi", "Lý", "Hà", "Lục", "Mã", "Chu", "Lăng", "Hứa", "Hà", "Lộc"],
    "Dao": ["Triệu", "Bàn", "Đặng", "Lý", "Chảo", "Phùng", "Trương"],
    "H'Mông": ["Giàng", "Sùng", "Vàng", "Lù", "Thào", "Mua", "Hầu", "Ly", "Vừ", "Sình"],
    "Thái": ["Lò", "Cầm", "Lường", "Quàng", "Tòng", "Vì", "Hoàng", "Lù"],
    "Mường": ["Bùi", "Đinh", "Quách", "Hà", "Xa"],
    "Sán Chay": ["Hoàng", "Lý", "Tô", "Lưu", "Trần"],
}
HMONG_MALE_MIDDLE = ["A", "Seo", "Mí", "Văn"]
HMONG_MALE_GIVEN = ["Páo", "Sính", "Chứ", "Dua", "Lềnh", "Pó", "Tủa", "Chá", "Dế", "Vư"]
HMONG_FEMALE_GIVEN = ["Mỷ", "Dợ", "Sua", "Chu", "Mai", "Pà", "Súa", "Dính"]
DAO_GIVEN = ["Phú", "Chài", "Tiến", "Mây", "Sểnh", "Quẩy", "Phin", "Chòi", "Mùi", "Kiều"]


def _people(name: str) -> str:
    from khuyencong.core.text import fold

    return fold(name).replace("tinh ", "").replace("thanh pho ", "").strip()


class TraineeMaker:
    """Deterministic trainee rows (per project, so a project's trainees never depend on another's)."""

    def __init__(self, seed: int, siblings: dict[int, list[int]], provinces: dict[int, str]) -> None:
        from bench.generate import GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M, SURNAMES, Picker, _zipf
        from khuyencong.core.text import search_tokens

        self.seed = seed
        self.siblings = siblings
        self.provinces = provinces
        self.search_tokens = search_tokens
        self.kinh_surname = Picker(SURNAMES)
        self.given_m = Picker(_zipf(GIVEN_M, 0.5))
        self.given_f = Picker(_zipf(GIVEN_F, 0.5))
        self.middle_m, self.middle_f = MIDDLE_M, MIDDLE_F
        self.mixes = {key: Picker(mix) for key, mix in ETHNIC_MIX.items()}
        self.elsewhere = Picker(ELSEWHERE)
        self.keys: dict[str, str] = {}

    def mix(self, commune: int) -> Any:
        province = self.provinces.get(commune, "")
        return self.mixes.get(province, self.elsewhere)

    def full_name(self, rng: random.Random, people: str, female: bool) -> str:
        if people == "H'Mông":
            surname = rng.choice(SURNAMES_BY_PEOPLE[people])
            if female:
                return f"{surname} Thị {rng.choice(HMONG_FEMALE_GIVEN)}"
            return f"{surname} {rng.choice(HMONG_MALE_MIDDLE)} {rng.choice(HMONG_MALE_GIVEN)}"
        if people == "Dao":
            surname = rng.choice(SURNAMES_BY_PEOPLE[people])
            given = (
                rng.choice(DAO_GIVEN)
                if rng.random() < 0.5
                else (self.given_f if female else self.given_m)(rng)
            )
            return f"{surname} {'Thị' if female else rng.choice(['Văn', 'Tòn', 'Phúc'])} {given}"
        surnames = SURNAMES_BY_PEOPLE.get(people)
        surname = rng.choice(surnames) if surnames else self.kinh_surname(rng)
        if female:
            return f"{surname} {rng.choice(self.middle_f)} {self.given_f(rng)}"
        return f"{surname} {rng.choice(self.middle_m)} {self.given_m(rng)}"

    def name_key(self, full_name: str) -> str:
        key = self.keys.get(full_name)
        if key is None:
            key = self.keys[full_name] = " ".join(self.search_tokens(full_name))
        return key

    def rows(
        self, project_id: int, unit_id: int, plan_year: int, n: int, now: dt.datetime
    ) -> Iterator[tuple[Any, ...]]:
        rng = random.Random(self.seed * 1_000_003 + project_id)
        nearby = self.siblings.get(unit_id) or [unit_id]
        mix = self.mix(unit_id)
        seen: set[tuple[str, int]] = set()
        made = 0
        while made < n:
            female = rng.random() < 0.56
            people = mix(rng)
            name = self.full_name(rng, people, female)
            birth = plan_year - int(rng.triangular(16, 55, 28))
            key = self.name_key(name)
            if (key, birth) in seen:  # imports_trainee_once_per_course: one person once per course
                continue
            seen.add((key, birth))
            commune = unit_id if rng.random() < 0.45 else rng.choice(nearby)
            # Most rosters carry the citizen ID (province of birth registration, century and sex digit,
            # year, six digits: the shape privacy.validators checks; 020 is Lạng Sơn) and a mobile phone.
            id_number = phone = ""
            if rng.random() < 0.7:
                century = (0 if birth < 2000 else 2) + (1 if female else 0)
                id_number = f"020{century}{birth % 100:02d}{rng.randrange(1_000_000):06d}"
                phone = f"09{rng.randrange(100_000_000):08d}"
            yield (
                project_id,
                name,
                key,
                "female" if female else "male",
                people,
                birth,
                commune,
                id_number,
                phone,
                now,
                now,
            )
            made += 1


TRAINEE_COLUMNS = (
    "project_id",
    "full_name",
    "name_key",
    "sex",
    "ethnicity",
    "birth_year",
    "commune_id",
    "id_number",
    "phone",
    "created_at",
    "updated_at",
)
# The training projects whose course ran (or was at least contracted): those that have trainees.
COURSE_STATUSES = (
    "contracted",
    "in_progress",
    "awaiting_acceptance",
    "accepted",
    "settled",
    "closed",
    "not_accepted",
)


def _geography() -> tuple[dict[int, list[int]], dict[int, str]]:
    """Commune id → the communes under the same parent; commune id → its province's folded name."""
    from khuyencong.geo.choices import Level
    from khuyencong.geo.models import AdministrativeUnit

    units = {
        pk: (level, parent, name)
        for pk, level, parent, name in AdministrativeUnit.objects.values_list(
            "id", "level", "parent_id", "name"
        )
    }
    siblings: dict[int, list[int]] = {}
    by_parent: dict[int | None, list[int]] = {}
    for pk, (level, parent, _name) in units.items():
        if level == Level.COMMUNE:
            by_parent.setdefault(parent, []).append(pk)
    for group in by_parent.values():
        for pk in group:
            siblings[pk] = group
    provinces: dict[int, str] = {}
    for pk, (level, _parent, _name) in units.items():
        if level != Level.COMMUNE:
            continue
        up: int | None = pk
        while up is not None and units[up][0] != Level.PROVINCE:
            up = units[up][1]
        if up is not None:
            provinces[pk] = _people(units[up][2])
    return siblings, provinces


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to weights that add up to total exactly (largest remainder)."""
    if not weights:
        return []
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    shares = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _bulk(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    raw = connection.connection
    if connection.vendor == "sqlite":
        cur = raw.cursor()
        raw.execute("BEGIN")
        cur.executemany(
            f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})', rows
        )
        raw.execute("COMMIT")
    else:
        with (
            raw.cursor() as cur,
            raw.transaction(),
            cur.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row)


def delete_trainees() -> None:
    from django.db import connection

    from khuyencong.imports.models import Trainee

    with connection.cursor() as cur:
        cur.execute(f'DELETE FROM "{Trainee._meta.db_table}"')


def generate_trainees(n: int, seed: int = SEED) -> dict[str, float]:
    """n trainees over the training projects that ran their course; returns the timings."""
    from django.db import connection
    from django.utils import timezone

    from bench.generate import _pg_secondary, _sqlite_secondary
    from khuyencong.imports.models import Trainee
    from khuyencong.projects.models import Project

    timings: dict[str, float] = {}
    t = time.perf_counter()
    delete_trainees()
    siblings, provinces = _geography()
    courses = list(
        Project.objects.filter(category="training", status__in=COURSE_STATUSES)
        .order_by("id")
        .values_list("id", "unit_id", "plan_year")
    )
    if not courses and n:
        sys.exit("no training project to attach trainees to: generate the projects first")
    rng = random.Random(seed)
    sizes = _apportion(n, [rng.uniform(0.4, 1.6) for _ in courses])
    maker = TraineeMaker(seed, siblings, provinces)
    timings["plan (geography, courses)"] = time.perf_counter() - t

    table = Trainee._meta.db_table
    connection.ensure_connection()
    cursor = connection.cursor()
    if connection.vendor == "sqlite":
        cursor.execute("PRAGMA synchronous=OFF")
        indexes, _triggers = _sqlite_secondary(cursor.cursor, table)
    else:
        indexes = _pg_secondary(cursor.cursor, table)
    for name, _sql in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    now = timezone.now()
    t0 = time.perf_counter()
    made_time = 0.0
    batch: list[tuple[Any, ...]] = []
    done = 0
    for (project_id, unit_id, plan_year), size in zip(courses, sizes, strict=True):
        g = time.perf_counter()
        batch.extend(maker.rows(project_id, unit_id, plan_year, size, now))
        made_time += time.perf_counter() - g
        if len(batch) >= BATCH:
            _bulk(table, TRAINEE_COLUMNS, batch)
            done += len(batch)
            batch = []
            if done % 500_000 < BATCH:
                log(f"  {done:>9,} trainees  {time.perf_counter() - t0:6.1f}s")
    if batch:
        _bulk(table, TRAINEE_COLUMNS, batch)
    timings["trainee rows made in Python"] = made_time
    timings["trainees inserted (incl. making)"] = time.perf_counter() - t0
    t = time.perf_counter()
    for _name, create in indexes:
        cursor.execute(create)
    timings["trainee indexes recreated"] = time.perf_counter() - t
    t = time.perf_counter()
    if connection.vendor == "sqlite":
        cursor.execute(f'ANALYZE "{table}"')
        cursor.execute("PRAGMA synchronous=NORMAL")
    else:
        cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    timings["trainees ANALYZE"] = time.perf_counter() - t
    return timings


# --- the whole dataset ---------------------------------------------------------------------------------


def _state_path() -> Path:
    from bench.generate import report_path

    return Path(str(report_path()).replace(".generate.json", ".dataset.json"))


def ensure(scale: Scale, *, seed: int = SEED, regenerate: bool = False) -> dict[str, Any]:
    """Bring the configured database to the scale; returns per stage whether it ran and how long it took."""
    from django.core.management import call_command
    from django.db import connection

    from bench import generate as establishments
    from bench import summary
    from khuyencong.imports.models import Trainee
    from khuyencong.projects.models import Project

    establishments.check_database(False)
    path = _state_path()
    saved: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    if saved.get("scale") != asdict(scale):
        saved = {}
    state: dict[str, Any] = {"vendor": connection.vendor, "scale": asdict(scale), "stages": {}}
    t_all = time.perf_counter()

    t = time.perf_counter()
    made = establishments.ensure(scale.establishments, do_reset=regenerate, log=log)
    call_command("migrate", verbosity=0)  # a bench database made before the latest migrations gets them
    state["stages"]["geography + establishments"] = {
        "skipped": bool(made.get("skipped")),
        "seconds": made["timings"].get("total", time.perf_counter() - t),
        "detail": made["timings"],
    }

    stage = "projects + indicator values"
    if regenerate or Project.objects.count() != scale.projects:
        log(
            f"{connection.vendor}: generating {scale.projects:,} projects and {scale.values:,} indicator values"
        )
        delete_trainees()  # they hang off the projects summary.generate deletes
        t = time.perf_counter()
        made = summary.generate(scale.projects, scale.values, summary.SEED)
        state["stages"][stage] = {
            "skipped": False,
            "seconds": time.perf_counter() - t,
            "detail": made["timings"],
        }
        regenerate = True  # new projects: new trainees
    else:
        log(f"{connection.vendor}: already {scale.projects:,} projects, nothing to do")
        state["stages"][stage] = {**saved.get("stages", {}).get(stage, {}), "skipped": True}

    stage = "trainees"
    if regenerate or Trainee.objects.count() != scale.trainees:
        log(f"{connection.vendor}: generating {scale.trainees:,} trainees")
        t = time.perf_counter()
        detail = generate_trainees(scale.trainees, seed)
        state["stages"][stage] = {"skipped": False, "seconds": time.perf_counter() - t, "detail": detail}
    else:
        log(f"{connection.vendor}: already {scale.trainees:,} trainees, nothing to do")
        state["stages"][stage] = {**saved.get("stages", {}).get(stage, {}), "skipped": True}

    state["counts"] = {**summary.counts(), "trainees": Trainee.objects.count()}
    state["this run seconds"] = time.perf_counter() - t_all
    # The time it takes to make the dataset: the stages as they were when each was last made.
    state["total seconds"] = sum(s.get("seconds", 0.0) for s in state["stages"].values())
    state["written_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    if any(not s["skipped"] for s in state["stages"].values()):
        path.write_text(json.dumps(state, indent=1, default=str))
    else:
        state = {**saved, "skipped": True, "counts": state["counts"]} if saved else {**state, "skipped": True}
    return state


def estimate(measured: dict[str, Any], target: Scale) -> dict[str, float]:
    """Seconds per stage at `target`, scaled linearly by rows from a measured (smaller) run.

    Migrating and loading the geography cost the same at any scale, so they are not scaled.
    """
    scale = Scale(**measured["scale"])
    ratios = {
        "geography + establishments": target.establishments / scale.establishments,
        "projects + indicator values": (target.values + target.projects * 10)
        / (scale.values + scale.projects * 10),
        "trainees": target.trainees / max(scale.trainees, 1),
    }
    out = {}
    for name, stage in measured["stages"].items():
        detail = stage.get("detail", {})
        fixed = detail.get("migrate", 0.0) + detail.get("geography", 0.0)
        out[name] = fixed + (stage.get("seconds", 0.0) - fixed) * ratios[name]
    return out


def record_figures(state: dict[str, Any], scale_name: str) -> None:
    from bench.figures import Figure, record

    counts = state.get("counts", {})
    rows = (
        f"{counts.get('establishments', 0):,} establishments, {counts.get('projects', 0):,} projects, "
        f"{counts.get('indicator values (acceptance + recorded)', 0):,} values, {counts.get('trainees', 0):,} trainees"
    )
    figures = [
        Figure(f"dataset: {name}", median=stage.get("seconds"), unit="s", goal="", rows=rows)
        for name, stage in state["stages"].items()
    ]
    total = state.get("total seconds", 0.0)
    at_default = scale_name == "default"
    figures.append(
        Figure(
            "dataset: whole generation",
            median=total,
            unit="s",
            goal=f"< {GOAL_SECONDS // 60} min at the default scale"
            if at_default
            else "(not the default scale)",
            met=(total < GOAL_SECONDS) if at_default else None,
            rows=rows,
        )
    )
    extra = {"scale": scale_name, "state": state}
    if not at_default:
        extra["estimate at default scale (s)"] = estimate(state, SCALES["default"])
    record("dataset", str(state.get("vendor")), figures, rows=rows, extra=extra)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="default")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--database-url", default=None, help="overrides --backend (its name must contain 'bench')"
    )
    parser.add_argument("--regenerate", action="store_true", help="make every stage again")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    url = args.database_url
    if url is None:
        url = (
            os.environ.get("BENCH_POSTGRES_URL") if args.backend == "postgresql" else default_url(args.scale)
        )
    if not url:
        sys.exit("BENCH_POSTGRES_URL is not set")
    os.environ["KHUYENCONG_PROVINCE"] = "all"
    os.environ.pop("DATABASE_URL", None)
    setup_django(url)
    scale = SCALES[args.scale]
    t = time.perf_counter()
    state = ensure(scale, seed=args.seed, regenerate=args.regenerate)
    record_figures(state, args.scale)
    for name, stage in state["stages"].items():
        log(
            f"  {name:<32} {stage.get('seconds', 0.0):8.1f} s{'  (made earlier)' if stage.get('skipped') else ''}"
        )
    log(
        f"  {'total (as made)':<32} {state.get('total seconds', 0.0):8.1f} s; this run {time.perf_counter() - t:.1f} s"
    )
    if args.scale != "default":
        guess = estimate(state, SCALES["default"])
        log(
            f"  estimate at the default scale: {sum(guess.values()) / 60:.1f} min ({', '.join(f'{k} {v:.0f} s' for k, v in guess.items())})"
        )
    log(json.dumps(state["counts"], indent=1))


if __name__ == "__main__":
    main()
