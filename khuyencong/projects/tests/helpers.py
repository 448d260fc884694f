"""Shortcuts for tests that need a project accepted on the way to something else."""

from __future__ import annotations

import datetime as dt
from typing import Any

from khuyencong.appraisal.tests.factories import appraise
from khuyencong.projects import services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Acceptance, ChecklistAnswer, Project


def checklist_met(project: Project) -> dict[int, tuple[str, str]]:
    """Every active checklist item of the project's category answered "met"."""
    return {item.pk: (ChecklistAnswer.MET, "") for item in services.checklist_items(project)}


def accept(project: Project, actor: Any, *, accepted: bool = True, **kwargs: Any) -> Acceptance:
    """Record an acceptance (met on every checklist point) through the service."""
    kwargs.setdefault("held_on", dt.date(2024, 11, 20))
    kwargs.setdefault("results", {})
    kwargs.setdefault("notes", "" if accepted else "Chưa đạt mục tiêu")
    kwargs.setdefault("checklist", checklist_met(project))
    return services.project_record_acceptance(project=project, actor=actor, accepted=accepted, **kwargs)


# The main path, and the service call that takes a project one step along it.
PATH = [
    Status.SUBMITTED,
    Status.UNDER_APPRAISAL,
    Status.PROPOSED,
    Status.APPROVED,
    Status.CONTRACTED,
    Status.IN_PROGRESS,
    Status.AWAITING_ACCEPTANCE,
    Status.ACCEPTED,
]


def walk(
    project: Project,
    state: Status,
    *,
    officer: Any,
    leader: Any,
    submitted_on: dt.date = dt.date(2024, 1, 15),
    contract_amount: int = 400_000_000,
) -> Project:
    """Take a project along the main path, through the services, from where it is up to `state`."""
    start = PATH.index(Status(project.status)) + 1 if project.status in PATH else 0
    for to in PATH[start : PATH.index(state) + 1]:
        if to == Status.SUBMITTED:
            services.project_submit(project=project, actor=officer, on=submitted_on)
        elif to == Status.APPROVED:
            services.project_approve(
                project=project, actor=leader, decision_number="12/QĐ-SCT", decision_date=dt.date(2024, 2, 1)
            )
        elif to == Status.CONTRACTED:
            services.project_contract(
                project=project,
                actor=officer,
                contract_number="05/HĐ-KC",
                contract_date=dt.date(2024, 2, 10),
                contract_amount=contract_amount,
            )
        elif to == Status.PROPOSED:
            appraise(project, officer=officer)
        elif to == Status.ACCEPTED:
            accept(project, officer)
        else:
            services.project_transition(project=project, to=to, actor=officer)
    project.refresh_from_db()
    return project
