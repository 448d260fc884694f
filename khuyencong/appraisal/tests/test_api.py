"""The appraisal through the REST API, with API tokens: the same services, scope and messages as the pages."""

import json

import pytest

from khuyencong.accounts.models import ApiToken
from khuyencong.appraisal.models import Assignment, Council, ScoreSheet
from khuyencong.appraisal.tests.factories import score_all
from khuyencong.core.models import AuditEntry
from khuyencong.projects.choices import Status

CODE = "KCĐP-2024-007"
LOW_MERIT = {"necessity": 0, "feasibility": 0, "effectiveness": 0}  # 45 of 100


@pytest.fixture
def api(client):
    """send(user, method, path, body): a JSON request with the user's API token."""
    keys = {}

    def send(user, method, path, body=None):
        if user.pk not in keys:
            keys[user.pk] = ApiToken.issue(user=user, name="kiểm thử")[1]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[user.pk]}"}
        url = f"/api/v1/appraisal{path}"
        if method == "get":
            return client.get(url, body or {}, **headers)
        payload = json.dumps(body if body is not None else {})
        return getattr(client, method)(url, payload, content_type="application/json", **headers)

    return send


def full_marks(criteria, **given):
    points = {c.code: c.max_points for c in criteria.criteria.all()}
    points.update(given)
    return points


