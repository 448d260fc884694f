"""Soak (issue 8, scope 3): mixed traffic against the production server for --seconds (default 600).

    .venv/bin/python -m bench.soak --seconds 60                       # SQLite, var/bench/soak.sqlite3
    BENCH_POSTGRES_URL=postgres://… .venv/bin/python -m bench.soak --backend postgresql

The server is gunicorn with gunicorn.conf.py, as `make run` starts it (bench.load), on 127.0.0.1, over the
demo data of one province (`load_geography --province 20`, `load_demo`; PostgreSQL: a database of its own,
`<bench database>_soak`, in the same cluster), which the soak edits for real. Worker recycling
(`max_requests`) is off unless --max-requests says otherwise, so that a leak would show as growth.

Three classes of client, each a few threads of a plain HTTP client with its own cookies (wrk cannot sign
in and post forms), pausing a random 0–2×--think seconds between requests:

* readers: anonymous public pages (home, news, products, the transparency portal, their details);
* officers: signed in through the sign-in form (session cookie, CSRF token from the form), opening
  lists and details and, one request in five, editing an establishment: the edit form is fetched, its
  fields sent back with the worker count changed (CSRF token included), a redirect expected;
* API clients: `Authorization: Bearer` tokens from `khuyencong issue_token`, lists and details.

Any 5xx, unexpected status or failed connection is an error. The workers' resident memory is sampled
every 10 s; the report compares the first minute's mean with the last minute's (a third of the run each
when it is shorter than three minutes). Figures go to var/bench/soak-<backend>.json and
var/bench/figures/soak-<backend>.json.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from bench import BENCH_VAR, setup_django
from bench.figures import Figure, percentile, record

SEED = 20261202
SAMPLE_EVERY = 10.0
GOAL_RSS_GROWTH_PCT = 10.0
OFFICER = "canbo"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the database --------------------------------------------------------------------------------------


def soak_url(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{BENCH_VAR / 'soak.sqlite3'}"
    base = os.environ.get("BENCH_POSTGRES_URL")
    if not base:
        sys.exit("BENCH_POSTGRES_URL is not set")
    parts = urllib.parse.urlsplit(base)
    name = parts.path.lstrip("/") + "_soak"
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def prepare(fresh: bool) -> dict[str, Any]:
    """Migrate, load the demo once, issue API tokens; returns the paths and credentials the clients use."""
    from django.core.management import call_command
    from django.urls import reverse

    from khuyencong.accounts.models import User
    from khuyencong.core.demo import DEFAULT_DEMO_PASSWORD, DEMO_PASSWORD_ENV
    from khuyencong.establishments.models import Establishment
    from khuyencong.portal.models import Article
    from khuyencong.products.selectors import public_products
    from khuyencong.projects.models import Project
    from khuyencong.transparency.selectors import public_projects

    call_command("migrate", verbosity=0)
    if fresh or not User.objects.filter(username=OFFICER).exists():
        t = time.perf_counter()
        call_command("load_geography", province="20", stdout=io.StringIO())
        call_command("load_demo", stdout=io.StringIO())
        log(f"demo data loaded in {time.perf_counter() - t:.0f} s")
    tokens = []
    for username in (OFFICER, "lanhdao"):
        out = io.StringIO()
        call_command("issue_token", username, name="bench soak", stdout=out)
        tokens.append(out.getvalue().strip())
    establishments = list(Establishment.objects.filter(merged_into__isnull=True).values_list("id", flat=True))
    codes = list(Project.objects.values_list("code", flat=True))
    public = {
        "articles": [
            reverse("portal:detail", kwargs={"slug": s})
            for s in Article.objects.filter(published_at__isnull=False).values_list("slug", flat=True)
        ],
        "products": [
            reverse("products:detail", kwargs={"slug": s})
            for s in public_products().order_by().values_list("slug", flat=True).distinct()
        ],
        "projects": [
            reverse("transparency:detail", kwargs={"code": c})
            for c in public_projects().order_by().values_list("code_key", flat=True)
        ],
    }
    reader_paths = [reverse("portal:list"), reverse("products:list"), reverse("transparency:list")]
    reader_paths += reverse("advice:ask"), f"{reverse('transparency:list')}?page=2"
    for found in public.values():
        reader_paths += found
    officer_paths = [
        reverse("establishments:list"),
        f"{reverse('establishments:list')}?q=hung",
        reverse("projects:list"),
        reverse("results:dashboard"),
        reverse("results:follow_ups"),
        reverse("plans:list"),
        reverse("appraisal:list"),
        reverse("calls:list"),
        reverse("core:todo"),
        reverse("reports:index"),
        reverse("advice:inbox"),
        reverse("products:manage_list"),
    ]
    officer_paths += [reverse("establishments:detail", kwargs={"pk": pk}) for pk in establishments[:40]]
    officer_paths += [reverse("projects:detail", kwargs={"code": c}) for c in codes[:40]]
    officer_paths += [reverse("results:project", kwargs={"code": c}) for c in codes[:10]]
    api_paths = ["/api/v1/establishments?page_size=25", "/api/v1/establishments?q=hung", "/api/v1/projects"]
    api_paths += [f"/api/v1/establishments/{pk}" for pk in establishments[:40]]
    api_paths += [f"/api/v1/projects/{urllib.parse.quote(c)}" for c in codes[:40]]
    api_paths += ["/api/v1/calls", "/api/v1/plans"]
    password = os.environ.get(DEMO_PASSWORD_ENV, DEFAULT_DEMO_PASSWORD)
    counts = {
        "establishments": len(establishments),
        "projects": len(codes),
        "articles": len(public["articles"]),
        "public products": len(public["products"]),
        "public projects": len(public["projects"]),
    }
    return {
        "reader": reader_paths,
        "officer": officer_paths,
        "api": api_paths,
        "edit": [reverse("establishments:edit", kwargs={"pk": pk}) for pk in establishments[:20]],
        "login": reverse("accounts:login"),
        "password": password,
        "tokens": tokens,
        "rows": counts,
    }


# --- the client ----------------------------------------------------------------------------------------


class FormFields(HTMLParser):
    """The fields of the page's main POST form (the one holding the most fields), as a browser sends them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = []
        if self._form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._form.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self._form.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None

    def main_form(self) -> list[tuple[str, str]]:
        return max(self.forms, key=len) if self.forms else []


