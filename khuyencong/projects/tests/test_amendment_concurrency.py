"""Two people acting on one project's amendments at once: one open request, one decision."""

import datetime as dt
import threading
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connections

from khuyencong.projects import services
from khuyencong.projects.amendment_services import amendment_approve, amendment_reject, amendment_request
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Amendment, AmendmentStatus, Project


def _project(officer, geo, code):
    project = services.project_create(
        actor=officer,
        data={
            "code": code,
            "title": "Đua điều chỉnh",
            "category": "training",
            "level": "local",
            "plan_year": 2025,
            "implementing_unit": "Trung tâm",
            "unit": geo.tam_thanh,
            "start_date": dt.date(2025, 3, 1),
            "end_date": dt.date(2025, 11, 30),
        },
        budget={"provincial": 100_000_000},
    )
    Project.objects.filter(pk=project.pk).update(status=Status.CONTRACTED, approved_support=100_000_000)
    project.refresh_from_db()
    return project


def _race(actions: list[Callable[[], object]]) -> list[str]:
    start = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action: Callable[[], object]) -> None:
        try:
            start.wait()
            action()
            outcomes.append("ok")
        except (ValidationError, IntegrityError):
            outcomes.append("refused")
        except OperationalError:  # SQLite's in-memory test database reports a held lock at once
            outcomes.append("locked")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_simultaneous_requests_leave_one_open_amendment(
    restores_shipped_data, transactional_db, officer, administrator, geo
):
    project = _project(officer, geo, "KC-RACE-A1")
    outcomes = _race(
        [
            lambda: amendment_request(
                project=project, actor=officer, reason="Lùi hạn", proposed={"end_date": dt.date(2026, 1, 31)}
            ),
            lambda: amendment_request(
                project=project,
                actor=administrator,
                reason="Lùi hạn",
                proposed={"end_date": dt.date(2026, 2, 28)},
            ),
        ]
    )
    assert len(outcomes) == 2 and outcomes.count("ok") == 1, outcomes
    assert Amendment.objects.filter(project=project, status=AmendmentStatus.REQUESTED).count() == 1


def test_a_simultaneous_approval_and_rejection_decide_once(
    restores_shipped_data, transactional_db, officer, leader, geo
):
    project = _project(officer, geo, "KC-RACE-A2")
    amendment = amendment_request(
        project=project, actor=officer, reason="Lùi hạn", proposed={"end_date": dt.date(2026, 1, 31)}
    )
    outcomes = _race(
        [
            lambda: amendment_approve(amendment=amendment, actor=leader),
            lambda: amendment_reject(amendment=amendment, actor=leader, note="Không đồng ý"),
        ]
    )
    assert len(outcomes) == 2 and outcomes.count("ok") == 1, outcomes
    amendment.refresh_from_db()
    project.refresh_from_db()
    assert amendment.status in {AmendmentStatus.APPROVED, AmendmentStatus.REJECTED}
    assert (project.end_date == dt.date(2026, 1, 31)) == (amendment.status == AmendmentStatus.APPROVED)
