"""Import over the API: the page's checks and engine, 422 with every cell and nothing written on error."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from khuyencong.establishments.models import Establishment
from khuyencong.imports.tests.files import xlsx
from khuyencong.imports.tests.test_establishments import rows_for

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type=XLSX)


def test_a_dry_run_reports_and_an_import_writes_then_the_same_file_changes_nothing(
    client, officer, geo, tmp_path
):
    path = xlsx(tmp_path / "co-so.xlsx", rows_for(geo))
    client.force_login(officer)
    before = Establishment.objects.count()
    checked = client.post("/api/v1/imports/establishments", {"file": _upload(path)})
    assert checked.status_code == 200, checked.content
    assert checked.json()["created"] == 2 and checked.json()["committed"] is False
    assert Establishment.objects.count() == before
    done = client.post("/api/v1/imports/establishments?dry_run=false", {"file": _upload(path)})
    assert done.status_code == 200 and done.json()["committed"] is True
    assert Establishment.objects.count() == before + 2
    again = client.post("/api/v1/imports/establishments?dry_run=false", {"file": _upload(path)})
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 2)
    assert Establishment.objects.count() == before + 2


def test_a_file_with_an_error_answers_422_naming_the_cell_and_writes_nothing(client, officer, geo, tmp_path):
    rows = rows_for(geo)
    rows[2][7] = "nhiều"  # workers: not a number
    path = xlsx(tmp_path / "loi.xlsx", rows)
    client.force_login(officer)
    before = Establishment.objects.count()
    response = client.post("/api/v1/imports/establishments?dry_run=false", {"file": _upload(path)})
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] and any("nhiều" in item["message"] for item in body["errors"])
    assert any(item["field"] and item["field"].endswith("3") for item in body["errors"])
    assert Establishment.objects.count() == before


def test_roles_kinds_and_files_are_checked(client, officer, leader, geo, tmp_path):
    path = xlsx(tmp_path / "co-so.xlsx", rows_for(geo))
    client.force_login(leader)
    assert client.post("/api/v1/imports/establishments", {"file": _upload(path)}).status_code == 403
    client.force_login(officer)
    assert client.post("/api/v1/imports/cows", {"file": _upload(path)}).status_code == 404
    empty = SimpleUploadedFile("rong.xlsx", b"", content_type=XLSX)
    refused = client.post("/api/v1/imports/establishments", {"file": empty})
    assert refused.status_code == 422 and "rỗng" in refused.json()["detail"]
