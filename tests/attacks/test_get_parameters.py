"""Reflected XSS and SQL injection through every GET parameter of every list page, search box and API
list: each page is read once honestly, its GET forms and links give the parameters it takes (filters,
search, sort, page), and each parameter is then sent each hostile payload. No answer may be a 500, show
a payload unescaped, list more rows than the honest page, or lose a table."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "{{7*7}}",
    "' OR 1=1--",
    "1;DROP TABLE projects_project",
    "%' UNION SELECT username, password FROM accounts_user--",
    "²",
    "9" * 30,
]
# What a payload must never turn into on a page: live markup.
RAW = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "onmouseover='alert(1)"]

# Internal list pages and search boxes (officer), public pages (anonymous), and API lists.
INTERNAL = [
    "core:home",
    "core:todo",
    "geo:unit_list",
    "establishments:list",
    "rules:list",
    "projects:list",
    "calls:list",
    "appraisal:list",
    "plans:list",
    "results:dashboard",
    "results:catalogue",
    "results:follow_ups",
    "reports:index",
    "portal:moderation",
    "advice:inbox",
    "products:manage_list",
    "products:round_list",
    "imports:index",
]
PUBLIC = ["portal:list", "products:list", "transparency:list"]
API = ["/api/v1/establishments", "/api/v1/projects", "/api/v1/plans", "/api/v1/calls"]


class _Fields(HTMLParser):
    """Names of the GET forms' fields, and the query parameters of the page's own links."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self._get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._get_form = (a.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self._get_form and a.get("name"):
            if a.get("type") not in ("submit", "button"):
                self.names.add(a["name"] or "")
        elif tag == "a" and (href := a.get("href")) and "?" in href and not href.startswith("http"):
            self.names.update(k for k, _v in parse_qsl(urlsplit(href).query, keep_blank_values=True))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._get_form = False


def parameters(html: str) -> set[str]:
    parser = _Fields()
    parser.feed(html)
    # sort and page are taken by every list, shown in a link or not; format is the download switch
    return (parser.names | {"page", "sort", "q"}) - {"format", "csrfmiddlewaretoken", "next"}


def rows(html: str) -> int:
    body = re.search(r"<tbody.*?</tbody>", html, re.S)
    return len(re.findall(r"<tr[\s>]", body.group(0) if body else html))


def tables() -> set[str]:
    return set(connection.introspection.table_names())


def unescaped(html: str) -> list[str]:
    """Payload fragments that reached the page as live markup."""
    found = [raw for raw in RAW if raw in html]
    if re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", html, re.I):
        found.append("javascript: URL")
    return found


def sweep(client: Client, url: str) -> int:
    honest = client.get(url)
    assert honest.status_code == 200, url
    html = honest.content.decode()
    baseline = rows(html)
    before = tables()
    sent = 0
    for name in sorted(parameters(html)):
        for payload in PAYLOADS:
            attacked = f"{url}?{urlencode({name: payload})}"
            response = client.get(attacked)
            sent += 1
            assert response.status_code in (200, 302, 400, 404), f"{attacked}: {response.status_code}"
            page = response.content.decode()
            assert not unescaped(page), f"{attacked} shows {unescaped(page)}"
            assert rows(page) <= baseline, f"{attacked} lists more rows than the honest page"
    assert tables() == before
    return sent


@pytest.mark.parametrize("name", INTERNAL)
def test_every_internal_list_and_search_takes_hostile_parameters_safely(world, officer, article, name):
    client = Client()
    client.force_login(officer)
    assert sweep(client, reverse(name)) >= 3 * len(PAYLOADS)


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_list_takes_hostile_parameters_safely(world, article, client, name):
    assert sweep(client, reverse(name)) >= 3 * len(PAYLOADS)


@pytest.mark.parametrize("url", API)
def test_every_api_list_takes_hostile_parameters_safely(world, officer, url):
    client = Client()
    client.force_login(officer)
    honest = client.get(url)
    assert honest.status_code == 200
    body = honest.json()
    count = body["count"] if isinstance(body, dict) else len(body)
    schema = client.get("/api/v1/openapi.json").json()
    path = url.removeprefix("/api/v1")
    names = {
        p["name"]
        for p in schema["paths"]["/api/v1" + path]["get"].get("parameters", [])
        if p["in"] == "query"
    }
    assert names, f"{url} documents no query parameter"
    before = tables()
    for name in sorted(names | {"q", "sort", "page"}):
        for payload in PAYLOADS:
            response = client.get(url, {name: payload})
            assert response.status_code in (200, 400, 404, 422), (
                f"{url}?{name}={payload}: {response.status_code}"
            )
            if response.status_code == 200:
                got = response.json()
                assert (got["count"] if isinstance(got, dict) else len(got)) <= count, (
                    f"{url}?{name}={payload}"
                )
    assert tables() == before
