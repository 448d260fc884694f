"""Every state × every target × every role: allowed moves succeed, all others are refused and change nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction
from khuyencong.projects import services, workflow
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project
from khuyencong.projects.tests.helpers import accept

ROLES = [
    "administrator",
    "officer",
    "leader",
    "commune_officer",
    "council_member",
    "business_rep",
    "public_user",
]
ROLE_CODE = {
    "administrator": "admin",
    "officer": "officer",
    "leader": "leader",
    "commune_officer": "commune_officer",
    "council_member": "council_member",
    "business_rep": "business",
    "public_user": "public",
}


def _attempt(project, to, actor):
    if to == Status.SUBMITTED:
        return services.project_submit(project=project, actor=actor, on=dt.date(2024, 1, 15))
    if to == Status.APPROVED:
        return services.project_approve(
            project=project, actor=actor, decision_number="12/QĐ-SCT", decision_date=dt.date(2024, 2, 1)
        )
    if to == Status.CONTRACTED:
        return services.project_contract(
            project=project,
            actor=actor,
            contract_number="05/HĐ-KC",
            contract_date=dt.date(2024, 2, 10),
            contract_amount=400_000_000,
        )
    if to in (Status.ACCEPTED, Status.NOT_ACCEPTED):
        return accept(project, actor, accepted=to == Status.ACCEPTED, notes="Lý do kiểm thử")
    if to == Status.SETTLED:
        return services.project_settle(
            project=project, actor=actor, settled_amount=450_000_000, liquidation_date=dt.date(2024, 12, 20)
        )
    return services.project_transition(project=project, to=to, actor=actor, reason="Lý do kiểm thử")


def _put_in(project, state):
    Project.objects.filter(pk=project.pk).update(
        status=state,
        # The appraisal's conclusion writes the score before proposing (checked in khuyencong/appraisal).
        appraisal_score=Decimal("80") if state == Status.UNDER_APPRAISAL else None,
        approved_support=500_000_000,
        suspended_from=Status.IN_PROGRESS if state == Status.SUSPENDED else "",
    )
    project.refresh_from_db()


def _expected(frm, to, role):
    roles = workflow.TRANSITIONS.get((frm, to))
    if roles is None or role not in roles:
        return False
    return not (frm == Status.SUSPENDED and to not in (Status.CANCELLED, Status.IN_PROGRESS))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("frm", list(Status))
def test_every_transition_is_allowed_exactly_as_the_table_says(request, role, frm, proposal, business_rep):
    actor = request.getfixturevalue(role)
    for to in Status:
        _put_in(proposal, frm)
        expected = _expected(frm, to, ROLE_CODE[role])
        try:
            with transaction.atomic():
                _attempt(proposal, to, actor)
                succeeded = True
                proposal.refresh_from_db()
                assert proposal.status == to
                assert history(proposal).first().action == AuditAction.TRANSITION
                transaction.set_rollback(True)
        except (PermissionDenied, ValidationError):
            succeeded = False
        assert succeeded == expected, f"{frm} → {to} as {role}"
        proposal.refresh_from_db()
        assert proposal.status == frm


def test_the_ui_shows_only_the_moves_the_table_allows(proposal, officer, leader, business_rep):
    assert workflow.allowed(proposal, officer) == [Status.SUBMITTED, Status.CANCELLED]
    assert workflow.allowed(proposal, leader) == [Status.CANCELLED]
    assert workflow.allowed(proposal, business_rep) == [Status.SUBMITTED, Status.CANCELLED]


def test_a_representative_cannot_move_someone_elses_project(proposal, geo, ba_son_coop, business_rep):
    proposal.beneficiaries.set([ba_son_coop])
    with pytest.raises(PermissionDenied):
        services.project_submit(project=proposal, actor=business_rep, on=dt.date(2024, 1, 15))


def test_a_transition_records_who_when_from_to_and_why(proposal, officer):
    services.project_submit(project=proposal, actor=officer, on=dt.date(2024, 1, 15))
    services.project_transition(
        project=proposal, to=Status.RETURNED, actor=officer, reason="Thiếu báo giá thiết bị"
    )
    entry = history(proposal).first()
    assert entry.action == AuditAction.TRANSITION
    assert entry.actor == officer
    assert entry.reason == "Thiếu báo giá thiết bị"
    assert entry.changes["status"] == {
        "label": "trạng thái",
        "before": "Đã nộp",
        "after": "Trả lại để bổ sung",
    }


def test_returning_without_a_reason_is_refused(proposal, officer):
    services.project_submit(project=proposal, actor=officer, on=dt.date(2024, 1, 15))
    with pytest.raises(ValidationError) as caught:
        services.project_transition(project=proposal, to=Status.RETURNED, actor=officer, reason="  ")
    assert "reason" in caught.value.message_dict
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_a_suspended_project_resumes_where_it_stopped(proposal, officer, leader):
    _put_in(proposal, Status.CONTRACTED)
    services.project_transition(project=proposal, to=Status.SUSPENDED, actor=leader, reason="Chờ mặt bằng")
    proposal.refresh_from_db()
    assert proposal.suspended_from == Status.CONTRACTED
    with pytest.raises(ValidationError):
        services.project_transition(project=proposal, to=Status.IN_PROGRESS, actor=leader, reason="x")
    services.project_transition(project=proposal, to=Status.CONTRACTED, actor=leader, reason="Đã có mặt bằng")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.suspended_from) == (Status.CONTRACTED, "")


def test_the_code_is_found_typed_without_diacritics(proposal, officer):
    from khuyencong.projects.models import code_key

    assert code_key("kcdp-2024-007") == proposal.code_key
    assert Project.objects.filter(search_key__matches="kcdp 2024 007").get() == proposal
