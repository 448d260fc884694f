"""An import killed half-way leaves the database as it was: one transaction, never committed.

The command runs in a real subprocess against a file-based SQLite database (WAL mode, as installed);
once it has written rows inside its transaction (uncommitted pages in the write-ahead log), it is
killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from khuyencong.imports.tests.files import csv_file

SETUP = """
from khuyencong.accounts.models import User
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
province = AdministrativeUnit.objects.create(code="20", name="Tỉnh Lạng Sơn", short_name="Lạng Sơn", level="province", generation="2025")
commune = AdministrativeUnit.objects.create(code="90101", name="Phường Tam Thanh", short_name="Tam Thanh", level="commune", generation="2025", parent=province)
User.objects.create_user(username="canbo", password="mat-khau-thu-nghiem-2025", role="officer")
e = Establishment(name="Cơ sở có sẵn", legal_form="cooperative", commune=commune, sector="other")
e.full_clean(); e.save()
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTEST", "KHUYENCONG"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'kill.sqlite3'}",
        DJANGO_SETTINGS_MODULE="khuyencong.settings",
        KHUYENCONG_VAR_DIR=str(tmp_path / "var"),
        KHUYENCONG_PROVINCE="20",
        SECRET_KEY="kill-test-not-a-secret-0123456789abcdef",
    )
    return env


def _khuyencong(*args: str, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "khuyencong.cli", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    )


def _counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(
        db
    ) as connection:  # opening it rolls a hot journal back, as Django's next start would
        return (
            connection.execute("SELECT COUNT(*) FROM establishments_establishment").fetchone()[0],
            connection.execute("SELECT COUNT(*) FROM core_auditentry").fetchone()[0],
        )


def test_a_killed_import_leaves_the_database_as_before(tmp_path):
    env = _env(tmp_path)
    db = tmp_path / "kill.sqlite3"
    _khuyencong("migrate", "--verbosity", "0", env=env, timeout=600)
    _khuyencong("shell", "-c", SETUP, env=env, timeout=300)
    before = _counts(db)
    rows = [["Tên cơ sở", "Loại hình", "Xã/phường", "Ngành nghề", "Số lao động"]]
    rows += [
        [f"Hộ kinh doanh số {i}", "Hộ kinh doanh", "Tam Thanh", "Ngành nghề khác", i % 50]
        for i in range(60_000)
    ]
    path = csv_file(tmp_path / "lon.csv", rows)
    process = subprocess.Popen(
        [sys.executable, "-m", "khuyencong.cli", "import", "establishments", str(path), "--user", "canbo"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wal = Path(f"{db}-wal")
    deadline = time.monotonic() + 600
    try:
        assert process.stderr is not None
        for line in process.stderr:  # "Đã đọc 1.000 dòng …" every two seconds
            if line.startswith("Đã đọc") and wal.exists() and wal.stat().st_size > 256 * 1024:
                break
            assert time.monotonic() < deadline and process.poll() is None, (
                "the import ended before it could be killed"
            )
        time.sleep(0.5)
        assert process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    assert wal.stat().st_size > 256 * 1024  # killed with its transaction's pages written, not committed
    assert _counts(db) == before == (1, 0)