def test_a_whole_council_round_through_the_api_proposes_the_project_with_its_score(
    api, officer, members, criteria, proposal
):
    hoi, thu, binh = members
    response = api(
        officer,
        "post",
        "/councils",
        {"name": "Hội đồng xét chọn 2024", "criteria_set": criteria.pk, "plan_year": 2024, "level": "local"},
    )
    assert response.status_code == 201, response.content
    council = response.json()["id"]
    for user, position in ((hoi, "chair"), (thu, "secretary"), (binh, "member")):
        response = api(
            officer, "post", f"/councils/{council}/members", {"user": user.username, "position": position}
        )
        assert response.status_code == 201, response.content
    assert [m["position"] for m in response.json()["members"]] == ["chair", "secretary", "member"]
    response = api(officer, "post", f"/councils/{council}/assignments", {"project": "kcdp-2024-007"})
    assert response.status_code == 201, response.content
    assignment = response.json()["id"]
    assert response.json()["project"] == CODE and response.json()["members"] == 3

    response = api(
        hoi,
        "post",
        f"/assignments/{assignment}/declaration",
        {"has_conflict": True, "reason": "Em ruột là giám đốc cơ sở"},
    )
    assert response.status_code == 201 and response.json()["state"] == "conflict"
    for user, points in ((thu, full_marks(criteria)), (binh, full_marks(criteria, **LOW_MERIT))):
        response = api(user, "post", f"/assignments/{assignment}/declaration", {"has_conflict": False})
        assert response.status_code == 201 and response.json()["state"] == "scoring"
        assert {line["code"] for line in response.json()["lines"]} == set(points)
        response = api(user, "put", f"/assignments/{assignment}/sheet", {"points": points, "submit": True})
        assert response.status_code == 200, response.content
    assert response.json()["total"] == "45.00"

    # While scoring goes on, a member sees their own total only; the centre sees every one, and the flag.
    row = api(thu, "get", f"/councils/{council}").json()["assignments"][0]
    assert [c["total"] for c in row["cells"]] == [None, "100.00", None]
    assert (row["mean"], row["flagged"], row["conflicts"], row["submitted"]) == (None, None, 1, 2)
    row = api(officer, "get", f"/councils/{council}").json()["assignments"][0]
    assert [c["total"] for c in row["cells"]] == [None, "100.00", "45.00"]
    assert (row["mean"], row["spread"], row["flagged"], row["ready"]) == ("72.50", "55.00", True, True)

    response = api(
        officer, "post", f"/assignments/{assignment}/conclude", {"outcome": "proposed", "reason": "Đạt"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["appraisal_score"], body["project"]) == ("proposed", "72.50", CODE)
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSED and str(proposal.appraisal_score) == "72.50"
    assert AuditEntry.objects.filter(object_id=str(proposal.pk), action="transition", actor=officer).exists()
    # Once concluded, the members see every total too.
    assert [
        c["total"] for c in api(binh, "get", f"/councils/{council}").json()["assignments"][0]["cells"]
    ] == [
        None,
        "100.00",
        "45.00",
    ]

    response = api(officer, "post", f"/councils/{council}/close")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    response = api(officer, "post", f"/councils/{council}/close")
    assert response.status_code == 409 and "Không thể chuyển hội đồng" in response.json()["detail"]


def test_a_member_who_declared_a_conflict_is_refused_scoring_with_422_naming_the_rule(
    api, assignment, members, criteria
):
    hoi = members[0]
    api(
        hoi,
        "post",
        f"/assignments/{assignment.pk}/declaration",
        {"has_conflict": True, "reason": "Góp vốn vào cơ sở"},
    )
    response = api(
        hoi, "put", f"/assignments/{assignment.pk}/sheet", {"points": full_marks(criteria), "submit": True}
    )
    assert response.status_code == 422
    messages = [e["message"] for e in response.json()["errors"]]
    assert any(
        "đã khai báo xung đột lợi ích với đề án KCĐP-2024-007 nên không được chấm" in m for m in messages
    )
    assert not ScoreSheet.objects.filter(member__user=hoi).exists()


def test_a_conflict_without_a_reason_is_refused_with_the_field_named(api, assignment, members):
    response = api(members[0], "post", f"/assignments/{assignment.pk}/declaration", {"has_conflict": True})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"
    assert not assignment.declarations.exists()


def test_a_member_not_on_the_council_gets_404_for_it_and_its_proposals(api, assignment, other_council):
    stranger = other_council.members.get().user
    assert api(stranger, "get", f"/councils/{assignment.council_id}").status_code == 404
    response = api(stranger, "post", f"/assignments/{assignment.pk}/declaration", {"has_conflict": False})
    assert response.status_code == 404 and set(response.json()) == {"detail", "errors"}
    assert not assignment.declarations.exists()
    assert [c["id"] for c in api(stranger, "get", "/councils").json()["items"]] == [other_council.pk]


def test_a_member_cannot_conclude_and_nothing_changes(api, assignment, members, proposal):
    for user in members:
        score_all(assignment, user)
    response = api(members[0], "post", f"/assignments/{assignment.pk}/conclude", {"outcome": "proposed"})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Status.UNDER_APPRAISAL and proposal.appraisal_score is None
    assert not Assignment.objects.get(pk=assignment.pk).is_concluded


def test_only_the_centre_sets_a_council_up(api, members, criteria, leader):
    body = {"name": "Hội đồng", "criteria_set": criteria.pk, "plan_year": 2024, "level": "local"}
    assert api(members[0], "post", "/councils", body).status_code == 403
    assert api(leader, "post", "/councils", body).status_code == 403
    assert not Council.objects.exists()


def test_an_unknown_project_code_is_refused_with_the_field_named(api, council, officer):
    response = api(officer, "post", f"/councils/{council.pk}/assignments", {"project": "KCĐP-1999-999"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "project"


def test_a_point_above_the_scale_names_the_criterion(api, assignment, members):
    thu = members[1]
    api(thu, "post", f"/assignments/{assignment.pk}/declaration", {"has_conflict": False})
    response = api(thu, "put", f"/assignments/{assignment.pk}/sheet", {"points": {"feasibility": 11}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "points.feasibility"


def test_the_openapi_document_lists_the_appraisal_routes_with_vietnamese_summaries(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    wanted = {
        "/api/v1/appraisal/councils": {"get", "post"},
        "/api/v1/appraisal/councils/{pk}": {"get"},
        "/api/v1/appraisal/councils/{pk}/members": {"post"},
        "/api/v1/appraisal/councils/{pk}/assignments": {"post"},
        "/api/v1/appraisal/councils/{pk}/close": {"post"},
        "/api/v1/appraisal/assignments/{pk}/declaration": {"post"},
        "/api/v1/appraisal/assignments/{pk}/sheet": {"get", "put"},
        "/api/v1/appraisal/assignments/{pk}/conclude": {"post"},
    }
    for path, methods in wanted.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            assert paths[path][method]["summary"][0].isupper(), (path, method)
