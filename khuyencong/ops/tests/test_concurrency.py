"""Fifty people acting on one plan or one project at the same moment (issue 8 §4).

Each scenario runs twice: in this process against the suite's database (PostgreSQL in the PostgreSQL
stage: row locks make the threads queue; the in-memory SQLite database of the SQLite stage answers a
held lock at once with "locked"), and in a child process against a SQLite file configured as
production configures it (WAL, IMMEDIATE transactions, busy timeout), where the threads queue too.
Either way: one approval, never more; advances never above the limit; a plan's envelope never
overspent, even by approvals outside the plan racing it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connections
from django.db.models import Sum

from khuyencong.core.audit import history
from khuyencong.ops.tests.installation import Installation
from khuyencong.plans import services as plan_services
from khuyencong.plans.choices import PlanStatus
from khuyencong.plans.models import AnnualPlan
from khuyencong.plans.services import PlanRules
from khuyencong.projects import services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Advance, Project

M = 1_000_000
THREADS = 50
YEAR = 2031


def proposal(officer, unit, code: str, amount: int, score: str = "80") -> Project:
    project = services.project_create(
        actor=officer,
        data={
            "code": code,
            "title": code,
            "category": "training",
            "level": "local",
            "plan_year": YEAR,
            "implementing_unit": "Trung tâm",
            "unit": unit,
            "eligible_cost": amount * 4,
        },
        budget={"provincial": amount, "beneficiary": amount},
        on=dt.date(2030, 9, 1),
    )
    services.project_submit(project=project, actor=officer, on=dt.date(2030, 9, 1))
    services.project_transition(project=project, to=Status.UNDER_APPRAISAL, actor=officer)
    Project.objects.filter(pk=project.pk).update(appraisal_score=Decimal(score))
    return services.project_transition(project=project, to=Status.PROPOSED, actor=officer)


def submitted_plan(officer, unit, count: int) -> tuple[AnnualPlan, list[Project]]:
    """A plan of `count` proposals of 100 tr.đ whose envelope is exactly their sum, submitted."""
    planned = [proposal(officer, unit, f"KC-PLAN-{i:03d}", 100 * M) for i in range(count)]
    plan = plan_services.plan_create(
        actor=officer,
        year=YEAR,
        level="local",
        rules=PlanRules(
            reference_date=dt.date(2030, 11, 1), envelopes={"provincial": 100 * M * count}, gap_ppm=0
        ),
    )
    scenario = plan_services.plan_optimize(plan=plan, actor=officer, name="Trình")
    plan_services.plan_submit(plan=plan, actor=officer, scenario=scenario)
    return plan, planned


def at_once(actions: list[Callable[[], object]]) -> list[str]:
    """Run each action in its own thread (its own connection), all released by one barrier."""
    start = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action: Callable[[], object]) -> None:
        try:
            start.wait()
            action()
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        except OperationalError:  # the in-memory SQLite test database reports a held lock at once
            outcomes.append("locked")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert len(outcomes) == len(actions), outcomes
    return outcomes


def approvals_of(project: Project) -> int:
    return sum(
        1 for e in history(project) if e.changes.get("status", {}).get("after") == Status.APPROVED.label
    )


def committed(year: int = YEAR) -> int:
    return (
        Project.objects.filter(plan_year=year, level="local", approved_support__isnull=False).aggregate(
            total=Sum("approved_support")
        )["total"]
        or 0
    )


def check_plan_envelope(plan: AnnualPlan) -> None:
    """The invariant: an approved plan's envelope holds every approved project of its year and level."""
    plan.refresh_from_db()
    if plan.status == PlanStatus.APPROVED:
        assert committed() <= plan.envelope_map()["provincial"], (committed(), plan.envelope_map())


# --- in this process, on the suite's database ---------------------------------------------------------

in_process = pytest.mark.usefixtures("restores_shipped_data", "transactional_db")


