"""Every URL and every API operation, as every role, on a record inside and one outside the role's scope:
no leak (a refusal where the table says so, never a 5xx, never a canary the role may not read, in pages
and in their CSV/XLSX exports) and no write (a refused POST/PUT/PATCH/DELETE leaves every table as it was).

The expected outcomes are declared in tests/permissions/expected.py; the routes and how their parameters
are filled, in tests/permissions/routes.py.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from tests.permissions import expected as e
from tests.permissions import routes as r
from tests.permissions import sweep
from tests.permissions.world import FORBIDDEN, ROLES

# Every case either only reads or must leave the database exactly as it was (the snapshot proves it),
# so the suite-wide check of the stored project facts would only repeat itself 3,000 times.
pytestmark = pytest.mark.facts_not_checked(
    "reads and refused writes only: the sweep's snapshot checks nothing changed"
)

OBSERVE = os.environ.get("PERMS_OBSERVE")


@pytest.fixture
def client():
    """A client that answers an exception in a view with the 500 a user would get."""
    from django.test import Client

    return Client(raise_request_exception=False)


def _observe(record: dict[str, Any]) -> None:
    with open(f"{OBSERVE}.{os.environ.get('PYTEST_XDIST_WORKER', 'w')}", "a") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


HTML_ROUTES = sweep_html = r.swept_html_routes()
API_ROUTES = r.api_routes()
API_READS = [x for x in API_ROUTES if x.key.startswith("GET ")]
API_WRITES = [x for x in API_ROUTES if not x.key.startswith("GET ")]


def test_every_route_is_known():
    """A new page or API operation fails here until routes.py says how to fill it (or why it is left out)."""
    unknown = [x.key for x in r.html_routes() if not r.is_excluded(x.key) and x.key not in r.HTML]
    unknown = [k for k in unknown if not k.startswith("api:")]  # API operations: by the schema below
    assert unknown == [], f"routes the permission sweep does not know: {unknown}"
    api_unknown = [x.key for x in API_ROUTES if x.key not in r.API]
    assert api_unknown == [], f"API operations the permission sweep does not know: {api_unknown}"
    stale = sorted(
        (set(r.HTML) - {x.key for x in r.html_routes()}) | (set(r.API) - {x.key for x in API_ROUTES})
    )
    assert stale == [], f"routes.py names routes that no longer exist: {stale}"


def test_the_api_schema_holds_no_record(client, world, db):
    """The schema and its documentation page are public: the same for every role, and no record in them."""
    for url in ("/api/v1/openapi.json", "/api/v1/docs"):
        response = client.get(url)
        assert response.status_code == 200
        text = sweep.text_of(response)
        assert not any(canary in text for canary in FORBIDDEN_ALL), url


def test_every_route_has_an_expectation():
    missing = [x.key for x in HTML_ROUTES if x.key not in e.READ or x.key not in e.WRITE]
    missing += [x.key for x in API_READS if x.key not in e.READ]
    missing += [x.key for x in API_WRITES if x.key not in e.WRITE]
    assert missing == [], f"no declared outcome for: {missing}"


def _read(client, url: str) -> tuple[str, int, set[str]]:
    response = client.get(url)
    text = sweep.text_of(response)
    return sweep.outcome(response), response.status_code, {c for c in FORBIDDEN_ALL if c in text}


FORBIDDEN_ALL = frozenset().union(*FORBIDDEN.values())


def _check_read(route: r.Route, url_of, spec: r.Spec, role: str, client, world) -> None:
    sweep.sign_in(client, world, role)
    problems = []
    for side_name, side in sweep.sides(spec, world):
        url = url_of(route, world, side)
        for query in ("", *spec.queries):
            variant = url + query
            got, status, seen = _read(client, variant)
            if OBSERVE:
                _observe(
                    {
                        "t": "read",
                        "route": route.key,
                        "role": role,
                        "side": side_name,
                        "url": variant,
                        "got": got,
                        "status": status,
                        "seen": sorted(seen),
                    }
                )
                continue
            leaked = seen & FORBIDDEN[role]
            if leaked:
                problems.append(f"{variant}: shows {sorted(leaked)}")
            want = e.read_outcome(route.key, role, side_name + query)
            if status >= 500 or got != want:
                problems.append(f"{variant}: {status} ({got}), expected {want}")
    assert problems == []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", HTML_ROUTES, ids=lambda x: x.key)
def test_read_page(route, role, client, world, db):
    _check_read(route, sweep.html_url, r.HTML[route.key], role, client, world)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", API_READS, ids=lambda x: x.key)
def test_read_api(route, role, client, world, db):
    _check_read(route, sweep.api_url, r.API[route.key], role, client, world)


def _check_write(route: r.Route, role: str, client, world, send) -> None:
    """Every side the role may not write to is tried; one snapshot before and one after them all."""
    sweep.sign_in(client, world, role)
    spec = r.API[route.key] if route.kind == "api" else r.HTML[route.key]
    tried = [
        (name, side)
        for name, side in sweep.sides(spec, world)
        if OBSERVE or not e.may_write(route.key, role, name)
    ]
    if not tried:
        return
    before = sweep.snapshot()
    answers = [(name, send(side)) for name, side in tried]
    changed = sweep.changes(before, sweep.snapshot())
    if OBSERVE:
        for name, response in answers:
            _observe(
                {
                    "t": "write",
                    "route": route.key,
                    "role": role,
                    "side": name,
                    "got": sweep.outcome(response),
                    "status": response.status_code,
                    "changed": changed,
                }
            )
        return
    problems = [
        f"{name}: {response.status_code} ({sweep.outcome(response)}), expected {e.refusal(route.key, role, name)}"
        for name, response in answers
        if sweep.outcome(response) != e.refusal(route.key, role, name)
    ]
    assert (problems, changed) == ([], [])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", HTML_ROUTES, ids=lambda x: x.key)
def test_write_page(route, role, client, world, db):
    """A form post (the CSRF check is off in the test client: this is about who may, not how)."""
    spec = r.HTML[route.key]

    def send(side):
        data = spec.data(world, side) if spec.data else {}
        return client.post(sweep.html_url(route, world, side), data)

    _check_write(route, role, client, world, send)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", API_WRITES, ids=lambda x: x.key)
def test_write_api(route, role, client, world, db):
    schema = r.api_schema()
    method = route.key.split(" ", 1)[0].lower()

    def send(side):
        kind, body = sweep.api_payload(route, schema, world, side)
        url = sweep.api_url(route, world, side)
        if kind == "multipart":
            return client.post(url, body)
        return getattr(client, method)(url, json.dumps(body), content_type="application/json")

    _check_write(route, role, client, world, send)