class Client:
    """One user's HTTP connection and cookies (gunicorn's sync workers close the connection each time)."""

    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.headers = {"Accept-Language": "vi", **(headers or {})}

    def request(
        self, method: str, path: str, body: dict[str, str] | list[tuple[str, str]] | None = None
    ) -> tuple[int, str, str]:
        """(status, Location, body text)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
            headers["Origin"] = f"http://{self.host}:{self.port}"
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(value)
                for key, morsel in jar.items():
                    self.cookies[key] = morsel.value
            return response.status, response.headers.get("Location", ""), text
        finally:
            conn.close()


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, ok: bool, what: str) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(ms)
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                found = self.examples.setdefault(kind, [])
                if len(found) < 10:
                    found.append(what)


def timed(
    tally: Tally, kind: str, client: Client, method: str, path: str, expect: tuple[int, ...], body: Any = None
) -> tuple[int, str, str]:
    t = time.perf_counter()
    try:
        status, location, text = client.request(method, path, body)
    except (OSError, http.client.HTTPException) as error:
        tally.add(kind, (time.perf_counter() - t) * 1000, False, f"{method} {path}: {error!r}")
        return 0, "", ""
    ok = status in expect
    tally.add(kind, (time.perf_counter() - t) * 1000, ok, f"{method} {path}: {status} {location}")
    return status, location, text


def sign_in(client: Client, plan: dict[str, Any], username: str) -> None:
    status, _loc, text = client.request("GET", plan["login"])
    fields = dict(_fields(text))
    fields.update({"username": username, "password": plan["password"]})
    status, _location, _text = client.request("POST", plan["login"], fields)
    if status != 302:
        raise RuntimeError(f"sign-in as {username} failed: {status}")


def _fields(html: str) -> list[tuple[str, str]]:
    parser = FormFields()
    parser.feed(html)
    return parser.main_form()


def reader(client: Client, plan: dict[str, Any], tally: Tally, rng: random.Random) -> None:
    timed(tally, "readers", client, "GET", rng.choice(plan["reader"]), (200,))


def officer(client: Client, plan: dict[str, Any], tally: Tally, rng: random.Random) -> None:
    if rng.random() < 0.2:
        path = rng.choice(plan["edit"])
        status, _loc, text = timed(tally, "officers (edit form)", client, "GET", path, (200,))
        if status != 200:
            return
        found = _fields(text)
        counts = {k: int("".join(ch for ch in v if ch.isdigit()) or 0) for k, v in found}
        floor = max(counts.get("women_workers", 0), counts.get("ethnic_minority_workers", 0))
        fields = [(k, v) for k, v in found if k != "workers"]
        # A real change that stays valid: the count moves, never below its "of whom" parts.
        fields.append(("workers", str(floor + rng.randrange(1, 50))))
        timed(tally, "officers (edit POST)", client, "POST", path, (302,), fields)
    else:
        timed(tally, "officers (read)", client, "GET", rng.choice(plan["officer"]), (200,))


def api(client: Client, plan: dict[str, Any], tally: Tally, rng: random.Random) -> None:
    timed(tally, "API clients", client, "GET", rng.choice(plan["api"]), (200,))


# --- memory --------------------------------------------------------------------------------------------


def workers_rss(master: int) -> dict[int, int]:
    """Resident set (KiB) of each child of the gunicorn master."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return {}
    found = {}
    for pid in children:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    found[int(pid)] = int(line.split()[1])
        except OSError:
            continue
    return found


