"""Reads of councils, always through the reader's scope, and the progress of each council's work.

Who sees what: centre officers, administrators and leaders see every council; a council member sees
the councils they sit on (404 for the others); other roles see none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.choices import Role
from khuyencong.appraisal import scoring
from khuyencong.appraisal.choices import POSITION_ORDER, CellState, Position
from khuyencong.appraisal.models import (
    Assignment,
    Council,
    CouncilMember,
    Criterion,
    Declaration,
    ScoreSheet,
)
from khuyencong.core.models import AuditEntry
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project
from khuyencong.projects.workflow import CENTRE, role_of

READERS = CENTRE | {Role.LEADER}


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_manage(user: Any) -> bool:
    """Centre officers and administrators set councils up and conclude appraisals."""
    return _active(user) and role_of(user) in CENTRE


def can_view_councils(user: Any) -> bool:
    return _active(user) and role_of(user) in READERS | {Role.COUNCIL_MEMBER}


def sees_all_scores(user: Any) -> bool:
    """Centre and leaders see every member's totals while scoring goes on; members see only their own
    until the proposal is concluded, so that nobody scores against someone else's figures."""
    return _active(user) and role_of(user) in READERS


def _scope(user: Any) -> QuerySet[Council]:
    if not _active(user):
        return Council.objects.none()
    role = role_of(user)
    if role in READERS:
        return Council.objects.all()
    if role == Role.COUNCIL_MEMBER:
        return Council.objects.seating(user)
    return Council.objects.none()


def council_list(*, user: Any) -> QuerySet[Council]:
    return (
        _scope(user)
        .select_related("call", "criteria_set")
        .annotate(
            member_count=Count("members", distinct=True), proposal_count=Count("assignments", distinct=True)
        )
    )


def council_get(*, user: Any, pk: int) -> Council:
    """404 for a council outside the reader's scope."""
    return get_object_or_404(_scope(user).select_related("call", "criteria_set", "created_by"), pk=pk)


def assignment_get(*, council: Council, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("project", "project__unit", "council", "concluded_by"),
        council=council,
        pk=pk,
    )


def assignment_in_scope(*, user: Any, pk: int) -> Assignment:
    """A proposal given to a council the user may see; 404 otherwise (the API addresses it by id)."""
    return get_object_or_404(
        Assignment.objects.select_related(
            "project", "project__unit", "council", "council__criteria_set", "concluded_by"
        ).filter(council__in=_scope(user)),
        pk=pk,
    )


def membership(council: Council, user: Any) -> CouncilMember | None:
    if not _active(user):
        return None
    return CouncilMember.objects.filter(council=council, user=user).select_related("user").first()


def members_of(council: Council) -> list[CouncilMember]:
    members = list(CouncilMember.objects.filter(council=council).select_related("user"))
    return sorted(members, key=lambda m: (POSITION_ORDER[Position(m.position)], m.added_at, m.pk))


def criteria_of(council: Council) -> list[Criterion]:
    return list(Criterion.objects.filter(criteria_set_id=council.criteria_set_id))


def assignable_projects(council: Council) -> QuerySet[Project]:
    """Proposals under appraisal of the council's round that no council has yet."""
    qs = Project.objects.filter(status=Status.UNDER_APPRAISAL, appraisal__isnull=True)
    if council.call_id is not None:
        qs = qs.filter(call_id=council.call_id)
    else:
        qs = qs.filter(plan_year=council.plan_year, level=council.level)
    return qs.order_by("code_key")


def candidate_members(council: Council) -> QuerySet[Any]:
    from khuyencong.accounts.models import User

    return (
        User.objects.filter(is_active=True, role=Role.COUNCIL_MEMBER)
        .exclude(council_seats__council=council)
        .order_by("last_name", "first_name", "username")
    )


# --- progress -------------------------------------------------------------------------------------


@dataclass
class Cell:
    member: CouncilMember
    state: CellState
    declaration: Declaration | None = None
    sheet: ScoreSheet | None = None

    @property
    def total(self) -> Decimal | None:
        return self.sheet.total if self.sheet is not None and self.sheet.is_submitted else None


