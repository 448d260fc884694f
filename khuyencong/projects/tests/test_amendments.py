"""Amendments (điều chỉnh đề án): requested by the centre, decided by the leader, applied whole or not at
all, against the cap of the original reference date and the money invariants, one open at a time."""

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction
from khuyencong.projects import amendments, services
from khuyencong.projects.amendment_services import (
    amendment_approve,
    amendment_reject,
    amendment_request,
    amendment_withdraw,
)
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Amendment, AmendmentStatus, BudgetLine, Project
from khuyencong.projects.tests.helpers import walk
from khuyencong.rules.selectors import support_limit

A = AmendmentStatus
LATER_END = {"end_date": dt.date(2025, 3, 31)}
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
DECIDE: dict[AmendmentStatus, Callable[..., Amendment]] = {
    A.APPROVED: amendment_approve,
    A.REJECTED: amendment_reject,
    A.WITHDRAWN: amendment_withdraw,
}


@pytest.fixture
def contracted(proposal, officer, leader):
    """Approved for 500 m (cap 600 m on 15/01/2024), contracted for 400 m."""
    return walk(proposal, Status.CONTRACTED, officer=officer, leader=leader)


def ask(project, actor, proposed, reason="Mưa lũ kéo dài, lùi thời hạn"):
    return amendment_request(project=project, actor=actor, reason=reason, proposed=proposed)


def money(project):
    project.refresh_from_db()
    return (project.approved_support, project.budget(), project.end_date)


# --- the happy path -----------------------------------------------------------------------------------


def test_an_approved_amendment_changes_the_project_and_the_audit_keeps_before_and_after(
    contracted, officer, leader
):
    amendment = ask(
        contracted,
        officer,
        {
            "end_date": dt.date(2025, 3, 31),
            "budget.provincial": 550_000_000,
            "approved_support": 550_000_000,
            "expected.jobs_created": 35,
            "expected.workers_trained": 20,
            "partners": "Sở Công Thương Lạng Sơn",
            "description": "",  # unchanged: dropped
        },
    )
    assert amendment.changes == {
        "end_date": {"before": "2024-11-30", "after": "2025-03-31"},
        "budget.provincial": {"before": 500_000_000, "after": 550_000_000},
        "approved_support": {"before": 500_000_000, "after": 550_000_000},
        "expected.jobs_created": {"before": 30, "after": 35},
        "expected.workers_trained": {"before": None, "after": 20},
        "partners": {"before": "", "after": "Sở Công Thương Lạng Sơn"},
    }
    assert money(contracted) == (
        500_000_000,
        {"provincial": 500_000_000, "beneficiary": 1_500_000_000},
        dt.date(2024, 11, 30),
    )

    amendment_approve(amendment=amendment, actor=leader, note="Đồng ý")

    assert money(contracted) == (
        550_000_000,
        {"provincial": 550_000_000, "beneficiary": 1_500_000_000},
        dt.date(2025, 3, 31),
    )
    assert {r.indicator: r.value for r in contracted.expected_results.all()} == {
        "jobs_created": 35,
        "models": 1,
        "workers_trained": 20,
    }
    assert contracted.partners == "Sở Công Thương Lạng Sơn"
    assert contracted.status == Status.CONTRACTED
    amendment.refresh_from_db()
    assert (amendment.status, amendment.decided_by, amendment.decision_note) == (A.APPROVED, leader, "Đồng ý")
    assert amendment.decided_at is not None

    entry = history(contracted).first()
    assert (entry.action, entry.actor) == (AuditAction.UPDATE, leader)
    assert entry.changes["approved_support"] == {
        "label": "Kinh phí hỗ trợ được duyệt",
        "before": 500_000_000,
        "after": 550_000_000,
    }
    assert entry.changes["end_date"]["before"] == "2024-11-30"
    assert entry.changes["end_date"]["after"] == "2025-03-31"
    assert entry.changes["amendment"]["after"] == "Đã phê duyệt"
    assert "Mưa lũ kéo dài" in entry.reason and "Đồng ý" in entry.reason
    moved = history(amendment).first()
    assert moved.action == AuditAction.TRANSITION
    assert moved.changes["status"] == {
        "label": "trạng thái",
        "before": "Chờ phê duyệt",
        "after": "Đã phê duyệt",
    }


