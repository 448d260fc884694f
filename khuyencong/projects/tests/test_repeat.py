"""Repeat-support check (issue 3 §4): recent support for the same category needs a written justification."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction
from khuyencong.projects import repeat, services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project

SUBMIT_DAY = dt.date(2024, 1, 15)


def earlier_project(officer, geo, beneficiary, *, code, year, status, category="demonstration_model"):
    project = services.project_create(
        actor=officer,
        data={
            "code": code,
            "title": f"Đề án hỗ trợ năm {year}",
            "category": category,
            "level": "local",
            "plan_year": year,
            "implementing_unit": "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Lạng Sơn",
            "unit": geo.tam_thanh,
            "eligible_cost": 1_000_000_000,
        },
        beneficiaries=[beneficiary],
        budget={"provincial": 250_000_000, "beneficiary": 750_000_000},
    )
    Project.objects.filter(pk=project.pk).update(status=status, approved_support=250_000_000)
    project.refresh_from_db()
    return project


@pytest.fixture
def accepted_2022(officer, geo, hung_long):
    """Hưng Long's 2022 demonstration model, accepted on site."""
    return earlier_project(officer, geo, hung_long, code="KCĐP-2022-003", year=2022, status=Status.ACCEPTED)


def test_a_proposal_repeating_support_within_three_years_is_refused_without_justification(
    officer, accepted_2022, proposal
):
    with pytest.raises(ValidationError) as caught:
        services.project_submit(project=proposal, actor=officer, on=SUBMIT_DAY)
    (message,) = caught.value.message_dict["repeat_justification"]
    assert "KCĐP-2022-003" in message
    assert "Công ty TNHH thương mại Hưng Long" in message
    assert "Xây dựng mô hình trình diễn kỹ thuật" in message
    assert "trong vòng 3 năm" in message
    proposal.refresh_from_db()
    assert proposal.status == Status.DRAFT


def test_previous_support_lists_the_earlier_project(accepted_2022, proposal):
    assert repeat.previous_support(proposal) == [accepted_2022]


def test_with_a_justification_the_proposal_goes_through_and_the_audit_row_keeps_it(
    officer, accepted_2022, proposal
):
    justification = "Mở rộng mô hình sang dây chuyền ống nhựa chịu nhiệt, khác với mô hình năm 2022"
    services.project_update(project=proposal, actor=officer, data={"repeat_justification": justification})
    services.project_submit(project=proposal, actor=officer, on=SUBMIT_DAY)
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    entry = history(proposal).first()
    assert entry.action == AuditAction.TRANSITION
    assert justification in entry.reason
    assert "KCĐP-2022-003" in entry.reason


def test_a_blank_justification_does_not_count(officer, accepted_2022, proposal):
    Project.objects.filter(pk=proposal.pk).update(repeat_justification="   \n ")
    with pytest.raises(ValidationError, match="Cần ghi giải trình"):
        services.project_submit(project=proposal, actor=officer, on=SUBMIT_DAY)


def test_a_submission_without_earlier_support_keeps_an_empty_reason(officer, proposal):
    services.project_submit(project=proposal, actor=officer, on=SUBMIT_DAY)
    assert history(proposal).first().reason == ""


@pytest.mark.parametrize(
    "status", [Status.SUBMITTED, Status.UNDER_APPRAISAL, Status.PROPOSED, Status.REJECTED, Status.CANCELLED]
)
def test_a_project_that_never_reached_approval_is_not_support(officer, geo, hung_long, proposal, status):
    earlier_project(officer, geo, hung_long, code="KCĐP-2023-001", year=2023, status=status)
    assert repeat.previous_support(proposal) == []
    services.project_submit(project=proposal, actor=officer, on=SUBMIT_DAY)


@pytest.mark.parametrize("status", sorted(repeat.SUPPORTED_STATUSES))
def test_every_stage_from_approval_on_counts_as_support(officer, geo, hung_long, proposal, status):
    earlier = earlier_project(officer, geo, hung_long, code="KCĐP-2023-001", year=2023, status=status)
    assert repeat.previous_support(proposal) == [earlier]


def test_support_for_another_category_does_not_count(officer, geo, hung_long, proposal):
    earlier_project(
        officer,
        geo,
        hung_long,
        code="KCĐP-2023-002",
        year=2023,
        status=Status.SETTLED,
        category="machinery_application",
    )
    assert repeat.previous_support(proposal) == []


def test_support_to_another_establishment_does_not_count(officer, geo, ba_son_coop, proposal):
    earlier_project(officer, geo, ba_son_coop, code="KCĐP-2023-003", year=2023, status=Status.CLOSED)
    assert repeat.previous_support(proposal) == []


def test_the_window_is_three_plan_years_by_default(officer, geo, hung_long, proposal):
    earlier_project(officer, geo, hung_long, code="KCĐP-2021-001", year=2021, status=Status.CLOSED)
    assert repeat.previous_support(proposal) == []  # 2021, 2024: four plan years apart
    in_2022 = earlier_project(officer, geo, hung_long, code="KCĐP-2022-001", year=2022, status=Status.CLOSED)
    assert repeat.previous_support(proposal) == [in_2022]


def test_the_window_follows_the_setting(settings, officer, geo, hung_long, proposal):
    in_2021 = earlier_project(officer, geo, hung_long, code="KCĐP-2021-001", year=2021, status=Status.CLOSED)
    settings.KHUYENCONG_REPEAT_SUPPORT_YEARS = 5
    assert repeat.previous_support(proposal) == [in_2021]
    settings.KHUYENCONG_REPEAT_SUPPORT_YEARS = 0
    assert repeat.previous_support(proposal) == []
    services.project_submit(project=proposal, actor=officer, on=SUBMIT_DAY)


def test_a_project_approved_for_a_later_year_counts_too(officer, geo, hung_long, proposal):
    later = earlier_project(officer, geo, hung_long, code="KCĐP-2025-004", year=2025, status=Status.APPROVED)
    assert repeat.previous_support(proposal) == [later]


def test_the_check_names_only_the_shared_beneficiary(
    officer, geo, hung_long, ba_son_coop, accepted_2022, proposal
):
    proposal.beneficiaries.add(ba_son_coop)
    (earlier,) = repeat.previous_support(proposal)
    assert [est.name for est in earlier.repeat_beneficiaries] == ["Công ty TNHH thương mại Hưng Long"]


@given(
    earlier_year=st.integers(min_value=2015, max_value=2033),
    years=st.integers(min_value=0, max_value=6),
    status=st.sampled_from(list(Status)),
)
def test_support_is_found_exactly_within_the_window_and_from_approval_on(
    officer, geo, hung_long, proposal, earlier_year, years, status
):
    with transaction.atomic():
        earlier = earlier_project(
            officer, geo, hung_long, code="KCĐP-TEST-001", year=earlier_year, status=status
        )
        found = repeat.previous_support(proposal, years=years)
        expected = abs(earlier_year - proposal.plan_year) < years and status in repeat.SUPPORTED_STATUSES
        assert found == ([earlier] if expected else [])
        transaction.set_rollback(True)
