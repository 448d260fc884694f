"""Backup and restore of a whole installation: the database and every file under MEDIA_ROOT, one archive.

The archive is a gzip-compressed tar:

    manifest.json           what is inside and how to check it (written last, read first)
    database/db.sqlite3     SQLite: a copy made with the online backup API (consistent while the site runs)
    database/db.pgdump      PostgreSQL: pg_dump's custom format, taken on an exported snapshot
    media/<path>            every regular file under MEDIA_ROOT (uploaded documents, generated reports)

The manifest records the record count of every table and the sum of every whole-number column (money
is a BigIntegerField by convention, so every money total is among them), computed on the very snapshot
that was dumped; the SHA-256 and size of the dump and of every file; the application version, the
applied migrations, the database vendor and when it was made.

Restoring checks everything before it changes anything: the member names (no absolute path, no "..",
nothing but regular files, nothing the manifest does not list), every hash, the vendor, and for SQLite
the counts and totals of the dump itself. Then it replaces the database (SQLite: the backup API into the
live file; PostgreSQL: pg_restore --clean --if-exists in one transaction) and swaps the media folder,
and finally checks that counts, totals and hashes of the restored installation equal the manifest.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import importlib.metadata
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "khuyencong-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP_NAMES = {"sqlite": "database/db.sqlite3", "postgresql": "database/db.pgdump"}
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024
# The manifest is read whole into memory: anything this large is not one of ours.
MANIFEST_MAX_BYTES = 256 * 1024 * 1024


class ArchiveError(Exception):
    """The archive cannot be made or used; the message is for the person running the command."""


@dataclass
class Figures:
    """Record counts per table and sums per whole-number column: what must match after a round trip."""

    tables: dict[str, int] = field(default_factory=dict)
    money: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, dict[str, int]]:
        return {"tables": dict(sorted(self.tables.items())), "money": dict(sorted(self.money.items()))}


Log = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


# --- what is counted --------------------------------------------------------------------------------


def counted_columns() -> dict[str, list[str]]:
    """{table: [whole-number columns]} for every table of an installed, managed model, plus migrations."""
    out: dict[str, list[str]] = {"django_migrations": []}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.swapped:
            continue
        columns = out.setdefault(meta.db_table, [])
        for f in meta.local_concrete_fields:
            if isinstance(f, models.BigIntegerField) and not isinstance(f, models.AutoField):
                columns.append(f.column)
        columns.sort()
    return dict(sorted(out.items()))


def figures(cursor: Any, existing: set[str], quote: Callable[[str], str]) -> Figures:
    """Count and sum on `cursor` (any DB-API cursor), for the counted tables that exist there."""
    result = Figures()
    for table, columns in counted_columns().items():
        if table not in existing:
            continue
        sums = "".join(f", COALESCE(SUM({quote(c)}), 0)" for c in columns)
        cursor.execute(f"SELECT COUNT(*){sums} FROM {quote(table)}")
        row = cursor.fetchone()
        result.tables[table] = int(row[0])
        for column, total in zip(columns, row[1:], strict=True):
            result.money[f"{table}.{column}"] = int(total)
    return result


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_figures(path: Path) -> tuple[Figures, list[str]]:
    """Figures and applied migrations of a SQLite file, read with the standard library alone."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = db.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        existing = {name for (name,) in cursor.fetchall()}
        result = figures(cursor, existing, _sqlite_quote)
        migrations = _migrations(cursor) if "django_migrations" in existing else []
    finally:
        db.close()
    return result, migrations