def test_a_request_is_audited_on_the_project_and_changes_nothing_yet(contracted, officer):
    amendment = ask(contracted, officer, LATER_END)
    assert history(amendment).first().action == AuditAction.CREATE
    entry = history(contracted).first()
    assert entry.changes["amendment"] == {
        "label": "điều chỉnh đề án",
        "before": None,
        "after": "Chờ phê duyệt",
    }
    assert entry.reason == "Mưa lũ kéo dài, lùi thời hạn"
    contracted.refresh_from_db()
    assert contracted.end_date == dt.date(2024, 11, 30)


def test_a_rejection_needs_a_note_and_changes_nothing(contracted, officer, leader):
    amendment = ask(contracted, officer, LATER_END)
    with pytest.raises(ValidationError) as caught:
        amendment_reject(amendment=amendment, actor=leader, note=" ")
    assert "note" in caught.value.message_dict
    amendment_reject(amendment=amendment, actor=leader, note="Chưa đủ căn cứ")
    amendment.refresh_from_db()
    contracted.refresh_from_db()
    assert amendment.status == A.REJECTED and contracted.end_date == dt.date(2024, 11, 30)


def test_a_request_needs_a_reason_and_a_change(contracted, officer):
    with pytest.raises(ValidationError) as caught:
        ask(contracted, officer, LATER_END, reason="  ")
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError, match="chưa thay đổi nội dung nào"):
        ask(contracted, officer, {"end_date": dt.date(2024, 11, 30), "budget.provincial": 500_000_000})
    with pytest.raises(ValidationError, match="không điều chỉnh được"):
        ask(contracted, officer, {"eligible_cost": 3_000_000_000})
    assert not Amendment.objects.exists()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("budget.provincial", -5),
        ("budget.central", 1.5),
        ("approved_support", "500.000.000,5"),
        ("approved_support", None),
        ("expected.jobs_created", "ba mươi"),
        ("end_date", "31/02/2025"),
    ],
)
def test_an_amount_that_is_not_a_whole_non_negative_number_or_a_bad_date_is_refused_naming_the_field(
    contracted, officer, key, value
):
    with pytest.raises(ValidationError) as caught:
        ask(contracted, officer, {key: value})
    assert key in caught.value.message_dict
    assert not Amendment.objects.exists()


def test_an_end_before_the_start_is_refused(contracted, officer):
    with pytest.raises(ValidationError) as caught:
        ask(contracted, officer, {"end_date": dt.date(2024, 2, 1)})
    assert "end_date" in caught.value.message_dict
    assert not Amendment.objects.exists()


# --- who may do what --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_only_the_centre_and_the_beneficiarys_representative_may_request(request, contracted, role):
    actor = request.getfixturevalue(role)
    allowed = role in {"administrator", "officer", "business_rep"}
    try:
        ask(contracted, actor, LATER_END)
        succeeded = True
    except PermissionDenied:
        succeeded = False
    assert succeeded == allowed
    assert Amendment.objects.count() == int(allowed)


def test_a_representative_of_another_establishment_may_not_request(contracted, business_rep, ba_son_coop):
    contracted.beneficiaries.set([ba_son_coop])
    with pytest.raises(PermissionDenied):
        ask(contracted, business_rep, LATER_END)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("frm", list(AmendmentStatus))
