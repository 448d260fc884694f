"""Two leaders approving one plan at once: the plan's row lock lets one through, the other is refused."""

import datetime as dt
import threading
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import OperationalError, connections

from khuyencong.core.audit import history
from khuyencong.plans import services
from khuyencong.plans.choices import PlanStatus
from khuyencong.plans.tests.helpers import YEAR, M, rules
from khuyencong.projects import services as project_services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project


def proposal(officer, geo, code: str, amount: int, score: str) -> Project:
    project = project_services.project_create(
        actor=officer,
        data={
            "code": code,
            "title": code,
            "category": "training",
            "level": "local",
            "plan_year": YEAR,
            "implementing_unit": "Trung tâm",
            "unit": geo.tam_thanh,
        },
        budget={"provincial": amount},
    )
    project_services.project_submit(project=project, actor=officer)
    project_services.project_transition(project=project, to=Status.UNDER_APPRAISAL, actor=officer)
    Project.objects.filter(pk=project.pk).update(appraisal_score=Decimal(score))
    return project_services.project_transition(project=project, to=Status.PROPOSED, actor=officer)


def test_two_simultaneous_plan_approvals_approve_once(
    restores_shipped_data, transactional_db, officer, leader, geo
):
    projects = [proposal(officer, geo, f"KC-DUA-{i}", 300 * M, "80") for i in range(3)]
    plan = services.plan_create(actor=officer, year=YEAR, level="local", rules=rules())
    scenario = services.plan_optimize(plan=plan, actor=officer, name="Trình")
    services.plan_submit(plan=plan, actor=officer, scenario=scenario)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(number: str) -> None:
        try:
            start.wait()
            services.plan_approve(
                plan=plan, actor=leader, decision_number=number, decision_date=dt.date(2026, 1, 5)
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        except OperationalError:  # SQLite's in-memory test database reports a held lock at once
            outcomes.append("locked")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(n,)) for n in ("1/QĐ", "2/QĐ")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == 2 and outcomes.count("ok") == 1, outcomes
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    for project in projects:
        project.refresh_from_db()
        assert project.status == Status.APPROVED and project.decision_number == plan.decision_number
        approvals = [
            e for e in history(project) if e.changes.get("status", {}).get("after") == "Đã phê duyệt"
        ]
        assert len(approvals) == 1
    assert sum(p.approved_support for p in projects) <= 1_000 * M
