"""The pages at /nhap-du-lieu/: upload, check in the background, read the errors, import, templates."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khuyencong.establishments.models import Establishment
from khuyencong.imports.choices import ImportKind, RunStatus
from khuyencong.imports.models import ImportRun
from khuyencong.imports.tests.files import ESTABLISHMENT_HEADER, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD = [
    1,
    "Hợp tác xã mây tre Tam Thanh",
    "Hợp tác xã",
    "",
    "Lý Văn A",
    "Tam Thanh",
    "Ngành nghề khác",
    12,
    5,
    2010,
]
BAD = [2, "Cơ sở Vĩnh Trại", "Hộ kinh doanh", "", "", "Vĩnh Trại", "Ngành nghề khác", "1,286", "", 2010]


@pytest.fixture
def upload(client, tmp_path, django_capture_on_commit_callbacks):
    def send(rows, name="co-so.xlsx"):
        data = xlsx(tmp_path / name, rows).read_bytes()
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("imports:index"),
                {"kind": "establishments", "file": SimpleUploadedFile(name, data, content_type=XLSX)},
            )

    return send


def test_an_officer_uploads_reads_every_error_then_imports_the_corrected_file(
    client, upload, officer, geo, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    response = upload([ESTABLISHMENT_HEADER, GOOD, BAD])
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    page = client.get(run.get_absolute_url())
    html = page.content.decode()
    assert run.__class__.objects.get().status == RunStatus.CHECKED
    assert "Refresh" not in page  # finished: no more reloading
    assert "Tệp có 2 lỗi" in html and "chia cho nhiều đơn vị" in html and "không rõ" in html
    assert "Nhập vào hệ thống" not in html  # nothing to confirm while errors remain
    annotated = client.get(reverse("imports:annotated", kwargs={"pk": run.pk}))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(annotated.streaming_content)))
    assert book.worksheets[0]["F3"].comment is not None
    assert Establishment.objects.count() == 0

    upload([ESTABLISHMENT_HEADER, GOOD, [*BAD[:5], "Lương Văn Tri", BAD[6], "1.286", *BAD[8:]]], "sua.xlsx")
    fixed = ImportRun.objects.order_by("-pk").first()
    html = client.get(fixed.get_absolute_url()).content.decode()
    assert "Tệp không có lỗi" in html and "Nhập vào hệ thống" in html
    assert Establishment.objects.count() == 0  # the check wrote nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:confirm", kwargs={"pk": fixed.pk}))
    assert response.status_code == 302
    fixed.refresh_from_db()
    assert fixed.status == RunStatus.DONE and fixed.created == 2
    assert Establishment.objects.get(name="Cơ sở Vĩnh Trại").workers == 1286
    # a second confirmation cannot import twice
    assert client.post(reverse("imports:confirm", kwargs={"pk": fixed.pk})).status_code == 403


def test_a_run_still_working_reloads_itself_without_javascript(client, upload, officer, geo, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(officer)
    upload([ESTABLISHMENT_HEADER, GOOD])
    run = ImportRun.objects.get()
    page = client.get(run.get_absolute_url())
    assert page["Refresh"] == "2"
    assert "<progress" in page.content.decode()
    status = client.get(reverse("imports:status", kwargs={"pk": run.pk})).json()
    assert status["status"] == "queued" and status["finished"] is False


def test_the_status_endpoint_reports_progress_and_counts(
    client, upload, officer, geo, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    upload([ESTABLISHMENT_HEADER, GOOD])
    run = ImportRun.objects.get()
    status = client.get(reverse("imports:status", kwargs={"pk": run.pk})).json()
    assert status == {
        "status": "checked",
        "finished": True,
        "rows_done": 1,
        "percent": 100,
        "errors": 0,
        "created": 1,
        "updated": 0,
    }


def test_someone_elses_run_is_not_found(client, upload, officer, administrator, geo, immediate_tasks):
    client.force_login(administrator)
    upload([ESTABLISHMENT_HEADER, GOOD])
    run = ImportRun.objects.get()
    client.force_login(officer)
    assert client.get(run.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("who", ["commune_officer", "leader", "council_member"])
def test_the_pages_are_for_centre_officers(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("imports:index")).status_code == 403
    assert client.get(reverse("imports:template", kwargs={"kind": "establishments"})).status_code == 403


def test_a_file_above_the_upload_limit_is_refused_before_anything_is_stored(client, officer, geo, settings):
    settings.KHUYENCONG_IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(officer)
    big = SimpleUploadedFile("lon.xlsx", b"PK\x03\x04" + b"\x00" * (1024 * 1024 + 10), content_type=XLSX)
    response = client.post(reverse("imports:index"), {"kind": "establishments", "file": big})
    assert response.status_code == 400
    assert "vượt giới hạn 1 MB" in response.content.decode()
    assert ImportRun.objects.count() == 0


@pytest.mark.parametrize("kind", ImportKind.values)
def test_templates_have_the_importers_headers_and_dropdowns(client, officer, geo, kind, tmp_path):
    client.force_login(officer)
    response = client.get(reverse("imports:template", kwargs={"kind": kind}))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    content = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1] if c.value]
    assert headers
    lists = book.worksheets[1]
    assert lists.sheet_state == "hidden"
    validations = sheet.data_validations.dataValidation
    assert validations and all(v.type == "list" for v in validations)
    # the blank template, filled with one header row only, is read back by the importer without column errors
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(content)
    from khuyencong.imports.engine import run_import

    report = run_import(kind, path, officer, dry_run=True)
    assert [e.message for e in report.errors] == [
        report.errors[0].message
    ] and "không có dòng dữ liệu" in report.errors[0].message


def test_the_establishment_template_offers_communes_and_categories(client, officer, geo):
    client.force_login(officer)
    response = client.get(reverse("imports:template", kwargs={"kind": "establishments"}))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    lists = book.worksheets[1]
    columns = {
        lists.cell(1, c).value: [
            lists.cell(r, c).value for r in range(2, lists.max_row + 1) if lists.cell(r, c).value
        ]
        for c in range(1, lists.max_column + 1)
    }
    assert columns["Xã/phường"] == ["Xã Ba Sơn", "Phường Lương Văn Tri", "Phường Tam Thanh"]
    assert "Hợp tác xã" in columns["Loại hình"]
    assert "Ngành nghề khác" in columns["Ngành nghề"]
