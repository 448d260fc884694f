"""Results through the API: values, targets and follow-ups with the page's checks, scope and lock."""

import datetime as dt
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from khuyencong.results.models import FollowUp, IndicatorTarget, IndicatorValue


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def _value(**extra):
    return {
        "indicator": "trained_employed",
        "period_start": "2025-07-01",
        "period_end": "2025-12-31",
        "value": 28,
        "women": 12,
        "source": "business_report",
        **extra,
    }


def test_a_projects_results_read_with_targets_values_and_follow_ups(client, officer, world):
    client.force_login(officer)
    body = client.get(f"/api/v1/results/projects/{world.accepted.code_key}").json()
    assert body["accepted_on"] == "2024-11-20"
    rows = {row["indicator"]["code"]: row for row in body["indicators"]}
    assert rows["jobs_created"]["achieved"] == 30
    assert rows["trained_employed"]["values"][0]["value"] == 25
    assert [f["months"] for f in body["follow_ups"]] == [6, 12, 24]


def test_an_officer_records_a_value_once_per_period(client, officer, world):
    client.force_login(officer)
    url = f"/api/v1/results/projects/{world.accepted.code_key}/values"
    response = _post(client, url, _value())
    assert response.status_code == 201, response.json()
    assert response.json()["locked"] is False
    again = _post(client, url, _value())
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "period_start"
    assert IndicatorValue.objects.filter(project=world.accepted).count() == 2


def test_recording_answers_404_outside_scope_and_403_to_a_reader(client, outsider, leader, world):
    url = f"/api/v1/results/projects/{world.accepted.code_key}/values"
    client.force_login(outsider)
    assert _post(client, url, _value()).status_code == 404
    client.force_login(leader)
    assert _post(client, url, _value()).status_code == 403
    assert IndicatorValue.objects.filter(project=world.accepted).count() == 1


def test_wrong_values_are_422s_naming_the_field_and_save_nothing(client, officer, world):
    client.force_login(officer)
    url = f"/api/v1/results/projects/{world.accepted.code_key}/values"
    cases = [
        (_value(women=40), "women"),  # more women than the total
        (
            _value(period_end="2024-11-01", period_start="2024-10-01"),
            "period_end",
        ),  # locked by the acceptance
        (_value(period_end="2099-01-01"), "period_end"),  # the future
        (_value(indicator="jobs_created"), "indicator"),  # comes from the acceptance record
        (_value(value=-1), "value"),
        (_value(source="acceptance"), "source"),
    ]
    for body, field in cases:
        response = _post(client, url, body)
        assert response.status_code == 422, (body, response.json())
        assert field in {e["field"] for e in response.json()["errors"]}, (body, response.json())
    assert IndicatorValue.objects.filter(project=world.accepted).count() == 1


def test_a_correction_needs_a_reason_and_a_locked_value_is_a_409(client, officer, world):
    client.force_login(officer)
    url = f"/api/v1/results/projects/{world.accepted.code_key}/values/{world.value.pk}"
    assert _send(client, "patch", url, {"value": 26}).status_code == 422  # the reason is required
    changed = _send(client, "patch", url, {"value": 26, "reason": "Sai số liệu báo cáo"})
    assert changed.status_code == 200 and changed.json()["value"] == 26
    locked = IndicatorValue.objects.create(
        project=world.accepted,
        indicator_id="trained_employed",
        period_start=dt.date(2024, 6, 1),
        period_end=dt.date(2024, 10, 31),
        value=20,
        source="site_visit",
        recorded_by=officer,
    )
    locked_url = f"/api/v1/results/projects/{world.accepted.code_key}/values/{locked.pk}"
    assert _send(client, "patch", locked_url, {"value": 99, "reason": "Sửa"}).status_code == 409
    assert client.delete(f"{locked_url}?reason=Xoá").status_code == 409
    locked.refresh_from_db()
    assert locked.value == 20


def test_a_value_is_deleted_with_a_reason(client, officer, world):
    client.force_login(officer)
    url = f"/api/v1/results/projects/{world.accepted.code_key}/values/{world.value.pk}"
    assert client.delete(url).status_code == 422
    assert client.delete(f"{url}?reason=Ghi+nhầm+đề+án").status_code == 204
    assert not IndicatorValue.objects.filter(pk=world.value.pk).exists()


def test_a_target_is_set_and_changing_it_needs_a_reason(client, officer, world):
    client.force_login(officer)
    url = f"/api/v1/results/projects/{world.accepted.code_key}/targets/trained_employed"
    assert _send(client, "put", url, {"value": 30}).json() == {"indicator": "trained_employed", "value": 30}
    refused = _send(client, "put", url, {"value": 35})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "reason"
    assert _send(client, "put", url, {"value": 35, "reason": "Mở rộng quy mô"}).status_code == 200
    assert IndicatorTarget.objects.get(project=world.accepted).value == 35
    unknown = _send(client, "put", url.replace("trained_employed", "khong_co"), {"value": 1})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "indicator"


def test_a_follow_up_is_recorded_once_when_due(client, officer, world):
    client.force_login(officer)
    url = f"/api/v1/results/projects/{world.accepted.code_key}/follow-ups/6"
    early = _post(client, url, {"visited_on": "2024-12-01", "still_operating": True})
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "visited_on"
    closed = _post(client, url, {"visited_on": "2025-05-25", "still_operating": False})
    assert closed.status_code == 422 and closed.json()["errors"][0]["field"] == "note"
    done = _post(client, url, {"visited_on": "2025-05-25", "still_operating": True, "jobs_kept": 28})
    assert done.status_code == 201 and done.json()["due_on"] == "2025-05-20"
    again = _post(client, url, {"visited_on": "2025-05-26", "still_operating": True})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "months"
    assert FollowUp.objects.filter(project=world.accepted).count() == 1
    assert client.post(url.replace("/6", "/7"), "{}", content_type="application/json").status_code == 422


def test_the_follow_ups_due_are_listed_in_scope_with_flat_queries(client, officer, outsider, world):
    client.force_login(officer)

    def listed():
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/v1/results/follow-ups").json()
        return body, len(queries)

    body, queries = listed()
    assert {(row["code"], row["months"]) for row in body["items"]} >= {(world.accepted.code, 6)}
    _post(
        client,
        f"/api/v1/results/projects/{world.accepted.code_key}/follow-ups/6",
        {"visited_on": "2025-05-25", "still_operating": True},
    )
    after, same = listed()
    assert (world.accepted.code, 6) not in {(row["code"], row["months"]) for row in after["items"]}
    assert same == queries
    client.force_login(outsider)
    assert client.get("/api/v1/results/follow-ups").json()["count"] == 0
