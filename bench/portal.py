"""The public portal under load (issue 6): anonymous article, product and project pages, served by the
production server `make run` uses (gunicorn with gunicorn.conf.py) and driven by wrk on loopback.

    .venv/bin/python -m bench.portal                                  # SQLite, var/bench/results.sqlite3
    BENCH_POSTGRES_URL=postgres://… .venv/bin/python -m bench.portal --backend postgresql
    .venv/bin/python -m bench.portal --seconds 30 --output bench/results/portal-2026-11-26.md

Data: the national-scale database of bench.summary (the whole country's geography, 1,000,000
establishments, 40,000 projects over 20 years; generated there if missing) plus --articles news articles
and --products recognised typical products, added here in bulk. KHUYENCONG_PROVINCE=all, so the portal
publishes the whole country.

Two runs, each after a fresh start of the server:

* cold: the page cache emptied, then wrk walks a shuffled list of every article, product and public
  project page plus list pages (tens of thousands of paths, more than a run can fetch: no path is
  asked for twice, so every answer is rendered from the database);
* warm: --urls paths (a third each of articles, products and projects, and some list pages), each
  fetched once before the run, then asked for at random by wrk.

The goal (issue 6): at least 500 requests per second with p99 under 100 ms. The server and wrk share
the machine's cores; the figures say so beside the machine's description.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import BENCH_VAR, PROJECT_DIR, setup_django
from bench.load import LoadResult, gunicorn, wrk

GOAL_RPS = 500
GOAL_P99_MS = 100
SEED = 20261126


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- data ------------------------------------------------------------------------------------------


TOPICS = [
    ("Hỗ trợ máy sấy chè cho hợp tác xã", "máy sấy chè"),
    ("Mô hình trình diễn chế biến gỗ rừng trồng", "chế biến gỗ"),
    ("Tập huấn khởi sự doanh nghiệp nông thôn", "khởi sự"),
    ("Hội chợ hàng công nghiệp nông thôn tiêu biểu", "hội chợ"),
    ("Ứng dụng máy móc tiên tiến trong sản xuất miến dong", "miến dong"),
    ("Sản xuất sạch hơn tại cơ sở chế biến hồi", "hoa hồi"),
]
PRODUCTS = ["Miến dong", "Chè Shan tuyết", "Tinh dầu hồi", "Rượu men lá", "Bánh khảo", "Khay mây tre"]


def ensure_portal_content(n_articles: int, n_products: int) -> dict[str, int]:
    """Add synthetic articles and recognised products in bulk until there are as many as asked."""
    from django.db import transaction
    from django.utils import timezone

    from khuyencong.core.text import search_key
    from khuyencong.establishments.models import Establishment
    from khuyencong.portal.models import Article
    from khuyencong.products.choices import ProductGroup, RecognitionLevel
    from khuyencong.products.models import Product, Recognition

    rng = random.Random(SEED)
    have = Article.objects.count()
    if have < n_articles:
        start = timezone.now() - dt.timedelta(days=n_articles)
        batch = []
        for i in range(have, n_articles):
            title, key = TOPICS[i % len(TOPICS)]
            title = f"{title} ({i + 1})"
            body = "".join(
                f"<p>Đoạn {p + 1}: {key} — nội dung tin tổng hợp cho bài đo tải số {i + 1}.</p>"
                for p in range(8)
            )
            batch.append(
                Article(
                    title=title,
                    slug=f"bench-tin-{i + 1}",
                    summary=f"Tóm tắt tin {i + 1} về {key}.",
                    body=body,
                    published_at=start + dt.timedelta(days=i, minutes=rng.randrange(600)),
                    source="Bài tổng hợp cho bài đo tải",
                    search_key=search_key(title, key),
                )
            )
        with transaction.atomic():
            Article.objects.bulk_create(batch, batch_size=1000)
    have = Product.objects.count()
    if have < n_products:
        producers = list(
            Establishment.objects.filter(merged_into__isnull=True)
            .order_by("id")
            .values_list("id", "commune_id", "name")[: n_products - have]
        )
        groups = list(ProductGroup.values)
        products = []
        for i, (producer, commune, name) in enumerate(producers, start=have):
            product_name = f"{PRODUCTS[i % len(PRODUCTS)]} {name}"[:200]
            products.append(
                Product(
                    name=product_name,
                    slug=f"bench-san-pham-{i + 1}",
                    group=groups[i % len(groups)],
                    producer_id=producer,
                    commune_id=commune,
                    description="Sản phẩm tổng hợp cho bài đo tải.",
                    search_key=search_key(product_name)[:800],
                )
            )
        with transaction.atomic():
            made = Product.objects.bulk_create(products, batch_size=1000)
            Recognition.objects.bulk_create(
                [
                    Recognition(
                        product=p,
                        level=RecognitionLevel.PROVINCE,
                        year=2016 + i % 10,
                        decided_on=dt.date(2016 + i % 10, 10, 1),
                    )
                    for i, p in enumerate(made)
                ],
                batch_size=1000,
            )
    return {"articles": Article.objects.count(), "products": Product.objects.count()}


def paths(seed: int) -> dict[str, list[str]]:
    """Every public detail page, and list pages, by kind."""
    from django.urls import reverse

    from khuyencong.portal.models import Article
    from khuyencong.products.selectors import public_products
    from khuyencong.transparency.selectors import public_projects

    articles = [
        reverse("portal:detail", kwargs={"slug": slug})
        for slug in Article.objects.filter(published_at__isnull=False).values_list("slug", flat=True)
    ]
    products = [
        reverse("products:detail", kwargs={"slug": slug})
        for slug in public_products().order_by().values_list("slug", flat=True).distinct()
    ]
    projects = [
        reverse("transparency:detail", kwargs={"code": code})
        for code in public_projects().order_by().values_list("code_key", flat=True)
    ]
    lists = [f"{reverse('portal:list')}?page={n}" for n in range(1, 101)]
    lists += [f"{reverse('products:list')}?page={n}" for n in range(1, 101)]
    lists += [f"{reverse('transparency:list')}?page={n}" for n in range(1, 101)]
    rng = random.Random(seed)
    for found in (articles, products, projects, lists):
        rng.shuffle(found)
    return {"articles": articles, "products": products, "projects": projects, "lists": lists}


def warm_set(found: dict[str, list[str]], n: int) -> list[str]:
    share = n * 3 // 10
    chosen = found["articles"][:share] + found["products"][:share] + found["projects"][:share]
    chosen += found["lists"][: n - len(chosen)]
    return chosen


def cold_list(found: dict[str, list[str]], seed: int) -> list[str]:
    every = [p for kind in ("articles", "products", "projects", "lists") for p in found[kind]]
    random.Random(seed + 1).shuffle(every)
    return every


# --- runs ------------------------------------------------------------------------------------------


def run(args: argparse.Namespace, url: str) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import check_database, ensure
    from bench.summary import N_PROJECTS, N_VALUES, counts, generate
    from bench.summary import SEED as SUMMARY_SEED
    from khuyencong.core import public_cache
    from khuyencong.projects.models import Project

    check_database(False)
    ensure(args.establishments, log=log)
    call_command("migrate", verbosity=0)
    if Project.objects.count() != N_PROJECTS:
        log(f"generating {N_PROJECTS:,} projects and {N_VALUES:,} indicator values")
        generate(N_PROJECTS, N_VALUES, SUMMARY_SEED)
    portal = ensure_portal_content(args.articles, args.products)
    rows = {**counts(), **portal}
    log(json.dumps(rows, indent=1))
    found = paths(args.seed)
    rows["public project pages"] = len(found["projects"])
    rows["public product pages"] = len(found["products"])
    cold_paths = cold_list(found, args.seed)
    warm_paths = warm_set(found, args.urls)
    connection.close()

    env = {
        "DATABASE_URL": url,
        "KHUYENCONG_PROVINCE": "all",
        "KHUYENCONG_VAR_DIR": str(BENCH_VAR / f"portal-var-{args.backend}"),
        "LOG_LEVEL": "WARNING",
    }
    server_log = BENCH_VAR / f"portal-gunicorn-{args.backend}.log"
    results: dict[str, Any] = {"rows": rows, "vendor": args.backend, "paths": {}}

    # The server's own var folder: its page cache, and the static files `make setup` would collect.
    _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    public_cache.clear()
    with gunicorn(env, workers=args.workers, log=server_log) as base:
        _clear_server_cache(env)
        log(f"cold: {len(cold_paths):,} paths, {args.seconds} s, {args.connections} connections")
        cold = wrk(base, cold_paths, seconds=args.seconds, connections=args.connections)
        log(f"cold: {cold}")
    results["cold"] = _as_dict(cold)
    results["paths"]["cold"] = len(cold_paths)

    with gunicorn(env, workers=args.workers, log=server_log) as base:
        log(f"warm-up: {len(warm_paths):,} paths once each")
        t = time.perf_counter()
        statuses = fetch_all(base, warm_paths)
        log(f"warm-up pass in {time.perf_counter() - t:.0f} s: {statuses}")
        warm = wrk(base, warm_paths, seconds=args.seconds, connections=args.connections, order="random")
        log(f"warm: {warm}")
    results["warm"] = _as_dict(warm)
    results["paths"]["warm"] = len(warm_paths)
    return results


def fetch_all(base: str, paths: list[str], threads: int = 6) -> dict[int, int]:
    """Ask for every path once (a few at a time), so that the warm run starts with all of them stored."""
    import urllib.error
    import urllib.request
    from collections import Counter
    from concurrent.futures import ThreadPoolExecutor

    def get(path: str) -> int:
        request = urllib.request.Request(base + path, headers={"Accept-Language": "vi"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    with ThreadPoolExecutor(threads) as pool:
        return dict(Counter(pool.map(get, paths)))


def _as_dict(result: LoadResult) -> dict[str, Any]:
    return {**dataclasses.asdict(result), "per_second": result.per_second}


def _manage(env: dict[str, str], *command: str) -> None:
    """A management command in the server's environment (its database and var folder)."""
    subprocess.run(
        [str(PROJECT_DIR / ".venv" / "bin" / "khuyencong"), *command],
        env={**os.environ, **env},
        check=True,
        cwd=PROJECT_DIR,
    )


