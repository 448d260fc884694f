"""Rules the services enforce beyond the transition table."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khuyencong.core.audit import history
from khuyencong.projects import services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project


def test_a_suspended_project_cannot_be_contracted_again_on_the_way_back(proposal, leader, officer):
    Project.objects.filter(pk=proposal.pk).update(
        status=Status.SUSPENDED,
        suspended_from=Status.CONTRACTED,
        approved_support=500_000_000,
        contract_number="A",
    )
    proposal.refresh_from_db()
    with pytest.raises(ValidationError):
        services.project_contract(
            project=proposal,
            actor=officer,
            contract_number="B",
            contract_date=dt.date(2024, 3, 1),
            contract_amount=1,
        )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.contract_number) == (Status.SUSPENDED, "A")


def test_a_commune_officer_cannot_move_a_project_out_of_their_communes(commune_officer, geo, hung_long):
    project = services.project_create(
        actor=commune_officer,
        data={
            "code": "KCĐP-2025-001",
            "title": "Đào tạo nghề mây tre",
            "category": "training",
            "level": "local",
            "plan_year": 2025,
            "implementing_unit": "Trung tâm",
            "unit": geo.tam_thanh,
            "eligible_cost": 0,
        },
        budget={"provincial": 50_000_000},
    )
    with pytest.raises(PermissionDenied):
        services.project_update(project=project, actor=commune_officer, data={"unit": geo.ba_son})
    project.refresh_from_db()
    assert project.unit == geo.tam_thanh


def test_a_proposer_cannot_name_a_beneficiary_outside_their_scope(commune_officer, geo, ba_son_coop):
    with pytest.raises(ValidationError) as caught:
        services.project_create(
            actor=commune_officer,
            data={
                "code": "KCĐP-2025-002",
                "title": "Mô hình",
                "category": "training",
                "level": "local",
                "plan_year": 2025,
                "implementing_unit": "Trung tâm",
                "unit": geo.tam_thanh,
            },
            beneficiaries=[ba_son_coop],
        )
    assert "beneficiaries" in caught.value.message_dict
    assert not Project.objects.exists()


def test_a_project_without_a_place_is_refused_naming_the_field(officer):
    with pytest.raises(ValidationError) as caught:
        services.project_create(
            actor=officer,
            data={
                "code": "KCĐP-2025-003",
                "title": "Tư vấn",
                "category": "consulting_information",
                "level": "local",
                "plan_year": 2025,
                "implementing_unit": "Trung tâm",
            },
        )
    assert "unit" in caught.value.message_dict


def test_expected_results_can_be_removed_and_their_changes_are_audited(officer, proposal):
    services.project_update(project=proposal, actor=officer, data={}, expected={"jobs_created": 40})
    assert {r.indicator: r.value for r in proposal.expected_results.all()} == {"jobs_created": 40}
    changes = history(proposal).first().changes
    assert changes["expected.jobs_created"]["before"] == 30
    assert changes["expected.jobs_created"]["after"] == 40
    assert changes["expected.models"]["after"] is None
