"""Indicator catalogue and the values recorded per project and period: rules, lock, audit, scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.projects.choices import ExpectedIndicator, Status
from khuyencong.projects.tests.helpers import checklist_met
from khuyencong.results import services
from khuyencong.results.models import Indicator, IndicatorValue
from khuyencong.results.selectors import project_results


def test_the_catalogue_ships_every_indicator_the_issue_names_with_codes_shared_with_the_projects():
    codes = set(Indicator.objects.values_list("code", flat=True))
    assert codes == {
        "jobs_created",
        "workers_trained",
        "trained_employed",
        "establishments_supported",
        "models",
        "machines",
        "counterpart_mobilised",
        "products_recognised",
        "revenue_after_support",
    }
    # every indicator the acceptance records is in the catalogue, read from the acceptance
    for code in ExpectedIndicator.values:
        assert Indicator.objects.get(code=code).origin == "acceptance"
    trained = Indicator.objects.get(code="workers_trained")
    assert (trained.name_vi, trained.name_en, trained.unit_vi, trained.rule) == (
        "Lao động được đào tạo",
        "Workers trained",
        "người",
        "sum",
    )
    assert trained.disaggregated
    assert Indicator.objects.get(code="revenue_after_support").rule == "latest"
    assert Indicator.objects.get(code="revenue_after_support").is_money


def test_an_officer_records_revenue_after_the_acceptance_and_the_audit_keeps_it(make_project, officer):
    project = make_project(results={"jobs_created": 30, "models": 1}, status=Status.SETTLED)
    row = services.indicator_value_record(
        project=project,
        actor=officer,
        indicator="revenue_after_support",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        value="4200000000",
        source="business_report",
        note="Báo cáo tài chính năm 2025",
    )
    assert row.value == 4_200_000_000
    entry = audit.history(row).get()
    assert entry.action == AuditAction.CREATE
    assert entry.changes["value"]["after"] == 4_200_000_000


def test_values_up_to_the_accepted_acceptance_are_locked(make_project, officer):
    project = make_project(results={"jobs_created": 30}, held_on=dt.date(2024, 11, 20))
    with pytest.raises(ValidationError, match="đã khoá"):
        services.indicator_value_record(
            project=project,
            actor=officer,
            indicator="counterpart_mobilised",
            period_start=dt.date(2024, 3, 1),
            period_end=dt.date(2024, 11, 20),
            value=500_000_000,
            source="site_visit",
        )
    assert not IndicatorValue.objects.exists()


def test_a_value_recorded_before_the_acceptance_cannot_be_changed_once_it_is_accepted(make_project, officer):
    project = make_project(status=Status.IN_PROGRESS)
    row = services.indicator_value_record(
        project=project,
        actor=officer,
        indicator="counterpart_mobilised",
        period_start=dt.date(2024, 3, 1),
        period_end=dt.date(2024, 9, 30),
        value=300_000_000,
        source="site_visit",
    )
    corrected = services.indicator_value_update(
        row=row, actor=officer, reason="Sai số hoá đơn", value=320_000_000
    )
    assert corrected.value == 320_000_000
    assert audit.history(row).first().changes["value"] == {
        "label": "giá trị",
        "before": 300_000_000,
        "after": 320_000_000,
    }
    # the council accepts on 20/11/2024: everything up to that day is locked
    from khuyencong.projects import services as project_services
    from khuyencong.projects.models import Project

    Project.objects.filter(pk=project.pk).update(status=Status.AWAITING_ACCEPTANCE)
    project_services.project_record_acceptance(
        project=project,
        actor=officer,
        held_on=dt.date(2024, 11, 20),
        accepted=True,
        results={"jobs_created": 5},
        checklist=checklist_met(project),
    )
    with pytest.raises(ValidationError, match="đã khoá"):
        services.indicator_value_update(row=row, actor=officer, reason="sửa lại", value=1)
    with pytest.raises(ValidationError, match="đã khoá"):
        services.indicator_value_delete(row=row, actor=officer, reason="xoá")
    row.refresh_from_db()
    assert row.value == 320_000_000


def test_a_correction_needs_a_reason(make_project, officer):
    project = make_project(results={"jobs_created": 30}, held_on=dt.date(2024, 11, 20))
    row = services.indicator_value_record(
        project=project,
        actor=officer,
        indicator="products_recognised",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 6, 30),
        value=1,
        source="other",
    )
    with pytest.raises(ValidationError) as caught:
        services.indicator_value_update(row=row, actor=officer, reason=" ", value=2)
    assert "reason" in caught.value.message_dict


def test_acceptance_indicators_are_not_recorded_by_hand(make_project, officer):
    project = make_project(results={"jobs_created": 30})
    with pytest.raises(ValidationError, match="biên bản nghiệm thu"):
        services.indicator_value_record(
            project=project,
            actor=officer,
            indicator="jobs_created",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 6, 30),
            value=40,
            source="site_visit",
        )


def test_trained_workers_employed_are_split_by_sex_and_ethnic_minority_within_the_total(
    make_project, officer
):
    project = make_project(category="training", results={"workers_trained": 30}, trained_women=20)
    with pytest.raises(ValidationError) as caught:
        services.indicator_value_record(
            project=project,
            actor=officer,
            indicator="trained_employed",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 6, 30),
            value=25,
            women=26,
            source="follow_up",
        )
    assert "women" in caught.value.message_dict
    row = services.indicator_value_record(
        project=project,
        actor=officer,
        indicator="trained_employed",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 6, 30),
        value=25,
        women=18,
        ethnic_minority=20,
        source="follow_up",
    )
    assert (row.women, row.ethnic_minority) == (18, 20)
    with pytest.raises(ValidationError, match="không tách"):
        services.indicator_value_record(
            project=project,
            actor=officer,
            indicator="revenue_after_support",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 6, 30),
            value=25,
            women=3,
            source="follow_up",
        )


def test_one_value_per_project_indicator_and_period(make_project, officer):
    project = make_project(results={"jobs_created": 30})
    kwargs = {
        "project": project,
        "actor": officer,
        "indicator": "revenue_after_support",
        "period_start": dt.date(2025, 1, 1),
        "period_end": dt.date(2025, 12, 31),
        "value": 1,
        "source": "other",
    }
    services.indicator_value_record(**kwargs)
    with pytest.raises(ValidationError, match="Đã có giá trị"):
        services.indicator_value_record(**kwargs)


def test_future_periods_unapproved_projects_and_foreign_evidence_are_refused(make_project, officer, geo):
    accepted = make_project(results={"jobs_created": 30})
    draft = make_project(status=Status.DRAFT)
    base = {"actor": officer, "indicator": "revenue_after_support", "value": 1, "source": "other"}
    with pytest.raises(ValidationError, match="chưa kết thúc"):
        services.indicator_value_record(
            project=accepted, period_start=dt.date(2099, 1, 1), period_end=dt.date(2099, 12, 31), **base
        )
    with pytest.raises(ValidationError, match="phê duyệt"):
        services.indicator_value_record(
            project=draft, period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31), **base
        )
    with pytest.raises(ValidationError, match="sau hoặc bằng"):
        services.indicator_value_record(
            project=accepted, period_start=dt.date(2025, 12, 1), period_end=dt.date(2025, 1, 31), **base
        )


def test_only_the_centre_records_results(make_project, leader, commune_officer):
    project = make_project(results={"jobs_created": 30})
    for user in (leader, commune_officer):
        with pytest.raises(PermissionDenied):
            services.indicator_value_record(
                project=project,
                actor=user,
                indicator="revenue_after_support",
                period_start=dt.date(2025, 1, 1),
                period_end=dt.date(2025, 12, 31),
                value=1,
                source="other",
            )


def test_a_project_shows_targets_accepted_values_and_each_indicator_by_its_rule(make_project, officer):
    project = make_project(category="training", results={"workers_trained": 30}, trained_women=12)
    for start, end, value in [
        (dt.date(2025, 1, 1), dt.date(2025, 6, 30), 20),
        (dt.date(2025, 7, 1), dt.date(2025, 12, 31), 24),
        (dt.date(2025, 1, 1), dt.date(2025, 3, 31), 22),
    ]:
        services.indicator_value_record(
            project=project,
            actor=officer,
            indicator="trained_employed",
            period_start=start,
            period_end=end,
            value=value,
            source="follow_up",
        )
    for start, end, value in [
        (dt.date(2025, 1, 1), dt.date(2025, 6, 30), 100_000_000),
        (dt.date(2025, 7, 1), dt.date(2025, 12, 31), 50_000_000),
    ]:
        services.indicator_value_record(
            project=project,
            actor=officer,
            indicator="counterpart_mobilised",
            period_start=start,
            period_end=end,
            value=value,
            source="business_report",
        )
    rows = {row.indicator.code: row for row in project_results(project=project).rows}
    assert rows["workers_trained"].figure == 30
    assert rows["trained_employed"].figure == 24  # latest period, not the sum
    assert rows["counterpart_mobilised"].figure == 150_000_000  # a flow adds up
    assert rows["revenue_after_support"].figure is None


def test_targets_of_recorded_indicators_are_set_changed_with_a_reason_and_shown(
    client, make_project, officer
):
    project = make_project(results={"jobs_created": 30, "models": 1})
    target = services.indicator_target_set(
        project=project, actor=officer, indicator="revenue_after_support", value=5_000_000_000
    )
    with pytest.raises(ValidationError) as caught:
        services.indicator_target_set(
            project=project, actor=officer, indicator="revenue_after_support", value=1
        )
    assert "reason" in caught.value.message_dict
    services.indicator_target_set(
        project=project,
        actor=officer,
        indicator="revenue_after_support",
        value=4_000_000_000,
        reason="Điều chỉnh theo thị trường",
    )
    target.refresh_from_db()
    assert target.value == 4_000_000_000
    assert audit.history(target).first().changes["value"] == {
        "label": "giá trị dự kiến",
        "before": 5_000_000_000,
        "after": 4_000_000_000,
    }
    with pytest.raises(ValidationError, match="biên bản nghiệm thu"):
        services.indicator_target_set(project=project, actor=officer, indicator="jobs_created", value=40)
    rows = {row.indicator.code: row for row in project_results(project=project).rows}
    assert rows["revenue_after_support"].target == 4_000_000_000
    assert rows["jobs_created"].target is None  # the proposal named none for this test project
    client.force_login(officer)
    response = client.post(
        f"/ket-qua/de-an/{project.code_key}/",
        {"form": "target", "target-indicator": "counterpart_mobilised", "target-value": "600.000.000"},
    )
    assert response.status_code == 302
    assert project.indicator_targets.get(indicator="counterpart_mobilised").value == 600_000_000


def test_only_the_centre_sets_targets(make_project, leader):
    project = make_project(results={"jobs_created": 30})
    with pytest.raises(PermissionDenied):
        services.indicator_target_set(
            project=project, actor=leader, indicator="revenue_after_support", value=1
        )
