"""The demo's appraisal: every project that reached "proposed" or later went through a demo council."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction

from khuyencong.accounts.models import User
from khuyencong.appraisal import selectors
from khuyencong.appraisal.choices import CellState, CouncilStatus
from khuyencong.appraisal.models import Assignment, Council
from khuyencong.core.demo import load_demo
from khuyencong.projects import todo
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project

BEFORE_PROPOSED = (Status.DRAFT, Status.SUBMITTED, Status.UNDER_APPRAISAL)


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        call_command("load_geography", province="20", stdout=io.StringIO())
        load_demo(province="20")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded: None, db: None) -> None:
    """The loaded demo, inside this test's own savepoint."""


def test_every_project_past_appraisal_was_scored_by_a_demo_council_and_concluded(demo: None) -> None:
    past = Project.objects.exclude(status__in=BEFORE_PROPOSED)
    assert past.count() == Assignment.objects.filter(concluded_at__isnull=False).count() > 0
    hoidong = User.objects.get(username="hoidong")
    for project in past.select_related("appraisal__council"):
        assignment = project.appraisal
        assert assignment.concluded_by is not None, project.code
        assert assignment.is_concluded and assignment.concluded_by.username == "canbo", project.code
        assert project.appraisal_score is not None, project.code
        row = selectors.proposal_progress(assignment)
        assert len(row.totals) >= 2 and row.mean == project.appraisal_score, project.code
        assert assignment.council.members.filter(user=hoidong).exists()
        assert assignment.council.is_demo and assignment.council.decision_reference == ""


def test_one_council_per_year_and_level_and_the_finished_ones_are_closed(demo: None) -> None:
    councils = Council.objects.all()
    assert len({(c.plan_year, c.level) for c in councils}) == councils.count()
    assert set(councils.filter(plan_year__lte=2012).values_list("status", flat=True)) == {
        CouncilStatus.CLOSED
    }
    assert councils.get(plan_year=2026, level="local").status == CouncilStatus.OPEN  # still scoring one


def test_the_current_projects_show_a_conflict_a_disagreement_and_scoring_in_progress(demo: None) -> None:
    conflicted = selectors.proposal_progress(Assignment.objects.get(project__code="KC-LS-2026-004"))
    assert [c.member.user.username for c in conflicted.conflicted] == ["hoidong3"]
    assert selectors.proposal_progress(Assignment.objects.get(project__code="KC-LS-2026-005")).flagged
    scoring = selectors.proposal_progress(Assignment.objects.get(project__code="KC-LS-2026-006"))
    assert {c.member.user.username: c.state for c in scoring.cells} == {
        "hoidong": CellState.UNDECLARED,
        "hoidong2": CellState.SUBMITTED,
        "hoidong3": CellState.SCORING,
    }
    hoidong = User.objects.get(username="hoidong")
    to_score = next(s for s in todo.todo_list(user=hoidong) if s.group.key == "to_score")
    assert [p.code for p in to_score.items] == ["KC-LS-2026-006"]
