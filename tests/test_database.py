"""The suite runs on the database it was asked to run on, configured as production configures it.

`make test` runs the suite twice: on SQLite, and on a throwaway PostgreSQL cluster with
KHUYENCONG_EXPECT_DB=postgresql. These tests make a mix-up (a PostgreSQL stage that silently ran on
SQLite, or SQLite without WAL) fail loudly instead of passing on the wrong database.
"""

from __future__ import annotations

import os

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

EXPECTED = os.environ.get("KHUYENCONG_EXPECT_DB", "sqlite")

pytestmark = pytest.mark.django_db


def test_it_runs_on_the_expected_database():
    assert EXPECTED in {"sqlite", "postgresql"}, f"unknown KHUYENCONG_EXPECT_DB={EXPECTED!r}"
    assert connection.vendor == EXPECTED, (
        f"KHUYENCONG_EXPECT_DB={EXPECTED!r} but the tests run on {connection.vendor!r}"
    )


def test_the_database_answers_as_configured_for_production(tmp_path):
    if EXPECTED == "postgresql":
        _check_postgresql_server()
    else:
        _check_sqlite_file_database_uses_wal(tmp_path)


def _check_postgresql_server():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()
        cursor.execute("SELECT current_database()")
        (database,) = cursor.fetchone()
    assert "PostgreSQL" in version
    assert database.startswith("test_"), f"tests must run on a throwaway test database, not {database!r}"


def _check_sqlite_file_database_uses_wal(tmp_path):
    """A file database opened with our settings' options is in WAL mode with foreign keys on.

    The test database itself lives in memory (where journal_mode is always "memory"), so this opens
    a file database with the same settings dictionary, as a deployment would.
    """
    assert connection.vendor == "sqlite"
    default = connections[DEFAULT_DB_ALIAS]
    settings_dict = {**default.settings_dict, "NAME": str(tmp_path / "wal-check.sqlite3")}
    wrapper = type(default)(settings_dict, alias="wal_check")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            (journal_mode,) = cursor.fetchone()
            cursor.execute("PRAGMA foreign_keys")
            (foreign_keys,) = cursor.fetchone()
    finally:
        wrapper.close()
    assert journal_mode.lower() == "wal"
    assert foreign_keys == 1
