"""The projects and calls API: scope, every action allowed and refused, money errors, the cap, documents."""

import datetime as dt
import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from khuyencong.accounts.models import ApiToken
from khuyencong.appraisal.tests.factories import appraise
from khuyencong.core.models import AuditEntry
from khuyencong.projects import api as projects_api
from khuyencong.projects import calls, services, workflow
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Advance, Call, Project, ProjectDocument, Recovery
from khuyencong.projects.tests.helpers import accept, checklist_met

S = Status
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
CODE = "KCDP-2024-007"  # typed without diacritics: the project is KCĐP-2024-007


@pytest.fixture
def api(client):
    """send(user, method, path, body): a JSON request with the user's API token."""
    keys = {}

    def send(user, method, path, body=None):
        if user.pk not in keys:
            keys[user.pk] = ApiToken.issue(user=user, name="kiểm thử")[1]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[user.pk]}"}
        url = f"/api/v1{path}"
        if method == "get":
            return client.get(url, body or {}, **headers)
        payload = json.dumps(body if body is not None else {})
        return getattr(client, method)(url, payload, content_type="application/json", **headers)

    return send


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


PATH = [
    S.SUBMITTED,
    S.UNDER_APPRAISAL,
    S.PROPOSED,
    S.APPROVED,
    S.CONTRACTED,
    S.IN_PROGRESS,
    S.AWAITING_ACCEPTANCE,
    S.ACCEPTED,
    S.SETTLED,
]


@pytest.fixture
def walk(officer, leader):
    """Take a project through the services to `state` (SUSPENDED: from in progress)."""

    def walk(project, state):
        if state == S.SUSPENDED:
            walk(project, S.IN_PROGRESS)
            services.project_transition(project=project, to=S.SUSPENDED, actor=leader, reason="Chờ vốn")
        elif state != S.DRAFT:
            start = PATH.index(project.status) + 1 if project.status in PATH else 0
            for to in PATH[start : PATH.index(state) + 1]:
                if to == S.SUBMITTED:
                    services.project_submit(project=project, actor=officer, on=dt.date(2024, 1, 15))
                elif to == S.APPROVED:
                    services.project_approve(
                        project=project,
                        actor=leader,
                        decision_number="12/QĐ-SCT",
                        decision_date=dt.date(2024, 2, 1),
                    )
                elif to == S.CONTRACTED:
                    services.project_contract(
                        project=project,
                        actor=officer,
                        contract_number="05/HĐ-KC",
                        contract_date=dt.date(2024, 2, 10),
                        contract_amount=500_000_000,
                    )
                elif to == S.PROPOSED:
                    appraise(project, officer=officer)
                elif to == S.ACCEPTED:
                    accept(project, officer)
                elif to == S.SETTLED:
                    services.project_settle(
                        project=project,
                        actor=officer,
                        settled_amount=480_000_000,
                        liquidation_date=dt.date(2024, 12, 15),
                    )
                else:
                    services.project_transition(project=project, to=to, actor=officer)
        project.refresh_from_db()
        return project

    return walk


def make_project(officer, unit, code, *, beneficiaries=(), pilot=False, year=2024, category="training"):
    return services.project_create(
        actor=officer,
        data={
            "code": code,
            "title": f"Đề án {code}",
            "category": category,
            "level": "local",
            "is_pilot": pilot,
            "plan_year": year,
            "implementing_unit": "Trung tâm Khuyến công Lạng Sơn",
            "unit": unit,
            "eligible_cost": 100_000_000,
        },
        beneficiaries=list(beneficiaries),
        budget={"provincial": 50_000_000, "beneficiary": 50_000_000},
    )


def state_of(project):
    """What a refused request must leave untouched: the row and its audit trail."""
    fresh = Project.objects.get(pk=project.pk)
    return (
        fresh.status,
        fresh.updated_at,
        fresh.approved_support,
        fresh.settled_amount,
        Advance.objects.filter(project=project).count(),
        Recovery.objects.filter(project=project).count(),
        AuditEntry.objects.filter(object_id=str(project.pk)).count(),
    )


def new_proposal_body(geo, hung_long, **overrides):
    body = {
        "code": "KCĐP-2025-001",
        "title": "Mô hình trình diễn máy ép nhựa",
        "category": "demonstration_model",
        "level": "local",
        "plan_year": 2025,
        "implementing_unit": "Trung tâm Khuyến công Lạng Sơn",
        "unit": geo.tam_thanh.pk,
        "beneficiaries": [hung_long.pk],
        "eligible_cost": 1_000_000_000,
        "start_date": "2025-03-01",
        "end_date": "2025-11-30",
        "budget": {"provincial": 250_000_000, "beneficiary": 750_000_000},
        "expected": {"jobs_created": 12, "models": 1},
    }
    body.update(overrides)
    return body


# --- the document ------------------------------------------------------------------------------------


