"""Path traversal through uploads and download routes. File names are sent raw in the multipart body
(Django's test helpers would clean them first): every file lands under MEDIA_ROOT with a safe name or
the upload is refused with a message, and nothing is read or written outside."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from khuyencong.projects.models import ProjectDocument

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
NAMES = [
    "../../etc/passwd",
    "../../../escaped.pdf",
    "..\\..\\x.pdf",
    "/etc/passwd.pdf",
    "/tmp/khuyencong-escaped.pdf",
    "C:\\Windows\\system32\\x.pdf",
    "a\x00.pdf",
    "bad\x00/../../escaped.pdf",
    "x" * 400 + ".pdf",
    "..",
    ".pdf",
]
BOUNDARY = "----khuyencong-attack"


def multipart(fields: dict[str, str], *, filename: str, content: bytes, content_type: str) -> bytes:
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="'.encode()
        + filename.encode("utf-8", "surrogateescape")
        + f'"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def post_file(
    client: Client, url: str, fields: dict[str, str], *, filename: str, content: bytes, content_type: str
):
    body = multipart(fields, filename=filename, content=content, content_type=content_type)
    return client.generic("POST", url, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def files_under(root: Path) -> set[Path]:
    return {p.resolve() for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def sandbox(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def assert_nothing_outside(sandbox: Path) -> None:
    media = (sandbox / "media").resolve()
    outside = {p for p in files_under(sandbox) if not p.is_relative_to(media)}
    assert not outside, f"files written outside MEDIA_ROOT: {outside}"
    assert not Path("/tmp/khuyencong-escaped.pdf").exists()


def test_project_documents_with_hostile_names_stay_under_media_or_are_refused(world, officer, sandbox):
    client = Client()
    client.force_login(officer)
    url = reverse("projects:document_upload", kwargs={"code": world.proposed.code})
    media = (sandbox / "media").resolve()
    for filename in NAMES:
        for content in (EXE, PDF):  # an executable sent as a PDF first: refused, nothing stored
            before = ProjectDocument.objects.count()
            response = post_file(
                client,
                url,
                {"kind": "decision", "title": ""},
                filename=filename,
                content=content,
                content_type="application/pdf",
            )
            assert response.status_code in (200, 302, 400), (filename, response.status_code)
            assert_nothing_outside(sandbox)
            if content == EXE:
                assert ProjectDocument.objects.count() == before, filename
    documents = list(ProjectDocument.objects.all())
    assert documents, "no hostile-named PDF was stored: the test proves nothing about where files land"
    for document in documents:
        stored = Path(document.file.path).resolve()
        assert stored.is_relative_to(media) and ".." not in document.file.name
        assert "/" not in document.original_name and "\x00" not in document.original_name
        assert len(document.original_name) <= 255
        assert stored.read_bytes() == PDF
    assert len(files_under(media)) == 1  # one content, one file (named by its hash)


def test_import_files_with_hostile_names_stay_under_media_or_are_refused(officer, sandbox, settings):
    from khuyencong.imports.models import ImportRun

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = Client()
    client.force_login(officer)
    for filename in NAMES:
        response = post_file(
            client,
            reverse("imports:index"),
            {"kind": "establishments"},
            filename=filename,
            content=b"not a spreadsheet at all",
            content_type="application/vnd.ms-excel",
        )
        assert response.status_code in (200, 302, 400), (filename, response.status_code)
        assert_nothing_outside(sandbox)
    for run in ImportRun.objects.all():
        assert ".." not in run.file.name
        assert Path(run.file.path).resolve().is_relative_to((sandbox / "media").resolve())


DOTTED = [
    "/de-an/..%2F..%2Fetc%2Fpasswd/tai-lieu/1/",
    "/de-an/API-2026-002/tai-lieu/..%2F..%2Fetc%2Fpasswd/",
    "/nhap-du-lieu/mau/..%2F..%2Fsettings.xlsx",
    "/nhap-du-lieu/mau/....%2F%2Fetc%2Fpasswd.xlsx",
    "/san-pham/..%2F..%2Fetc/anh/1/",
    "/cong-khai/..%2F..%2Fetc%2Fpasswd/anh/1.jpg",
    "/static/..%2F..%2Fkhuyencong%2Fsettings.py",
    "/media/..%2F..%2Fetc%2Fpasswd",
    "/de-an/API-2026-002/van-ban/..%2Fquyet-dinh.pdf",
]


def test_download_routes_never_serve_a_file_named_by_a_dotted_path(world, officer):
    client = Client()
    client.force_login(officer)
    for url in DOTTED:
        response = client.get(url)
        assert response.status_code in (400, 404), f"{url}: {response.status_code}"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"root:" not in body and b"SECRET_KEY" not in body
