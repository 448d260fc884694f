"""Faults (issue 8 §5): a process killed with SIGKILL in the middle of a plan approval or of a report
leaves no partial state, and a full disk during an upload gives a clear message and saves nothing.

The kills happen in a child process working on a SQLite file, at a point chosen by a receiver or
wrapper that child.py installs in itself (nothing in the shipped code knows about it); the child
sends itself SIGKILL, so no Python cleanup, no rollback and no `finally` runs: what is on disk is what
a power cut or `kill -9` would leave.
"""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khuyencong.core.models import AuditEntry
from khuyencong.ops.tests.installation import Installation
from khuyencong.projects.document_services import project_document_upload
from khuyencong.projects.models import ProjectDocument

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + b"%" * 300_000


def killed(demo: Installation, name: str, *args: str, **env: str) -> str:
    process = demo.spawn(name, *args, **env)
    out, err = process.communicate(timeout=300)
    assert process.returncode == -signal.SIGKILL, f"the child was not killed:\n{out}\n{err}"
    return out


def query(demo: Installation, sql: str, *params: object) -> list[tuple]:
    db = sqlite3.connect(demo.sqlite_file)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def plan_state(demo: Installation, created: dict) -> dict:
    ids = ",".join(str(pk) for pk in created["projects"])
    return {
        "plan": query(
            demo, "SELECT status, decision_number FROM plans_annualplan WHERE id = ?", created["plan"]
        ),
        "projects": query(
            demo,
            f"SELECT id, status, approved_support, decision_number FROM projects_project WHERE id IN ({ids})",
        ),
        "audit": query(demo, "SELECT COUNT(*) FROM core_auditentry"),
        "integrity": query(demo, "PRAGMA integrity_check"),
    }


def test_a_plan_approval_killed_half_way_leaves_nothing_approved(demo):
    created = demo.child("submitted_plan", "3")
    before = plan_state(demo, created)
    out = killed(demo, "approve_plan", str(created["plan"]), "2")
    assert "after approving 2 projects" in out  # two of the three projects were saved as approved
    after = plan_state(demo, created)
    assert after == before
    assert after["integrity"] == [("ok",)]
    assert {status for _pk, status, *_ in after["projects"]} == {"proposed"}
    # Nothing is stuck: the approval simply runs again.
    assert len(demo.child("approve_plan", str(created["plan"]))["approved"]) == 3
    assert query(demo, "SELECT status FROM plans_annualplan WHERE id = ?", created["plan"]) == [("approved",)]


def report_state(demo: Installation, run: int) -> dict:
    return demo.child("report_state", str(run))


@pytest.mark.parametrize("point", ["computing", "file"])
def test_a_report_killed_half_way_is_marked_failed_and_leaves_no_file(demo, point):
    run = demo.child("queue_report")["run"]
    out = killed(demo, "work_killed", point)
    assert f'"killed_at": "{point}"' in out
    state = report_state(demo, run)
    # The database never points at a file that was not finished.
    assert state["status"] == "running" and state["file"] == ""
    if point == "file":
        assert [f for f in state["files"] if f.startswith("reports/")], (
            "the kill came after the file was written"
        )

    out = demo.manage("recover_interrupted").stdout
    assert "báo cáo đánh dấu lỗi: 1" in out
    state = report_state(demo, run)
    assert state["status"] == "failed" and "bị gián đoạn" in state["error"] and state["file"] == ""
    assert not [f for f in state["files"] if f.startswith("reports/")]
    assert "RUNNING" not in state["tasks"]

    # Asked again, the report is made.
    again = demo.child("queue_report")["run"]
    demo.child("run_worker")
    state = report_state(demo, again)
    assert state["status"] == "done" and state["files"] == [state["file"]]


class FullDiskStorage(FileSystemStorage):
    """A disk that fills up part-way through a file: the first bytes land in the real file under
    MEDIA_ROOT (as they would), the rest go to /dev/full, where the kernel answers ENOSPC."""

    room = 4096

    def _save(self, name: str, content) -> str:
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with path.open("xb") as partial, open("/dev/full", "wb", buffering=0) as full:
            for chunk in content.chunks():
                head = chunk[: max(self.room - written, 0)]
                partial.write(head)
                written += len(head)
                if len(chunk) > len(head):
                    full.write(chunk[len(head) :])
        return name


@pytest.fixture
def proposal(officer, geo):
    from khuyencong.projects import services

    return services.project_create(
        actor=officer,
        data={
            "code": "KCĐP-2030-001",
            "title": "Đào tạo nghề mây tre đan",
            "category": "training",
            "level": "local",
            "plan_year": 2030,
            "implementing_unit": "Trung tâm",
            "unit": geo.tam_thanh,
        },
        budget={"provincial": 100_000_000},
    )


@pytest.fixture
def full_disk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.FullDiskStorage"}}
    return tmp_path


def test_a_full_disk_during_an_upload_says_so_and_saves_nothing(officer, proposal, full_disk):
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        project_document_upload(
            project=proposal,
            actor=officer,
            upload=SimpleUploadedFile("Quyết định.pdf", PDF, content_type="application/pdf"),
            kind="decision",
        )
    message = refused.value.message_dict["file"][0]
    assert "Quyết định.pdf" in message and "hết dung lượng lưu trữ" in message and "chưa thay đổi" in message
    assert not ProjectDocument.objects.exists() and AuditEntry.objects.count() == entries
    assert [p for p in full_disk.rglob("*") if p.is_file()] == []  # the partial file is gone too


def test_a_full_disk_during_an_upload_shows_the_message_on_the_page(client, officer, proposal, full_disk):
    client.force_login(officer)
    page = client.post(
        reverse("projects:document_upload", kwargs={"code": proposal.code}),
        {"kind": "decision", "title": "", "file": SimpleUploadedFile("QĐ.pdf", PDF)},
        follow=True,
    )
    assert "máy chủ đã hết dung lượng lưu trữ" in page.content.decode()
    assert not ProjectDocument.objects.exists()
