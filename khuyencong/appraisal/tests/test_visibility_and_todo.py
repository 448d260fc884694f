"""What a council member sees of projects, and the appraisal groups of the to-do list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khuyencong.appraisal import services
from khuyencong.appraisal.tests.conftest import new_proposal
from khuyencong.appraisal.tests.factories import score_all
from khuyencong.projects import todo
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project


def counts(user):
    return {section.group.key: section.count for section in todo.todo_list(user=user)}


def test_a_member_sees_the_proposals_of_their_councils_and_what_awaits_acceptance(
    client, council_member, assignment, other_council, officer, geo, hung_long
):
    elsewhere = new_proposal(officer, geo, hung_long, code="KCĐP-2024-011")
    services.proposal_assign(council=other_council, actor=officer, project=elsewhere)
    unassigned = new_proposal(officer, geo, hung_long, code="KCĐP-2024-012")
    waiting = new_proposal(officer, geo, hung_long, code="KCĐP-2024-013")
    Project.objects.filter(pk=waiting.pk).update(status=Status.AWAITING_ACCEPTANCE)
    visible = set(Project.objects.visible_to(council_member).values_list("code", flat=True))
    assert visible == {"KCĐP-2024-007", "KCĐP-2024-013"}
    client.force_login(council_member)
    assert client.get(assignment.project.get_absolute_url()).status_code == 200
    for hidden in (elsewhere, unassigned):
        assert client.get(hidden.get_absolute_url()).status_code == 404


def test_a_member_still_reads_a_proposal_after_its_conclusion(council_member, assignment, members, officer):
    for member in members:
        score_all(assignment, member)
    services.appraisal_conclude(assignment=assignment, actor=officer, outcome="proposed")
    assert Project.objects.visible_to(council_member).filter(pk=assignment.project_id).exists()


def test_scores_to_give_lists_what_a_member_still_owes(
    council_member, members, assignment, officer, geo, hung_long
):
    hoi, thu, binh = members
    assert counts(hoi) == {"to_score": 1, "to_inspect": 0}
    services.declare(assignment=assignment, actor=hoi, has_conflict=False)
    assert counts(hoi)["to_score"] == 1  # declared, sheet not submitted yet
    score_all(assignment, thu)
    assert counts(thu)["to_score"] == 0
    services.declare(assignment=assignment, actor=binh, has_conflict=True, reason="Người thân")
    assert counts(binh)["to_score"] == 0  # nothing to give on a conflicted proposal
    (section, _inspect) = todo.todo_list(user=hoi)
    assert [p.code for p in section.items] == ["KCĐP-2024-007"]


def test_appraisals_ready_to_conclude_wait_for_the_centre(officer, administrator, members, assignment):
    hoi, thu, binh = members
    score_all(assignment, hoi)
    score_all(assignment, thu)
    assert counts(officer)["to_conclude"] == 0  # Bình has not declared
    services.declare(assignment=assignment, actor=binh, has_conflict=True, reason="Người thân")
    assert counts(officer)["to_conclude"] == 1
    assert counts(administrator)["to_conclude"] == 1
    services.appraisal_conclude(assignment=assignment, actor=officer, outcome="proposed")
    assert counts(officer)["to_conclude"] == 0


def test_ready_to_conclude_needs_the_minimum_number_of_sheets(officer, members, assignment, settings):
    services.declare(assignment=assignment, actor=members[0], has_conflict=True, reason="Người thân")
    services.declare(assignment=assignment, actor=members[1], has_conflict=True, reason="Người thân")
    score_all(assignment, members[2])
    assert counts(officer)["to_conclude"] == 0
    settings.KHUYENCONG_APPRAISAL_MIN_SCORES = 1
    assert counts(officer)["to_conclude"] == 1


@pytest.mark.parametrize("role", ["officer", "council_member"])
def test_the_appraisal_groups_run_as_many_queries_for_ten_proposals_as_for_one(
    client, request, role, members, council, officer, geo, hung_long
):
    user = request.getfixturevalue(role)

    def add(number):
        project = new_proposal(officer, geo, hung_long, code=f"KCĐP-2024-{number:03d}")
        given = services.proposal_assign(council=council, actor=officer, project=project)
        if role == "officer":  # make it ready to conclude
            for member in members:
                score_all(given, member)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/viec-can-lam/").status_code == 200
        return len(captured)

    add(100)
    client.force_login(user)
    with_one = queries()
    for number in range(101, 110):
        add(number)
    key = "to_conclude" if role == "officer" else "to_score"
    assert counts(user)[key] == 10
    assert queries() == with_one