def test_the_openapi_document_builds_and_lists_the_routes_with_vietnamese_summaries(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    wanted = {
        "/api/v1/projects": {"get", "post"},
        "/api/v1/projects/{code}": {"get", "patch"},
        "/api/v1/projects/{code}/advances": {"post"},
        "/api/v1/projects/{code}/documents": {"get", "post"},
        "/api/v1/projects/{code}/history": {"get"},
        "/api/v1/calls": {"get", "post"},
        "/api/v1/calls/{pk}": {"get", "patch"},
        **{f"/api/v1/projects/{{code}}/actions/{name}": {"post"} for name in projects_api.ACTIONS},
    }
    for path, methods in wanted.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            summary = paths[path][method]["summary"]
            assert any(letter in summary for letter in "ăâđêôơưạảấầẩậắằặẹẻếềểệịọỏốồổộớờởợụủứừửựỳ"), summary


def test_the_browsable_docs_answer(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and b"openapi.json" in response.content
    # Served from our own static files: the machine may have no outside network.
    assert b"cdn." not in response.content and b"/static/ninja/" in response.content


def test_every_state_the_workflow_moves_to_is_reached_by_an_action():
    reached = {to for targets in projects_api.ACTIONS.values() for to in targets}
    # Proposed for plan is reached by the appraisal's conclusion, which carries the score.
    assert {to for (_frm, to) in workflow.TRANSITIONS} - reached == {S.PROPOSED}


def test_proposing_by_hand_is_not_an_action(api, officer, proposal, walk):
    walk(proposal, S.UNDER_APPRAISAL)
    response = api(officer, "post", f"/projects/{CODE}/actions/propose", {"reason": "x"})
    assert response.status_code in (404, 422)
    assert Project.objects.get(pk=proposal.pk).status == S.UNDER_APPRAISAL


# --- reading --------------------------------------------------------------------------------------


def test_each_role_lists_only_the_projects_in_its_scope(
    api, geo, officer, leader, commune_officer, outsider, business_rep, council_member, proposal, ba_son_coop
):
    in_ba_son = make_project(officer, geo.ba_son, "KCĐP-2024-020", beneficiaries=[ba_son_coop])

    def codes(user):
        response = api(user, "get", "/projects")
        assert response.status_code == 200
        return sorted(item["code"] for item in response.json()["items"])

    assert codes(officer) == codes(leader) == ["KCĐP-2024-007", "KCĐP-2024-020"]
    assert codes(commune_officer) == ["KCĐP-2024-007"]
    assert codes(outsider) == ["KCĐP-2024-020"]
    assert codes(business_rep) == ["KCĐP-2024-007"]
    assert codes(council_member) == []  # a council reads only what waits for it
    assert api(outsider, "get", f"/projects/{in_ba_son.code_key}").status_code == 200


def test_a_project_outside_scope_is_a_404_for_reads_and_actions_alike(api, outsider, proposal):
    before = state_of(proposal)
    for method, path, body in [
        ("get", f"/projects/{CODE}", None),
        ("get", f"/projects/{CODE}/documents", None),
        ("get", f"/projects/{CODE}/history", None),
        ("patch", f"/projects/{CODE}", {"title": "Đổi tên"}),
        ("post", f"/projects/{CODE}/actions/submit", {}),
        ("post", f"/projects/{CODE}/actions/cancel", {"reason": "Huỷ"}),
    ]:
        response = api(outsider, method, path, body)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Không tìm thấy.", "errors": []}
    assert state_of(proposal) == before


def test_the_code_is_found_with_or_without_diacritics(api, officer, proposal):
    assert api(officer, "get", "/projects/KCĐP-2024-007").json()["code"] == "KCĐP-2024-007"
    assert api(officer, "get", "/projects/kcdp-2024-007").json()["code"] == "KCĐP-2024-007"
    body = api(officer, "get", "/projects", {"q": "KCDP-2024-007"}).json()
    assert [item["code"] for item in body["items"]] == ["KCĐP-2024-007"]


def test_the_list_filters_by_status_year_category_level_unit_and_pilot(api, geo, officer, proposal, walk):
    make_project(officer, geo.ba_son, "KCĐP-2023-001", year=2023, pilot=True)
    # Recorded before the reform in Vĩnh Trại, which was divided between Lương Văn Tri and Tam Thanh.
    make_project(officer, geo.old_vinh_trai, "KCĐP-2023-002", year=2023)
    walk(proposal, S.SUBMITTED)

    def codes(**params):
        response = api(officer, "get", "/projects", params)
        assert response.status_code == 200, response.content
        return sorted(item["code"] for item in response.json()["items"])

    assert codes(status="submitted") == ["KCĐP-2024-007"]
    assert codes(plan_year=2023) == ["KCĐP-2023-001", "KCĐP-2023-002"]
    assert codes(category="demonstration_model") == ["KCĐP-2024-007"]
    assert codes(level="national") == []
    assert codes(is_pilot="true") == ["KCĐP-2023-001"]
    assert codes(is_pilot="false") == ["KCĐP-2023-002", "KCĐP-2024-007"]
    assert codes(unit=geo.luong_van_tri.pk) == ["KCĐP-2023-002"]
    assert codes(unit=geo.tam_thanh.pk) == ["KCĐP-2023-002", "KCĐP-2024-007"]
    assert codes(unit=geo.old_vinh_trai.pk) == ["KCĐP-2023-002"]
    assert codes(unit=geo.ba_son.pk) == ["KCĐP-2023-001"]
    assert codes(q="dong ho", status="submitted") == []


@pytest.mark.parametrize("params", [{"status": "finished"}, {"category": "x"}, {"plan_year": "nam"}])
def test_a_bad_filter_is_a_422_naming_it(api, officer, params):
    response = api(officer, "get", "/projects", params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == next(iter(params))


def test_the_list_costs_the_same_number_of_queries_for_few_or_many_rows(api, geo, officer, hung_long):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = api(officer, "get", "/projects", {"page_size": 50})
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    for n in range(2):
        make_project(officer, geo.tam_thanh, f"KCĐP-2024-1{n:02d}", beneficiaries=[hung_long])
    api(officer, "get", "/projects")  # the token is issued and used once before counting
    few, count = queries()
    assert count == 2
    for n in range(2, 12):
        make_project(officer, geo.old_vinh_trai, f"KCĐP-2024-1{n:02d}", beneficiaries=[hung_long])
    many, count = queries()
    assert count == 12
    assert many == few


def test_the_detail_shows_money_results_cap_and_the_callers_actions(api, officer, leader, proposal):
    body = api(officer, "get", f"/projects/{CODE}").json()
    assert body["status"] == "draft" and body["status_label"] == "Dự thảo"
    assert body["budget_lines"] == [
        {"source": "provincial", "label": "Ngân sách tỉnh (khuyến công địa phương)", "amount": 500_000_000},
        {"source": "beneficiary", "label": "Vốn đối ứng của cơ sở", "amount": 1_500_000_000},
    ]
    assert (body["requested_support"], body["total_cost"], body["eligible_cost"]) == (
        500_000_000,
        2_000_000_000,
        2_000_000_000,
    )
    assert {(r["indicator"], r["value"]) for r in body["expected_results"]} == {
        ("jobs_created", 30),
        ("models", 1),
    }
    assert body["beneficiaries"][0]["name"] == "Công ty TNHH thương mại Hưng Long"
    cap = body["cap"]
    assert cap["reference_date"] == timezone.localdate().isoformat()  # not submitted yet: today
    assert cap["limit"]["max_support_vnd"] == 600_000_000  # 30 % of 2 bn, under the 1 bn ceiling
    assert cap["limit"]["legal_basis"].startswith("Thông tư 28/2018/TT-BTC")
    assert cap["above_cap"] is False
    assert [a["action"] for a in body["allowed_actions"]] == ["submit", "cancel"]
    assert body["allowed_actions"][0]["label"] == "Nộp đề án"
    assert body["allowed_actions"][1]["needs_reason"] is True
    assert body["may_edit"] is True and body["acceptance"] is None
    leader_view = api(leader, "get", f"/projects/{CODE}").json()
    assert [a["action"] for a in leader_view["allowed_actions"]] == ["cancel"]
    assert leader_view["may_edit"] is False


def test_the_cap_shown_is_that_of_the_submission_date(api, officer, proposal, walk):
    walk(proposal, S.SUBMITTED)
    cap = api(officer, "get", f"/projects/{CODE}").json()["cap"]
    assert cap["reference_date"] == "2024-01-15"
    assert cap["limit"]["valid_from"] == "2018-05-15"


# --- create and change ----------------------------------------------------------------------------


def test_a_proposal_is_created_read_back_and_patched(api, geo, officer, hung_long):
    created = api(officer, "post", "/projects", new_proposal_body(geo, hung_long))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"] == "KCĐP-2025-001" and body["code_key"] == "KCDP-2025-001"
    assert body["status"] == "draft" and body["requested_support"] == 250_000_000
    assert body["start_date"] == "2025-03-01"
    read = api(officer, "get", "/projects/KCDP-2025-001").json()
    assert read == body

    patched = api(
        officer,
        "patch",
        "/projects/KCDP-2025-001",
        {"title": "Mô hình trình diễn máy ép nhựa tái chế", "budget": {"provincial": 200_000_000}},
    )
    assert patched.status_code == 200, patched.content
    body = patched.json()
    assert body["title"] == "Mô hình trình diễn máy ép nhựa tái chế"
    # budget sent replaces every line; what was not sent stays as it was
    assert body["budget_lines"] == [
        {"source": "provincial", "label": "Ngân sách tỉnh (khuyến công địa phương)", "amount": 200_000_000}
    ]
    assert {(r["indicator"], r["value"]) for r in body["expected_results"]} == {
        ("jobs_created", 12),
        ("models", 1),
    }
    assert body["start_date"] == "2025-03-01" and body["beneficiaries"][0]["id"] == hung_long.pk
    project = Project.objects.get(code_key="KCDP-2025-001")
    entry = AuditEntry.objects.filter(object_id=str(project.pk)).order_by("-id").first()
    assert entry is not None and entry.actor == officer
    assert entry.changes["title"]["after"] == "Mô hình trình diễn máy ép nhựa tái chế"
    assert entry.changes["budget.provincial"] == {
        "label": "Ngân sách tỉnh (khuyến công địa phương)",
        "before": 250_000_000,
        "after": 200_000_000,
    }
    history = api(officer, "get", "/projects/KCDP-2025-001/history").json()
    assert [item["action"] for item in history["items"]] == ["update", "create"]
    assert history["items"][0]["actor"] == "Nguyễn Văn Cán"
    # null is "not sent": the budget stays
    kept = api(officer, "patch", "/projects/KCDP-2025-001", {"budget": None, "subtype": None}).json()
    assert kept["requested_support"] == 200_000_000 and kept["subtype"] == ""


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"eligible_cost": 1.5}, "eligible_cost"),
        ({"eligible_cost": -1}, "eligible_cost"),
        ({"eligible_cost": "1000000000"}, "eligible_cost"),
        ({"budget": {"provincial": 250_000_000.5}}, "budget.provincial"),
        ({"budget": {"provincial": -250_000_000}}, "budget.provincial"),
        ({"budget": {"provincal": 250_000_000}}, "budget.provincal"),
        ({"expected": {"jobs_created": 1.5}}, "expected.jobs_created"),
        ({"eligible_cost": 10**20}, "eligible_cost"),
        ({"end_date": "2025-01-01"}, "end_date"),
        ({"subtype": "production_line"}, "subtype"),
        ({"budget": {"provincial": 400_000_000}}, "requested_support"),  # 30 % of 1 bn is 300 m
    ],
)
def test_a_bad_proposal_is_refused_naming_the_field_and_nothing_is_created(
    api, geo, officer, hung_long, override, field
):
    response = api(officer, "post", "/projects", new_proposal_body(geo, hung_long, **override))
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in [error["field"] for error in body["errors"]]
    assert all(error["message"] for error in body["errors"])
    assert not Project.objects.exists()