def test_every_amendment_move_is_allowed_exactly_as_the_table_says(
    request, contracted, officer, business_rep, role, frm
):
    actor = request.getfixturevalue(role)
    amendment = ask(contracted, officer, LATER_END)
    Amendment.objects.filter(pk=amendment.pk).update(status=frm)
    for to, service in DECIDE.items():
        amendment.refresh_from_db()
        roles = amendments.TRANSITIONS.get((frm, to))
        # the officer filed it, so a representative may not withdraw it
        expected = (
            roles is not None
            and ROLE_CODE[role] in roles
            and not (role == "business_rep" and to == A.WITHDRAWN)
        )
        try:
            with transaction.atomic():
                service(amendment=amendment, actor=actor, note="Ý kiến kiểm thử")
                succeeded = True
                amendment.refresh_from_db()
                assert amendment.status == to
                transaction.set_rollback(True)
        except (PermissionDenied, ValidationError):
            succeeded = False
        assert succeeded == expected, f"{frm} → {to} as {role}"
        amendment.refresh_from_db()
        assert amendment.status == frm


def test_the_leader_cannot_request_and_the_officer_cannot_approve(contracted, officer, leader):
    with pytest.raises(PermissionDenied):
        ask(contracted, leader, LATER_END)
    amendment = ask(contracted, officer, LATER_END)
    with pytest.raises(PermissionDenied):
        amendment_approve(amendment=amendment, actor=officer)


def test_a_representative_withdraws_their_own_request(contracted, business_rep):
    amendment = ask(contracted, business_rep, LATER_END)
    amendment_withdraw(amendment=amendment, actor=business_rep)
    amendment.refresh_from_db()
    assert amendment.status == A.WITHDRAWN


# --- when ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [s for s in Status if s not in amendments.AMENDABLE_STATES])
def test_an_amendment_is_refused_outside_the_approved_to_awaiting_acceptance_states_naming_the_state(
    contracted, officer, state
):
    Project.objects.filter(pk=contracted.pk).update(status=state)
    contracted.refresh_from_db()
    with pytest.raises(ValidationError, match=f"Đề án đang ở trạng thái “{state.label}”"):
        ask(contracted, officer, LATER_END)
    assert not Amendment.objects.exists()


@pytest.mark.parametrize("state", amendments.AMENDABLE_STATES)
def test_an_amendment_is_allowed_from_approval_until_the_councils_visit(proposal, officer, leader, state):
    project = walk(proposal, state, officer=officer, leader=leader)
    assert ask(project, officer, LATER_END).status == A.REQUESTED


def test_a_project_suspended_after_the_request_cannot_take_the_amendment(contracted, officer, leader):
    amendment = ask(contracted, officer, LATER_END)
    services.project_transition(project=contracted, to=Status.SUSPENDED, actor=leader, reason="Chờ mặt bằng")
    with pytest.raises(ValidationError, match="“Tạm dừng”"):
        amendment_approve(amendment=amendment, actor=leader)
    contracted.refresh_from_db()
    amendment.refresh_from_db()
    assert contracted.end_date == dt.date(2024, 11, 30) and amendment.status == A.REQUESTED
    amendment_reject(amendment=amendment, actor=leader, note="Đề án tạm dừng")  # it can still be closed


def test_only_one_amendment_is_open_at_a_time(contracted, officer, leader):
    first = ask(contracted, officer, LATER_END)
    with pytest.raises(ValidationError, match="đang có một đề nghị điều chỉnh chờ phê duyệt"):
        ask(contracted, officer, {"expected.jobs_created": 40})
    amendment_withdraw(amendment=first, actor=officer, note="Lập lại")
    second = ask(contracted, officer, {"expected.jobs_created": 40})
    assert second.status == A.REQUESTED
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds the rule too
        Amendment.objects.create(project=contracted, reason="x", changes={}, requested_by=officer)


# --- staleness ------------------------------------------------------------------------------------------


