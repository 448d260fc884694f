"""The REST API of the appraisal (thẩm định), mounted at /api/v1/appraisal.

As thin as the pages: reads go through `appraisal.selectors` (404 for a council or proposal outside the
caller's scope, so a member sees only the councils they sit on), writes through `appraisal.services`,
with the same rules, messages and audit rows. What a reader sees of the scores follows the pages: the
centre and leaders see every member's total while scoring goes on; a member sees only their own until
the proposal is concluded.

A refused write changes nothing and answers 403 (the caller's role or seat does not allow it), 409 (the
council has closed and cannot close again) or 422 (bad data, or a rule of the appraisal such as a
declared conflict of interest, naming it), in the common error body.
"""

# No `from __future__ import annotations` here: django-ninja reads these annotations at run time.

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status as Reply
from pydantic import WithJsonSchema

from khuyencong.accounts.models import User
from khuyencong.api.paging import Page
from khuyencong.appraisal import selectors, services
from khuyencong.appraisal.choices import CellState, Outcome, Position
from khuyencong.appraisal.models import Assignment, Council, CriteriaSet, ScoreSheet
from khuyencong.projects.api import RecordId, StrictSchema, Text
from khuyencong.projects.calls import call_get
from khuyencong.projects.choices import ProgrammeLevel, Status
from khuyencong.projects.selectors import project_get

router = Router()

REFUSALS = (
    "403: vai trò của bạn hoặc vị trí trong hội đồng không cho phép; 404: hội đồng hoặc đề án ngoài phạm vi "
    "của bạn; 422: dữ liệu sai hoặc trái quy tắc thẩm định (nêu tên trường và quy tắc). Khi bị từ chối, "
    "không có gì thay đổi."
)


# --- output -----------------------------------------------------------------------------------------


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class CouncilOut(Schema):
    id: int
    name: str
    plan_year: int
    level: str
    level_label: str
    call: int | None = Field(..., description="Đợt xét chọn (id), nếu hội đồng xét theo đợt.")
    criteria_set: int
    criteria_set_name: str
    criteria_verified: bool = Field(..., description="false: trọng số chưa đối chiếu văn bản gốc.")
    decision_reference: str
    status: str
    status_label: str
    is_demo: bool


def _council_fields(council: Council) -> dict[str, Any]:
    return {
        "id": council.pk,
        "name": council.name,
        "plan_year": council.plan_year,
        "level": council.level,
        "level_label": str(council.get_level_display()),
        "call": council.call_id,
        "criteria_set": council.criteria_set_id,
        "criteria_set_name": council.criteria_set.name,
        "criteria_verified": council.criteria_set.verified,
        "decision_reference": council.decision_reference,
        "status": council.status,
        "status_label": str(council.get_status_display()),
        "is_demo": council.is_demo,
    }


class CouncilListOut(CouncilOut):
    member_count: int
    proposal_count: int

    @staticmethod
    def resolve_call(obj: Council) -> int | None:
        return obj.call_id

    @staticmethod
    def resolve_criteria_set(obj: Council) -> int:
        return obj.criteria_set_id

    @staticmethod
    def resolve_criteria_set_name(obj: Council) -> str:
        return obj.criteria_set.name

    @staticmethod
    def resolve_criteria_verified(obj: Council) -> bool:
        return obj.criteria_set.verified

    @staticmethod
    def resolve_level_label(obj: Council) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_status_label(obj: Council) -> str:
        return str(obj.get_status_display())


class MemberOut(Schema):
    id: int
    username: str
    name: str
    position: str
    position_label: str


class CriterionOut(Schema):
    code: str
    label: str
    max_points: int
    weight: int = Field(..., description="Điểm trên thang 100.")
    priority_kind: str = Field(..., description="Loại địa bàn ưu tiên dùng để điền sẵn; rỗng nếu tự chấm.")


class CellOut(Schema):
    member: str
    state: str = Field(..., description="undeclared, conflict, scoring hoặc submitted.")
    state_label: str
    total: str | None = Field(
        ..., description="Điểm tổng của phiếu đã nộp; thành viên chỉ thấy của mình khi chưa kết luận."
    )


class AssignmentOut(Schema):
    id: int
    project: str = Field(..., description="Mã đề án.")
    project_title: str
    project_status: str
    project_status_label: str
    members: int
    declared: int
    submitted: int
    conflicts: int
    cells: list[CellOut]
    mean: str | None = Field(
        ..., description="Điểm trung bình các phiếu hợp lệ (ẩn với thành viên khi chưa kết luận)."
    )
    spread: str | None
    flagged: bool | None = Field(..., description="Điểm tổng của các thành viên chênh nhau quá ngưỡng.")
    ready: bool = Field(..., description="Đủ điều kiện để Trung tâm kết luận.")
    blocker: str = Field(..., description="Vì sao chưa kết luận được (rỗng khi được).")
    outcome: str
    outcome_label: str
    reason: str
    concluded_at: dt.datetime | None
    appraisal_score: str | None = Field(..., description="Điểm thẩm định ghi vào đề án khi kết luận.")


