"""Annual plans through the API: the page's forms and services, its roles, its lock and its lifecycle."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khuyencong.plans.choices import PlanStatus
from khuyencong.plans.models import AnnualPlan, PlanOverride
from khuyencong.projects.choices import Status

M = 1_000_000


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def plan_url(world):
    return f"/api/v1/plans/{world.plan.pk}"


def test_the_centre_lists_and_reads_plans_a_commune_officer_gets_403_and_404(
    client, officer, commune_officer, world, plan_url
):
    client.force_login(officer)
    listed = client.get("/api/v1/plans").json()
    assert [p["id"] for p in listed["items"]] == [world.plan.pk]
    detail = client.get(plan_url).json()
    assert detail["envelopes"] == {"provincial": 500 * M, "central": 0}
    assert [p["code"] for p in detail["proposals"]] == [world.proposed.code]
    assert detail["may_edit"] is True
    client.force_login(commune_officer)
    assert client.get("/api/v1/plans").status_code == 403
    assert client.get(plan_url).status_code == 404


def test_a_leader_may_not_create_a_plan_and_a_second_plan_for_the_year_is_refused(
    client, officer, leader, world
):
    body = {"year": 2026, "level": "local", "reference_date": "2025-12-01", "envelopes": {"provincial": 1}}
    client.force_login(leader)
    assert _post(client, "/api/v1/plans", body).status_code == 403
    client.force_login(officer)
    again = _post(client, "/api/v1/plans", body)
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "year"
    created = _post(client, "/api/v1/plans", {**body, "year": 2027})
    assert created.status_code == 201 and created.json()["status"] == "draft"
    assert AnnualPlan.objects.count() == 2


def test_rules_change_only_what_is_sent_and_bad_rules_change_nothing(client, officer, world, plan_url):
    client.force_login(officer)
    response = _send(
        client,
        "patch",
        f"{plan_url}/rules",
        {"priority_min_percent": "62.5", "categories": [{"category": "training", "max_count": 3}]},
    )
    assert response.status_code == 200, response.json()
    world.plan.refresh_from_db()
    assert world.plan.priority_min_bp == 6250
    assert world.plan.envelope_map()["provincial"] == 500 * M
    assert response.json()["rules"]["categories"][0]["max_count"] == 3
    bad = _send(client, "patch", f"{plan_url}/rules", {"envelopes": {"provincial": -5}, "time_limit": 10})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "envelopes.provincial"
    too_long = _send(client, "patch", f"{plan_url}/rules", {"time_limit": 3600})
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "time_limit"
    world.plan.refresh_from_db()
    assert (world.plan.envelope_map()["provincial"], world.plan.time_limit) == (500 * M, 30)


def test_a_proposal_is_put_in_or_left_out_with_a_reason(client, officer, world, plan_url):
    client.force_login(officer)
    url = f"{plan_url}/proposals/{world.proposed.code_key}"
    no_reason = _send(client, "put", url, {"decision": "out"})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    assert not PlanOverride.objects.exists()
    response = _send(client, "put", url, {"decision": "out", "reason": "Cơ sở đã được hỗ trợ năm 2025"})
    assert response.status_code == 200
    assert response.json()["proposals"][0]["decision"] == "out"
    assert _send(client, "put", f"{plan_url}/proposals/KHONG-CO", {"decision": None}).status_code == 404


def test_the_plan_goes_from_draft_to_approved_and_is_locked_on_the_way(
    client, officer, leader, world, plan_url
):
    client.force_login(officer)
    run = _post(client, f"{plan_url}/scenarios", {"name": "Phương án 1"})
    assert run.status_code == 201, run.json()
    scenario = run.json()
    assert [line["code"] for line in scenario["lines"] if line["selected"]] == [world.proposed.code]
    assert (
        _post(client, f"{plan_url}/scenarios", {"name": "Phương án 1"}).json()["errors"][0]["field"] == "name"
    )
    assert (
        _post(
            client, f"{plan_url}/actions/approve", {"decision_number": "1", "decision_date": "2026-01-05"}
        ).status_code
        == 409
    )
    submitted = _post(client, f"{plan_url}/actions/submit", {"scenario": scenario["id"]})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert _post(client, f"{plan_url}/actions/submit", {"scenario": scenario["id"]}).status_code == 409
    locked = _send(client, "patch", f"{plan_url}/rules", {"priority_min_percent": 10})
    assert locked.status_code == 409
    approve = {"decision_number": "125/QĐ-UBND", "decision_date": "2026-01-05"}
    assert _post(client, f"{plan_url}/actions/approve", approve).status_code == 403
    client.force_login(leader)
    approved = _post(client, f"{plan_url}/actions/approve", approve)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    world.proposed.refresh_from_db()
    assert world.proposed.status == Status.APPROVED and world.proposed.decision_number == "125/QĐ-UBND"
    no_reason = _post(client, f"{plan_url}/actions/revise", {"reason": " "})
    assert no_reason.status_code == 422
    revised = _post(client, f"{plan_url}/actions/revise", {"reason": "Bổ sung dự toán"})
    assert revised.status_code == 201 and revised.json()["revision"] == 1
    world.plan.refresh_from_db()
    assert world.plan.status == PlanStatus.REVISED


def test_listing_plans_takes_the_same_number_of_queries_for_more_plans(client, officer, world):
    from khuyencong.plans import services

    client.force_login(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/plans").status_code == 200
        return len(queries)

    few = count()
    for year in (2027, 2028, 2029):
        services.plan_create(
            actor=officer,
            year=year,
            level="local",
            rules=services.PlanRules(reference_date=world.plan.reference_date, envelopes={"provincial": M}),
        )
    assert count() == few
