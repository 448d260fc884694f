"""`khuyencong backup` and `khuyencong restore` on a real SQLite installation with the demo data and
uploaded documents: a round trip restores every count, money total and document hash exactly, and a
damaged, tampered or hostile archive is refused before anything changes."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from khuyencong.ops.archive import ArchiveError, check_archive
from khuyencong.ops.tests.installation import Installation, clone, copy_of, sqlite_installation, state


def rewrite(source: Path, target: Path, change) -> None:
    """Copy an archive member by member through `change(name, data) -> [(TarInfo, data | None)]`."""
    with tarfile.open(source, "r:*") as old, tarfile.open(target, "w") as new:
        for info in old.getmembers():
            stream = old.extractfile(info)
            data = stream.read() if stream else b""
            for out_info, out_data in change(info, data):
                new.addfile(out_info, io.BytesIO(out_data) if out_data is not None else None)


def member(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive, "r:*") as tar:
        stream = tar.extractfile("manifest.json")
        assert stream is not None
        return json.loads(stream.read())


@pytest.fixture(scope="module")
def original(demo_var, tmp_path_factory):
    """The demo with six uploaded documents, its figures, and a backup of it (made once per module)."""
    root = tmp_path_factory.mktemp("original")
    demo = copy_of(demo_var, root / "var")
    stored = demo.child("upload_documents")
    assert len(stored) == 6
    before = state(demo)
    assert before == state(demo)  # the in-process reading agrees with the installation's own
    archive = root / "sao-luu.tar.gz"
    out = demo.manage("backup", str(archive)).stdout
    assert "Đã sao lưu" in out and "6 tệp tài liệu" in out
    return demo, before, archive


@pytest.fixture
def backed_up(original, tmp_path):
    """A copy of the original installation for one test, with the original's figures and backup."""
    demo, before, archive = original
    return clone(demo, tmp_path / "var"), before, archive


def test_a_round_trip_restores_every_count_money_total_and_document_hash(backed_up):
    demo, before, archive = backed_up
    assert state(demo) == before
    manifest = manifest_of(archive)
    # The manifest describes the installation as it was.
    assert manifest["tables"] == before["tables"] and manifest["money"] == before["money"]
    assert {k: v["sha256"] for k, v in manifest["media"].items()} == {
        k: v["sha256"] for k, v in before["media"].items()
    }
    assert manifest["database"]["vendor"] == "sqlite" and manifest["app_version"]
    assert manifest["created_at"].endswith("+00:00")  # aware
    assert before["tables"]["projects_project"] >= 66 and before["money"]["projects_budgetline.amount"] > 0

    demo.child("damage")
    damaged = state(demo)
    assert damaged["money"] != before["money"] and damaged["tables"] != before["tables"]
    assert len(damaged["media"]) == 5

    out = demo.manage("restore", "--yes", str(archive)).stdout
    assert "khớp bản sao lưu" in out
    assert demo.child("figures") == before  # read by the restored installation itself
    # Nothing is left beside the media folder.
    assert sorted(p.name for p in demo.var.iterdir() if p.name.startswith(".") or "restore" in p.name) == []


def test_a_restore_into_an_empty_installation_gives_the_same_figures(backed_up, tmp_path):
    _demo, before, archive = backed_up
    fresh = sqlite_installation(tmp_path / "moi")
    fresh.var.mkdir()
    fresh.manage("restore", "--yes", str(archive))
    assert state(fresh) == before


def test_restore_asks_first_and_a_no_changes_nothing(backed_up):
    demo, before, archive = backed_up
    demo.child("damage")
    damaged = state(demo)
    refused = demo.manage("restore", str(archive), stdin="no\n", check=False)
    assert refused.returncode == 1
    assert "Gõ “yes” để tiếp tục" in refused.stdout and "Đã huỷ" in refused.stderr
    assert state(demo) == damaged
    demo.manage("restore", str(archive), stdin="yes\n")
    assert state(demo) == before


def refused_restore(demo: Installation, archive: Path) -> str:
    before = state(demo)
    result = demo.manage("restore", "--yes", str(archive), check=False)
    assert result.returncode == 1, result.stdout
    assert state(demo) == before, "a refused restore changed the installation"
    assert "Không có gì bị thay đổi" in result.stderr
    return result.stderr