def test_the_money_messages_are_vietnamese(api, geo, officer, hung_long):
    body = api(officer, "post", "/projects", new_proposal_body(geo, hung_long, eligible_cost=1.5)).json()
    assert body["errors"] == [
        {"field": "eligible_cost", "message": "Số tiền phải là số nguyên đồng, không có phần thập phân."}
    ]
    body = api(officer, "post", "/projects", new_proposal_body(geo, hung_long, budget={"other": -5})).json()
    assert body["errors"] == [{"field": "budget.other", "message": "Số tiền không được nhỏ hơn 0 ₫."}]
    body = api(
        officer, "post", "/projects", new_proposal_body(geo, hung_long, budget={"provincial": 400_000_000})
    )
    assert "Thông tư 28/2018/TT-BTC" in body.json()["errors"][0]["message"]


def test_who_may_create_where(api, geo, leader, commune_officer, business_rep, hung_long, ba_son_coop):
    assert api(leader, "post", "/projects", new_proposal_body(geo, hung_long)).status_code == 403
    # a commune officer proposes in their own commune only, for establishments they can see
    outside = api(commune_officer, "post", "/projects", new_proposal_body(geo, hung_long, unit=geo.ba_son.pk))
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "unit"
    foreign = api(
        business_rep, "post", "/projects", new_proposal_body(geo, hung_long, beneficiaries=[ba_son_coop.pk])
    )
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "beneficiaries"
    assert not Project.objects.exists()
    own = api(commune_officer, "post", "/projects", new_proposal_body(geo, hung_long))
    assert own.status_code == 201
    assert Project.objects.get().created_by == commune_officer


