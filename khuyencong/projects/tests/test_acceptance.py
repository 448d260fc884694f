import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khuyencong.projects import services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Acceptance, Project
from khuyencong.projects.tests.helpers import checklist_met


@pytest.fixture
def awaiting(proposal):
    Project.objects.filter(pk=proposal.pk).update(
        status=Status.AWAITING_ACCEPTANCE, approved_support=500_000_000
    )
    proposal.refresh_from_db()
    return proposal


def test_an_acceptance_records_results_trainees_and_machines_and_moves_the_project(awaiting, officer):
    acceptance = services.project_record_acceptance(
        project=awaiting,
        actor=officer,
        held_on=dt.date(2024, 11, 20),
        accepted=True,
        results={"jobs_created": 32, "workers_trained": 20, "machines": 2},
        trained_women=12,
        trained_ethnic_minority=15,
        machines=[("Máy đùn ống nhựa", "EX-2024-01"), ("Máy cắt", "CT-2024-07")],
        checklist=checklist_met(awaiting),
    )
    awaiting.refresh_from_db()
    assert awaiting.status == Status.ACCEPTED
    assert {r.indicator: r.value for r in acceptance.results.all()} == {
        "jobs_created": 32,
        "workers_trained": 20,
        "machines": 2,
    }
    assert sorted(acceptance.machines.values_list("serial_number", flat=True)) == ["CT-2024-07", "EX-2024-01"]


def test_a_refusal_needs_the_reason(awaiting, officer):
    with pytest.raises(ValidationError) as caught:
        services.project_record_acceptance(
            project=awaiting, actor=officer, held_on=dt.date(2024, 11, 20), accepted=False, results={}
        )
    assert "notes" in caught.value.message_dict


def test_more_women_than_trainees_is_refused_and_nothing_is_saved(awaiting, officer):
    with pytest.raises(ValidationError):
        services.project_record_acceptance(
            project=awaiting,
            actor=officer,
            held_on=dt.date(2024, 11, 20),
            accepted=True,
            results={"workers_trained": 5},
            trained_women=6,
        )
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_ACCEPTANCE
    assert not Acceptance.objects.exists()


def test_duplicate_serial_numbers_are_refused(awaiting, officer):
    with pytest.raises(ValidationError):
        services.project_record_acceptance(
            project=awaiting,
            actor=officer,
            held_on=dt.date(2024, 11, 20),
            accepted=True,
            results={},
            machines=[("Máy A", "S-1"), ("Máy B", "S-1")],
        )
    assert not Acceptance.objects.exists()


def test_a_leader_cannot_record_an_acceptance(awaiting, leader):
    with pytest.raises(PermissionDenied):
        services.project_record_acceptance(
            project=awaiting, actor=leader, held_on=dt.date(2024, 11, 20), accepted=True, results={}
        )