@in_process
def test_fifty_simultaneous_plan_approvals_approve_once(officer, leader, geo):
    plan, planned = submitted_plan(officer, geo.tam_thanh, 3)
    outcomes = at_once(
        [
            lambda n=n: plan_services.plan_approve(
                plan=plan, actor=leader, decision_number=f"{n}/QĐ", decision_date=dt.date(2031, 1, 5)
            )
            for n in range(THREADS)
        ]
    )
    assert outcomes.count("ok") == 1, outcomes
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    for project in planned:
        project.refresh_from_db()
        assert project.status == Status.APPROVED and project.decision_number == plan.decision_number
        assert approvals_of(project) == 1
    check_plan_envelope(plan)


@in_process
def test_fifty_simultaneous_approvals_of_one_project_approve_once(officer, leader, geo):
    project = proposal(officer, geo.tam_thanh, "KC-DUA-1", 100 * M)
    outcomes = at_once(
        [
            lambda n=n: services.project_approve(
                project=project, actor=leader, decision_number=f"{n}/QĐ", decision_date=dt.date(2031, 1, 5)
            )
            for n in range(THREADS)
        ]
    )
    assert outcomes.count("ok") == 1, outcomes
    project.refresh_from_db()
    assert project.status == Status.APPROVED and approvals_of(project) == 1


@in_process
def test_fifty_simultaneous_advances_never_exceed_the_approved_support(officer, geo):
    project = proposal(officer, geo.tam_thanh, "KC-DUA-2", 100 * M)
    Project.objects.filter(pk=project.pk).update(status=Status.IN_PROGRESS, approved_support=100 * M)
    outcomes = at_once(
        [
            lambda: services.project_record_advance(
                project=project, actor=officer, amount_vnd=7 * M, paid_on=dt.date(2031, 2, 1)
            )
            for _ in range(THREADS)
        ]
    )
    # 14 advances of 7 tr.đ fit in 100 tr.đ; a 15th would not.
    assert outcomes.count("ok") <= 14, outcomes
    total = Advance.objects.filter(project=project).aggregate(total=Sum("amount"))["total"] or 0
    assert total == 7 * M * outcomes.count("ok") <= 100 * M


@in_process
def test_a_plan_approval_racing_approvals_outside_it_never_overspends_the_envelope(officer, leader, geo):
    plan, planned = submitted_plan(officer, geo.tam_thanh, 2)
    others = [proposal(officer, geo.tam_thanh, f"KC-NGOAI-{i:03d}", 10 * M, "50") for i in range(THREADS - 1)]
    actions: list[Callable[[], object]] = [
        lambda: plan_services.plan_approve(
            plan=plan, actor=leader, decision_number="1/QĐ", decision_date=dt.date(2031, 1, 5)
        )
    ]
    actions += [
        lambda p=p: services.project_approve(
            project=p, actor=leader, decision_number=f"{p.code}/QĐ", decision_date=dt.date(2031, 1, 5)
        )
        for p in others
    ]
    at_once(actions)
    check_plan_envelope(plan)
    for project in planned:
        project.refresh_from_db()
        assert approvals_of(project) <= 1


def test_once_the_plan_is_approved_an_approval_outside_it_cannot_overspend_its_envelope(officer, leader, geo):
    plan, _planned = submitted_plan(officer, geo.tam_thanh, 2)
    extra = proposal(officer, geo.tam_thanh, "KC-NGOAI-1", 10 * M, "50")
    plan_services.plan_approve(
        plan=plan, actor=leader, decision_number="1/QĐ", decision_date=dt.date(2031, 1, 5)
    )
    with pytest.raises(ValidationError, match="vượt dự toán") as refused:
        services.project_approve(
            project=extra, actor=leader, decision_number="2/QĐ", decision_date=dt.date(2031, 1, 6)
        )
    assert "200.000.000 ₫" in str(refused.value) and "điều chỉnh kế hoạch" in str(refused.value)
    extra.refresh_from_db()
    assert extra.status == Status.PROPOSED and committed() == 200 * M
    # A revision reopens the plan (a draft with more money): the approval goes through, and the
    # revision's own approval will check every commitment against its envelope.
    revision = plan_services.plan_revise(plan=plan, actor=officer, reason="Tỉnh bổ sung 10 tr.đ")
    plan_services.plan_update(
        plan=revision,
        actor=officer,
        rules=PlanRules(reference_date=dt.date(2030, 11, 1), envelopes={"provincial": 210 * M}, gap_ppm=0),
    )
    services.project_approve(
        project=extra, actor=leader, decision_number="3/QĐ", decision_date=dt.date(2031, 2, 1)
    )
    assert committed() == 210 * M