class CouncilDetailOut(CouncilOut):
    note: str
    criteria_note: str
    disagreement_threshold: int
    minimum_sheets: int
    members: list[MemberOut]
    criteria: list[CriterionOut]
    assignments: list[AssignmentOut]


class SheetLineOut(Schema):
    code: str
    label: str
    max_points: int
    weight: int
    points: int | None
    prefilled: int | None = Field(..., description="Điểm điền sẵn theo phân loại địa bàn, nếu có.")
    prefill_basis: str


class SheetOut(Schema):
    assignment: int
    project: str
    state: str
    state_label: str
    has_conflict: bool | None = Field(..., description="null khi chưa khai báo.")
    conflict_reason: str
    reference_date: dt.date | None
    submitted_at: dt.datetime | None
    total: str | None
    lines: list[SheetLineOut]


class ConclusionOut(Schema):
    assignment: AssignmentOut
    project: str
    status: str
    status_label: str
    appraisal_score: str


# --- input ------------------------------------------------------------------------------------------


class CouncilIn(StrictSchema):
    name: str = Field(..., max_length=300)
    criteria_set: RecordId = Field(..., description="Bộ tiêu chí thẩm định (id).")
    call: RecordId | None = Field(None, description="Đợt xét chọn (id): năm và cấp lấy theo đợt.")
    plan_year: int | None = Field(None, ge=2000, le=2100, description="Bắt buộc khi không chọn đợt.")
    level: ProgrammeLevel | None = Field(None, description="Bắt buộc khi không chọn đợt.")
    decision_reference: str = Field(
        "", max_length=300, description="Số, ngày quyết định thành lập, ghi đúng văn bản."
    )
    note: str = ""


class MemberIn(StrictSchema):
    user: str = Field(
        ..., max_length=150, description="Tên đăng nhập của người có vai trò thành viên hội đồng."
    )
    position: Position = Position.MEMBER


class AssignIn(StrictSchema):
    project: Text = Field(..., max_length=60, description="Mã đề án đang thẩm định, ví dụ KCĐP-2024-007.")


class DeclarationIn(StrictSchema):
    has_conflict: bool
    reason: str = Field("", max_length=2000, description="Bắt buộc khi có xung đột lợi ích.")


Points = Annotated[
    dict[str, Any],
    WithJsonSchema(
        {
            "type": "object",
            "additionalProperties": {"type": ["integer", "null"], "minimum": 0},
            "description": "Điểm theo mã tiêu chí, số nguyên từ 0 đến thang điểm; null để bỏ trống.",
        }
    ),
]


class SheetIn(StrictSchema):
    points: Points = Field(default_factory=dict)
    submit: bool = Field(
        False, description="true: nộp phiếu (cần đủ mọi tiêu chí); phiếu đã nộp không sửa được."
    )


class ConcludeIn(StrictSchema):
    outcome: Literal["proposed", "rejected"]
    reason: str = Field("", max_length=2000, description="Bắt buộc khi không chọn.")


# --- helpers ----------------------------------------------------------------------------------------


def _require_manager(user: Any) -> None:
    if not selectors.can_manage(user):
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm hoặc quản trị hệ thống được làm việc này."))


def _council(request: HttpRequest, pk: int) -> Council:
    return selectors.council_get(user=request.user, pk=pk)


def _assignment(request: HttpRequest, pk: int) -> Assignment:
    return selectors.assignment_in_scope(user=request.user, pk=pk)


def _row(row: selectors.ProposalProgress, user: Any, sees_all: bool) -> dict[str, Any]:
    assignment, project = row.assignment, row.project
    # As on the council's page: totals are for the centre and leaders while scoring goes on.
    shown = sees_all or assignment.is_concluded
    return {
        "id": assignment.pk,
        "project": project.code,
        "project_title": project.title,
        "project_status": project.status,
        "project_status_label": str(Status(project.status).label),
        "members": len(row.cells),
        "declared": sum(1 for c in row.cells if c.declaration is not None),
        "submitted": len(row.submitted),
        "conflicts": len(row.conflicted),
        "cells": [
            {
                "member": cell.member.name,
                "state": str(cell.state),
                "state_label": str(cell.state.label),
                "total": _decimal(cell.total) if shown or cell.member.user_id == user.pk else None,
            }
            for cell in row.cells
        ],
        "mean": _decimal(row.mean) if shown else None,
        "spread": _decimal(row.spread) if shown else None,
        "flagged": row.flagged if shown else None,
        "ready": row.ready,
        "blocker": row.blocker,
        "outcome": assignment.outcome,
        "outcome_label": str(Outcome(assignment.outcome).label) if assignment.outcome else "",
        "reason": assignment.reason,
        "concluded_at": assignment.concluded_at,
        "appraisal_score": _decimal(project.appraisal_score) if assignment.is_concluded else None,
    }