def growth(samples: list[tuple[float, int]], seconds: float) -> dict[str, float]:
    window = min(60.0, seconds / 3)
    first = [rss for t, rss in samples if t <= window] or [samples[0][1]]
    last = [rss for t, rss in samples if t >= seconds - window] or [samples[-1][1]]
    a, b = statistics.mean(first), statistics.mean(last)
    return {"window_s": window, "first_mib": a / 1024, "last_mib": b / 1024, "growth_pct": (b - a) / a * 100}


# --- the run -------------------------------------------------------------------------------------------


def run(args: argparse.Namespace, url: str, plan: dict[str, Any]) -> dict[str, Any]:
    from bench.load import gunicorn_process

    env = {
        "DATABASE_URL": url,
        "KHUYENCONG_VAR_DIR": str(BENCH_VAR / f"soak-var-{args.backend}"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_MAX_REQUESTS": str(args.max_requests),
    }
    from bench.portal import _manage

    _manage(env, "collectstatic", "--noinput", "--verbosity", "0")  # the server's own var folder, as portal
    tally = Tally()
    samples: list[tuple[float, int]] = []
    pids_seen: set[int] = set()
    with gunicorn_process(env, workers=args.workers, log=BENCH_VAR / f"soak-gunicorn-{args.backend}.log") as (
        base,
        process,
    ):
        parts = urllib.parse.urlsplit(base)
        host, port = str(parts.hostname), int(parts.port or 80)
        # Warm every worker a little (templates, URL resolvers) before the clock starts.
        warm = Client(host, port)
        for path in plan["reader"][:20]:
            warm.request("GET", path)
        clients: list[tuple[Any, Client]] = []
        for _ in range(args.readers):
            clients.append((reader, Client(host, port)))
        for _ in range(args.officers):
            c = Client(host, port)
            sign_in(c, plan, OFFICER)
            clients.append((officer, c))
        for i in range(args.api):
            token = plan["tokens"][i % len(plan["tokens"])]
            clients.append((api, Client(host, port, {"Authorization": f"Bearer {token}"})))
        stop = threading.Event()
        started = time.monotonic()

        def loop(index: int, step: Any, client: Client) -> None:
            rng = random.Random(SEED + index)
            while not stop.is_set():
                step(client, plan, tally, rng)
                if args.think:
                    stop.wait(rng.uniform(0, 2 * args.think))

        threads = [
            threading.Thread(target=loop, args=(i, step, client), daemon=True)
            for i, (step, client) in enumerate(clients)
        ]
        for t in threads:
            t.start()
        next_sample = started
        while (now := time.monotonic()) < started + args.seconds:
            if now >= next_sample:
                found = workers_rss(process.pid)
                pids_seen.update(found)
                samples.append((now - started, sum(found.values())))
                next_sample += SAMPLE_EVERY
                log(
                    f"  {now - started:5.0f} s  workers RSS {sum(found.values()) / 1024:7.1f} MiB  "
                    f"requests {sum(len(v) for v in tally.latencies.values()):,}  errors {sum(tally.errors.values())}"
                )
            time.sleep(min(1.0, max(0.0, next_sample - time.monotonic())))
        found = workers_rss(process.pid)
        samples.append((time.monotonic() - started, sum(found.values())))
        stop.set()
        for t in threads:
            t.join(timeout=70)
        elapsed = time.monotonic() - started
    classes = {}
    for kind in sorted(tally.latencies):
        times = tally.latencies[kind]
        classes[kind] = {
            "requests": len(times),
            "per_second": len(times) / elapsed,
            "errors": tally.errors.get(kind, 0),
            "p50_ms": statistics.median(times),
            "p99_ms": percentile(times, 99),
            "error_examples": tally.examples.get(kind, []),
        }
    return {
        "backend": args.backend,
        "seconds": elapsed,
        "workers": args.workers,
        "max_requests": args.max_requests,
        "clients": {
            "readers": args.readers,
            "officers": args.officers,
            "api": args.api,
            "think_s": args.think,
        },
        "classes": classes,
        "rss_samples": samples,
        "rss": growth(samples, elapsed),
        "worker_pids": sorted(pids_seen),
        "rows": plan["rows"],
    }


def record_figures(result: dict[str, Any]) -> None:
    figures = [
        Figure(
            f"soak: {kind} ({c['requests']:,} requests, {c['errors']} errors)",
            c["p50_ms"],
            c["p99_ms"],
            goal="no error",
            met=c["errors"] == 0,
        )
        for kind, c in result["classes"].items()
    ]
    rss = result["rss"]
    figures.append(
        Figure(
            f"soak: workers' RSS, first → last minute ({rss['first_mib']:.0f} → {rss['last_mib']:.0f} MiB)",
            rss["growth_pct"],
            unit="%",
            goal=f"growth < {GOAL_RSS_GROWTH_PCT:.0f} %",
            met=rss["growth_pct"] < GOAL_RSS_GROWTH_PCT,
        )
    )
    rows = ", ".join(f"{v:,} {k}" for k, v in result["rows"].items())
    record("soak", result["backend"], figures, rows=f"demo data: {rows}", extra=result)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--officers", type=int, default=2)
    parser.add_argument("--api", type=int, default=2)
    parser.add_argument("--think", type=float, default=0.2, help="mean pause between a client's requests (s)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--max-requests", type=int, default=0, help="gunicorn max_requests (0: no recycling)")
    parser.add_argument("--fresh", action="store_true", help="load the demo data again")
    args = parser.parse_args(argv)
    url = soak_url(args.backend)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["KHUYENCONG_VAR_DIR"] = str(BENCH_VAR / f"soak-var-{args.backend}")
    setup_django(url)
    plan = prepare(args.fresh)
    from django.db import connections

    connections.close_all()
    log(
        f"soak: {args.seconds} s on {args.backend}, {len(plan['reader'])} public paths, {len(plan['officer'])} officer paths"
    )
    result = run(args, url, plan)
    (BENCH_VAR / f"soak-{args.backend}.json").write_text(json.dumps(result, indent=1))
    record_figures(result)
    for kind, c in result["classes"].items():
        log(
            f"  {kind:<22} {c['requests']:>7,} requests  {c['errors']:>4} errors  p50 {c['p50_ms']:7.1f} ms  "
            f"p99 {c['p99_ms']:7.1f} ms  {c['error_examples'][:3]}"
        )
    rss = result["rss"]
    log(f"  workers' RSS {rss['first_mib']:.1f} → {rss['last_mib']:.1f} MiB ({rss['growth_pct']:+.1f} %)")
    if any(c["errors"] for c in result["classes"].values()):
        sys.exit("soak: errors (see above)")


if __name__ == "__main__":
    main()