def _clear_server_cache(env: dict[str, str]) -> None:
    """Empty the page cache the server uses (its own var folder), from a separate process."""
    subprocess.run(
        [
            str(PROJECT_DIR / ".venv" / "bin" / "python"),
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'khuyencong.settings');"
            "django.setup(); from khuyencong.core import public_cache; public_cache.clear()",
        ],
        env={**os.environ, **env},
        check=True,
        cwd=PROJECT_DIR,
    )


# --- report ----------------------------------------------------------------------------------------


def machine() -> str:
    cpus = os.cpu_count() or 0
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        memory = 0.0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return (
        f"{platform.machine()}, {cpus} cores, {memory:.0f} GB RAM, Python {platform.python_version()}, "
        f"load average {load:.1f} at the end of the run"
    )


def _row(name: str, r: dict[str, Any], paths: int) -> str:
    met = r["per_second"] >= GOAL_RPS and r["p99_ms"] < GOAL_P99_MS and r["errors"] == 0
    return (
        f"| {name} | {paths:,} | {r['requests']:,} | {r['per_second']:.0f} | {r['p50_ms']:.1f} | "
        f"{r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} | {'yes' if met else 'no'} |"
    )


def write_report(path: Path, data: dict[str, Any], args: argparse.Namespace) -> None:
    lines = [
        f"# Public portal under load — {dt.date.today():%Y-%m-%d}",
        "",
        "Produced by `python -m bench.portal` (bench/portal.py). Server: gunicorn with gunicorn.conf.py "
        f"({args.workers} sync workers, as `make run`), DEBUG off, anonymous readers; load: wrk, "
        f"{args.connections} connections, {args.seconds} s per run, on the same machine. "
        f"Machine: {machine()}.",
        "",
        f"Goal (issue 6): at least {GOAL_RPS} requests/s with p99 under {GOAL_P99_MS} ms, no error.",
        "",
    ]
    for backend, result in data.items():
        lines += [f"## {backend}", "", "Rows:", ""]
        lines += [f"- {name}: {value:,}" for name, value in result["rows"].items()]
        lines += [
            "",
            "| run | distinct paths | requests | req/s | p50 ms | p90 ms | p99 ms | errors | goal met |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
            _row("cold cache (no path twice)", result["cold"], result["paths"]["cold"]),
            _row("warm cache (random over the set)", result["warm"], result["paths"]["warm"]),
            "",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def record_figures(result: dict[str, Any], args: argparse.Namespace) -> None:
    """Cold and warm runs for bench/report.py: the latency and, beside it, the throughput goal."""
    from bench.figures import Figure, record

    rows = result["rows"]
    figures = []
    for run_name in ("cold", "warm"):
        r = result[run_name]
        met = r["per_second"] >= GOAL_RPS and r["p99_ms"] < GOAL_P99_MS and r["errors"] == 0
        figures.append(
            Figure(
                f"public portal, {run_name} cache ({r['per_second']:.0f} req/s, {r['errors']} errors)",
                r["p50_ms"],
                r["p99_ms"],
                goal=f"≥ {GOAL_RPS} req/s, p99 < {GOAL_P99_MS} ms",
                met=met,
            )
        )
    record(
        "portal",
        args.backend,
        figures,
        rows=f"{rows.get('projects', 0):,} projects, {rows.get('articles', 0):,} articles, "
        f"{rows.get('products', 0):,} products",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--products", type=int, default=5_000)
    parser.add_argument("--establishments", type=int, default=1_000_000)
    parser.add_argument("--urls", type=int, default=2_000, help="distinct paths of the warm run (≥ 1,000)")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.urls < 1000:
        parser.error("--urls: at least 1,000 distinct paths")
    from bench.summary import DEFAULT_URL

    url = (
        os.environ.get("BENCH_POSTGRES_URL")
        if args.backend == "postgresql"
        else os.environ.get("DATABASE_URL", DEFAULT_URL)
    )
    if not url:
        sys.exit("BENCH_POSTGRES_URL is not set")
    os.environ["KHUYENCONG_PROVINCE"] = "all"
    os.environ["KHUYENCONG_VAR_DIR"] = str(BENCH_VAR / f"portal-var-{args.backend}")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    setup_django(url)
    result = run(args, url)
    (BENCH_VAR / f"portal-{args.backend}.json").write_text(json.dumps(result, indent=1))
    record_figures(result, args)
    # One report for both backends: the other backend's last run is read back from its JSON.
    data: dict[str, Any] = {}
    for backend in ("sqlite", "postgresql"):
        saved = BENCH_VAR / f"portal-{backend}.json"
        if saved.exists():
            data[backend] = json.loads(saved.read_text())
    output = args.output or Path(f"bench/results/portal-{dt.date.today():%Y-%m-%d}.md")
    write_report(output, data, args)
    log(f"written {output}")


if __name__ == "__main__":
    main()