def test_an_amendment_whose_before_values_are_stale_is_refused_and_nothing_is_applied(
    contracted, officer, leader
):
    amendment = ask(contracted, officer, {"end_date": dt.date(2025, 3, 31), "budget.provincial": 550_000_000})
    # Changed by another path since the request (an import, an administrator, another service).
    Project.objects.filter(pk=contracted.pk).update(end_date=dt.date(2024, 12, 15))
    BudgetLine.objects.filter(project=contracted, source="provincial").update(amount=520_000_000)
    with pytest.raises(ValidationError) as caught:
        amendment_approve(amendment=amendment, actor=leader)
    message = " ".join(caught.value.messages)
    assert "Ngày kết thúc (lúc đề nghị: 30/11/2024, hiện nay: 15/12/2024)" in message
    assert (
        "Kinh phí: Ngân sách tỉnh (khuyến công địa phương) (lúc đề nghị: 500.000.000 ₫, hiện nay: 520.000.000 ₫)"
        in message
    )
    contracted.refresh_from_db()
    amendment.refresh_from_db()
    assert contracted.end_date == dt.date(2024, 12, 15) and contracted.budget()["provincial"] == 520_000_000
    assert amendment.status == A.REQUESTED


def test_a_change_to_a_field_the_amendment_does_not_touch_does_not_make_it_stale(contracted, officer, leader):
    amendment = ask(contracted, officer, LATER_END)
    Project.objects.filter(pk=contracted.pk).update(description="Bổ sung mô tả")
    amendment_approve(amendment=amendment, actor=leader)
    contracted.refresh_from_db()
    assert contracted.end_date == dt.date(2025, 3, 31)


# --- the cap of the reference date and the money invariants ---------------------------------------------


def test_the_cap_of_the_original_submission_date_applies_not_todays(proposal, officer, leader):
    # Submitted in 2015: TTLT 26/2014 caps a demonstration model at 500 m (today's rule would allow 600 m).
    project = walk(
        proposal, Status.CONTRACTED, officer=officer, leader=leader, submitted_on=dt.date(2015, 3, 1)
    )
    with pytest.raises(ValidationError, match="26/2014/TTLT-BTC-BCT") as caught:
        ask(project, officer, {"budget.provincial": 550_000_000})
    assert "vượt mức trần 500.000.000 ₫" in " ".join(caught.value.messages)
    assert not Amendment.objects.exists()


def test_the_cap_is_checked_again_at_approval(contracted, officer, leader):
    amendment = ask(contracted, officer, {"budget.provincial": 600_000_000, "approved_support": 600_000_000})
    # The eligible cost is corrected downwards before the leader decides: 30 % of 1.5 bn is 450 m.
    Project.objects.filter(pk=contracted.pk).update(eligible_cost=1_500_000_000)
    with pytest.raises(
        ValidationError, match=re.escape("vượt mức trần 450.000.000 ₫ theo Thông tư 28/2018/TT-BTC")
    ):
        amendment_approve(amendment=amendment, actor=leader)
    assert money(contracted)[:2] == (500_000_000, {"provincial": 500_000_000, "beneficiary": 1_500_000_000})


def test_the_approved_support_cannot_exceed_the_programmes_budget_lines(contracted, officer):
    with pytest.raises(ValidationError, match="vượt phần ngân sách khuyến công trong dự toán") as caught:
        ask(contracted, officer, {"approved_support": 550_000_000})
    assert "approved_support" in caught.value.message_dict


def test_the_approved_support_cannot_fall_below_the_contract(contracted, officer):
    with pytest.raises(ValidationError, match=re.escape("thấp hơn giá trị hợp đồng đã ký 400.000.000 ₫")):
        ask(contracted, officer, {"approved_support": 350_000_000})


def test_the_approved_support_cannot_fall_below_what_was_advanced(proposal, officer, leader):
    project = walk(proposal, Status.IN_PROGRESS, officer=officer, leader=leader, contract_amount=200_000_000)
    services.project_record_advance(
        project=project, actor=officer, amount_vnd=300_000_000, paid_on=dt.date(2024, 3, 1)
    )
    with pytest.raises(ValidationError, match=re.escape("không được thấp hơn số đã tạm ứng 300.000.000 ₫")):
        ask(project, officer, {"approved_support": 250_000_000, "budget.provincial": 250_000_000})


