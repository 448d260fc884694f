import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from khuyencong.core.models import AuditEntry
from khuyencong.projects import documents
from khuyencong.projects.document_services import project_document_upload
from khuyencong.projects.models import ProjectDocument

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()]


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_good_pdf_is_stored_under_media_with_its_hash_and_audited(officer, proposal, media):
    upload = SimpleUploadedFile("Quyết định phê duyệt.pdf", PDF, content_type="application/pdf")
    document = project_document_upload(
        project=proposal, actor=officer, upload=upload, kind="decision", title="QĐ phê duyệt"
    )
    sha = hashlib.sha256(PDF).hexdigest()
    assert document.sha256 == sha
    assert document.size == len(PDF)
    assert document.original_name == "Quyết định phê duyệt.pdf"
    assert document.content_type == "application/pdf"
    assert document.file.name == f"projects/{proposal.pk}/{sha}.pdf"
    assert (media / "projects" / str(proposal.pk) / f"{sha}.pdf").read_bytes() == PDF
    entry = AuditEntry.objects.filter(object_id=str(proposal.pk)).order_by("-id").first()
    assert entry is not None and entry.actor == officer
    assert sha in str(entry.changes["document"]["after"])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("hoa-don.pdf", EXE),  # an executable renamed .pdf
        ("setup.exe", EXE),
        ("anh.png", PDF),
        ("bang-ke.xlsx", _zip({"[Content_Types].xml": b"wordprocessingml.document.main+xml"})),
        ("bien-ban.odt", b"PK\x03\x04 not really a zip"),
    ],
)
def test_a_file_whose_type_is_not_allowed_is_refused_and_nothing_is_saved(
    officer, proposal, media, name, content
):
    audit_rows = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        project_document_upload(
            project=proposal, actor=officer, upload=SimpleUploadedFile(name, content), kind="invoice"
        )
    assert "file" in refused.value.message_dict
    assert "không" in refused.value.message_dict["file"][0]
    assert not ProjectDocument.objects.exists()
    assert stored_files(media) == []
    assert AuditEntry.objects.count() == audit_rows


def test_an_oversize_file_is_refused_naming_the_limit(officer, proposal, media):
    with override_settings(KHUYENCONG_MAX_UPLOAD_MB=1), pytest.raises(ValidationError) as refused:
        project_document_upload(
            project=proposal,
            actor=officer,
            upload=SimpleUploadedFile("lon.pdf", PDF + b"0" * (1024 * 1024)),
            kind="other",
        )
    assert "1 MB" in refused.value.message_dict["file"][0]
    assert not ProjectDocument.objects.exists()
    assert stored_files(media) == []


def test_office_and_open_document_files_are_recognised_by_their_content():
    docx = _zip({"[Content_Types].xml": b'<Override ContentType="x.wordprocessingml.document.main+xml"/>'})
    xlsx = _zip({"[Content_Types].xml": b'<Override ContentType="x.spreadsheetml.sheet.main+xml"/>'})
    ods = _zip({"mimetype": documents.ODS.encode(), "content.xml": b"<x/>"})
    for name, content in [("a.docx", docx), ("b.xlsx", xlsx), ("c.ods", ods)]:
        checked = documents.inspect(SimpleUploadedFile(name, content))
        assert checked.sha256 == hashlib.sha256(content).hexdigest()
    with pytest.raises(ValidationError):
        documents.inspect(SimpleUploadedFile("c.odt", ods))  # a spreadsheet named as a text


def test_only_the_centre_and_the_proposal_side_may_upload(leader, business_rep, proposal):
    with pytest.raises(PermissionDenied):
        project_document_upload(
            project=proposal, actor=leader, upload=SimpleUploadedFile("a.pdf", PDF), kind="other"
        )
    document = project_document_upload(
        project=proposal, actor=business_rep, upload=SimpleUploadedFile("a.pdf", PDF), kind="photo"
    )
    assert document.uploaded_by == business_rep


def test_upload_through_the_page_and_download_by_scope(client, officer, outsider, proposal, media):
    client.force_login(officer)
    url = reverse("projects:document_upload", args=[proposal.code_key])
    response = client.post(
        url, {"kind": "contract", "title": "", "file": SimpleUploadedFile("HĐ số 1.pdf", PDF)}
    )
    assert response.status_code == 302
    document = ProjectDocument.objects.get()
    assert reverse("projects:document", args=[proposal.code_key, document.pk]) in (
        client.get(proposal.get_absolute_url()).content.decode()
    )

    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''H%C4%90%20s%E1%BB%91%201.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF

    client.force_login(outsider)
    assert client.get(document.get_absolute_url()).status_code == 404
    refused = client.post(url, {"kind": "other", "file": SimpleUploadedFile("b.pdf", PDF)})
    assert refused.status_code == 404
    assert ProjectDocument.objects.count() == 1


def test_a_refusal_through_the_page_shows_the_rule(client, officer, proposal, media):
    client.force_login(officer)
    url = reverse("projects:document_upload", args=[proposal.code_key])
    response = client.post(
        url, {"kind": "invoice", "file": SimpleUploadedFile("hoa-don.pdf", EXE)}, follow=True
    )
    assert "không phải tệp PDF" in response.content.decode()
    assert not ProjectDocument.objects.exists()
    assert stored_files(media) == []
