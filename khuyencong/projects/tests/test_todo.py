"""The to-do list: per role, computed by queries, scoped, with counts, and a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.appraisal.services import proposal_assign
from khuyencong.appraisal.tests.factories import make_council
from khuyencong.projects import services, todo
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project

TODO_URL = "/viec-can-lam/"


@pytest.fixture
def member_council(officer, council_member):
    """An appraisal council for 2025's local programme on which the council member sits."""
    return make_council(officer=officer, year=2025, level="local", members=[council_member])


@pytest.fixture
def make_project(officer, geo, hung_long):
    """A project at Hưng Long (Tam Thanh) put straight into a state; `unit` and `actor` may differ. A
    project under appraisal may be given to a `council`."""
    counter = iter(range(1, 1000))

    def make(status, *, unit=None, actor=None, beneficiaries=None, council=None):
        number = next(counter)
        project = services.project_create(
            actor=actor or officer,
            data={
                "code": f"KCĐP-2025-{number:03d}",
                "title": f"Đề án thử số {number}",
                "category": "training",
                "level": "local",
                "plan_year": 2025,
                "implementing_unit": "Trung tâm Khuyến công",
                "unit": unit or geo.tam_thanh,
            },
            beneficiaries=[hung_long] if beneficiaries is None else beneficiaries,
            budget={"provincial": 50_000_000},
        )
        Project.objects.filter(pk=project.pk).update(status=status)
        project.refresh_from_db()
        if council is not None:
            proposal_assign(council=council, actor=officer, project=project)
        return project

    return make


def counts(user):
    return {section.group.key: section.count for section in todo.todo_list(user=user)}


def test_an_officer_sees_each_stage_that_waits_for_the_centre(officer, make_project):
    for status in (
        Status.DRAFT,
        Status.SUBMITTED,
        Status.SUBMITTED,
        Status.UNDER_APPRAISAL,
        Status.PROPOSED,
        Status.APPROVED,
        Status.CONTRACTED,
        Status.AWAITING_ACCEPTANCE,
        Status.ACCEPTED,
        Status.NOT_ACCEPTED,
        Status.SETTLED,
    ):
        make_project(status)
    assert counts(officer) == {
        "to_check": 2,
        "under_appraisal": 1,
        "to_conclude": 0,
        "to_contract": 1,
        "to_accept": 1,
        "to_settle": 2,
    }


def test_an_administrator_has_the_officer_list(administrator, make_project):
    make_project(Status.SUBMITTED)
    assert counts(administrator)["to_check"] == 1


def test_a_leader_sees_what_waits_for_approval(leader, make_project):
    make_project(Status.PROPOSED)
    make_project(Status.SUBMITTED)
    assert counts(leader) == {"to_approve": 1, "amendments_to_decide": 0}


def test_a_council_member_sees_appraisals_and_acceptances(council_member, member_council, make_project):
    make_project(Status.UNDER_APPRAISAL, council=member_council)
    make_project(Status.UNDER_APPRAISAL)  # no council of theirs has it
    make_project(Status.AWAITING_ACCEPTANCE)
    make_project(Status.AWAITING_ACCEPTANCE)
    make_project(Status.APPROVED)
    assert counts(council_member) == {"to_score": 1, "to_inspect": 2}


def test_a_commune_officer_sees_drafts_and_returned_proposals_of_their_communes_only(
    commune_officer, geo, ba_son_coop, make_project
):
    make_project(Status.DRAFT)
    make_project(Status.RETURNED)
    make_project(Status.SUBMITTED)
    make_project(Status.DRAFT, unit=geo.ba_son, beneficiaries=[ba_son_coop])
    make_project(Status.RETURNED, unit=geo.old_tam_thanh)  # typed before the reform, same place
    assert counts(commune_officer) == {"drafts": 1, "returned": 2}


def test_a_representative_sees_their_own_drafts_and_returned_proposals(
    business_rep, geo, ba_son_coop, make_project
):
    make_project(Status.DRAFT)
    make_project(Status.RETURNED, actor=business_rep)
    make_project(Status.DRAFT, unit=geo.ba_son, beneficiaries=[ba_son_coop])
    make_project(Status.IN_PROGRESS)
    assert counts(business_rep) == {"drafts": 1, "returned": 1}


def test_a_representative_counts_a_proposal_with_several_beneficiaries_once(
    business_rep, officer, ba_son_coop, hung_long, make_project
):
    # a joint proposal is entered by the centre: a representative may only name their own establishment
    make_project(Status.DRAFT, actor=officer, beneficiaries=[hung_long, ba_son_coop])
    assert counts(business_rep) == {"drafts": 1, "returned": 0}
    (drafts, _returned) = todo.todo_list(user=business_rep)
    assert len(drafts.items) == 1


def test_a_public_user_has_nothing_to_do(public_user, make_project):
    make_project(Status.SUBMITTED)
    assert todo.todo_list(user=public_user) == []


def test_the_page_shows_the_counts_and_links_each_item_to_its_project(client, officer, make_project):
    waiting = make_project(Status.SUBMITTED)
    make_project(Status.APPROVED)
    client.force_login(officer)
    html = client.get(TODO_URL).content.decode()
    assert f'href="{waiting.get_absolute_url()}"' in html
    assert "Hồ sơ mới nộp chờ kiểm tra (1)" in html
    assert "Đề án đã phê duyệt, chưa ký hợp đồng (1)" in html
    assert "Đề án chờ nghiệm thu (0)" in html
    assert "2 đề án đang chờ bạn." in html


def test_a_long_group_shows_its_first_items_and_links_to_the_rest(officer, make_project):
    for _ in range(5):
        make_project(Status.SUBMITTED)
    (to_check, *_rest) = todo.todo_list(user=officer, limit=3)
    assert to_check.count == 5
    assert len(to_check.items) == 3
    assert to_check.more == 2
    assert to_check.list_urls == [("Đã nộp", reverse("projects:list") + "?status=submitted")]


def test_the_page_needs_a_signed_in_user(client):
    response = client.get(TODO_URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_navigation_links_to_the_page(client, business_rep):
    client.force_login(business_rep)
    html = client.get(reverse("core:home")).content.decode()
    assert f'href="{TODO_URL}"' in html


@pytest.mark.parametrize("role", ["officer", "leader", "council_member", "commune_officer", "business_rep"])
def test_the_page_runs_as_many_queries_for_ten_projects_as_for_one(client, request, role, make_project):
    user = request.getfixturevalue(role)
    council = request.getfixturevalue("member_council") if role == "council_member" else None
    waiting_for = {
        "officer": [
            Status.SUBMITTED,
            Status.UNDER_APPRAISAL,
            Status.APPROVED,
            Status.AWAITING_ACCEPTANCE,
            Status.ACCEPTED,
        ],
        "leader": [Status.PROPOSED],
        "council_member": [Status.UNDER_APPRAISAL, Status.AWAITING_ACCEPTANCE],
        "commune_officer": [Status.DRAFT, Status.RETURNED],
        "business_rep": [Status.DRAFT, Status.RETURNED],
    }[role]
    actor = user if role in {"business_rep", "commune_officer"} else None
    for status in waiting_for:
        make_project(status, actor=actor, council=council if status == Status.UNDER_APPRAISAL else None)
    client.force_login(user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(TODO_URL).status_code == 200
        return len(captured)

    with_one = queries()
    for status in waiting_for:
        for _ in range(9):
            make_project(status, actor=actor, council=council if status == Status.UNDER_APPRAISAL else None)
    assert sum(s.count for s in todo.todo_list(user=user)) == 10 * len(waiting_for)
    assert queries() == with_one
