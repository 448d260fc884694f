"""CSV and JSON of the filtered list: the same filters and the same projection as the pages."""

from __future__ import annotations

import csv
import io
import json

from khuyencong.projects.choices import Status
from khuyencong.projects.tests.helpers import walk
from khuyencong.transparency.tests.conftest import make_project

CSV = "/cong-khai/tai-ve/de-an.csv"
JSON = "/cong-khai/tai-ve/de-an.json"


def rows_of(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel opens it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_csv_parses_and_carries_the_figures(client, settled):
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    (row,) = rows_of(response)
    assert row["Mã đề án"] == "KCĐP-2024-007"
    assert row["Tên đề án"] == "Mô hình trình diễn KCĐP-2024-007"
    assert row["Kinh phí hỗ trợ được duyệt (đồng)"] == "500000000"
    assert row["Đã tạm ứng (đồng)"] == "200000000"
    assert row["Kinh phí quyết toán (đồng)"] == "480000000"
    assert row["Lao động có việc làm – dự kiến"] == "30"
    assert row["Lao động có việc làm – đạt được"] == "32"
    assert row["Cơ sở thụ hưởng"] == "Công ty TNHH thương mại Hưng Long (Doanh nghiệp nhỏ)"
    assert row["Ngày bắt đầu"] == "2024-03-01"
    assert row["Trang công khai"] == "http://testserver/cong-khai/KCDP-2024-007/"


def test_the_json_parses_and_carries_the_same_projection(client, settled):
    response = client.get(JSON)
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["count"] == 1 and data["currency"] == "VND"
    (project,) = data["projects"]
    assert project["code"] == "KCĐP-2024-007"
    assert project["approved_support"] == 500_000_000
    assert project["advanced"] == 200_000_000
    assert project["settled_amount"] == 480_000_000
    assert project["status"] == Status.SETTLED
    assert project["latitude"] == 21.8537
    assert {
        "indicator": "jobs_created",
        "name": "Lao động có việc làm",
        "unit": "người",
        "expected": 30,
        "achieved": 32,
    } in project["results"]
    assert "description" not in project  # private by default


def test_downloads_apply_the_same_filters_as_the_page(client, officer, leader, settled, placed, ba_son_coop):
    other = make_project(
        officer, code="KCĐP-2023-001", unit=placed.old_hop_thanh, beneficiaries=[ba_son_coop], year=2023
    )
    walk(other, Status.APPROVED, officer=officer, leader=leader)
    assert [r["Mã đề án"] for r in rows_of(client.get(CSV, {"year": 2023}))] == ["KCĐP-2023-001"]
    data = json.loads(client.get(JSON, {"commune": placed.tam_thanh.code}).content)
    assert [p["code"] for p in data["projects"]] == ["KCĐP-2024-007"]
    assert data["filters"] == {"commune": placed.tam_thanh.code}


def test_bad_filters_on_downloads_give_a_clear_message(client, settled):
    response = client.get(CSV, {"year": "abc"})
    assert response.status_code == 400
    assert "Năm phải là số" in response.content.decode()
    response = client.get(JSON, {"category": "nope"})
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["errors"] == [{"field": "category", "message": "Không có nội dung hỗ trợ “nope”."}]


def test_drafts_are_in_no_download(client, settled, draft):
    assert "KCĐP-2024-010" not in client.get(CSV).content.decode()
    assert "KCĐP-2024-010" not in client.get(JSON).content.decode()


def test_downloads_set_no_cookie_and_read_no_session(rf, settled):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    from khuyencong.transparency import views

    for view in (views.download_csv, views.download_json, views.download_iati, views.project_list):
        request = rf.get("/cong-khai/")
        request.user = AnonymousUser()
        request.session = SessionStore()
        response = view(request)
        assert response.status_code == 200
        assert not request.session.accessed, view.__name__
        if view is not views.project_list:  # base.html renders the language switch's CSRF token
            assert not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"), view.__name__