def _migrations(cursor: Any) -> list[str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def live_figures(alias: str = DEFAULT_DB_ALIAS) -> Figures:
    connection = connections[alias]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        return figures(cursor, existing, connection.ops.quote_name)


# --- files ------------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(root: Path, log: Log = _quiet) -> Iterator[tuple[str, Path]]:
    """(archive-relative name, path) of every regular file under `root`, in a stable order.

    Symbolic links are not followed: a link could point anywhere on the server, and uploads never
    create one."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for dirname in list(dirnames):
            if (Path(dirpath) / dirname).is_symlink():
                log(_("Bỏ qua liên kết tượng trưng (symlink) %(path)s.") % {"path": Path(dirpath) / dirname})
                dirnames.remove(dirname)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                log(_("Bỏ qua %(path)s: không phải tệp thường.") % {"path": path})
                continue
            yield path.relative_to(root).as_posix(), path


def media_hashes(root: Path) -> dict[str, dict[str, Any]]:
    return {rel: {"sha256": sha256_of(path), "size": path.stat().st_size} for rel, path in media_files(root)}


class _HashingReader:
    """Reads a file for tarfile while hashing it, so each document is read once."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        self.count += len(data)
        return data


# --- PostgreSQL tools -------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The newest installed pg_dump/pg_restore (Debian keeps them under /usr/lib/postgresql/N/bin)."""

    def major(path: str) -> int:
        match = re.search(r"/postgresql/(\d+)/bin/", path)
        return int(match.group(1)) if match else 0

    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=major)
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise ArchiveError(
        _("Không tìm thấy chương trình %(name)s của PostgreSQL (cài gói postgresql-client).") % {"name": name}
    )


