"""Concluding: only the centre, only once every member who may score has submitted, with enough sheets;
the mean goes to the project, which moves on through the projects' own workflow."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khuyencong.appraisal import services
from khuyencong.appraisal.choices import CouncilStatus, Outcome
from khuyencong.appraisal.tests.factories import score_all
from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction
from khuyencong.projects import services as project_services
from khuyencong.projects.choices import Status

LOW_MERIT = {"necessity": 0, "feasibility": 0, "effectiveness": 0}  # 100 − 55 = 45


def conclude(assignment, actor, outcome=Outcome.PROPOSED, reason=""):
    return services.appraisal_conclude(assignment=assignment, actor=actor, outcome=outcome, reason=reason)


def test_the_centre_concludes_with_the_mean_and_the_project_is_proposed(
    assignment, members, officer, proposal
):
    hoi, thu, binh = members
    score_all(assignment, hoi)  # 100
    score_all(assignment, thu, LOW_MERIT)  # 45
    score_all(assignment, binh, {"effectiveness": 5})  # 90
    conclude(assignment, officer)
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSED
    assert proposal.appraisal_score == Decimal("78.33")  # 235 / 3
    assignment.refresh_from_db()
    assert (assignment.outcome, assignment.concluded_by) == (Outcome.PROPOSED, officer)
    entries = list(history(proposal).filter(actor=officer).order_by("-at", "-id")[:2])
    assert entries[0].action == AuditAction.TRANSITION
    assert entries[0].changes["status"]["after"] == "Đề xuất vào kế hoạch"
    assert entries[1].action == AuditAction.UPDATE
    assert entries[1].changes["appraisal_score"] == {
        "label": "điểm thẩm định",
        "before": None,
        "after": "78.33",
    }
    note = history(assignment.council).first()
    assert "Đề xuất vào kế hoạch — 78,33 điểm" in str(note.changes)


def test_missing_declarations_or_sheets_block_the_conclusion_naming_who(
    assignment, members, officer, proposal
):
    hoi, thu, _binh = members
    score_all(assignment, hoi)
    services.declare(assignment=assignment, actor=thu, has_conflict=False)  # declared, not submitted
    with pytest.raises(
        ValidationError,
        match=r"KCĐP-2024-007\. Còn 2 thành viên chưa khai báo xung đột lợi ích hoặc chưa nộp phiếu: Hà Thị Thu, Nông Văn Bình",
    ):
        conclude(assignment, officer)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.appraisal_score) == (Status.UNDER_APPRAISAL, None)


def test_too_few_valid_sheets_block_the_conclusion(assignment, members, officer, proposal):
    hoi, thu, binh = members
    services.declare(assignment=assignment, actor=hoi, has_conflict=True, reason="Người thân")
    services.declare(assignment=assignment, actor=thu, has_conflict=True, reason="Tư vấn lập hồ sơ")
    score_all(assignment, binh)
    with pytest.raises(ValidationError, match="Cần ít nhất 2 phiếu chấm hợp lệ; mới có 1"):
        conclude(assignment, officer)
    proposal.refresh_from_db()
    assert proposal.status == Status.UNDER_APPRAISAL


def test_the_minimum_number_of_sheets_is_configurable(assignment, members, officer, settings, proposal):
    settings.KHUYENCONG_APPRAISAL_MIN_SCORES = 1
    services.declare(assignment=assignment, actor=members[0], has_conflict=True, reason="Người thân")
    services.declare(assignment=assignment, actor=members[1], has_conflict=True, reason="Người thân")
    score_all(assignment, members[2])
    conclude(assignment, officer)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.appraisal_score) == (Status.PROPOSED, Decimal("100.00"))


@pytest.mark.parametrize(
    "role", ["leader", "council_member", "commune_officer", "business_rep", "public_user"]
)
def test_only_the_centre_concludes(request, role, assignment, members, proposal):
    for member in members:
        score_all(assignment, member)
    with pytest.raises(PermissionDenied):
        conclude(assignment, request.getfixturevalue(role))
    proposal.refresh_from_db()
    assert proposal.status == Status.UNDER_APPRAISAL


def test_an_administrator_may_conclude_too(assignment, members, administrator, proposal):
    for member in members:
        score_all(assignment, member)
    conclude(assignment, administrator)
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSED


def test_a_rejection_needs_a_reason_and_still_records_the_score(assignment, members, officer, proposal):
    for member in members:
        score_all(assignment, member, LOW_MERIT)
    with pytest.raises(ValidationError) as caught:
        conclude(assignment, officer, Outcome.REJECTED)
    assert "reason" in caught.value.message_dict
    conclude(assignment, officer, Outcome.REJECTED, "Điểm dưới mức xét chọn")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.appraisal_score) == (Status.REJECTED, Decimal("45.00"))
    assert history(proposal).filter(action=AuditAction.TRANSITION).first().reason == "Điểm dưới mức xét chọn"


def test_a_concluded_proposal_takes_no_more_declarations_and_is_not_concluded_twice(
    assignment, members, officer
):
    score_all(assignment, members[0])
    score_all(assignment, members[1])
    services.declare(assignment=assignment, actor=members[2], has_conflict=True, reason="Người thân")
    conclude(assignment, officer)
    with pytest.raises(ValidationError, match="Đã kết luận"):
        conclude(assignment, officer)
    with pytest.raises(ValidationError, match="đã được kết luận"):
        services.declare(assignment=assignment, actor=members[2], has_conflict=False)


def test_a_cancelled_proposal_can_no_longer_be_scored_or_concluded(assignment, members, officer, proposal):
    project_services.project_transition(
        project=proposal, to=Status.CANCELLED, actor=officer, reason="Cơ sở rút"
    )
    with pytest.raises(ValidationError, match="không còn ở trạng thái"):
        services.declare(assignment=assignment, actor=members[0], has_conflict=False)
    with pytest.raises(ValidationError, match="không còn ở trạng thái"):
        conclude(assignment, officer)


def test_the_council_closes_only_when_every_proposal_is_concluded_and_then_changes_no_more(
    assignment, members, officer, council
):
    with pytest.raises(ValidationError, match=r"còn đề án chưa kết luận \(KCĐP-2024-007\)"):
        services.council_close(council=council, actor=officer)
    for member in members:
        score_all(assignment, member)
    conclude(assignment, officer)
    with pytest.raises(PermissionDenied):
        services.council_close(council=council, actor=members[0])
    services.council_close(council=council, actor=officer)
    council.refresh_from_db()
    assert council.status == CouncilStatus.CLOSED
    assert history(council).first().action == AuditAction.TRANSITION
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.member_add(council=council, actor=officer, user=members[0])
    with pytest.raises(ValidationError, match="Không thể chuyển hội đồng"):
        services.council_close(council=council, actor=officer)
