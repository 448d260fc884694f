"""PostgreSQL (the PostgreSQL stage of `make test` only): backup and restore through pg_dump/pg_restore,
and a server restarted under load that loses no committed change.

Each test starts its own throwaway cluster (scripts/pgcluster.sh, on a port of its own) rather than
touching the suite's: a restart must not break the other tests' connections.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.db.utils import load_backend

from khuyencong.ops.tests.installation import PROJECT_DIR, Installation

pytestmark = pytest.mark.postgres_only

PGCLUSTER = PROJECT_DIR / "scripts" / "pgcluster.sh"


class Cluster:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.url = (directory / "database_url").read_text().strip()
        self.bindir = (directory / "bindir").read_text().strip()

    def as_owner(self, *command: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *command], capture_output=True, text=True, check=True, timeout=120)

    def psql(self, sql: str) -> str:
        port = (self.dir / "port").read_text().strip()
        return self.as_owner(
            f"{self.bindir}/psql",
            "-X",
            "-q",
            "-t",
            "-A",
            "-h",
            str(self.dir),
            "-p",
            port,
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ).stdout

    def url_for(self, database: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + database

    def pg_ctl(self, *args: str) -> None:
        self.as_owner(
            f"{self.bindir}/pg_ctl",
            f"--pgdata={self.dir / 'data'}",
            f"--log={self.dir / 'server.log'}",
            "--wait",
            "--timeout=60",
            *args,
        )


@pytest.fixture
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    # Short path: the unix socket lives inside it.
    directory = Path(tmp_path_factory.mktemp("pg", numbered=True))
    short = Path("/tmp") / f"kc-ops-{os.getpid()}-{directory.name}"
    subprocess.run(
        [str(PGCLUSTER), "start", str(short), str(55470 + os.getpid() % 20)], check=True, capture_output=True
    )
    try:
        yield Cluster(short)
    finally:
        subprocess.run([str(PGCLUSTER), "stop", str(short)], check=False, capture_output=True)


def test_a_round_trip_through_pg_dump_restores_every_count_money_total_and_hash(cluster, tmp_path):
    demo = Installation(var=tmp_path / "var", database_url=cluster.url)
    demo.var.mkdir()
    demo.manage("setup", "--demo", "--verbosity", "0")
    assert len(demo.child("upload_documents")) == 6
    before = demo.child("figures")
    archive = tmp_path / "pg.tar.gz"
    demo.manage("backup", str(archive))

    demo.child("damage")
    assert demo.child("figures") != before
    assert "khớp bản sao lưu" in demo.manage("restore", "--yes", str(archive)).stdout
    assert demo.child("figures") == before

    # A new server: an empty database and an empty media folder.
    cluster.psql("CREATE DATABASE khuyencong_moi")
    fresh = Installation(var=tmp_path / "moi", database_url=cluster.url_for("khuyencong_moi"))
    fresh.var.mkdir()
    fresh.manage("restore", "--yes", str(archive))
    assert fresh.child("figures") == before

    # An archive of this PostgreSQL installation is refused by a SQLite one, and nothing changes there.
    sqlite = Installation(
        var=tmp_path / "sqlite", database_url=f"sqlite:///{tmp_path / 'sqlite' / 'db.sqlite3'}"
    )
    sqlite.var.mkdir()
    refused = sqlite.manage("restore", "--yes", str(archive), check=False)
    assert (
        refused.returncode == 1
        and "lập từ cơ sở dữ liệu postgresql, còn hệ thống này dùng sqlite" in refused.stderr
    )
    assert not (sqlite.var / "db.sqlite3").exists()


def writer_connection(url: str):
    from khuyencong.env import env_database

    config = env_database("X", url, environ={"X": url})
    # The suite's settings supply the defaults Django fills in (TIME_ZONE, AUTOCOMMIT, …), whatever
    # database the suite itself runs on.
    settings_dict = {**connections[DEFAULT_DB_ALIAS].settings_dict, "OPTIONS": {}, **config}
    return load_backend(config["ENGINE"]).DatabaseWrapper(settings_dict, alias="restart_probe")


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_server_restarted_under_load_loses_no_committed_change(cluster, mode, django_db_blocker):
    # Its own connection to its own cluster: not the suite's database, which pytest-django guards.
    with django_db_blocker.unblock():
        restart_under_load(cluster, mode)


def restart_under_load(cluster: Cluster, mode: str) -> None:
    # Durability as production has it (the throwaway cluster turns it off for speed).
    cluster.psql("ALTER SYSTEM SET fsync = on")
    cluster.psql("ALTER SYSTEM SET synchronous_commit = on")
    cluster.pg_ctl("restart", "--mode=fast")
    connection = writer_connection(cluster.url)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE probe (n integer PRIMARY KEY, amount bigint NOT NULL)")
    connection.close()
    acknowledged: list[int] = []
    failures: list[str] = []
    stop = threading.Event()

    def write() -> None:
        connection = writer_connection(cluster.url)  # a connection belongs to the thread that made it
        n = 0
        while not stop.is_set():
            n += 1
            try:
                # A unit of work as a request does it: reconnect if the last one broke, then commit.
                connection.close_if_unusable_or_obsolete()
                with connection.cursor() as cursor:
                    cursor.execute("INSERT INTO probe (n, amount) VALUES (%s, %s)", [n, n * 1000])
                acknowledged.append(n)  # autocommit: the server has answered COMMIT
            except Error as exc:
                failures.append(type(exc).__name__)
                connection.close()
                time.sleep(0.05)
        connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(1.0)
    during = len(acknowledged)
    cluster.pg_ctl("restart", f"--mode={mode}")
    time.sleep(1.5)
    stop.set()
    writer.join(timeout=60)
    assert during > 0 and failures, "the restart happened while commits were going on"
    assert len(acknowledged) > during + 5, "the client reconnected and went on committing"

    check = writer_connection(cluster.url)
    with check.cursor() as cursor:
        cursor.execute("SELECT n, amount FROM probe")
        stored = dict(cursor.fetchall())
    check.close()
    missing = [n for n in acknowledged if n not in stored]
    assert missing == [], f"{len(missing)} acknowledged commits lost"
    assert all(stored[n] == n * 1000 for n in acknowledged)
