"""Setting councils up: the centre only, members with the council role, proposals of the council's round."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from khuyencong.appraisal import services
from khuyencong.appraisal.choices import Position
from khuyencong.appraisal.models import Assignment, Council, CouncilMember
from khuyencong.appraisal.tests.conftest import new_proposal
from khuyencong.appraisal.tests.factories import member_user
from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction
from khuyencong.projects.models import Call

ROLES = ["leader", "council_member", "commune_officer", "business_rep", "public_user"]


def data(criteria, **extra):
    values = {"name": "Hội đồng xét chọn 2024", "plan_year": 2024, "level": "local", "criteria_set": criteria}
    values.update(extra)
    return services.CouncilData(**values)


def test_an_officer_sets_up_a_council_and_it_is_audited(officer, criteria):
    council = services.council_create(actor=officer, data=data(criteria, decision_reference="  "))
    assert (council.plan_year, council.level, council.decision_reference) == (2024, "local", "")
    entry = history(council).get()
    assert (entry.action, entry.actor) == (AuditAction.CREATE, officer)


@pytest.mark.parametrize("role", ROLES)
def test_other_roles_cannot_set_up_a_council(request, role, criteria):
    with pytest.raises(PermissionDenied):
        services.council_create(actor=request.getfixturevalue(role), data=data(criteria))
    assert not Council.objects.exists()


def test_a_council_of_a_call_takes_the_calls_year_and_level(officer, criteria):
    now = timezone.now()
    call = Call.objects.create(
        year=2026,
        level="national",
        title="Đợt xét chọn 2026",
        opens_at=now - dt.timedelta(days=30),
        deadline=now - dt.timedelta(days=1),
        categories=["training"],
    )
    council = services.council_create(actor=officer, data=data(criteria, call=call, plan_year=None, level=""))
    assert (council.plan_year, council.level, council.call) == (2026, "national", call)


def test_a_council_needs_a_year_and_level_without_a_call(officer, criteria):
    with pytest.raises(ValidationError) as caught:
        services.council_create(actor=officer, data=data(criteria, level=""))
    assert "level" in caught.value.message_dict


def test_only_council_members_can_be_seated_once_and_one_chair(officer, council, leader, members):
    with pytest.raises(ValidationError, match="Thành viên hội đồng"):
        services.member_add(council=council, actor=officer, user=leader)
    with pytest.raises(ValidationError, match="đã là thành viên"):
        services.member_add(council=council, actor=officer, user=members[0])
    newcomer = member_user("thamdinh4", "Lý Văn", "Mới")
    with pytest.raises(ValidationError, match="Hội đồng đã có chủ tịch hội đồng"):
        services.member_add(council=council, actor=officer, user=newcomer, position=Position.CHAIR)
    seat = services.member_add(council=council, actor=officer, user=newcomer)
    assert seat.position == Position.MEMBER
    assert "thamdinh4" in str(history(council).first().changes)


def test_a_member_who_has_declared_stays_on_the_council(officer, assignment, members):
    services.declare(assignment=assignment, actor=members[0], has_conflict=False)
    seat = CouncilMember.objects.get(user=members[0])
    with pytest.raises(ValidationError, match="không rút khỏi hội đồng"):
        services.member_remove(member=seat, actor=officer)
    idle = CouncilMember.objects.get(user=members[2])
    services.member_remove(member=idle, actor=officer)
    assert not CouncilMember.objects.filter(pk=idle.pk).exists()
    assert history(assignment.council).first().changes["member.thamdinh3"]["after"] is None


def test_only_proposals_under_appraisal_of_the_councils_round_are_given_to_it(
    officer, council, other_council, geo, hung_long, proposal
):
    services.proposal_assign(council=council, actor=officer, project=proposal)
    with pytest.raises(ValidationError, match="đã được giao cho hội đồng “Hội đồng thẩm định 2024”"):
        services.proposal_assign(council=other_council, actor=officer, project=proposal)
    national = new_proposal(officer, geo, hung_long, code="KCQG-2024-001")
    national.level = "national"
    national.save(update_fields=["level"])
    with pytest.raises(ValidationError, match="không cùng năm kế hoạch và cấp"):
        services.proposal_assign(council=council, actor=officer, project=national)
    draft = new_proposal(officer, geo, hung_long, code="KCĐP-2024-008")
    draft.status = "submitted"
    draft.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="Chỉ giao đề án đang ở trạng thái “Đang thẩm định”"):
        services.proposal_assign(council=council, actor=officer, project=draft)
    assert Assignment.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_other_roles_cannot_seat_members_or_give_proposals(request, role, council, proposal, members):
    actor = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.proposal_assign(council=council, actor=actor, project=proposal)
    with pytest.raises(PermissionDenied):
        services.member_add(council=council, actor=actor, user=member_user("thamdinh5"))
    assert not Assignment.objects.exists()


def test_a_proposal_is_taken_back_only_before_anyone_declares(officer, council, assignment, members):
    services.declare(assignment=assignment, actor=members[0], has_conflict=False)
    with pytest.raises(ValidationError, match="không rút khỏi hội đồng"):
        services.proposal_unassign(assignment=assignment, actor=officer)
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_an_untouched_proposal_is_taken_back_and_the_council_history_keeps_it(officer, council, assignment):
    services.proposal_unassign(assignment=assignment, actor=officer)
    assert not Assignment.objects.exists()
    change = history(council).first().changes["project.KCDP-2024-007"]
    assert change["before"].startswith("KCĐP-2024-007") and change["after"] is None


def test_the_round_and_criteria_are_fixed_once_a_proposal_is_given(officer, council, assignment, criteria):
    renamed = data(criteria, name="Hội đồng xét chọn đợt 1/2024", decision_reference="Số … ngày …")
    services.council_update(council=council, actor=officer, data=renamed)
    council.refresh_from_db()
    assert council.name == "Hội đồng xét chọn đợt 1/2024"
    assert history(council).first().changes["name"]["after"] == "Hội đồng xét chọn đợt 1/2024"
    with pytest.raises(ValidationError, match="không đổi đợt, năm, cấp hoặc bộ tiêu chí"):
        services.council_update(council=council, actor=officer, data=data(criteria, plan_year=2025))
    council.refresh_from_db()
    assert council.plan_year == 2024


@pytest.mark.parametrize("role", ROLES)
def test_other_roles_cannot_change_close_or_empty_a_council(request, role, council, assignment, criteria):
    actor = request.getfixturevalue(role)
    seat = CouncilMember.objects.filter(council=council).first()
    attempts = [
        lambda: services.council_update(council=council, actor=actor, data=data(criteria, name="Đổi tên")),
        lambda: services.council_close(council=council, actor=actor),
        lambda: services.member_remove(member=seat, actor=actor),
        lambda: services.proposal_unassign(assignment=assignment, actor=actor),
        lambda: services.criteria_set_copy(criteria_set=criteria, actor=actor),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    council.refresh_from_db()
    assert council.name == "Hội đồng thẩm định 2024" and council.is_open
    assert council.members.count() == 3 and Assignment.objects.filter(pk=assignment.pk).exists()


def test_only_an_administrator_copies_a_criteria_set(officer, administrator, criteria):
    with pytest.raises(PermissionDenied):
        services.criteria_set_copy(criteria_set=criteria, actor=officer)
    copy = services.criteria_set_copy(criteria_set=criteria, actor=administrator)
    assert list(copy.criteria.values_list("code", "weight")) == list(
        criteria.criteria.values_list("code", "weight")
    )
    assert history(copy).get().reason.startswith("Sao chép từ")
