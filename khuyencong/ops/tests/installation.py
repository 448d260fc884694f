"""A real installation for the tests that need a process of their own: a file database and a media
folder under a temporary directory, driven through `khuyencong` commands and `child.py` in subprocesses.

The demo installation (`khuyencong setup --demo`, about 20 s) is built once per test run and shared by
the xdist workers (a file lock guards the build); each test gets its own copy.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[3]
KHUYENCONG = [sys.executable, "-m", "khuyencong.cli"]
CHILD = [sys.executable, "-m", "khuyencong.ops.tests.child"]


@dataclass
class Installation:
    var: Path
    database_url: str

    @property
    def media(self) -> Path:
        return self.var / "media"

    @property
    def sqlite_file(self) -> Path:
        return self.var / "khuyencong.sqlite3"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "KHUYENCONG_EXPECT_DB"}}
        env.update(
            DJANGO_SETTINGS_MODULE="khuyencong.settings",
            KHUYENCONG_VAR_DIR=str(self.var),
            DATABASE_URL=self.database_url,
            KHUYENCONG_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
            PYTHONPATH=str(PROJECT_DIR),
        )
        env.update(extra)
        return env

    def manage(
        self, *args: str, stdin: str | None = None, check: bool = True, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*KHUYENCONG, *args],
            env=self.env(),
            cwd=PROJECT_DIR,
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"khuyencong {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def child(self, name: str, *args: str, timeout: float = 300, **extra: str) -> Any:
        """Run one function of child.py and return the JSON it prints."""
        result = self.spawn(name, *args, **extra).communicate(timeout=timeout)
        out, err = result
        if not out.strip():
            raise AssertionError(f"child {name} printed nothing:\n{err}")
        return json.loads(out.strip().splitlines()[-1])

    def spawn(self, name: str, *args: str, **extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*CHILD, name, *args],
            env=self.env(**extra),
            cwd=PROJECT_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def sqlite_installation(var: Path) -> Installation:
    return Installation(var=var, database_url=f"sqlite:///{var / 'khuyencong.sqlite3'}")


def demo_template(shared_root: Path) -> Path:
    """The var folder of a demo installation on SQLite, built once per run whoever asks first."""
    template = shared_root / "khuyencong-demo-template"
    lock_path = shared_root / "khuyencong-demo-template.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (template / "ready").exists():
            shutil.rmtree(template, ignore_errors=True)
            template.mkdir()
            sqlite_installation(template).manage("setup", "--demo", "--verbosity", "0")
            (template / "ready").write_text("ok")
    return template


def state(installation: Installation) -> dict[str, Any]:
    """What a round trip must keep, read in this process: counts, whole-number sums, document hashes."""
    from khuyencong.ops import archive

    counted, _migrations = archive._sqlite_figures(installation.sqlite_file)
    return {**counted.as_json(), "media": archive.media_hashes(installation.media)}


def clone(installation: Installation, var: Path) -> Installation:
    shutil.copytree(installation.var, var)
    return sqlite_installation(var)


def copy_of(template: Path, var: Path) -> Installation:
    var.mkdir(parents=True, exist_ok=True)
    for path in [template / "secret_key", *template.glob("khuyencong.sqlite3*")]:
        shutil.copy2(path, var / path.name)
    return sqlite_installation(var)
