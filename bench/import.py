"""Import 100,000 establishments from XLSX, validated, and the same file through django-import-export.

    .venv/bin/python -m bench.import                      # SQLite var/bench/import.sqlite3, report to bench/results/
    .venv/bin/python -m bench.import -n 20000 --output /tmp/import.md

The real path, timed step by step on a fresh SQLite database with Lạng Sơn's geography:
1. generate an XLSX of N rows with xlsxwriter (constant_memory): Vietnamese names, a valid tax code on
   most rows, legal form and sector by their Vietnamese labels, the commune by today's name or (one row in
   ten) by its name before 1/7/2025, counts typed as numbers or as text ("1.286");
2. dry run (`run_import(..., dry_run=True)`), as the page does first;
3. import (`dry_run=False`): every row checked again and written in one transaction;
4. the same file again: nothing changes (idempotency), nothing written;
5. the registry emptied, then the same file through django-import-export: a ModelResource for
   Establishment matched by tax code, labels mapped to codes, the commune by name, every instance
   validated with full_clean (clean_model_instances), a dry run then the import, as ours.
Peak memory is the process's resident set (ru_maxrss), which includes calamine's Rust buffers, measured
in a child process per step so one step's peak does not hide the next one's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench import BENCH_VAR, PROJECT_DIR, setup_django

DB = BENCH_VAR / "import.sqlite3"
RESULTS = PROJECT_DIR / "bench" / "results"
SEED = 20251201
GOAL_SECONDS = 60.0
GOAL_RATIO = 5.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- data ----------------------------------------------------------------------------------------------

SURNAMES = ["Nguyễn", "Hoàng", "Lương", "Vi", "Lý", "Nông", "Hà", "Chu", "Triệu", "Lâm", "Đinh", "Phạm"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Hữu", "Ngọc"]
GIVEN = ["Hùng", "Long", "Thịnh", "Phát", "Lan", "Hoa", "Sơn", "Tùng", "Mai", "Cường", "Dũng", "Hải"]
TRADES = [
    ("Chế biến nông, lâm, thuỷ sản", "chế biến lâm sản"),
    ("Chế biến thực phẩm", "chế biến thực phẩm"),
    ("Sản xuất vật liệu xây dựng", "gạch không nung"),
    ("Cơ khí, sửa chữa máy móc thiết bị", "cơ khí"),
    ("Thủ công mỹ nghệ, ngành nghề truyền thống", "mây tre đan"),
    ("Dệt may, da giày", "may mặc"),
]
FORMS = [
    ("Hộ kinh doanh", "Hộ kinh doanh", 42),
    ("Doanh nghiệp siêu nhỏ", "Công ty TNHH", 24),
    ("Doanh nghiệp nhỏ", "Công ty cổ phần", 11),
    ("Hợp tác xã", "Hợp tác xã", 10),
    ("Tổ hợp tác", "Tổ hợp tác", 6),
    ("Nghệ nhân", "Cơ sở", 4),
    ("Doanh nghiệp vừa", "Công ty TNHH", 3),
]
HEADER = [
    "STT",
    "Tên cơ sở",
    "Loại hình",
    "Mã số thuế",
    "Người đại diện",
    "Điện thoại",
    "Địa chỉ",
    "Xã/phường",
    "Ngành nghề",
    "Số lao động",
    "Trong đó lao động nữ",
    "Trong đó lao động dân tộc thiểu số",
    "Năm thành lập",
]


def _tax_code(n: int) -> str:
    from khuyencong.establishments.tax_code import check_digit

    base = n
    while True:
        first_nine = f"49{base:07d}"
        digit = check_digit(first_nine)
        if digit is not None:
            return first_nine + str(digit)
        base += 5_000_000  # stays unique: the bench never needs more than 5 million codes


def generate(path: Path, n: int) -> dict[str, Any]:
    """The bench file; returns what it holds (rows, communes, old names used)."""
    import xlsxwriter

    from khuyencong.geo.choices import Generation, Level
    from khuyencong.geo.models import AdministrativeUnit, UnitSuccession

    rng = random.Random(SEED)
    current = list(
        AdministrativeUnit.objects.filter(
            level=Level.COMMUNE, generation=Generation.CURRENT, parent__code="20"
        )
        .order_by("code")
        .values_list("name", flat=True)
    )
    # Old communes carried to exactly one new unit, whose old name no current commune bears: unambiguous.
    single = {
        link.predecessor_id: link.predecessor
        for link in UnitSuccession.objects.select_related("predecessor__parent").filter(
            predecessor__level=Level.COMMUNE, predecessor__parent__parent__code="20"
        )
    }
    counts: dict[int, int] = {}
    for link in UnitSuccession.objects.filter(predecessor_id__in=list(single)):
        counts[link.predecessor_id] = counts.get(link.predecessor_id, 0) + 1
    current_short = {
        s.lower()
        for s in AdministrativeUnit.objects.filter(
            level=Level.COMMUNE, generation=Generation.CURRENT
        ).values_list("short_name", flat=True)
    }
    legacy_names = sorted(
        {
            f"{unit.name}, {unit.parent.name}"
            for pk, unit in single.items()
            if counts.get(pk) == 1
            and unit.parent is not None
            and unit.short_name.lower() not in current_short
        }
    )
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Cơ sở")
    sheet.write_row(0, 0, HEADER)
    weights = [w for _l, _p, w in FORMS]
    for i in range(1, n + 1):
        label, prefix, _w = rng.choices(FORMS, weights)[0]
        sector, trade = rng.choice(TRADES)
        person = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        name = (
            f"{prefix} {trade} {person} {i}"
            if prefix in {"Hộ kinh doanh", "Cơ sở"}
            else f"{prefix} {trade} {rng.choice(GIVEN)} {rng.choice(GIVEN)} {i}"
        )
        commune = rng.choice(legacy_names) if legacy_names and i % 10 == 0 else rng.choice(current)
        workers = rng.randint(1, 300)
        women = rng.randint(0, workers)
        minority = rng.randint(0, workers)
        tax = _tax_code(i) if rng.random() < 0.9 else ""
        row: list[Any] = [
            i,
            name,
            label,
            tax,
            person,
            f"09{rng.randint(10_000_000, 99_999_999)}",
            f"Thôn {rng.randint(1, 30)}",
            commune,
            sector,
            f"{workers:,}".replace(",", ".") if i % 7 == 0 else workers,
            women,
            minority,
            rng.randint(1990, 2024),
        ]
        sheet.write_row(i, 0, row)
    workbook.close()
    return {"rows": n, "current_communes": len(current), "old_names": len(legacy_names)}


# --- steps, each in its own process -----------------------------------------------------------------


def _officer() -> Any:
    from khuyencong.accounts.models import User

    user, _created = User.objects.get_or_create(username="bench-import", defaults={"role": "officer"})
    return user


def _step(name: str, path: str, queue: Any) -> None:
    setup_django(f"sqlite:///{DB}")
    from django.db import connection

    from khuyencong.establishments.models import Establishment
    from khuyencong.imports.engine import run_import

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    before = usage.ru_maxrss
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    out: dict[str, Any] = {"step": name}
    if name in {"dry_run", "import", "again"}:
        report = run_import("establishments", Path(path), _officer(), name == "dry_run")
        out.update(
            rows=report.rows,
            errors=len(report.errors),
            first_errors=[f"{e.row} {e.column}: {e.message}" for e in report.errors[:5]],
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            committed=report.committed,
            notices=len(report.notices),
        )
    elif name in {"ie_dry_run", "ie_import"}:
        out.update(_import_export(Path(path), dry_run=name == "ie_dry_run"))
    out["seconds"] = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu_seconds"] = usage.ru_utime + usage.ru_stime - cpu_before
    out["rss_mb"] = usage.ru_maxrss / 1024
    out["rss_before_mb"] = before / 1024
    out["establishments"] = Establishment.objects.count()
    queue.put(out)


def run_step(name: str, path: Path) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_step, args=(name, str(path), queue))
    process.start()
    result = queue.get()
    process.join()
    log(
        f"  {name}: {result['seconds']:.1f} s (CPU {result['cpu_seconds']:.1f} s), peak RSS {result['rss_mb']:.0f} MB, {result}"
    )
    return dict(result)


# --- django-import-export ---------------------------------------------------------------------------


def _import_export(path: Path, *, dry_run: bool) -> dict[str, Any]:
    import tablib
    from django.conf import settings
    from import_export import fields, resources, widgets

    from khuyencong.establishments.choices import LegalForm, Sector
    from khuyencong.establishments.models import Establishment
    from khuyencong.geo.choices import Generation, Level
    from khuyencong.geo.models import AdministrativeUnit

    class ChoiceLabelWidget(widgets.Widget):
        def __init__(self, choices: Any) -> None:
            super().__init__()
            self.by_label = {str(label): code for code, label in choices}

        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
            return self.by_label.get(str(value).strip(), value)

    class CommuneWidget(widgets.ForeignKeyWidget):
        def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> Any:
            return AdministrativeUnit.objects.filter(
                level=Level.COMMUNE, generation=Generation.CURRENT, parent__code=settings.KHUYENCONG_PROVINCE
            )

    class EstablishmentResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="Tên cơ sở")
        legal_form = fields.Field(
            attribute="legal_form", column_name="Loại hình", widget=ChoiceLabelWidget(LegalForm.choices)
        )
        tax_code = fields.Field(attribute="tax_code", column_name="Mã số thuế")
        representative = fields.Field(attribute="representative", column_name="Người đại diện")
        phone = fields.Field(attribute="phone", column_name="Điện thoại")
        address = fields.Field(attribute="address", column_name="Địa chỉ")
        commune = fields.Field(
            attribute="commune", column_name="Xã/phường", widget=CommuneWidget(AdministrativeUnit, "name")
        )
        sector = fields.Field(
            attribute="sector", column_name="Ngành nghề", widget=ChoiceLabelWidget(Sector.choices)
        )
        workers = fields.Field(attribute="workers", column_name="Số lao động", widget=widgets.IntegerWidget())
        women_workers = fields.Field(
            attribute="women_workers", column_name="Trong đó lao động nữ", widget=widgets.IntegerWidget()
        )
        ethnic_minority_workers = fields.Field(
            attribute="ethnic_minority_workers",
            column_name="Trong đó lao động dân tộc thiểu số",
            widget=widgets.IntegerWidget(),
        )
        founded_year = fields.Field(
            attribute="founded_year", column_name="Năm thành lập", widget=widgets.IntegerWidget()
        )

        class Meta:
            model = Establishment
            import_id_fields = ("tax_code",)
            fields = (
                "name",
                "legal_form",
                "tax_code",
                "representative",
                "phone",
                "address",
                "commune",
                "sector",
                "workers",
                "women_workers",
                "ethnic_minority_workers",
                "founded_year",
            )
            clean_model_instances = True
            skip_unchanged = True
            skip_diff = True
            use_transactions = True

        def get_instance(self, instance_loader: Any, row: Any) -> Any:
            # Rows without a tax code are new records (import-export cannot match them otherwise).
            if not row.get("Mã số thuế"):
                return None
            return super().get_instance(instance_loader, row)

    started = time.perf_counter()
    with path.open("rb") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="xlsx")
    loaded = time.perf_counter() - started
    if "STT" in dataset.headers:
        del dataset["STT"]
    user = _officer()
    result = EstablishmentResource().import_data(dataset, dry_run=dry_run, raise_errors=False, user=user)
    totals = dict(result.totals)
    return {
        "load_seconds": loaded,
        "rows": len(dataset),
        "errors": len(result.row_errors()) + len(result.invalid_rows) + len(result.base_errors),
        "first_errors": [str(err.error)[:200] for _n, errs in result.row_errors()[:3] for err in errs[:1]]
        + [str(row.error_dict)[:200] for row in result.invalid_rows[:3]],
        "created": totals.get("new", 0),
        "updated": totals.get("update", 0),
        "unchanged": totals.get("skip", 0),
    }


# --- set-up and report -------------------------------------------------------------------------------


def prepare() -> None:
    DB.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    setup_django(f"sqlite:///{DB}")
    from django.core.management import call_command

    log("migrating and loading Lạng Sơn's geography ...")
    call_command("migrate", verbosity=0)
    call_command("load_geography", province="20", verbosity=0)
    _officer()


def empty_registry() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
        cursor.execute("DELETE FROM establishments_establishment")


def report(steps: dict[str, dict[str, Any]], n: int, info: dict[str, Any], generate_seconds: float) -> str:
    def total(key: str, *names: str) -> float:
        return sum(steps[name][key] for name in names)

    ours_wall, theirs_wall = (
        total("seconds", "dry_run", "import"),
        total("seconds", "ie_dry_run", "ie_import"),
    )
    ours_cpu, theirs_cpu = (
        total("cpu_seconds", "dry_run", "import"),
        total("cpu_seconds", "ie_dry_run", "ie_import"),
    )
    # Ratios per row: django-import-export may have run on a smaller file (--compare-rows).
    their_rows = steps["ie_import"].get("rows", n)
    scale = n / their_rows
    now = dt.datetime.now()
    load = os.getloadavg()
    lines = [
        f"# Establishment import (bench/import.py), {now:%Y-%m-%d %H:%M}",
        "",
        f"{n:,} rows of XLSX ({info['file_mb']:.1f} MB; {info['old_names']} old commune names used on one row in "
        f"ten, one count in seven typed as text like “1.286”), SQLite (WAL), Python {platform.python_version()}, "
        f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores shared with other work (load average "
        f"{load[0]:.1f} at the end). Generating the file took {generate_seconds:.1f} s (not counted). Wall time "
        "depends on what else the machine runs; CPU time (user + system of the step's process) does much less, "
        "so both are given.",
        "",
        "| step | wall s | CPU s | rows/s (CPU) | peak RSS MB | created | updated | unchanged | rows refused | in the database after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, label in [
        ("dry_run", "ours: dry run (check every row, write nothing)"),
        ("import", "ours: import (check again, write in one transaction)"),
        ("again", "ours: the same file again (nothing changes)"),
        ("ie_dry_run", "django-import-export: dry run"),
        ("ie_import", "django-import-export: import"),
    ]:
        s = steps[key]
        lines.append(
            f"| {label} | {s['seconds']:.1f} | {s['cpu_seconds']:.1f} | {s.get('rows', n) / s['cpu_seconds']:,.0f} | "
            f"{s['rss_mb']:.0f} | {s.get('created', '')} | {s.get('updated', '')} | {s.get('unchanged', '')} | "
            f"{s.get('errors', '')} | {s['establishments']:,} |"
        )
    lines += [
        "",
        f"Ours: the import step, which checks every row again before writing in one transaction, "
        f"{steps['import']['seconds']:.1f} s wall, **{steps['import']['cpu_seconds']:.1f} s CPU** (goal < "
        f"{GOAL_SECONDS:.0f} s); the officer's whole flow, dry run then import: {ours_wall:.1f} s wall, "
        f"{ours_cpu:.1f} s CPU.",
        f"django-import-export, dry run + import of {their_rows:,} rows: {theirs_wall:.1f} s wall, "
        f"{theirs_cpu:.1f} s CPU; ratio per row "
        f"**{theirs_wall * scale / ours_wall:.1f}× wall, {theirs_cpu * scale / ours_cpu:.1f}× CPU** "
        f"(aim ≥ {GOAL_RATIO:.0f}×).",
        "",
        "What each does per row. Ours: the cells typed the Vietnamese way (labels to codes, “1.286”, old commune "
        "names through the successor links), `EstablishmentForm` (the web form, with the model's `full_clean`), "
        "matching by tax code (or name and commune) with two queries per 500-row chunk, duplicates within the "
        "file, then `bulk_create` of the records and of their audit rows. django-import-export: a query per row "
        "to find the record by tax code, one for the commune, the model's `full_clean` (not the form), "
        "`save()` and no audit row; it loads the whole file with openpyxl through tablib first "
        f"({steps['ie_import'].get('load_seconds', 0):.1f} s of its import step). It cannot read a count typed "
        "“1.286” nor an old commune name, so it refuses those rows (the “rows refused” column); it still saves "
        "the others one by one, then rolls its transaction back because of the errors. A clean file would cost "
        "it about the same per row.",
        "",
        "Peak RSS is the step's whole process (Django, the file's cells in calamine's Rust buffers, the "
        "chunk being checked); each step runs in its own process.",
        "",
    ]
    return "\n".join(lines)


def record_figures(steps: dict[str, dict[str, Any]], n: int) -> None:
    """The goal's measure (the import of the file, one transaction, CPU seconds), the officer's whole flow
    (dry run first), and the ratio to django-import-export per row."""
    from bench.figures import Figure, record

    ours = steps["dry_run"]["cpu_seconds"] + steps["import"]["cpu_seconds"]
    # Per row: django-import-export may have run on a smaller file (--compare-rows).
    their_rows = steps["ie_import"].get("rows", n)
    theirs = (steps["ie_dry_run"]["cpu_seconds"] + steps["ie_import"]["cpu_seconds"]) * n / their_rows
    imported = steps["import"]["cpu_seconds"]
    record(
        "import",
        "sqlite",
        [
            Figure(
                "XLSX import (every row checked again, one transaction; CPU)",
                imported,
                unit="s",
                goal=f"< {GOAL_SECONDS:.0f} s",
                met=imported < GOAL_SECONDS,
            ),
            Figure(
                f"XLSX dry run + import, the officer's whole flow (CPU; {theirs / ours:.1f}× faster per row "
                f"than django-import-export on {their_rows:,} rows)",
                ours,
                unit="s",
                goal=f"≥ {GOAL_RATIO:.0f}× django-import-export",
                met=theirs / ours >= GOAL_RATIO,
            ),
            Figure("XLSX import, the same file again", steps["again"]["cpu_seconds"], unit="s"),
        ],
        rows=f"{n:,} rows",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument(
        "--compare-rows",
        type=int,
        default=None,
        help="rows of the file django-import-export imports (default: the same file; it takes ~8 ms a row)",
    )
    args = parser.parse_args(argv)
    prepare()
    path = BENCH_VAR / f"establishments-{args.n}.xlsx"
    started = time.perf_counter()
    info = generate(path, args.n)
    generate_seconds = time.perf_counter() - started
    info["file_mb"] = path.stat().st_size / 1024 / 1024
    log(f"generated {path} in {generate_seconds:.1f} s: {info}")
    steps: dict[str, dict[str, Any]] = {}
    for name in ("dry_run", "import", "again"):
        steps[name] = run_step(name, path)
    empty_registry()
    compare_path = path
    if args.compare_rows and args.compare_rows != args.n:
        compare_path = BENCH_VAR / f"establishments-{args.compare_rows}.xlsx"
        generate(compare_path, args.compare_rows)
    for name in ("ie_dry_run", "ie_import"):
        steps[name] = run_step(name, compare_path)
        steps[name]["rows"] = args.compare_rows or args.n
    (BENCH_VAR / "import-steps.json").write_text(
        json.dumps({"steps": steps, "info": info, "n": args.n, "generate": generate_seconds})
    )
    record_figures(steps, args.n)
    text = report(steps, args.n, info, generate_seconds)
    output = args.output or RESULTS / f"import-{dt.date.today():%Y-%m-%d}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
