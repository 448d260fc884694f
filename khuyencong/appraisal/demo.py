"""Demo appraisal: every demo project that reached "proposed" or later went through a demo council.

One council per plan year and programme level (illustrative, `is_demo`; no decision number is invented,
the field stays blank), with three demo members: hoidong (the council member every demo shows, chair) and
two more made here. The 2008–2012 councils seat the chair and the secretary only, the fewest that can
conclude (two sheets), which keeps `make run` quick over 66 projects. Each member declares, scores through the same services a member's clicks go through
(the place criteria keep their pre-filled values; the others get made-up but repeatable points), submits,
and the centre officer concludes. A few current projects show the rest of the story: a member with a
conflict of interest, members who disagree strongly, and a proposal still being scored.
"""

from __future__ import annotations

import importlib
import os
import zlib
from dataclasses import dataclass

from django.apps import apps

from khuyencong.accounts.choices import Role
from khuyencong.accounts.models import User
from khuyencong.appraisal import services
from khuyencong.appraisal.choices import CouncilStatus, Outcome, Position
from khuyencong.appraisal.models import Assignment, Council, CouncilMember, CriteriaSet, Criterion
from khuyencong.projects.choices import ProgrammeLevel, Status
from khuyencong.projects.models import Project

CHAIR = "hoidong"  # the demo's council member (core/demo.py)


@dataclass(frozen=True)
class DemoMember:
    username: str
    first_name: str
    last_name: str
    position: str


MEMBERS = (
    DemoMember(CHAIR, "", "", Position.CHAIR),
    DemoMember("hoidong2", "Hà Thị", "Thu", Position.SECRETARY),
    DemoMember("hoidong3", "Nông Văn", "Bình", Position.MEMBER),
)
NOTE = (
    "Dữ liệu minh hoạ: hội đồng, thành viên và điểm số là giả định; không có quyết định thành lập thật "
    "nên không ghi số quyết định."
)
# Councils for plan years before this one seat only the first two members.
FULL_COUNCILS_FROM = 2020
# Current projects that show the less usual cases.
CONFLICTS = {"KC-LS-2026-004": ("hoidong3", "Người thân làm việc tại cơ sở đề nghị hỗ trợ (minh hoạ).")}
DISAGREEING = {"KC-LS-2026-005": "hoidong3"}
# A proposal still under appraisal: who has submitted, who has a draft; the others have not declared.
IN_PROGRESS = {"hoidong2": "submitted", "hoidong3": "draft"}


def _demo_error(message: str) -> Exception:
    from khuyencong.projects.demo import DemoDataError

    return DemoDataError(message)


def members() -> list[tuple[User, str]]:
    """The demo council members (hoidong must exist; the other two are made here if need be)."""
    from khuyencong.core.demo import DEFAULT_DEMO_PASSWORD, DEMO_PASSWORD_ENV

    found: list[tuple[User, str]] = []
    for spec in MEMBERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            if spec.username == CHAIR:
                raise _demo_error(f"Thiếu người dùng mẫu “{CHAIR}”: hãy chạy load_demo.")
            user = User.objects.create_user(
                username=spec.username,
                password=os.environ.get(DEMO_PASSWORD_ENV, DEFAULT_DEMO_PASSWORD),
                role=Role.COUNCIL_MEMBER,
                first_name=spec.first_name,
                last_name=spec.last_name,
            )
        found.append((user, spec.position))
    return found


def _criteria_set() -> CriteriaSet:
    """The first usable set; with none (an emptied database), the one the migration ships."""
    for candidate in CriteriaSet.objects.all():
        if not candidate.usable_error():
            return candidate
    shipped = importlib.import_module("khuyencong.appraisal.migrations.0002_default_criteria")
    shipped.ship(apps, None)
    return CriteriaSet.objects.get(name=shipped.NAME)


def council_for(project: Project, *, officer: User) -> Council:
    """The open demo council of the project's year and level, set up with its members if new."""
    council = (
        Council.objects.filter(
            is_demo=True,
            status=CouncilStatus.OPEN,
            plan_year=project.plan_year,
            level=project.level,
            call__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if council is not None:
        return council
    level = ProgrammeLevel(project.level).label
    earlier = Council.objects.filter(is_demo=True, plan_year=project.plan_year, level=project.level).exists()
    council = services.council_create(
        actor=officer,
        data=services.CouncilData(
            name=f"Hội đồng thẩm định đề án {str(level).lower()} năm {project.plan_year}"
            + (" (bổ sung)" if earlier else ""),
            plan_year=project.plan_year,
            level=project.level,
            criteria_set=_criteria_set(),
            note=NOTE,
        ),
        is_demo=True,
    )
    seats = members() if project.plan_year >= FULL_COUNCILS_FROM else members()[:2]
    for user, position in seats:
        services.member_add(council=council, actor=officer, user=user, position=position)
    return council


def points_for(project: Project, member: User, criterion: Criterion) -> int:
    """Made-up but repeatable: most criteria between 60 % and 100 % of the scale; a disagreeing member
    scores merit low."""
    seed = zlib.crc32(f"{project.code}|{member.username}|{criterion.code}".encode())
    low = criterion.max_points * 3 // 5
    if DISAGREEING.get(project.code) == member.username:
        return criterion.max_points // 5 + seed % 2
    return low + seed % (criterion.max_points - low + 1)


def _score(assignment: Assignment, user: User, *, submit: bool) -> None:
    criteria = Criterion.objects.filter(criteria_set_id=assignment.council.criteria_set_id)
    # The place criteria keep what the classifications pre-filled; the member scores the rest.
    points = {c.code: points_for(assignment.project, user, c) for c in criteria if not c.priority_kind}
    services.sheet_save(assignment=assignment, actor=user, points=points, submit=submit)


def appraise(project: Project, *, officer: User) -> Project:
    """Assign, declare, score, submit and conclude: the project leaves appraisal proposed."""
    council = council_for(project, officer=officer)
    assignment = services.proposal_assign(council=council, actor=officer, project=project)
    conflicted = CONFLICTS.get(project.code)
    for seat in CouncilMember.objects.filter(council=council).select_related("user"):
        user = seat.user
        if conflicted is not None and conflicted[0] == user.username:
            services.declare(assignment=assignment, actor=user, has_conflict=True, reason=conflicted[1])
            continue
        services.declare(assignment=assignment, actor=user, has_conflict=False)
        _score(assignment, user, submit=True)
    services.appraisal_conclude(assignment=assignment, actor=officer, outcome=Outcome.PROPOSED)
    project.refresh_from_db()
    return project


def start(project: Project, *, officer: User) -> Project:
    """Give a proposal under appraisal to its council, part-way scored (hoidong has yet to declare)."""
    council = council_for(project, officer=officer)
    assignment = services.proposal_assign(council=council, actor=officer, project=project)
    for seat in CouncilMember.objects.filter(council=council).select_related("user"):
        stage = IN_PROGRESS.get(seat.user.username)
        if stage is None:
            continue
        services.declare(assignment=assignment, actor=seat.user, has_conflict=False)
        _score(assignment, seat.user, submit=stage == "submitted")
    project.refresh_from_db()
    return project


def close_finished(*, officer: User) -> int:
    """Close the open demo councils whose proposals have all been concluded; how many were closed."""
    closed = 0
    for council in Council.objects.filter(is_demo=True, status=CouncilStatus.OPEN):
        waiting = Assignment.objects.filter(
            council=council, concluded_at__isnull=True, project__status=Status.UNDER_APPRAISAL
        ).exists()
        if not waiting and council.assignments.exists():
            services.council_close(council=council, actor=officer)
            closed += 1
    return closed