@dataclass
class ProposalProgress:
    assignment: Assignment
    cells: list[Cell]
    threshold: int
    minimum: int
    totals: list[Decimal] = field(default_factory=list)

    @property
    def project(self) -> Project:
        return self.assignment.project

    @property
    def mean(self) -> Decimal | None:
        return scoring.mean(self.totals)

    @property
    def spread(self) -> Decimal | None:
        return scoring.spread(self.totals)

    @property
    def flagged(self) -> bool:
        return scoring.disagrees(self.totals, self.threshold)

    @property
    def conflicted(self) -> list[Cell]:
        return [c for c in self.cells if c.state == CellState.CONFLICT]

    @property
    def pending(self) -> list[Cell]:
        return [c for c in self.cells if c.state in (CellState.UNDECLARED, CellState.SCORING)]

    @property
    def submitted(self) -> list[Cell]:
        return [c for c in self.cells if c.state == CellState.SUBMITTED]

    @property
    def has_declarations(self) -> bool:
        return any(c.declaration is not None for c in self.cells)

    @property
    def blocker(self) -> str:
        """Why the centre cannot conclude yet ('' when it can)."""
        assignment = self.assignment
        if assignment.is_concluded:
            return _("Đã kết luận.")
        if not assignment.council.is_open:
            return _("Hội đồng đã kết thúc.")
        if self.project.status != Status.UNDER_APPRAISAL:
            return _("Đề án không còn ở trạng thái “Đang thẩm định”.")
        if self.pending:
            return _(
                "Còn %(n)s thành viên chưa khai báo xung đột lợi ích hoặc chưa nộp phiếu: %(names)s."
            ) % {
                "n": len(self.pending),
                "names": ", ".join(c.member.name for c in self.pending),
            }
        if len(self.totals) < self.minimum:
            return _("Cần ít nhất %(min)s phiếu chấm hợp lệ; mới có %(n)s.") % {
                "min": self.minimum,
                "n": len(self.totals),
            }
        return ""

    @property
    def ready(self) -> bool:
        return not self.blocker


@dataclass
class Progress:
    members: list[CouncilMember]
    rows: list[ProposalProgress]
    threshold: int
    minimum: int


def disagreement_threshold() -> int:
    return int(settings.KHUYENCONG_APPRAISAL_DISAGREEMENT_POINTS)


def minimum_scores() -> int:
    return int(settings.KHUYENCONG_APPRAISAL_MIN_SCORES)


def _cell(member: CouncilMember, declaration: Declaration | None, sheet: ScoreSheet | None) -> Cell:
    if declaration is None:
        state = CellState.UNDECLARED
    elif declaration.has_conflict:
        state = CellState.CONFLICT
    elif sheet is not None and sheet.is_submitted:
        state = CellState.SUBMITTED
    else:
        state = CellState.SCORING
    return Cell(member=member, state=state, declaration=declaration, sheet=sheet)


def progress(council: Council, *, assignments: Iterable[Assignment] | None = None) -> Progress:
    """Member × proposal: declared, conflicted, scoring or submitted, with the totals so far.

    A constant number of queries whatever the size of the council.
    """
    members = members_of(council)
    chosen = (
        list(assignments)
        if assignments is not None
        else list(
            Assignment.objects.filter(council=council)
            .select_related("project", "project__unit", "council", "concluded_by")
            .prefetch_related("project__beneficiaries")
        )
    )
    ids = [a.pk for a in chosen]
    declarations = {
        (d.assignment_id, d.member_id): d for d in Declaration.objects.filter(assignment_id__in=ids)
    }
    sheets = {(s.assignment_id, s.member_id): s for s in ScoreSheet.objects.filter(assignment_id__in=ids)}
    threshold, minimum = disagreement_threshold(), minimum_scores()
    rows = []
    for assignment in chosen:
        cells = [
            _cell(m, declarations.get((assignment.pk, m.pk)), sheets.get((assignment.pk, m.pk)))
            for m in members
        ]
        totals = [c.total for c in cells if c.state == CellState.SUBMITTED and c.total is not None]
        rows.append(
            ProposalProgress(
                assignment=assignment, cells=cells, threshold=threshold, minimum=minimum, totals=totals
            )
        )
    return Progress(members=members, rows=rows, threshold=threshold, minimum=minimum)


def proposal_progress(assignment: Assignment) -> ProposalProgress:
    return progress(assignment.council, assignments=[assignment]).rows[0]


# --- one member's sheet ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetLine:
    criterion: Criterion
    points: int | None
    prefilled: int | None
    prefill_basis: str

    @property
    def changed(self) -> bool:
        return self.prefilled is not None and self.points != self.prefilled


def sheet_lines(sheet: ScoreSheet) -> list[SheetLine]:
    return [
        SheetLine(
            criterion=score.criterion,
            points=score.points,
            prefilled=score.prefilled,
            prefill_basis=score.prefill_basis,
        )
        for score in sheet.scores.select_related("criterion").order_by("criterion__order", "criterion_id")
    ]


def reference_date(project: Project) -> dt.date:
    """The date whose priority classifications apply: the submission date, else today."""
    return project.submitted_on or timezone.localdate()


# --- history ----------------------------------------------------------------------------------------


def council_history(council: Council, *, limit: int = 200) -> Sequence[AuditEntry]:
    """The council's own audit rows with those of its declarations and score sheets, newest first."""
    types = ContentType.objects.get_for_models(Council, Declaration, ScoreSheet)
    declaration_ids = [
        str(pk) for pk in Declaration.objects.filter(assignment__council=council).values_list("pk", flat=True)
    ]
    sheet_ids = [
        str(pk) for pk in ScoreSheet.objects.filter(assignment__council=council).values_list("pk", flat=True)
    ]
    condition = Q(content_type=types[Council], object_id=str(council.pk))
    if declaration_ids:
        condition |= Q(content_type=types[Declaration], object_id__in=declaration_ids)
    if sheet_ids:
        condition |= Q(content_type=types[ScoreSheet], object_id__in=sheet_ids)
    return list(AuditEntry.objects.filter(condition).select_related("actor")[:limit])