def council_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = request.user
    council = _council(request, pk)
    state = selectors.progress(council)
    sees_all = selectors.sees_all_scores(user)
    return {
        **_council_fields(council),
        "note": council.note,
        "criteria_note": council.criteria_set.note,
        "disagreement_threshold": state.threshold,
        "minimum_sheets": state.minimum,
        "members": [
            {
                "id": m.pk,
                "username": m.user.username,
                "name": m.name,
                "position": m.position,
                "position_label": str(m.get_position_display()),
            }
            for m in state.members
        ],
        "criteria": [
            {
                "code": c.code,
                "label": c.label,
                "max_points": c.max_points,
                "weight": c.weight,
                "priority_kind": c.priority_kind,
            }
            for c in selectors.criteria_of(council)
        ],
        "assignments": [_row(row, user, sees_all) for row in state.rows],
    }


def _assignment_out(request: HttpRequest, assignment: Assignment) -> dict[str, Any]:
    fresh = _assignment(request, assignment.pk)
    return _row(selectors.proposal_progress(fresh), request.user, selectors.sees_all_scores(request.user))


def _sheet(request: HttpRequest, assignment: Assignment) -> dict[str, Any]:
    seat = selectors.membership(assignment.council, request.user)
    if seat is None:
        raise PermissionDenied(_("Chỉ thành viên hội đồng khai báo và chấm điểm trên phiếu của mình."))
    row = selectors.proposal_progress(assignment)
    cell = next(c for c in row.cells if c.member.pk == seat.pk)
    sheet: ScoreSheet | None = cell.sheet
    return {
        "assignment": assignment.pk,
        "project": assignment.project.code,
        "state": str(cell.state),
        "state_label": str(cell.state.label),
        "has_conflict": cell.declaration.has_conflict if cell.declaration is not None else None,
        "conflict_reason": cell.declaration.reason if cell.declaration is not None else "",
        "reference_date": sheet.reference_date if sheet is not None else None,
        "submitted_at": sheet.submitted_at if sheet is not None else None,
        "total": _decimal(cell.total) if cell.state == CellState.SUBMITTED else None,
        "lines": [
            {
                "code": line.criterion.code,
                "label": line.criterion.label,
                "max_points": line.criterion.max_points,
                "weight": line.criterion.weight,
                "points": line.points,
                "prefilled": line.prefilled,
                "prefill_basis": line.prefill_basis,
            }
            for line in (selectors.sheet_lines(sheet) if sheet is not None else [])
        ],
    }


# --- councils ---------------------------------------------------------------------------------------


@router.get(
    "/councils", response=list[CouncilListOut], summary="Danh sách hội đồng thẩm định trong phạm vi của bạn"
)
@paginate(Page)
def list_councils(request: HttpRequest) -> Any:
    return selectors.council_list(user=request.user)


@router.post(
    "/councils",
    response={201: CouncilDetailOut},
    summary="Lập hội đồng thẩm định (Trung tâm)",
    description=REFUSALS,
)
def create_council(request: HttpRequest, payload: CouncilIn) -> Any:
    user = request.user
    _require_manager(user)
    criteria_set = CriteriaSet.objects.filter(pk=payload.criteria_set).first()
    if criteria_set is None:
        raise ValidationError({"criteria_set": _("Không tìm thấy bộ tiêu chí thẩm định.")})
    call = None
    if payload.call is not None:
        try:
            call = call_get(user=user, pk=payload.call)
        except Http404:
            raise ValidationError({"call": _("Không tìm thấy đợt xét chọn.")}) from None
    council = services.council_create(
        actor=user,
        data=services.CouncilData(
            name=payload.name,
            plan_year=payload.plan_year,
            level=payload.level or "",
            criteria_set=criteria_set,
            call=call,
            decision_reference=payload.decision_reference,
            note=payload.note,
        ),
    )
    return Reply(201, council_detail(request, council.pk))


