"""POST /api/v1/plans/{year}/optimize and `khuyencong plan_optimize`: the same inputs, the same answer."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from khuyencong.accounts.models import ApiToken
from khuyencong.core.models import AuditEntry
from khuyencong.plans.models import Scenario
from khuyencong.plans.tests.helpers import M


@pytest.fixture
def three(make_proposal):
    return (
        make_proposal(score="90", amount=600 * M),
        make_proposal(score="80", amount=500 * M),
        make_proposal(score="75", amount=500 * M),
    )


def post(client, user, body, year=2026):
    _token, key = ApiToken.issue(user=user, name="thử")
    return client.post(
        f"/api/v1/plans/{year}/optimize",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def command(*args: str) -> dict:
    out = io.StringIO()
    call_command("plan_optimize", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_api_and_the_command_answer_the_same(client, officer, three):
    a, b, c = three
    body = {
        "level": "local",
        "envelopes": {"provincial": 1_000 * M},
        "gap_percent": "0",
        "reference_date": "2025-11-01",
    }
    response = post(client, officer, body)
    assert response.status_code == 200, response.json()
    api = response.json()
    cli = command("--year", "2026", "--level", "local", "--envelope", f"provincial={1_000 * M}", "--gap", "0")
    for result in (api, cli):
        assert result["status"] == "optimal"
        assert [row["code"] for row in result["selected"]] == [b.code, c.code]
        assert result["totals"] == {"provincial": 1_000 * M, "central": 0}
        assert result["greedy"]["selected"] == [a.code]
        assert result["excluded"][0]["reasons"][0].startswith("cần thêm 100 tr.đ ở nguồn ngân sách tỉnh")
    assert api["value"] == cli["value"] == 155
    assert Scenario.objects.count() == 0  # nothing saved without save_as


def test_the_command_takes_the_api_body_as_input(tmp_path, officer, three):
    a, _b, c = three
    body = tmp_path / "body.json"
    body.write_text(
        json.dumps(
            {
                "envelopes": {"provincial": 1_000 * M},
                "must_exclude": [{"code": c.code, "reason": "Thiếu hồ sơ"}],
                "gap_percent": 0,
            }
        ),
        encoding="utf-8",
    )
    result = command("--year", "2026", "--input", str(body))
    assert [row["code"] for row in result["selected"]] == [a.code]  # A and B do not fit together
    excluded = {row["code"]: row for row in result["excluded"]}
    assert excluded[c.code]["reasons"] == ["loại theo quyết định của cán bộ: Thiếu hồ sơ"]


def test_bad_input_gets_the_common_error_body_in_vietnamese(client, officer, three):
    response = post(client, officer, {"envelopes": {"provincial": -5}})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "envelope.provincial",
            "message": "Dự toán ngân sách tỉnh (khuyến công địa phương) không được là số âm (đang nhập -5 ₫).",
        }
    ]
    response = post(client, officer, {"envelopes": {"provincial": 1}, "priority_min_percent": "101"})
    assert response.status_code == 422
    assert "phải từ 0 % đến 100 %" in response.json()["errors"][0]["message"]
    response = post(client, officer, {"envelopes": {"provincial": 1}, "time_limit": 100})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "time_limit"
    assert "lệnh khuyencong plan_optimize" in response.json()["errors"][0]["message"]
    with pytest.raises(CommandError, match="không hợp lệ; chưa lưu gì"):
        command("--year", "2026", "--envelope", "provincial=-5")


def test_saving_a_scenario_needs_a_draft_plan_and_the_centre(client, officer, leader, three, make_plan):
    body = {"save_as": "Từ API"}
    assert post(client, officer, {**body, "envelopes": {"provincial": 1}}).status_code == 403  # no plan yet
    plan = make_plan()
    entries = AuditEntry.objects.count()
    assert post(client, leader, body).status_code == 403
    response = post(client, officer, body)
    assert response.status_code == 200
    assert response.json()["scenario"]["name"] == "Từ API"
    assert Scenario.objects.get().plan == plan
    assert AuditEntry.objects.count() == entries + 1


def test_the_api_is_for_the_centre_and_leaders(client, commune_officer, three):
    assert post(client, commune_officer, {"envelopes": {"provincial": 1}}).status_code == 403


def test_the_openapi_document_lists_the_endpoint(client):
    assert "/api/v1/plans/{year}/optimize" in client.get("/api/v1/openapi.json").json()["paths"]


def test_a_code_holding_a_nul_is_an_unknown_project_not_a_server_error(client, officer, three):
    """PostgreSQL refuses NUL in a text parameter; found by schemathesis on the PostgreSQL stage."""
    body = {
        "level": "local",
        "envelopes": {"provincial": 1_000 * M},
        "must_include": [{"code": three[0].code + "\x00", "reason": "Đề án trọng điểm"}],
    }
    response = post(client, officer, body)
    assert response.status_code == 422, response.content
    assert "Không có đề án mã" in response.json()["errors"][0]["message"]