def test_an_advance_made_after_the_request_is_weighed_at_approval(proposal, officer, leader):
    project = walk(proposal, Status.IN_PROGRESS, officer=officer, leader=leader, contract_amount=200_000_000)
    amendment = ask(project, officer, {"approved_support": 300_000_000, "budget.provincial": 300_000_000})
    services.project_record_advance(
        project=project, actor=officer, amount_vnd=350_000_000, paid_on=dt.date(2024, 3, 1)
    )
    with pytest.raises(ValidationError, match=re.escape("thấp hơn số đã tạm ứng 350.000.000 ₫")):
        amendment_approve(amendment=amendment, actor=leader)
    assert money(project)[0] == 500_000_000


@override_settings(KHUYENCONG_ADVANCE_MAX_PERCENT=50)
def test_advances_must_stay_within_the_share_of_the_new_approved_support(proposal, officer, leader):
    project = walk(proposal, Status.IN_PROGRESS, officer=officer, leader=leader)
    services.project_record_advance(
        project=project, actor=officer, amount_vnd=250_000_000, paid_on=dt.date(2024, 3, 1)
    )
    with pytest.raises(ValidationError, match=r"mức tạm ứng cho phép là 225.000.000 ₫ \(50%\)"):
        ask(project, officer, {"approved_support": 450_000_000, "budget.provincial": 450_000_000})
    assert ask(project, officer, {"approved_support": 500_000_000, "budget.provincial": 520_000_000})


def _invariants(project, cap):
    project.refresh_from_db()
    advanced = project.advanced_total()
    approved = project.approved_support
    assert all(line.amount >= 0 for line in project.budget_lines.all())
    assert advanced <= approved <= project.requested_support <= cap
    assert advanced <= services.advance_limit(project)
    assert project.contract_amount <= approved


@settings(max_examples=25)
@given(
    # Mostly amounts around the 100 m contract and the 600 m cap, some anywhere (negative included).
    approved=st.one_of(
        st.integers(min_value=90_000_000, max_value=610_000_000),
        st.integers(min_value=-10, max_value=800_000_000),
    ),
    provincial=st.one_of(
        st.integers(min_value=400_000_000, max_value=620_000_000),
        st.integers(min_value=-10, max_value=800_000_000),
    ),
    advanced=st.integers(min_value=0, max_value=500_000_000),
    percent=st.sampled_from([50, 80, 100]),
    stale=st.booleans(),
)
def test_whatever_is_asked_the_money_invariants_hold_and_a_refusal_changes_nothing(
    proposal, officer, leader, approved, provincial, advanced, percent, stale
):
    with transaction.atomic(), override_settings(KHUYENCONG_ADVANCE_MAX_PERCENT=percent):
        project = walk(
            Project.objects.get(pk=proposal.pk),
            Status.IN_PROGRESS,
            officer=officer,
            leader=leader,
            contract_amount=100_000_000,
        )
        if 0 < advanced <= services.advance_limit(project):
            services.project_record_advance(
                project=project, actor=officer, amount_vnd=advanced, paid_on=dt.date(2024, 3, 1)
            )
        cap = support_limit(
            category=project.category,
            level=project.level,
            province="20",
            on=dt.date(2024, 1, 15),
            eligible_cost=project.eligible_cost,
        ).max_support_vnd
        before = money(project)
        try:
            with transaction.atomic():
                amendment = ask(
                    project,
                    officer,
                    {"approved_support": approved, "budget.provincial": provincial, **LATER_END},
                )
                if stale:  # someone else moves the end date before the leader decides
                    Project.objects.filter(pk=project.pk).update(end_date=dt.date(2024, 12, 15))
                amendment_approve(amendment=amendment, actor=leader)
            applied = True
        except ValidationError:
            applied = False
        if applied:
            assert not stale
            assert money(project)[0] == approved and project.budget()["provincial"] == provincial
        else:
            assert money(project) == before
        _invariants(project, cap)
        transaction.set_rollback(True)
