"""SQL queries per page (issue 8, scope 2): does a page's query count grow with the rows it shows (N+1)?

    .venv/bin/python -m bench.queries                       # demo data (var/bench/queries-demo.sqlite3)
    .venv/bin/python -m bench.queries --dataset tiny        # and a copy of bench.dataset's tiny database

Each page of PAGES is rendered with Django's test client as the province-wide officer, with the rows the
data has, then again after more rows of the page's kind were added (clones of an existing row, or a
minimal new one where the data has none) until it holds ten times as many (capped by the page size),
and the queries are counted (CaptureQueriesContext). A page is flat when the second count is no larger
than the first. Writes var/bench/queries.json (read by bench.report) and prints the table.
tests/test_query_counts.py runs the same pages on the demo data and fails on any page that is not flat.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import os
import shutil
import sys
from collections.abc import Callable
from typing import Any

from bench import BENCH_VAR, setup_django

OFFICER = "canbo"


# --- making rows ---------------------------------------------------------------------------------------


def _unique_fields(model: Any) -> set[str]:
    names = {f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key}
    for constraint in model._meta.constraints:
        names.update(getattr(constraint, "fields", ()) or ())
    for together in model._meta.unique_together:
        names.update(together)
    return names


def clone(instance: Any, count: int, tag: str) -> None:
    """`count` copies of a row, every field of a unique constraint made distinct."""
    from django.db import models

    model = type(instance)
    unique = _unique_fields(model)
    made = []
    for i in range(count):
        copy = model.objects.get(pk=instance.pk)
        copy.pk = None
        copy.id = None
        for name in unique:
            f = model._meta.get_field(name)
            value = getattr(copy, f.attname)
            if isinstance(f, models.CharField) and not f.choices:
                suffix = f"-{tag}{i}"
                keep = int(f.max_length or 255) - len(suffix)
                setattr(copy, f.attname, str(value or "")[:keep] + suffix)
            elif isinstance(f, models.DateField) and value is not None:
                setattr(copy, f.attname, value + dt.timedelta(days=35 * (i + 1)))
            elif isinstance(f, models.IntegerField) and not f.is_relation:
                setattr(copy, f.attname, (value or 0) + 100 + i)
        made.append(copy)
    model.objects.bulk_create(made)


def _officer() -> Any:
    from khuyencong.accounts.models import User

    return User.objects.get(username=OFFICER)


def _seed_call() -> Any:
    from django.utils import timezone

    from khuyencong.projects.models import Call

    now = timezone.now()
    return Call.objects.create(
        year=now.year,
        level="local",
        title="Đợt xét chọn đo truy vấn",
        opens_at=now,
        deadline=now + dt.timedelta(days=30),
        categories=["training"],
        created_by=_officer(),
    )


def _seed_plan() -> Any:
    from khuyencong.plans.models import AnnualPlan

    return AnnualPlan.objects.create(
        year=2030, level="local", reference_date=dt.date(2030, 1, 1), created_by=_officer()
    )


def _seed_report() -> Any:
    from khuyencong.results.models import ReportRun

    return ReportRun.objects.create(
        kind="annual", format="csv", requested_by=_officer(), parameters={"year": 2024}
    )


def _seed_import() -> Any:
    from khuyencong.imports.models import ImportRun

    return ImportRun.objects.create(
        kind="establishments", file="imports/bench.xlsx", original_name="bench.xlsx", requested_by=_officer()
    )


def _seed_advice() -> Any:
    from khuyencong.advice.models import AdviceRequest

    return AdviceRequest.objects.create(
        business_name="Hợp tác xã chè Bắc Sơn",
        topic="other",
        question="Xin tư vấn máy sấy chè.",
        contact_name="Hoàng Văn Nam",
        phone="0912345678",
        token_digest="bench-queries-seed",
    )


@dataclasses.dataclass
class Page:
    name: str
    path: Callable[[], str]
    model: str  # app_label.Model of the rows the page lists
    page_size: int
    seed: Callable[[], Any] | None = None  # a first row when the data has none
    rows: Callable[[], int] | None = None  # how many rows the page shows (default: rows of the model, capped)
    api: bool = False


def _model(label: str) -> Any:
    from django.apps import apps

    return apps.get_model(label)


def _first_project() -> str:
    from khuyencong.projects.models import Project

    return str(Project.objects.order_by("id").values_list("code", flat=True).first())


def _rows_of_project(label: str) -> Callable[[], int]:
    def count() -> int:
        from khuyencong.projects.models import Project

        project = Project.objects.order_by("id").first()
        return int(_model(label).objects.filter(project=project).count())

    return count


def pages() -> list[Page]:
    from django.urls import reverse

    def r(name: str, **kwargs: Any) -> Callable[[], str]:
        return lambda: reverse(name, kwargs=kwargs or None)

    return [
        Page("establishments: list", r("establishments:list"), "establishments.Establishment", 25),
        Page("projects: list", r("projects:list"), "projects.Project", 25),
        Page("calls: list", r("calls:list"), "projects.Call", 1000, seed=_seed_call),
        Page("councils: list", r("appraisal:list"), "appraisal.Council", 1000),
        Page("plans: list", r("plans:list"), "plans.AnnualPlan", 1000, seed=_seed_plan),
        Page("results: follow-ups", r("results:follow_ups"), "results.FollowUp", 1000),
        Page("reports: index", r("reports:index"), "results.ReportRun", 20, seed=_seed_report),
        Page("imports: index", r("imports:index"), "imports.ImportRun", 20, seed=_seed_import),
        Page("products: manage list", r("products:manage_list"), "products.Product", 50),
        Page("transparency: list", r("transparency:list"), "projects.Project", 25),
        Page("news: list", r("portal:list"), "portal.Article", 10),
        Page("advice: inbox", r("advice:inbox"), "advice.AdviceRequest", 25, seed=_seed_advice),
        Page(
            "project detail: values",
            lambda: reverse("results:project", kwargs={"code": _first_project()}),
            "results.IndicatorValue",
            1000,
            rows=_rows_of_project("results.IndicatorValue"),
        ),
        Page(
            "API: establishments",
            lambda: "/api/v1/establishments?page_size=100",
            "establishments.Establishment",
            100,
            api=True,
        ),
        Page("API: projects", lambda: "/api/v1/projects", "projects.Project", 100, api=True),
        Page(
            "API: calls",
            lambda: "/api/v1/calls",
            "projects.Call",
            100,
            seed=_seed_call,
            api=True,
        ),
        Page(
            "API: plans",
            lambda: "/api/v1/plans",
            "plans.AnnualPlan",
            100,
            seed=_seed_plan,
            api=True,
        ),
    ]


def _shown(page: Page) -> int:
    if page.rows is not None:
        return page.rows()
    return min(int(_model(page.model).objects.count()), page.page_size)


def _paged(response: Any) -> Any:
    """The paginator Page the view rendered, if any."""
    from django.core.paginator import Page as PaginatorPage

    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if isinstance(value, PaginatorPage):
                return value
    return None


def _get(client: Any, path: str, headers: dict[str, str]) -> tuple[Any, int]:
    """(response, queries) of one GET, after a first one (caches a first request fills are not the page's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, **headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    if response.status_code != 200:
        raise AssertionError(f"GET {path} answered {response.status_code}")
    return response, len(queries)


def _rows(page: Page, response: Any) -> int:
    if page.api:
        return len(json.loads(response.content)["items"])
    found = _paged(response)
    return len(found.object_list) if found is not None else _shown(page)


def _template(page: Page, response: Any) -> Any:
    """A row the page shows (so its clones are shown too), else the newest row of the kind."""
    found = _paged(response)
    if found is not None and len(found.object_list):
        first = found.object_list[0]
        if isinstance(first, _model(page.model)):
            return first
    return _model(page.model).objects.order_by("-pk").first()


def _add(page: Page, template: Any, count: int, tag: str) -> None:
    if count <= 0:
        return
    if page.rows is not None:  # a detail page: more child rows of the first project
        from khuyencong.projects.models import Project

        project = Project.objects.order_by("id").first()
        assert project is not None
        template = _model(page.model).objects.filter(project=project).order_by("-pk").first() or template
        if template.project_id != project.pk:
            template.project_id = project.pk
            template.save()
            count -= 1
    clone(template, count, tag)


def measure_page(page: Page, client: Any, headers: dict[str, str], tag: str) -> dict[str, Any]:
    """Queries with few rows shown and with ten times as many.

    API lists: page_size=2 then 20 (rows added until there are 20). Paginated pages: the last page holding
    2 rows (rows added until the count leaves 2 over a page) then the first, full page (25 rows: 12.5×).
    Other pages: the rows there are, then rows added up to ten times as many.
    """
    base = page.path()
    if page.seed is not None and not _model(page.model).objects.exists():
        page.seed()
    if page.api:
        sep = "&" if "?" in base else "?"
        response, _q = _get(client, f"{base}{sep}page_size=2", headers)
        count = int(json.loads(response.content)["count"])
        _add(page, _model(page.model).objects.order_by("-pk").first(), 20 - count, tag)
        small, queries = _get(client, f"{base}{sep}page_size=2", headers)
        big, queries_10x = _get(client, f"{base}{sep}page_size=20", headers)
        rows, rows_10x = _rows(page, small), _rows(page, big)
    else:
        response, queries = _get(client, base, headers)
        found = _paged(response)
        if found is not None and found.paginator.count > 2 and found.paginator.per_page >= 10:
            per_page = found.paginator.per_page
            missing = (2 - found.paginator.count % per_page) % per_page
            if found.paginator.count < per_page + 2:
                missing = per_page + 2 - found.paginator.count
            _add(page, _template(page, response), missing, tag)
            sep = "&" if "?" in base else "?"
            small, queries = _get(client, f"{base}{sep}page=999999", headers)
            big, queries_10x = _get(client, base, headers)
            rows, rows_10x = _rows(page, small), _rows(page, big)
        else:
            rows = _rows(page, response)
            cap = found.paginator.per_page if found is not None else page.page_size
            _add(page, _template(page, response), min(max(rows, 1) * 10, cap) - rows, tag)
            big, queries_10x = _get(client, base, headers)
            rows_10x = _rows(page, big)
    return {
        "page": page.name,
        "path": base,
        "rows": rows,
        "queries": queries,
        "rows_10x": rows_10x,
        "queries_10x": queries_10x,
        "flat": queries_10x <= queries,
    }


def run(tag: str = "q") -> list[dict[str, Any]]:
    """Every page, with few rows and with ten times as many; the data must have the demo users."""
    from django.test import Client

    from khuyencong.accounts.models import ApiToken

    officer = _officer()
    client = Client()
    client.force_login(officer)
    _token, key = ApiToken.issue(user=officer, name="bench queries")
    api_headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    return [
        measure_page(page, client, api_headers if page.api else {}, f"{tag}{i}x")
        for i, page in enumerate(pages())
    ]


def _table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'page':<28} {'rows':>5} {'queries':>8} {'rows×10':>8} {'queries':>8}  flat?"]
    for r in rows:
        lines.append(
            f"{r['page']:<28} {r['rows']:>5} {r['queries']:>8} {r['rows_10x']:>8} {r['queries_10x']:>8}  "
            f"{'yes' if r['flat'] else 'NO'}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dataset",
        choices=["none", "tiny", "small"],
        default="none",
        help="also measure on a copy of bench.dataset's database at this scale",
    )
    args = parser.parse_args(argv)
    demo = BENCH_VAR / "queries-demo.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        (BENCH_VAR / f"queries-demo.sqlite3{suffix}").unlink(missing_ok=True)
    targets = [("the demo data (load_demo)", demo)]
    if args.dataset != "none":
        source = BENCH_VAR / f"dataset-{args.dataset}.sqlite3"
        if not source.exists():
            sys.exit(f"{source} is missing: python -m bench.dataset --scale {args.dataset}")
        copy = BENCH_VAR / f"queries-{args.dataset}-bench.sqlite3"
        shutil.copyfile(source, copy)
        targets.append((f"bench.dataset --scale {args.dataset} (a copy)", copy))
    # One process per database: Django's settings are per process.
    results: dict[str, Any] = {}
    if os.environ.get("BENCH_QUERIES_DB"):
        return _worker(os.environ["BENCH_QUERIES_DB"])
    import subprocess

    for label, path in targets:
        env = {**os.environ, "BENCH_QUERIES_DB": str(path)}
        env.pop("DATABASE_URL", None)
        done = subprocess.run(
            [sys.executable, "-m", "bench.queries"], env=env, capture_output=True, text=True
        )
        sys.stderr.write(done.stderr)
        if done.returncode:
            sys.exit(done.returncode)
        results[label] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{label}:\n{_table(results[label])}\n", file=sys.stderr)
    (BENCH_VAR / "queries.json").write_text(
        json.dumps(
            {"written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "datasets": results},
            indent=1,
        )
    )
    if any(not r["flat"] for rows in results.values() for r in rows):
        sys.exit("queries: some page's query count grows with its rows (see above)")


def _worker(path: str) -> None:
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ["KHUYENCONG_VAR_DIR"] = str(BENCH_VAR / "queries-var")
    setup_django(f"sqlite:///{path}")
    from django.conf import settings
    from django.core.management import call_command

    # The test client renders templates: plain static storage (no collected manifest needed).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client then records the contexts (the paginator's page)
    from khuyencong.accounts.models import User

    if not User.objects.filter(username=OFFICER).exists():
        from khuyencong.geo.models import AdministrativeUnit

        if not AdministrativeUnit.objects.exists():
            call_command("load_geography", province="20", stdout=io.StringIO())
        call_command("load_demo", stdout=io.StringIO())
    print(json.dumps(run()))


if __name__ == "__main__":
    main()