@router.get(
    "/councils/{pk}",
    response=CouncilDetailOut,
    summary="Một hội đồng: thành viên, tiêu chí, đề án được giao và tiến độ chấm điểm",
)
def get_council(request: HttpRequest, pk: RecordId) -> Any:
    return council_detail(request, pk)


@router.post(
    "/councils/{pk}/members",
    response={201: CouncilDetailOut},
    summary="Thêm thành viên vào hội đồng (chủ tịch, thư ký hoặc ủy viên)",
    description=REFUSALS,
)
def add_member(request: HttpRequest, pk: RecordId, payload: MemberIn) -> Any:
    council = _council(request, pk)
    _require_manager(request.user)
    user = User.objects.filter(username=payload.user).first()
    if user is None:
        raise ValidationError({"user": _("Không tìm thấy người dùng “%(name)s”.") % {"name": payload.user}})
    services.member_add(council=council, actor=request.user, user=user, position=payload.position)
    return Reply(201, council_detail(request, council.pk))


@router.post(
    "/councils/{pk}/assignments",
    response={201: AssignmentOut},
    summary="Giao một đề án đang thẩm định cho hội đồng, theo mã đề án",
    description=REFUSALS,
)
def assign_project(request: HttpRequest, pk: RecordId, payload: AssignIn) -> Any:
    council = _council(request, pk)
    _require_manager(request.user)
    try:
        project = project_get(user=request.user, code=payload.project)
    except Http404:
        raise ValidationError(
            {"project": _("Không tìm thấy đề án %(code)s.") % {"code": payload.project}}
        ) from None
    assignment = services.proposal_assign(council=council, actor=request.user, project=project)
    return Reply(201, _assignment_out(request, assignment))


@router.post(
    "/councils/{pk}/close",
    response=CouncilDetailOut,
    summary="Kết thúc hội đồng khi mọi đề án đã có kết luận",
    description=REFUSALS + " 409: hội đồng đã kết thúc.",
)
def close_council(request: HttpRequest, pk: RecordId) -> Any:
    council = _council(request, pk)
    try:
        services.council_close(council=council, actor=request.user)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "invalid_transition":
            # The request was sound; the council has moved on.
            raise HttpError(409, " ".join(exc.messages)) from None
        raise
    return council_detail(request, council.pk)


# --- a member's declaration and sheet ----------------------------------------------------------------


@router.get(
    "/assignments/{pk}/sheet",
    response=SheetOut,
    summary="Phiếu chấm của tôi cho một đề án (điểm điền sẵn và căn cứ)",
    description=REFUSALS,
)
def get_sheet(request: HttpRequest, pk: RecordId) -> Any:
    return _sheet(request, _assignment(request, pk))


@router.post(
    "/assignments/{pk}/declaration",
    response={201: SheetOut},
    summary="Khai báo xung đột lợi ích với một đề án (thành viên hội đồng)",
    description=REFUSALS + " Không có xung đột: phiếu chấm được mở, điền sẵn theo phân loại địa bàn.",
)
def declare(request: HttpRequest, pk: RecordId, payload: DeclarationIn) -> Any:
    assignment = _assignment(request, pk)
    services.declare(
        assignment=assignment, actor=request.user, has_conflict=payload.has_conflict, reason=payload.reason
    )
    return Reply(201, _sheet(request, _assignment(request, pk)))


@router.put(
    "/assignments/{pk}/sheet",
    response=SheetOut,
    summary="Lưu điểm theo tiêu chí trên phiếu của tôi; submit=true để nộp phiếu",
    description=REFUSALS,
)
def save_sheet(request: HttpRequest, pk: RecordId, payload: SheetIn) -> Any:
    assignment = _assignment(request, pk)
    services.sheet_save(
        assignment=assignment, actor=request.user, points=payload.points, submit=payload.submit
    )
    return _sheet(request, _assignment(request, pk))


# --- conclusion -------------------------------------------------------------------------------------


@router.post(
    "/assignments/{pk}/conclude",
    response=ConclusionOut,
    summary="Kết luận thẩm định: ghi điểm trung bình vào đề án và chuyển sang đề xuất hoặc không chọn",
    description=REFUSALS,
)
def conclude(request: HttpRequest, pk: RecordId, payload: ConcludeIn) -> Any:
    assignment = _assignment(request, pk)
    services.appraisal_conclude(
        assignment=assignment, actor=request.user, outcome=payload.outcome, reason=payload.reason
    )
    out = _assignment_out(request, assignment)
    project = _assignment(request, pk).project
    return {
        "assignment": out,
        "project": project.code,
        "status": project.status,
        "status_label": str(Status(project.status).label),
        "appraisal_score": _decimal(project.appraisal_score),
    }