# --- in a child process, on a SQLite file as production runs it -------------------------------------


@pytest.fixture
def plan_in_file(demo: Installation) -> tuple[Installation, dict]:
    return demo, demo.child("submitted_plan", "3", str(THREADS - 1))


def file_state(demo: Installation, created: dict) -> dict:
    import sqlite3

    db = sqlite3.connect(demo.sqlite_file)
    try:
        plan_status, envelope = db.execute(
            "SELECT p.status, e.amount FROM plans_annualplan p JOIN plans_planenvelope e ON e.plan_id = p.id "
            "WHERE p.id = ? AND e.source = 'provincial'",
            (created["plan"],),
        ).fetchone()
        (total,) = db.execute(
            "SELECT COALESCE(SUM(approved_support), 0) FROM projects_project "
            "WHERE plan_year = ? AND level = 'local' AND approved_support IS NOT NULL",
            (YEAR,),
        ).fetchone()
        transitions = dict(
            db.execute(
                "SELECT a.object_id, COUNT(*) FROM core_auditentry a "
                "JOIN django_content_type t ON t.id = a.content_type_id "
                "WHERE t.app_label = 'projects' AND t.model = 'project' AND a.action = 'transition' "
                "AND json_extract(a.changes, '$.status.after') = ? GROUP BY a.object_id",
                (str(Status.APPROVED.label),),
            ).fetchall()
        )
    finally:
        db.close()
    return {"plan": plan_status, "envelope": envelope, "committed": total, "approvals": transitions}


def test_fifty_simultaneous_plan_approvals_on_a_sqlite_file(plan_in_file):
    demo, created = plan_in_file
    outcomes = demo.child("race", "plan", str(created["plan"]), str(THREADS))
    assert outcomes.count("ok") == 1 and outcomes.count("refused") == THREADS - 1, outcomes
    state = file_state(demo, created)
    assert state["plan"] == "approved" and state["committed"] == state["envelope"] == 300 * M
    assert all(state["approvals"].get(str(pk)) == 1 for pk in created["projects"]), state


def test_a_plan_approval_racing_approvals_outside_it_on_a_sqlite_file(plan_in_file):
    demo, created = plan_in_file
    target = ",".join(str(pk) for pk in [created["plan"], *created["others"]])
    outcomes = demo.child("race", "mixed", target, str(THREADS))
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    state = file_state(demo, created)
    if state["plan"] == "approved":
        assert state["committed"] <= state["envelope"], state
    assert all(count == 1 for count in state["approvals"].values()), state


def test_fifty_simultaneous_approvals_and_advances_of_one_project_on_a_sqlite_file(plan_in_file):
    demo, created = plan_in_file
    project = created["others"][0]
    outcomes = demo.child("race", "approve", str(project), str(THREADS))
    assert outcomes.count("ok") == 1 and outcomes.count("refused") == THREADS - 1, outcomes
    assert file_state(demo, created)["approvals"][str(project)] == 1
    # Advances need a contract: move it on directly (the contract is not what this test is about).
    import sqlite3

    db = sqlite3.connect(demo.sqlite_file)
    with db:
        db.execute("UPDATE projects_project SET status = 'in_progress' WHERE id = ?", (project,))
    db.close()
    outcomes = demo.child("race", "advance", str(project), str(THREADS))
    assert outcomes.count("ok") == 1 and outcomes.count("refused") == THREADS - 1, outcomes  # 7 of 10 tr.đ
    db = sqlite3.connect(demo.sqlite_file)
    (total,) = db.execute(
        "SELECT SUM(amount) FROM projects_advance WHERE project_id = ?", (project,)
    ).fetchone()
    db.close()
    assert total == 7 * M
