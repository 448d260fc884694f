"""No N+1: a page's SQL query count does not grow with the rows it shows (bench/queries.py's pages).

Each page is measured on the demo data with few rows shown and with ten times as many (rows of its kind
added by cloning one it shows), as the officer the demo signs in with; the API lists with their token.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from bench import queries
from khuyencong.accounts.models import ApiToken
from khuyencong.core.demo import load_demo


@pytest.fixture(scope="module")
def demo_data(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Lạng Sơn's geography and the whole demo, once for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_geography", province="20", stdout=io.StringIO())
        load_demo(province="20")
        yield
        transaction.set_rollback(True)


def _names() -> list[str]:
    # The page list needs URL reversing only, which works before the database is set up.
    return [page.name for page in queries.pages()]


@pytest.mark.parametrize("name", _names())
def test_the_page_makes_as_many_queries_for_ten_times_the_rows(demo_data: None, db: None, name: str) -> None:
    page = next(p for p in queries.pages() if p.name == name)
    officer = queries._officer()
    client = Client()
    client.force_login(officer)
    headers: dict[str, str] = {}
    if page.api:
        _token, key = ApiToken.issue(user=officer, name="query counts")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    found = queries.measure_page(page, client, headers, "t")
    assert found["rows_10x"] >= 10 * max(found["rows"], 1) or found["rows_10x"] >= 20, found
    assert found["queries_10x"] <= found["queries"], found
