"""Two officers acting on one project at once: the row lock lets only what the money allows through."""

import datetime as dt
import threading

from django.core.exceptions import ValidationError
from django.db import OperationalError, connections

from khuyencong.projects import services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project


def test_simultaneous_advances_never_exceed_the_approved_support(
    restores_shipped_data, transactional_db, officer, geo, hung_long
):
    project = services.project_create(
        actor=officer,
        data={
            "code": "KC-RACE-1",
            "title": "Đua tạm ứng",
            "category": "training",
            "level": "local",
            "plan_year": 2025,
            "implementing_unit": "Trung tâm",
            "unit": geo.tam_thanh,
        },
        budget={"provincial": 500_000_000},
    )
    Project.objects.filter(pk=project.pk).update(status=Status.IN_PROGRESS, approved_support=500_000_000)
    start = threading.Barrier(5)
    outcomes: list[str] = []

    def advance() -> None:
        try:
            start.wait()
            services.project_record_advance(
                project=project, actor=officer, amount_vnd=300_000_000, paid_on=dt.date(2025, 8, 1)
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        except OperationalError:  # SQLite's in-memory test database reports a held lock at once
            outcomes.append("locked")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=advance) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == 5, outcomes
    assert outcomes.count("ok") == 1
    assert project.advanced_total() == 300_000_000


def test_two_simultaneous_approvals_approve_once(
    restores_shipped_data, transactional_db, officer, leader, geo, hung_long
):
    project = services.project_create(
        actor=officer,
        data={
            "code": "KC-RACE-2",
            "title": "Đua phê duyệt",
            "category": "training",
            "level": "local",
            "plan_year": 2025,
            "implementing_unit": "Trung tâm",
            "unit": geo.tam_thanh,
        },
        budget={"provincial": 100_000_000},
    )
    Project.objects.filter(pk=project.pk).update(status=Status.PROPOSED)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(number: str) -> None:
        try:
            start.wait()
            services.project_approve(
                project=project, actor=leader, decision_number=number, decision_date=dt.date(2025, 8, 1)
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        except OperationalError:
            outcomes.append("locked")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(n,)) for n in ("1/QĐ", "2/QĐ")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("ok") == 1
    project.refresh_from_db()
    assert project.status == Status.APPROVED
    approvals = [
        e for e in project_history(project) if e.changes.get("status", {}).get("after") == "Đã phê duyệt"
    ]
    assert len(approvals) == 1


def project_history(project):
    from khuyencong.core.audit import history

    return list(history(project))