def _pg_environment(alias: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    config = connections[alias].settings_dict
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if config.get(key):
            env[var] = str(config[key])
    env["PGDATABASE"] = str(config["NAME"])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ArchiveError(
            _("%(tool)s thất bại (mã %(code)s): %(error)s")
            % {
                "tool": Path(command[0]).name,
                "code": result.returncode,
                "error": result.stderr.strip()[-2000:],
            }
        )


# --- backup -----------------------------------------------------------------------------------------


@dataclass
class Snapshot:
    dump: Path
    figures: Figures
    migrations: list[str]


def _snapshot_sqlite(dest: Path) -> Snapshot:
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    target = sqlite3.connect(dest)
    try:
        # One step (pages=-1) under one read lock: a consistent copy even while the site writes (WAL).
        connection.connection.backup(target)
        # The copy is self-contained: no -wal/-shm files beside it.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    counted, migrations = _sqlite_figures(dest)
    return Snapshot(dump=dest, figures=counted, migrations=migrations)


def _snapshot_postgresql(dest: Path) -> Snapshot:
    connection = connections[DEFAULT_DB_ALIAS]
    with transaction.atomic(), connection.cursor() as cursor:
        # The counts and pg_dump read the same snapshot, so the manifest describes the dump exactly.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot_id,) = cursor.fetchone()
        _run(
            [pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}", f"--file={dest}"],
            _pg_environment(),
        )
        existing = set(connection.introspection.table_names(cursor))
        counted = figures(cursor, existing, connection.ops.quote_name)
        migrations = _migrations(cursor)
    return Snapshot(dump=dest, figures=counted, migrations=migrations)


def app_version() -> str:
    try:
        return importlib.metadata.version("khuyencong")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    with path.open("rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(path.stat().st_mtime)
        info.mode = 0o644
        reader = _HashingReader(stream)
        tar.addfile(info, cast(IO[bytes], reader))
    if reader.count != size:
        raise ArchiveError(
            _("Tệp %(path)s thay đổi trong khi sao lưu; hãy chạy lại lệnh sao lưu.") % {"path": path}
        )
    return {"sha256": reader.digest.hexdigest(), "size": size}


def create_backup(target: Path, *, log: Log = _quiet) -> dict[str, Any]:
    """Write the archive to `target` (atomically: a half-written archive never carries the name)."""
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    if vendor not in DUMP_NAMES:
        raise ArchiveError(_("Chưa hỗ trợ sao lưu cơ sở dữ liệu %(vendor)s.") % {"vendor": vendor})
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="khuyencong-backup-") as work:
        dump = Path(work) / Path(DUMP_NAMES[vendor]).name
        log(_("Chụp cơ sở dữ liệu (%(vendor)s)…") % {"vendor": vendor})
        created_at = timezone.now()
        # The database first, then the files: a document committed in the snapshot had its file written
        # before its row, so the walk below finds it.
        snap = _snapshot_sqlite(dump) if vendor == "sqlite" else _snapshot_postgresql(dump)
        partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                database = {"vendor": vendor, "file": DUMP_NAMES[vendor]}
                database |= _add_file(tar, DUMP_NAMES[vendor], dump)
                media: dict[str, dict[str, Any]] = {}
                for rel, path in media_files(media_root, log):
                    media[rel] = _add_file(tar, MEDIA_PREFIX + rel, path)
                log(_("Đã đưa %(n)s tệp tài liệu vào bản sao lưu.") % {"n": len(media)})
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "app_version": app_version(),
                    "created_at": created_at.isoformat(),
                    "database": database,
                    "migrations": snap.migrations,
                    **snap.figures.as_json(),
                    "media": media,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(created_at.timestamp())
                info.mode = 0o644
                tar.addfile(info, io.BytesIO(data))
            with partial.open("rb") as written:
                os.fsync(written.fileno())
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


# --- reading and checking an archive ----------------------------------------------------------------


def _safe_relative(name: str) -> PurePosixPath:
    """A member name as a relative path that stays inside the folder it is extracted to, or refuse."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in name.split("/"))
    ):
        raise _refuse(
            _(
                "Bản sao lưu chứa đường dẫn không an toàn “%(name)s” (tuyệt đối hoặc có “..”); từ chối khôi phục."
            )
            % {"name": name}
        )
    return path


def _refuse(message: str) -> ArchiveError:
    return ArchiveError(message + " " + _("Không có gì bị thay đổi."))


@dataclass
class Checked:
    """An archive whose every member was checked and extracted into `staging`."""

    manifest: dict[str, Any]
    staging: Path
    dump: Path
    media: Path


def _load_manifest(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo]) -> dict[str, Any]:
    info = members.get(MANIFEST)
    if info is None:
        raise _refuse(_("Tệp không phải bản sao lưu khuyến công: thiếu manifest.json."))
    if info.size > MANIFEST_MAX_BYTES:
        raise _refuse(_("manifest.json quá lớn."))
    stream = tar.extractfile(info)
    if stream is None:
        raise _refuse(_("manifest.json không đọc được."))
    try:
        manifest = json.loads(stream.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse(_("manifest.json hỏng: %(error)s.") % {"error": exc}) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(_("Tệp không phải bản sao lưu khuyến công."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _refuse(
            _("Bản sao lưu có định dạng phiên bản %(version)s; phiên bản này chỉ đọc định dạng %(ours)s.")
            % {"version": manifest.get("format_version"), "ours": FORMAT_VERSION}
        )
    for key, kind in (
        ("database", dict),
        ("tables", dict),
        ("money", dict),
        ("media", dict),
        ("migrations", list),
    ):
        if not isinstance(manifest.get(key), kind):
            raise _refuse(_("manifest.json thiếu mục “%(key)s”.") % {"key": key})
    return manifest


def _expected_members(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    database = manifest["database"]
    vendor = database.get("vendor")
    if vendor not in DUMP_NAMES or database.get("file") != DUMP_NAMES[vendor]:
        raise _refuse(_("manifest.json ghi sai tệp cơ sở dữ liệu."))
    expected = {DUMP_NAMES[vendor]: database}
    for rel, entry in manifest["media"].items():
        _safe_relative(rel)
        if not isinstance(entry, dict):
            raise _refuse(_("manifest.json ghi sai tệp “%(name)s”.") % {"name": rel})
        expected[MEDIA_PREFIX + rel] = entry
    return expected


def _extract(tar: tarfile.TarFile, info: tarfile.TarInfo, target: Path, entry: dict[str, Any]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    stream = tar.extractfile(info)
    if stream is None:
        raise _refuse(_("Không đọc được “%(name)s” trong bản sao lưu.") % {"name": info.name})
    digest = hashlib.sha256()
    size = 0
    with target.open("xb") as out:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if digest.hexdigest() != entry.get("sha256") or size != entry.get("size"):
        raise _refuse(
            _(
                "“%(name)s” trong bản sao lưu không khớp mã băm SHA-256 hoặc kích thước ghi trong manifest: "
                "bản sao lưu bị hỏng hoặc đã bị sửa."
            )
            % {"name": info.name}
        )


def check_archive(path: Path, staging: Path, *, vendor: str) -> Checked:
    """Open, check and extract the archive into `staging` (which must not exist); raise ArchiveError."""
    try:
        tar = tarfile.open(path, "r:*")  # noqa: SIM115 - closed by the `with tar` below
    except (OSError, tarfile.TarError) as exc:
        raise _refuse(
            _("Không mở được bản sao lưu %(path)s: %(error)s.") % {"path": path, "error": exc}
        ) from None
    with tar:
        try:
            infos = tar.getmembers()
        except (OSError, tarfile.TarError, EOFError) as exc:
            raise _refuse(_("Bản sao lưu bị hỏng: %(error)s.") % {"error": exc}) from None
        members: dict[str, tarfile.TarInfo] = {}
        for info in infos:
            _safe_relative(info.name)
            if not info.isreg():
                raise _refuse(
                    _(
                        "Bản sao lưu chứa “%(name)s” không phải tệp thường (liên kết hoặc thiết bị); "
                        "từ chối khôi phục."
                    )
                    % {"name": info.name}
                )
            if info.name in members:
                raise _refuse(_("Bản sao lưu chứa hai lần “%(name)s”.") % {"name": info.name})
            members[info.name] = info
        manifest = _load_manifest(tar, members)
        archived_vendor = manifest["database"].get("vendor")
        if archived_vendor != vendor:
            raise _refuse(
                _(
                    "Bản sao lưu lập từ cơ sở dữ liệu %(theirs)s, còn hệ thống này dùng %(ours)s: "
                    "không khôi phục chéo được."
                )
                % {"theirs": archived_vendor, "ours": vendor}
            )
        expected = _expected_members(manifest)
        unexpected = sorted(set(members) - set(expected) - {MANIFEST})
        if unexpected:
            raise _refuse(
                _("Bản sao lưu chứa tệp không có trong manifest: %(names)s.")
                % {"names": ", ".join(unexpected[:5])}
            )
        missing = sorted(set(expected) - set(members))
        if missing:
            raise _refuse(
                _("Bản sao lưu thiếu tệp ghi trong manifest: %(names)s.") % {"names": ", ".join(missing[:5])}
            )
        staging.mkdir(mode=0o700)
        root = staging.resolve()
        for name in expected:
            target = (root / _safe_relative(name)).resolve()
            if not target.is_relative_to(root):  # belt and braces after the name check above
                raise _refuse(_("Đường dẫn không an toàn “%(name)s”.") % {"name": name})
            _extract(tar, members[name], target, expected[name])
    (staging / "media").mkdir(exist_ok=True)
    return Checked(
        manifest=manifest,
        staging=staging,
        dump=staging / DUMP_NAMES[archived_vendor],
        media=staging / "media",
    )


def _known_migrations() -> set[str]:
    from django.db.migrations.loader import MigrationLoader

    return {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}


def _unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    return sorted(set(manifest["migrations"]) - _known_migrations())


def differences(
    manifest: dict[str, Any], counted: Figures, media: dict[str, dict[str, Any]] | None
) -> list[str]:
    """Every way the installation differs from what the manifest says, as lines for a person."""
    lines: list[str] = []
    for table, count in sorted(manifest["tables"].items()):
        if counted.tables.get(table) != count:
            lines.append(
                _("Bảng %(table)s: %(found)s bản ghi, manifest ghi %(count)s.")
                % {"table": table, "found": counted.tables.get(table, "—"), "count": count}
            )
    for column, total in sorted(manifest["money"].items()):
        if counted.money.get(column) != total:
            lines.append(
                _("Tổng cột %(column)s: %(found)s, manifest ghi %(total)s.")
                % {"column": column, "found": counted.money.get(column, "—"), "total": total}
            )
    if media is not None:
        for rel in sorted(set(manifest["media"]) | set(media)):
            want, have = manifest["media"].get(rel), media.get(rel)
            if want is None:
                lines.append(_("Tệp %(name)s không có trong bản sao lưu.") % {"name": rel})
            elif have is None:
                lines.append(_("Thiếu tệp %(name)s.") % {"name": rel})
            elif want.get("sha256") != have["sha256"] or want.get("size") != have["size"]:
                lines.append(_("Tệp %(name)s khác mã băm SHA-256.") % {"name": rel})
    return lines


# --- restore ----------------------------------------------------------------------------------------


@dataclass
class Plan:
    """A checked archive ready to restore, and where it goes."""

    checked: Checked
    database: str
    media_root: Path
    notes: list[str]


@contextlib.contextmanager
def prepared(path: Path) -> Iterator[Plan]:
    """Check the archive and stage it beside MEDIA_ROOT (same disk, so the swap is a rename); the
    staging folder goes when the block ends, whatever happens."""
    connection = connections[DEFAULT_DB_ALIAS]
    media_root = Path(settings.MEDIA_ROOT).resolve()
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = media_root.parent / f".khuyencong-restore-{secrets.token_hex(6)}"
    try:
        checked = check_archive(path, staging, vendor=connection.vendor)
        unknown = _unknown_migrations(checked.manifest)
        if unknown:
            raise _refuse(
                _(
                    "Bản sao lưu lập bằng phiên bản mới hơn (%(version)s) có các migration mà phiên bản này "
                    "không biết: %(names)s. Hãy cập nhật phần mềm rồi khôi phục."
                )
                % {"version": checked.manifest.get("app_version"), "names": ", ".join(unknown[:5])}
            )
        notes: list[str] = []
        if set(_known_migrations()) - set(checked.manifest["migrations"]):
            notes.append(
                _("Bản sao lưu lập bằng phiên bản cũ hơn: hãy chạy “khuyencong migrate” sau khi khôi phục.")
            )
        if connection.vendor == "sqlite":
            # The dump is a database file: check its counts and totals before it replaces anything.
            counted, _migrations_found = _sqlite_figures(checked.dump)
            wrong = differences(checked.manifest, counted, None)
            if wrong:
                raise _refuse(
                    _("Cơ sở dữ liệu trong bản sao lưu không khớp manifest: %(lines)s")
                    % {"lines": " ".join(wrong[:10])}
                )
        database = str(connection.settings_dict["NAME"])
        yield Plan(checked=checked, database=database, media_root=media_root, notes=notes)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _restore_sqlite(plan: Plan) -> None:
    connections.close_all()
    source = sqlite3.connect(f"file:{plan.checked.dump}?mode=ro", uri=True)
    Path(plan.database).parent.mkdir(parents=True, exist_ok=True)
    target = sqlite3.connect(plan.database, timeout=60)
    try:
        # The backup API replaces the live file's content under its own lock: readers see the old
        # database or the new one, never a mix, and the WAL stays consistent.
        source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_postgresql(plan: Plan) -> None:
    connections.close_all()
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={plan.database}",
            str(plan.checked.dump),
        ],
        _pg_environment(),
    )


def restore(plan: Plan, *, log: Log = _quiet) -> list[str]:
    """Replace the database and the media folder with the archive's; return what differs afterwards
    (empty when counts, totals and hashes all match the manifest)."""
    vendor = plan.checked.manifest["database"]["vendor"]
    log(_("Khôi phục cơ sở dữ liệu…"))
    _restore_sqlite(plan) if vendor == "sqlite" else _restore_postgresql(plan)
    log(_("Khôi phục thư mục tài liệu…"))
    old = plan.media_root.with_name(f"{plan.media_root.name}.before-restore-{secrets.token_hex(4)}")
    if plan.media_root.exists():
        os.rename(plan.media_root, old)
    os.rename(plan.checked.media, plan.media_root)
    log(_("Kiểm tra lại số bản ghi, tổng tiền và mã băm tài liệu…"))
    wrong = differences(plan.checked.manifest, live_figures(), media_hashes(plan.media_root))
    if old.exists():
        if wrong:
            plan.notes.append(_("Thư mục tài liệu trước khi khôi phục được giữ ở %(path)s.") % {"path": old})
        else:
            shutil.rmtree(old)
    return wrong
