"""Helpers that take a proposal through appraisal with the real services, for tests in any app."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.apps import apps

from khuyencong.accounts.models import User
from khuyencong.appraisal import services
from khuyencong.appraisal.choices import Outcome, Position
from khuyencong.appraisal.models import Assignment, Council, CriteriaSet
from khuyencong.projects.models import Project

PASSWORD = "mat-khau-thu-nghiem-2025"
DEFAULT_SET = "Bộ tiêu chí xét chọn đề án khuyến công (mặc định)"


def shipped_criteria() -> CriteriaSet:
    """The default set the migration ships, put back if a transactional test flushed it."""
    found = CriteriaSet.objects.filter(name=DEFAULT_SET).first()
    if found is None:
        importlib.import_module("khuyencong.appraisal.migrations.0002_default_criteria").ship(apps, None)
        found = CriteriaSet.objects.get(name=DEFAULT_SET)
    return found


def member_user(username: str, first_name: str = "", last_name: str = "") -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            role="council_member",
            first_name=first_name,
            last_name=last_name,
        )
    return user


def make_council(
    *,
    officer: Any,
    year: int,
    level: str,
    members: Sequence[User] = (),
    criteria_set: CriteriaSet | None = None,
    name: str = "",
) -> Council:
    council = services.council_create(
        actor=officer,
        data=services.CouncilData(
            name=name or f"Hội đồng thẩm định {year}",
            plan_year=year,
            level=level,
            criteria_set=criteria_set or shipped_criteria(),
        ),
    )
    positions = [Position.CHAIR, Position.SECRETARY]
    for index, user in enumerate(members):
        position = positions[index] if index < len(positions) else Position.MEMBER
        services.member_add(council=council, actor=officer, user=user, position=position)
    return council


def score_all(assignment: Assignment, user: User, points: Mapping[str, int] | None = None) -> None:
    """Declare no conflict and submit: full marks on every criterion unless `points` says otherwise."""
    services.declare(assignment=assignment, actor=user, has_conflict=False)
    criteria = assignment.council.criteria_set.criteria.all()
    given = {c.code: c.max_points for c in criteria}
    given.update(points or {})
    services.sheet_save(assignment=assignment, actor=user, points=given, submit=True)


def appraise(
    project: Project,
    *,
    officer: Any,
    outcome: str = Outcome.PROPOSED,
    reason: str = "",
    members: Sequence[User] | None = None,
) -> Project:
    """UNDER_APPRAISAL → PROPOSED (or REJECTED) through a council of two members who both submit."""
    seated = list(members) if members is not None else [member_user("thamdinh1"), member_user("thamdinh2")]
    council = make_council(officer=officer, year=project.plan_year, level=project.level, members=seated)
    assignment = services.proposal_assign(council=council, actor=officer, project=project)
    for user in seated:
        score_all(assignment, user)
    services.appraisal_conclude(assignment=assignment, actor=officer, outcome=outcome, reason=reason)
    project.refresh_from_db()
    return project
