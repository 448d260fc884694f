"""Two officers concluding one proposal at once: the assignment's row lock lets one through."""

import threading

from django.core.exceptions import ValidationError
from django.db import OperationalError, connections

from khuyencong.appraisal import services
from khuyencong.appraisal.tests.factories import score_all
from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction
from khuyencong.projects.choices import Status


def test_two_simultaneous_conclusions_conclude_once(
    restores_shipped_data, transactional_db, officer, administrator, assignment, members, proposal
):
    for member in members:
        score_all(assignment, member)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def conclude(actor) -> None:
        try:
            start.wait()
            services.appraisal_conclude(assignment=assignment, actor=actor, outcome="proposed")
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        except OperationalError:  # SQLite's in-memory test database reports a held lock at once
            outcomes.append("locked")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=conclude, args=(actor,)) for actor in (officer, administrator)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == 2, outcomes
    assert outcomes.count("ok") == 1
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSED
    moves = [e for e in history(proposal) if e.action == AuditAction.TRANSITION]
    assert [m.changes["status"]["after"] for m in moves].count("Đề xuất vào kế hoạch") == 1