def test_a_patch_is_refused_by_role_by_state_or_by_amount_and_changes_nothing(
    api, officer, leader, proposal, walk
):
    before = state_of(proposal)
    assert api(leader, "patch", f"/projects/{CODE}", {"title": "Khác"}).status_code == 403
    bad = api(officer, "patch", f"/projects/{CODE}", {"eligible_cost": -1, "title": "Khác"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "eligible_cost"
    assert state_of(proposal) == before
    walk(proposal, S.APPROVED)
    before = state_of(proposal)
    late = api(officer, "patch", f"/projects/{CODE}", {"title": "Khác"})
    assert late.status_code == 409
    assert late.json()["errors"][0]["field"] == "status"
    assert state_of(proposal) == before
    assert Project.objects.get(pk=proposal.pk).title == "Mô hình trình diễn dây chuyền sản xuất ống nhựa"


# --- actions --------------------------------------------------------------------------------------

BODIES = {
    "approve": {"decision_number": "12/QĐ-SCT", "decision_date": "2024-02-01"},
    "contract": {
        "contract_number": "05/HĐ-KC",
        "contract_date": "2024-02-10",
        "contract_amount": 500_000_000,
    },
    "acceptance": {
        "held_on": "2024-11-30",
        "accepted": True,
        "results": {"jobs_created": 32, "workers_trained": 20, "models": 1},
        "trained_women": 8,
        "trained_ethnic_minority": 12,
        "machines": [{"name": "Máy đùn ống nhựa", "serial_number": "EX-2024-01"}],
        "notes": "Đạt yêu cầu",
    },
    "settle": {"settled_amount": 480_000_000, "liquidation_date": "2024-12-15"},
}
# action: (state, the role that may, the state it leads to, (state, a role that may not), a wrong state)
MATRIX = {
    "submit": (S.DRAFT, "officer", S.SUBMITTED, (S.DRAFT, "leader"), S.SUBMITTED),
    "return": (S.SUBMITTED, "officer", S.RETURNED, (S.SUBMITTED, "business_rep"), S.DRAFT),
    "start-appraisal": (S.SUBMITTED, "officer", S.UNDER_APPRAISAL, (S.SUBMITTED, "leader"), S.DRAFT),
    "reject": (S.UNDER_APPRAISAL, "leader", S.REJECTED, (S.UNDER_APPRAISAL, "business_rep"), S.DRAFT),
    "approve": (S.PROPOSED, "leader", S.APPROVED, (S.PROPOSED, "officer"), S.UNDER_APPRAISAL),
    "contract": (S.APPROVED, "officer", S.CONTRACTED, (S.APPROVED, "leader"), S.PROPOSED),
    "start": (S.CONTRACTED, "officer", S.IN_PROGRESS, (S.CONTRACTED, "leader"), S.APPROVED),
    "request-acceptance": (
        S.IN_PROGRESS,
        "business_rep",
        S.AWAITING_ACCEPTANCE,
        (S.IN_PROGRESS, "leader"),
        S.CONTRACTED,
    ),
    "acceptance": (
        S.AWAITING_ACCEPTANCE,
        "officer",
        S.ACCEPTED,
        (S.AWAITING_ACCEPTANCE, "business_rep"),
        S.IN_PROGRESS,
    ),
    "settle": (S.ACCEPTED, "officer", S.SETTLED, (S.ACCEPTED, "leader"), S.AWAITING_ACCEPTANCE),
    "close": (S.SETTLED, "leader", S.CLOSED, (S.SETTLED, "business_rep"), S.ACCEPTED),
    "suspend": (S.IN_PROGRESS, "leader", S.SUSPENDED, (S.IN_PROGRESS, "business_rep"), S.DRAFT),
    "resume": (S.SUSPENDED, "officer", S.IN_PROGRESS, (S.SUSPENDED, "business_rep"), S.IN_PROGRESS),
    "cancel": (S.DRAFT, "business_rep", S.CANCELLED, (S.IN_PROGRESS, "business_rep"), S.SETTLED),
}


def acceptance_body(project, **change):
    """The council's findings, with every checklist point of the project's category met."""
    checklist = [
        {"item": pk, "answer": answer, "note": note} for pk, (answer, note) in checklist_met(project).items()
    ]
    return {**BODIES["acceptance"], "checklist": checklist, **change}


def body_for(action, project):
    if action == "acceptance":
        return acceptance_body(project)
    return BODIES.get(action, {"reason": "Theo ý kiến của Trung tâm"})


@pytest.mark.parametrize("action", list(MATRIX))
def test_the_right_role_in_the_right_state_makes_the_move(request, api, proposal, walk, action):
    state, role, to, _wrong, _bad_state = MATRIX[action]
    project = walk(proposal, state)
    response = api(
        request.getfixturevalue(role), "post", f"/projects/{CODE}/actions/{action}", body_for(action, project)
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == to
    project.refresh_from_db()
    assert project.status == to
    entry = AuditEntry.objects.filter(object_id=str(project.pk), action="transition").order_by("-id").first()
    assert entry is not None and entry.actor == request.getfixturevalue(role)
    assert entry.changes["status"]["after"] == to.label


@pytest.mark.parametrize("action", list(MATRIX))
def test_a_role_that_may_not_gets_403_and_nothing_changes(request, api, proposal, walk, action):
    _state, _role, _to, (state, role), _bad_state = MATRIX[action]
    project = walk(proposal, state)
    before = state_of(project)
    response = api(
        request.getfixturevalue(role), "post", f"/projects/{CODE}/actions/{action}", body_for(action, project)
    )
    assert response.status_code == 403, response.content
    assert set(response.json()) == {"detail", "errors"} and response.json()["detail"]
    assert state_of(project) == before


@pytest.mark.parametrize("action", list(MATRIX))
def test_a_move_from_the_wrong_state_gets_409_and_nothing_changes(request, api, proposal, walk, action):
    _state, role, _to, _wrong, bad_state = MATRIX[action]
    project = walk(proposal, bad_state)
    before = state_of(project)
    actor = request.getfixturevalue("officer" if role == "business_rep" else role)
    response = api(actor, "post", f"/projects/{CODE}/actions/{action}", body_for(action, project))
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["detail"] and body["errors"][0]["field"] == "status" and body["errors"][0]["message"]
    assert state_of(project) == before


def test_an_unknown_action_is_a_404(api, officer, proposal):
    assert api(officer, "post", f"/projects/{CODE}/actions/publish", {}).status_code == 404


def test_a_move_that_needs_a_reason_names_the_field(api, officer, proposal, walk):
    walk(proposal, S.SUBMITTED)
    before = state_of(proposal)
    response = api(officer, "post", f"/projects/{CODE}/actions/return", {"reason": "  "})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"
    assert state_of(proposal) == before


def test_the_approval_records_the_decision_and_the_support(api, leader, proposal, walk):
    walk(proposal, S.PROPOSED)
    body = api(leader, "post", f"/projects/{CODE}/actions/approve", BODIES["approve"]).json()
    assert (body["decision_number"], body["decision_date"], body["approved_support"]) == (
        "12/QĐ-SCT",
        "2024-02-01",
        500_000_000,
    )


def test_the_approval_may_grant_less_than_requested(api, leader, proposal, walk):
    walk(proposal, S.PROPOSED)
    body = api(
        leader, "post", f"/projects/{CODE}/actions/approve", {**BODIES["approve"], "approved_support": 1_000}
    ).json()
    assert body["approved_support"] == 1_000


def test_an_approval_without_a_decision_number_is_refused(api, leader, proposal, walk):
    walk(proposal, S.PROPOSED)
    before = state_of(proposal)
    response = api(
        leader, "post", f"/projects/{CODE}/actions/approve", {**BODIES["approve"], "decision_number": " "}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "decision_number"
    assert state_of(proposal) == before


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        (500_000_001, "contract_amount"),
        (1.5, "contract_amount"),
        (-1, "contract_amount"),
        ("5", "contract_amount"),
    ],
)
def test_a_contract_above_the_approved_support_or_not_whole_is_refused(
    api, officer, proposal, walk, amount, field
):
    walk(proposal, S.APPROVED)
    before = state_of(proposal)
    response = api(
        officer,
        "post",
        f"/projects/{CODE}/actions/contract",
        {**BODIES["contract"], "contract_amount": amount},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert state_of(proposal) == before


def test_an_acceptance_records_results_trainees_and_machines(api, officer, proposal, walk):
    walk(proposal, S.AWAITING_ACCEPTANCE)
    council = [{"name": "Nguyễn Văn An", "position": "Chủ tịch hội đồng"}]
    body = api(
        officer, "post", f"/projects/{CODE}/actions/acceptance", acceptance_body(proposal, council=council)
    ).json()
    acceptance = body["acceptance"]
    assert acceptance["council"] == council
    assert {row["item"] for row in acceptance["checklist"]} == set(checklist_met(proposal))
    assert {row["answer"] for row in acceptance["checklist"]} == {"met"}
    assert acceptance["accepted"] is True and acceptance["held_on"] == "2024-11-30"
    assert {(r["indicator"], r["value"]) for r in acceptance["results"]} == {
        ("jobs_created", 32),
        ("workers_trained", 20),
        ("models", 1),
    }
    assert (acceptance["trained_women"], acceptance["trained_ethnic_minority"]) == (8, 12)
    assert acceptance["machines"] == [{"name": "Máy đùn ống nhựa", "serial_number": "EX-2024-01"}]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"accepted": False, "notes": ""}, "notes"),
        ({"trained_women": 21}, "trained_women"),
        ({"results": {"jobs_created": -3}}, "results.jobs_created"),
        (
            {"machines": [{"name": "A", "serial_number": "S1"}, {"name": "B", "serial_number": "S1"}]},
            "machines",
        ),
    ],
)
def test_a_bad_acceptance_is_refused_whole(api, officer, proposal, walk, change, field):
    walk(proposal, S.AWAITING_ACCEPTANCE)
    before = state_of(proposal)
    response = api(
        officer, "post", f"/projects/{CODE}/actions/acceptance", acceptance_body(proposal, **change)
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field
    assert state_of(proposal) == before
    assert not hasattr(Project.objects.get(pk=proposal.pk), "acceptance")


def test_an_acceptance_that_fails_moves_to_not_accepted(api, officer, proposal, walk):
    walk(proposal, S.AWAITING_ACCEPTANCE)
    body = acceptance_body(proposal, accepted=False, notes="Chưa lắp đặt đủ thiết bị")
    assert (
        api(officer, "post", f"/projects/{CODE}/actions/acceptance", body).json()["status"] == "not_accepted"
    )


def test_the_checklist_to_answer_is_the_project_categorys(api, officer, proposal):
    items = api(officer, "get", f"/projects/{CODE}/acceptance-checklist").json()
    assert items and [row["id"] for row in items] == list(checklist_met(proposal))


def test_an_acceptance_must_answer_every_checklist_point(api, officer, proposal, walk):
    walk(proposal, S.AWAITING_ACCEPTANCE)
    body = acceptance_body(proposal)
    missing = body["checklist"].pop()
    before = state_of(proposal)
    response = api(officer, "post", f"/projects/{CODE}/actions/acceptance", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == f"checklist.{missing['item']}"
    assert state_of(proposal) == before


def test_a_required_point_not_met_rules_out_accepted(api, officer, proposal, walk):
    walk(proposal, S.AWAITING_ACCEPTANCE)
    required = next(item for item in services.checklist_items(proposal) if item.required)
    body = acceptance_body(proposal)
    for row in body["checklist"]:
        if row["item"] == required.pk:
            row.update(answer="not_met", note="Thiếu hoá đơn")
    response = api(officer, "post", f"/projects/{CODE}/actions/acceptance", body)
    assert response.status_code == 422, response.content
    assert not hasattr(Project.objects.get(pk=proposal.pk), "acceptance")


def test_settling_above_the_approved_support_is_refused_and_changes_nothing(api, officer, proposal, walk):
    walk(proposal, S.ACCEPTED)
    before = state_of(proposal)
    for amount in (500_000_001, 480_000_000.5, -1):
        response = api(
            officer,
            "post",
            f"/projects/{CODE}/actions/settle",
            {**BODIES["settle"], "settled_amount": amount},
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "settled_amount"
    assert state_of(proposal) == before


def test_suspension_resumes_to_where_it_was_and_blocks_data_moves(api, officer, leader, proposal, walk):
    walk(proposal, S.CONTRACTED)
    api(leader, "post", f"/projects/{CODE}/actions/suspend", {"reason": "Chờ bố trí vốn"})
    body = api(officer, "get", f"/projects/{CODE}").json()
    assert body["status"] == "suspended" and body["suspended_from"] == "contracted"
    assert [a["action"] for a in body["allowed_actions"]] == ["resume", "cancel"]
    assert body["allowed_actions"][0]["to"] == "contracted"
    before = state_of(proposal)
    assert api(officer, "post", f"/projects/{CODE}/actions/start", {}).status_code == 409
    assert api(officer, "post", f"/projects/{CODE}/actions/contract", BODIES["contract"]).status_code == 409
    assert state_of(proposal) == before
    assert api(officer, "post", f"/projects/{CODE}/actions/resume", {}).json()["status"] == "contracted"


# --- advances and settlement ----------------------------------------------------------------------


def test_advances_are_capped_at_the_configured_share_of_the_approved_support(
    api, officer, proposal, walk, settings
):
    settings.KHUYENCONG_ADVANCE_MAX_PERCENT = 50
    walk(proposal, S.IN_PROGRESS)
    first = api(
        officer, "post", f"/projects/{CODE}/advances", {"amount": 200_000_000, "paid_on": "2024-03-01"}
    )
    assert first.status_code == 201 and first.json()["amount"] == 200_000_000
    before = state_of(proposal)
    over = api(officer, "post", f"/projects/{CODE}/advances", {"amount": 50_000_001, "paid_on": "2024-04-01"})
    assert over.status_code == 422
    assert over.json()["errors"][0]["field"] == "amount"
    assert "250.000.001 ₫" in over.json()["errors"][0]["message"]
    for bad in (1.5, -1, 0, "100"):
        response = api(
            officer, "post", f"/projects/{CODE}/advances", {"amount": bad, "paid_on": "2024-04-01"}
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "amount"
    assert state_of(proposal) == before
    body = api(officer, "get", f"/projects/{CODE}").json()
    assert (body["advanced_total"], body["advance_limit"]) == (200_000_000, 250_000_000)
    assert body["may_record_advance"] is True


def test_advances_are_for_the_centre_and_for_running_projects(api, officer, leader, proposal, walk):
    advance = {"amount": 1_000_000, "paid_on": "2024-03-01"}
    before = state_of(proposal)
    assert api(officer, "post", f"/projects/{CODE}/advances", advance).status_code == 409
    assert state_of(proposal) == before
    walk(proposal, S.IN_PROGRESS)
    before = state_of(proposal)
    assert api(leader, "post", f"/projects/{CODE}/advances", advance).status_code == 403
    assert state_of(proposal) == before


def test_advances_above_the_settled_amount_are_shown_as_a_recovery(api, officer, proposal, walk):
    walk(proposal, S.IN_PROGRESS)
    api(officer, "post", f"/projects/{CODE}/advances", {"amount": 400_000_000, "paid_on": "2024-03-01"})
    walk(proposal, S.ACCEPTED)
    body = api(
        officer,
        "post",
        f"/projects/{CODE}/actions/settle",
        {**BODIES["settle"], "settled_amount": 350_000_000},
    ).json()
    assert body["status"] == "settled" and body["settled_amount"] == 350_000_000
    assert body["recovered_total"] == 50_000_000
    assert [(r["amount"], r["recorded_on"]) for r in body["recoveries"]] == [(50_000_000, "2024-12-15")]
    assert [a["amount"] for a in body["advances"]] == [400_000_000]


# --- session and CSRF -----------------------------------------------------------------------------


def test_a_session_write_needs_the_csrf_token(officer, proposal, walk):
    walk(proposal, S.SUBMITTED)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    url = f"/api/v1/projects/{CODE}/actions/start-appraisal"
    before = state_of(proposal)
    refused = browser.post(url, "{}", content_type="application/json")
    assert refused.status_code == 403 and set(refused.json()) == {"detail", "errors"}
    assert state_of(proposal) == before
    assert browser.get(f"/api/v1/projects/{CODE}").status_code == 200  # reads need no token
    secret = "k" * 32
    browser.cookies["csrftoken"] = secret
    done = browser.post(url, "{}", content_type="application/json", HTTP_X_CSRFTOKEN=secret)
    assert done.status_code == 200 and done.json()["status"] == "under_appraisal"


# --- documents ------------------------------------------------------------------------------------


def upload(client, user, name, content, kind="decision"):
    _token, key = ApiToken.issue(user=user, name="tải lên")
    return client.post(
        f"/api/v1/projects/{CODE}/documents",
        {"kind": kind, "title": "Quyết định phê duyệt", "file": SimpleUploadedFile(name, content)},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_a_document_is_uploaded_listed_and_downloaded(client, api, officer, proposal, media):
    response = upload(client, officer, "Quyết định.pdf", PDF)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest() and body["size"] == len(PDF)
    assert body["kind_label"] == "Quyết định" and body["uploaded_by"] == "Nguyễn Văn Cán"
    listed = api(officer, "get", f"/projects/{CODE}/documents").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    download = api(officer, "get", body["download_url"].removeprefix("/api/v1"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_a_document_of_the_wrong_type_or_by_the_wrong_role_is_refused(
    client, leader, officer, outsider, proposal, media, settings
):
    wrong = upload(client, officer, "hoa-don.pdf", EXE)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "file"
    settings.KHUYENCONG_MAX_UPLOAD_MB = 1
    big = upload(client, officer, "lon.pdf", PDF + b"0" * (1024 * 1024))
    assert big.status_code == 422 and big.json()["errors"][0]["field"] == "file"
    assert upload(client, leader, "qd.pdf", PDF).status_code == 403
    assert upload(client, outsider, "qd.pdf", PDF).status_code == 404
    bad_kind = upload(client, officer, "qd.pdf", PDF, kind="secret")
    assert bad_kind.status_code == 422 and bad_kind.json()["errors"][0]["field"] == "kind"
    assert not ProjectDocument.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


# --- calls ----------------------------------------------------------------------------------------


def call_body(**overrides):
    now = timezone.now()
    body = {
        "year": 2024,
        "level": "local",
        "title": "Đợt xét chọn đề án khuyến công địa phương năm 2024",
        "opens_at": (now - dt.timedelta(days=10)).isoformat(),
        "deadline": (now + dt.timedelta(days=20)).isoformat(),
        "categories": ["demonstration_model", "machinery_application"],
    }
    body.update(overrides)
    return body


def test_an_officer_opens_a_call_and_everyone_signed_in_reads_it(api, officer, business_rep):
    created = api(officer, "post", "/calls", call_body())
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "open" and body["categories"] == ["demonstration_model", "machinery_application"]
    assert body["category_labels"][0] == "Xây dựng mô hình trình diễn kỹ thuật"
    listed = api(business_rep, "get", "/calls").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert api(business_rep, "get", f"/calls/{body['id']}").json()["title"] == body["title"]


def test_only_the_centre_opens_or_changes_a_call(api, officer, leader, business_rep):
    assert api(business_rep, "post", "/calls", call_body()).status_code == 403
    assert api(leader, "post", "/calls", call_body()).status_code == 403
    assert not Call.objects.exists()
    pk = api(officer, "post", "/calls", call_body()).json()["id"]
    assert api(leader, "patch", f"/calls/{pk}", {"title": "Khác"}).status_code == 403
    changed = api(officer, "patch", f"/calls/{pk}", {"title": "Đợt bổ sung năm 2024", "reason": "Đổi tên"})
    assert changed.status_code == 200 and changed.json()["title"] == "Đợt bổ sung năm 2024"
    assert changed.json()["categories"] == ["demonstration_model", "machinery_application"]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"opens_at": "2024-01-02T08:00:00"}, "opens_at"),  # no time zone
        ({"categories": []}, "categories"),
        ({"categories": ["fishing"]}, "categories.0"),
        ({"deadline": "2020-01-01T08:00:00+07:00"}, "deadline"),
    ],
)
def test_a_bad_call_is_refused_naming_the_field(api, officer, override, field):
    response = api(officer, "post", "/calls", call_body(**override))
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Call.objects.exists()


def test_closed_calls_are_listed_only_when_asked(api, officer):
    past = call_body(opens_at="2023-01-02T08:00:00+07:00", deadline="2023-03-31T17:00:00+07:00", year=2023)
    old = api(officer, "post", "/calls", past).json()
    assert old["status"] == "closed"
    assert api(officer, "get", "/calls").json()["count"] == 0
    assert [
        item["id"] for item in api(officer, "get", "/calls", {"include_all": "true"}).json()["items"]
    ] == [old["id"]]


def test_a_proposal_is_attached_to_a_call_and_listed_in_it(api, geo, officer, outsider, proposal, hung_long):
    pk = api(officer, "post", "/calls", call_body()).json()["id"]
    attached = api(officer, "post", f"/calls/{pk}/projects", {"project": CODE})
    assert attached.status_code == 200 and attached.json()["call_id"] == pk
    assert [item["code"] for item in api(officer, "get", f"/calls/{pk}/projects").json()["items"]] == [
        "KCĐP-2024-007"
    ]
    assert api(outsider, "get", f"/calls/{pk}/projects").json()["count"] == 0
    hidden = api(outsider, "post", f"/calls/{pk}/projects", {"project": CODE})
    assert hidden.status_code == 422 and hidden.json()["errors"][0]["field"] == "project"
    # a proposal of another year does not fit the call
    created = api(officer, "post", "/projects", new_proposal_body(geo, hung_long, call=pk))
    assert created.status_code == 422 and created.json()["errors"][0]["field"] == "call"
    created = api(officer, "post", "/projects", new_proposal_body(geo, hung_long, plan_year=2024, call=pk))
    assert created.status_code == 201 and created.json()["call_id"] == pk
    assert calls.call_projects(user=officer, call=Call.objects.get(pk=pk)).count() == 2


def test_a_move_without_a_body_is_fine_when_it_needs_no_reason(client, officer, proposal, walk):
    walk(proposal, S.SUBMITTED)
    _token, key = ApiToken.issue(user=officer, name="không thân")
    url = f"/api/v1/projects/{CODE}/actions/start-appraisal"
    response = client.generic("POST", url, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "under_appraisal"
    response = client.post(
        f"/api/v1/projects/{CODE}/actions/reject",
        "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 422, response.content  # the body may be empty; a rejection's reason not


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("get", "/projects", {"q": "ong\x00nhua"}, "q"),
        ("get", "/projects/KC\x00DP", None, "code"),
        ("patch", f"/projects/{CODE}", {"title": "Tên\x00mới"}, "title"),
        ("post", f"/projects/{CODE}/actions/cancel", {"reason": "Huỷ\x00"}, "reason"),
    ],
)
def test_a_nul_character_is_refused_before_it_reaches_the_database(
    api, officer, proposal, method, path, body, field
):
    # PostgreSQL cannot hold one; a 422 naming the field instead of a server error.
    before = state_of(proposal)
    response = api(officer, method, path, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert state_of(proposal) == before


# --- amendments -----------------------------------------------------------------------------------


def test_an_amendment_requested_and_approved_through_the_api_changes_the_project(
    api, officer, leader, proposal, walk
):
    walk(proposal, S.CONTRACTED)
    asked = api(
        officer,
        "post",
        f"/projects/{CODE}/amendments",
        {"reason": "Mưa lũ kéo dài", "changes": {"end_date": "2025-03-31", "expected.jobs_created": 40}},
    )
    assert asked.status_code == 201, asked.content
    amendment = asked.json()
    assert amendment["status"] == "requested"
    assert {row["field"]: row["after"] for row in amendment["changes"]} == {
        "end_date": "2025-03-31",
        "expected.jobs_created": 40,
    }
    assert Project.objects.get(pk=proposal.pk).end_date != dt.date(2025, 3, 31)  # nothing applied yet

    refused = api(officer, "post", f"/projects/{CODE}/amendments/{amendment['id']}/approve", {})
    assert refused.status_code == 403
    decided = api(
        leader, "post", f"/projects/{CODE}/amendments/{amendment['id']}/approve", {"note": "Đồng ý"}
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved" and decided.json()["decision_note"] == "Đồng ý"
    project = Project.objects.get(pk=proposal.pk)
    assert project.end_date == dt.date(2025, 3, 31)
    assert project.expected_results.get(indicator="jobs_created").value == 40
    listed = api(officer, "get", f"/projects/{CODE}/amendments").json()
    assert [row["id"] for row in listed] == [amendment["id"]]


def test_amendment_requests_are_refused_whole_with_the_reason(api, officer, leader, proposal, walk):
    body = {"reason": "Lùi tiến độ", "changes": {"end_date": "2025-03-31"}}
    assert api(officer, "post", f"/projects/{CODE}/amendments", body).status_code == 409  # still a draft
    walk(proposal, S.CONTRACTED)
    no_reason = api(officer, "post", f"/projects/{CODE}/amendments", {**body, "reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    bad_date = api(
        officer, "post", f"/projects/{CODE}/amendments", {**body, "changes": {"end_date": "31/13/2025"}}
    )
    assert bad_date.status_code == 422 and bad_date.json()["errors"][0]["field"] == "end_date"
    first = api(officer, "post", f"/projects/{CODE}/amendments", body).json()
    second = api(
        officer, "post", f"/projects/{CODE}/amendments", {**body, "changes": {"end_date": "2025-04-30"}}
    )
    assert second.status_code == 422  # one open request at a time
    no_note = api(leader, "post", f"/projects/{CODE}/amendments/{first['id']}/reject", {"note": ""})
    assert no_note.status_code == 422 and no_note.json()["errors"][0]["field"] == "note"
    assert api(officer, "get", f"/projects/{CODE}/amendments").json()[0]["status"] == "requested"
    assert (
        api(officer, "post", f"/projects/{CODE}/amendments/{first['id'] + 999}/approve", {}).status_code
        == 404
    )