def test_a_tampered_document_is_refused_and_nothing_changes(backed_up, tmp_path):
    demo, _before, archive = backed_up
    tampered = tmp_path / "sua.tar.gz"

    def change(info, data):
        if info.name.startswith("media/") and info.name.endswith(".pdf"):
            data = data.replace(b"Catalog", b"Catalug")
        info.size = len(data)
        return [(info, data)]

    rewrite(archive, tampered, change)
    assert "không khớp mã băm SHA-256" in refused_restore(demo, tampered)


def test_a_manifest_whose_counts_disagree_with_the_dump_is_refused(backed_up, tmp_path):
    demo, _before, archive = backed_up
    tampered = tmp_path / "sua.tar.gz"

    def change(info, data):
        if info.name == "manifest.json":
            manifest = json.loads(data)
            manifest["money"]["projects_budgetline.amount"] += 1_000_000
            return [member("manifest.json", json.dumps(manifest).encode())]
        return [(info, data)]

    rewrite(archive, tampered, change)
    error = refused_restore(demo, tampered)
    assert "không khớp manifest" in error and "projects_budgetline.amount" in error


def refused_check(archive_path: Path, tmp_path: Path, vendor: str = "sqlite") -> str:
    """The archive checks alone, in this process: they run before `restore` changes anything."""
    staging = tmp_path / "staging"
    with pytest.raises(ArchiveError) as refused:
        check_archive(archive_path, staging, vendor=vendor)
    assert "Không có gì bị thay đổi" in str(refused.value)
    return str(refused.value)


def test_a_truncated_archive_is_refused(original, tmp_path):
    _demo, _before, archive = original
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert "hỏng" in refused_check(cut, tmp_path)


def test_an_archive_is_not_restored_across_database_vendors(original, tmp_path):
    _demo, _before, archive = original
    error = refused_check(archive, tmp_path, vendor="postgresql")
    assert "lập từ cơ sở dữ liệu sqlite, còn hệ thống này dùng postgresql" in error


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("../../thoat.txt", "đường dẫn không an toàn"),
        ("/tmp/tuyet-doi.txt", "đường dẫn không an toàn"),
        ("media/projects/../../../thoat.txt", "đường dẫn không an toàn"),
        ("symlink", "không phải tệp thường"),
        ("hardlink", "không phải tệp thường"),
        ("extra", "không có trong manifest"),
    ],
)
def test_a_hostile_member_is_refused_and_nothing_is_written(original, tmp_path, hostile, expected):
    _demo, _before, archive = original
    evil = tmp_path / "evil.tar.gz"

    def change(info, data):
        out = [(info, data)]
        if info.name == "manifest.json":
            if hostile == "symlink":
                link = tarfile.TarInfo("media/projects/lien-ket")
                link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
                out.insert(0, (link, None))
            elif hostile == "hardlink":
                link = tarfile.TarInfo("media/projects/lien-ket")
                link.type, link.linkname = tarfile.LNKTYPE, "/etc/passwd"
                out.insert(0, (link, None))
            elif hostile == "extra":
                out.insert(0, member("media/them.txt", b"x"))
            else:
                out.insert(0, member(hostile, b"owned"))
        return out

    rewrite(archive, evil, change)
    assert expected in refused_check(evil, tmp_path).lower()
    assert not Path("/tmp/tuyet-doi.txt").exists() and not list(tmp_path.parent.rglob("thoat.txt"))
    assert not (tmp_path / "staging").exists()


def test_backup_runs_while_the_site_writes(demo, tmp_path):
    """The online backup API copies one consistent state while another process keeps committing."""
    writer = demo.spawn("race", "advance", "0", "1")  # any process holding the database busy
    archive = tmp_path / "b.tar.gz"
    demo.manage("backup", str(archive))
    writer.communicate(timeout=120)
    manifest = manifest_of(archive)
    fresh = sqlite_installation(tmp_path / "moi")
    fresh.var.mkdir()
    fresh.manage("restore", "--yes", str(archive))
    restored = state(fresh)
    assert restored["tables"] == manifest["tables"] and restored["money"] == manifest["money"]
