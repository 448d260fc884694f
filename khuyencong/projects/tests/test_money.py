"""Money invariants: amounts ≥ 0, advances ≤ approved, settled ≤ approved, advanced − recovered ≤ settled."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from khuyencong.appraisal.tests.factories import appraise
from khuyencong.projects import services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project
from khuyencong.projects.tests.helpers import accept


def _contracted(project, officer, leader):
    services.project_submit(project=project, actor=officer, on=dt.date(2024, 1, 15))
    services.project_transition(project=project, to=Status.UNDER_APPRAISAL, actor=officer)
    appraise(project, officer=officer)
    services.project_approve(
        project=project, actor=leader, decision_number="12/QĐ-SCT", decision_date=dt.date(2024, 2, 1)
    )
    services.project_contract(
        project=project,
        actor=officer,
        contract_number="05/HĐ",
        contract_date=dt.date(2024, 2, 10),
        contract_amount=500_000_000,
    )
    services.project_transition(project=project, to=Status.IN_PROGRESS, actor=officer)
    project.refresh_from_db()
    return project


def _invariants(project):
    project.refresh_from_db()
    advanced, recovered = project.advanced_total(), project.recovered_total()
    assert project.eligible_cost >= 0
    assert all(line.amount >= 0 for line in project.budget_lines.all())
    assert advanced <= (project.approved_support or 0)
    if project.settled_amount is not None:
        assert project.settled_amount <= project.approved_support
        assert advanced - recovered <= project.settled_amount


@pytest.mark.parametrize("bad", [1.5, "1.286,5", -1, "-5", None, True])
def test_an_amount_with_decimals_or_a_sign_is_refused_naming_the_field(bad):
    with pytest.raises(ValidationError) as caught:
        services.amount(bad, field="contract_amount")
    assert "contract_amount" in caught.value.message_dict


def test_settling_above_the_approved_amount_is_refused(proposal, officer, leader):
    project = _contracted(proposal, officer, leader)
    services.project_transition(project=project, to=Status.AWAITING_ACCEPTANCE, actor=officer)
    accept(project, officer)
    with pytest.raises(ValidationError) as caught:
        services.project_settle(
            project=project, actor=officer, settled_amount=500_000_001, liquidation_date=dt.date(2024, 12, 1)
        )
    assert "settled_amount" in caught.value.message_dict
    project.refresh_from_db()
    assert project.status == Status.ACCEPTED and project.settled_amount is None


def test_an_advance_above_the_approved_support_is_refused(proposal, officer, leader):
    project = _contracted(proposal, officer, leader)
    services.project_record_advance(
        project=project, actor=officer, amount_vnd=300_000_000, paid_on=dt.date(2024, 3, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.project_record_advance(
            project=project, actor=officer, amount_vnd=200_000_001, paid_on=dt.date(2024, 4, 1)
        )
    assert "amount" in caught.value.message_dict
    assert project.advanced_total() == 300_000_000


def test_the_advance_share_is_configurable(proposal, officer, leader, settings):
    settings.KHUYENCONG_ADVANCE_MAX_PERCENT = 50
    project = _contracted(proposal, officer, leader)
    with pytest.raises(ValidationError):
        services.project_record_advance(
            project=project, actor=officer, amount_vnd=250_000_001, paid_on=dt.date(2024, 3, 1)
        )
    services.project_record_advance(
        project=project, actor=officer, amount_vnd=250_000_000, paid_on=dt.date(2024, 3, 1)
    )


def test_money_advanced_above_the_settled_amount_is_recorded_as_a_recovery(proposal, officer, leader):
    project = _contracted(proposal, officer, leader)
    services.project_record_advance(
        project=project, actor=officer, amount_vnd=400_000_000, paid_on=dt.date(2024, 3, 1)
    )
    services.project_transition(project=project, to=Status.AWAITING_ACCEPTANCE, actor=officer)
    accept(project, officer)
    services.project_settle(
        project=project, actor=officer, settled_amount=350_000_000, liquidation_date=dt.date(2024, 12, 1)
    )
    assert project.recovered_total() == 50_000_000
    _invariants(project)


@settings(max_examples=25)
@given(
    steps=st.lists(
        st.one_of(
            st.tuples(st.just("advance"), st.integers(min_value=-10, max_value=600_000_000)),
            st.tuples(st.just("settle"), st.integers(min_value=-10, max_value=600_000_000)),
        ),
        max_size=6,
    )
)
def test_money_invariants_hold_whatever_officers_try(proposal, officer, leader, steps):
    with transaction.atomic():
        project = _contracted(Project.objects.get(pk=proposal.pk), officer, leader)
        services.project_transition(project=project, to=Status.AWAITING_ACCEPTANCE, actor=officer)
        # advances are recorded before acceptance in real life; here the order is whatever Hypothesis picks
        Project.objects.filter(pk=project.pk).update(status=Status.IN_PROGRESS)
        for kind, value in steps:
            project.refresh_from_db()
            try:
                with transaction.atomic():
                    if kind == "advance":
                        services.project_record_advance(
                            project=project, actor=officer, amount_vnd=value, paid_on=dt.date(2024, 3, 1)
                        )
                    elif project.status == Status.IN_PROGRESS:
                        Project.objects.filter(pk=project.pk).update(status=Status.ACCEPTED)
                        services.project_settle(
                            project=project,
                            actor=officer,
                            settled_amount=value,
                            liquidation_date=dt.date(2024, 12, 1),
                        )
            except ValidationError:
                pass
            _invariants(project)
        transaction.set_rollback(True)


def _proposed(project, officer):
    services.project_submit(project=project, actor=officer, on=dt.date(2024, 1, 15))
    services.project_transition(project=project, to=Status.UNDER_APPRAISAL, actor=officer)
    return appraise(project, officer=officer)


def test_a_decision_may_grant_less_than_requested(proposal, officer, leader):
    project = _proposed(proposal, officer)
    services.project_approve(
        project=project,
        actor=leader,
        decision_number="12/QĐ-SCT",
        decision_date=dt.date(2024, 2, 1),
        approved_support=350_000_000,
    )
    project.refresh_from_db()
    assert (project.status, project.approved_support) == (Status.APPROVED, 350_000_000)


@pytest.mark.parametrize("granted", [500_000_001, -1, 1.5])
def test_a_decision_granting_more_than_requested_or_a_bad_amount_changes_nothing(
    proposal, officer, leader, granted
):
    project = _proposed(proposal, officer)
    with pytest.raises(ValidationError) as caught:
        services.project_approve(
            project=project,
            actor=leader,
            decision_number="12/QĐ-SCT",
            decision_date=dt.date(2024, 2, 1),
            approved_support=granted,
        )
    assert "approved_support" in caught.value.message_dict
    project.refresh_from_db()
    assert (project.status, project.approved_support) == (Status.PROPOSED, None)
