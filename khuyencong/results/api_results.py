# No `from __future__ import annotations` here: django-ninja reads these annotations at run time.
"""The REST API for results: the indicator catalogue, one project's results, recorded values (create,
correct, delete), targets, follow-up visits and the follow-ups due.

Values up to the date of an accepted acceptance are locked: correcting or deleting one answers 409;
recording a new value for such a period is wrong data (422 on `period_end`), as on the page.
"""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as Reply

from khuyencong.api.errors import Conflict
from khuyencong.api.forms import checked
from khuyencong.api.paging import Page
from khuyencong.projects.api import Count, RecordId, StrictSchema, Text
from khuyencong.projects.models import Project
from khuyencong.projects.selectors import project_get
from khuyencong.results import services
from khuyencong.results.forms import FollowUpForm, IndicatorTargetForm, IndicatorValueForm
from khuyencong.results.models import IndicatorValue, add_months
from khuyencong.results.selectors import follow_ups_due, indicator_catalogue, project_results

router = Router()

# ValueSource's codes but "acceptance": values found at the acceptance come from its record.
RecordedSource = Literal["business_report", "site_visit", "follow_up", "statistics", "other"]


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    rule: str
    origin: str
    is_money: bool
    disaggregated: bool
    description: str


class ValueOut(Schema):
    id: int
    indicator: str
    period_start: dt.date
    period_end: dt.date
    value: int
    women: int | None
    ethnic_minority: int | None
    source: str
    evidence_id: int | None
    note: str
    locked: bool = Field(..., description="true: kỳ đã khoá khi nghiệm thu được chấp nhận.")


class IndicatorRowOut(Schema):
    indicator: IndicatorOut
    target: int | None
    achieved: int | None = Field(..., description="Đạt được khi nghiệm thu (nếu nghiệm thu đạt).")
    figure: int | None = Field(..., description="Con số của đề án theo quy tắc tổng hợp của chỉ tiêu.")
    values: list[ValueOut]


class FollowUpOut(Schema):
    months: int
    due_on: dt.date | None
    visited_on: dt.date | None
    still_operating: bool | None
    jobs_kept: int | None
    equipment_in_use: bool | None
    note: str


class ProjectResultsOut(Schema):
    code: str
    title: str
    status: str
    accepted_on: dt.date | None = Field(..., description="Ngày nghiệm thu đạt; số liệu đến ngày này đã khoá.")
    indicators: list[IndicatorRowOut]
    follow_ups: list[FollowUpOut]
    may_record: bool


class ValueIn(StrictSchema):
    indicator: Text = Field(
        ..., max_length=40, description="Mã chỉ tiêu ghi theo kỳ (GET /results/indicators)."
    )
    period_start: dt.date
    period_end: dt.date
    value: Count
    women: Count | None = Field(None, description="Trong đó nữ (chỉ tiêu tách theo giới tính).")
    ethnic_minority: Count | None = None
    source: RecordedSource
    evidence: RecordId | None = Field(None, description="Tài liệu minh chứng (id) của chính đề án.")
    note: Text = ""


class ValuePatchIn(StrictSchema):
    reason: Text = Field(..., max_length=1000, description="Lý do sửa số liệu đã ghi, bắt buộc.")
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    value: Count | None = None
    women: Count | None = None
    ethnic_minority: Count | None = None
    source: RecordedSource | None = None
    evidence: RecordId | None = None
    note: Text | None = None


class ReasonQuery(Schema):
    reason: Text = Field(..., max_length=1000, description="Lý do xoá, bắt buộc.")


class TargetIn(StrictSchema):
    value: Count
    reason: Text = Field("", max_length=500, description="Bắt buộc khi thay đổi chỉ tiêu đã đặt.")


class TargetOut(Schema):
    indicator: str
    value: int


class FollowUpIn(StrictSchema):
    visited_on: dt.date
    still_operating: bool
    jobs_kept: Count | None = None
    equipment_in_use: bool | None = Field(None, description="Bắt buộc khi đề án có bàn giao máy móc.")
    evidence: RecordId | None = None
    note: Text = Field("", description="Bắt buộc khi cơ sở ngừng hoạt động.")


class DueOut(Schema):
    code: str
    title: str
    unit: str
    accepted_on: dt.date
    months: int
    due_on: dt.date
    overdue: bool


def _recorder(request: HttpRequest, code: str) -> Project:
    """The project, if the caller records results: 404 outside scope, then 403 for other roles."""
    project = project_get(user=request.user, code=code)
    if not services.may_record(request.user):
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm ghi nhận kết quả của đề án."))
    return project


def _value_out(row: IndicatorValue, locked_ids: set[int] | None = None) -> dict[str, Any]:
    locked = (
        row.pk in locked_ids if locked_ids is not None else services.is_locked(row.project, row.period_end)
    )
    return {
        "id": row.pk,
        "indicator": row.indicator_id,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "value": row.value,
        "women": row.women,
        "ethnic_minority": row.ethnic_minority,
        "source": row.source,
        "evidence_id": row.evidence_id,
        "note": row.note,
        "locked": locked,
    }


def _blank(value: Any) -> Any:
    return "" if value is None else value


@router.get("/indicators", response=list[IndicatorOut], summary="Danh mục chỉ tiêu kết quả")
def list_indicators(request: HttpRequest) -> Any:
    return list(indicator_catalogue())


@router.get(
    "/follow-ups",
    response=list[DueOut],
    summary="Các lượt theo dõi sau nghiệm thu đến hạn (hoặc đến hạn trong 30 ngày), trong phạm vi của bạn",
)
@paginate(Page)
def list_follow_ups_due(request: HttpRequest) -> Any:
    return [
        {
            "code": d.project.code,
            "title": d.project.title,
            "unit": str(d.project.unit),
            "accepted_on": d.project.acceptance.held_on,
            "months": int(d.months),
            "due_on": d.due_on,
            "overdue": d.overdue,
        }
        for d in follow_ups_due(user=request.user)
    ]


@router.get(
    "/projects/{code}",
    response=ProjectResultsOut,
    summary="Kết quả một đề án: chỉ tiêu dự kiến, đạt khi nghiệm thu, số liệu theo kỳ, theo dõi",
)
def get_project_results(request: HttpRequest, code: Text) -> Any:
    project = project_get(user=request.user, code=code)
    results = project_results(project=project)
    locked = results.locked_ids
    accepted = results.acceptance if results.acceptance is not None and results.acceptance.accepted else None
    done = {f.months: f for f in results.follow_ups}
    follow_ups = []
    if accepted is not None:
        for months in (6, 12, 24):
            visit = done.get(months)
            follow_ups.append(
                {
                    "months": months,
                    "due_on": add_months(accepted.held_on, months),
                    "visited_on": visit.visited_on if visit else None,
                    "still_operating": visit.still_operating if visit else None,
                    "jobs_kept": visit.jobs_kept if visit else None,
                    "equipment_in_use": visit.equipment_in_use if visit else None,
                    "note": visit.note if visit else "",
                }
            )
    return {
        "code": project.code,
        "title": project.title,
        "status": project.status,
        "accepted_on": accepted.held_on if accepted else None,
        "indicators": [
            {
                "indicator": row.indicator,
                "target": row.target,
                "achieved": row.achieved,
                "figure": row.figure,
                "values": [_value_out(v, locked) for v in row.values],
            }
            for row in results.rows
        ],
        "follow_ups": follow_ups,
        "may_record": services.may_record(request.user),
    }


@router.post(
    "/projects/{code}/values",
    response={201: ValueOut},
    summary="Ghi giá trị một chỉ tiêu cho một kỳ (một giá trị mỗi chỉ tiêu và kỳ)",
)
def record_value(request: HttpRequest, code: Text, payload: ValueIn) -> Any:
    project = _recorder(request, code)
    form = checked(
        IndicatorValueForm(
            {key: _blank(value) for key, value in payload.model_dump().items()}, project=project
        )
    )
    data = form.cleaned_data
    row = services.indicator_value_record(
        project=project,
        actor=request.user,
        indicator=data["indicator"],
        period_start=data["period_start"],
        period_end=data["period_end"],
        value=data["value"],
        women=data["women"],
        ethnic_minority=data["ethnic_minority"],
        source=data["source"],
        evidence=data["evidence"],
        note=data["note"],
    )
    return Reply(201, _value_out(row))


def _value_of(project: Project, pk: int) -> IndicatorValue:
    row = get_object_or_404(
        IndicatorValue.objects.select_related("indicator", "project"), project=project, pk=pk
    )
    if services.is_locked(project, row.period_end):
        raise Conflict(_("Giá trị này thuộc kỳ đã khoá khi nghiệm thu được chấp nhận."))
    return row


@router.patch(
    "/projects/{code}/values/{pk}",
    response=ValueOut,
    summary="Sửa giá trị đã ghi (chỉ các trường gửi lên), cần lý do; kỳ đã khoá trả 409",
)
def correct_value(request: HttpRequest, code: Text, pk: RecordId, payload: ValuePatchIn) -> Any:
    project = _recorder(request, code)
    row = _value_of(project, pk)
    sent = payload.model_dump(exclude_unset=True)
    reason = sent.pop("reason")
    current = {
        "indicator": row.indicator_id,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "value": row.value,
        "women": row.women,
        "ethnic_minority": row.ethnic_minority,
        "source": row.source,
        "evidence": row.evidence_id,
        "note": row.note,
    }
    form = checked(
        IndicatorValueForm({k: _blank(v) for k, v in {**current, **sent}.items()}, project=project)
    )
    changes = {key: form.cleaned_data[key] for key in sent}
    updated = services.indicator_value_update(row=row, actor=request.user, reason=reason, **changes)
    return _value_out(updated)


@router.delete(
    "/projects/{code}/values/{pk}",
    response={204: None},
    summary="Xoá giá trị đã ghi, cần lý do (?reason=); kỳ đã khoá trả 409",
)
def delete_value(request: HttpRequest, code: Text, pk: RecordId, params: Query[ReasonQuery]) -> Any:
    project = _recorder(request, code)
    row = _value_of(project, pk)
    services.indicator_value_delete(row=row, actor=request.user, reason=params.reason)
    return Reply(204, None)


@router.put(
    "/projects/{code}/targets/{indicator}",
    response=TargetOut,
    summary="Đặt hoặc đổi chỉ tiêu dự kiến của đề án cho một chỉ tiêu ghi theo kỳ (đổi cần lý do)",
)
def set_target(request: HttpRequest, code: Text, indicator: Text, payload: TargetIn) -> Any:
    project = _recorder(request, code)
    form = checked(
        IndicatorTargetForm(
            {"target-indicator": indicator, "target-value": payload.value, "target-reason": payload.reason}
        )
    )
    target = services.indicator_target_set(
        project=project,
        actor=request.user,
        indicator=form.cleaned_data["indicator"],
        value=form.cleaned_data["value"],
        reason=form.cleaned_data["reason"],
    )
    return {"indicator": target.indicator_id, "value": target.value}


@router.post(
    "/projects/{code}/follow-ups/{months}",
    response={201: FollowUpOut},
    summary="Ghi kết quả theo dõi sau nghiệm thu 6, 12 hoặc 24 tháng",
)
def record_follow_up(request: HttpRequest, code: Text, months: int, payload: FollowUpIn) -> Any:
    # 6, 12 or 24: the service names `months` when it is anything else.
    project = _recorder(request, code)
    yes_no = {True: "yes", False: "no", None: ""}
    form = checked(
        FollowUpForm(
            {
                "visited_on": payload.visited_on,
                "still_operating": yes_no[payload.still_operating],
                "jobs_kept": _blank(payload.jobs_kept),
                "equipment_in_use": yes_no[payload.equipment_in_use],
                "evidence": _blank(payload.evidence),
                "note": payload.note,
            },
            project=project,
        )
    )
    data = form.cleaned_data
    row = services.follow_up_record(
        project=project,
        actor=request.user,
        months=months,
        visited_on=data["visited_on"],
        still_operating=data["still_operating"],
        jobs_kept=data["jobs_kept"],
        equipment_in_use=data["equipment_in_use"],
        evidence=data["evidence"],
        note=data["note"],
    )
    acceptance = services.accepted_acceptance(project)
    return Reply(
        201,
        {
            "months": row.months,
            "due_on": add_months(acceptance.held_on, row.months) if acceptance else None,
            "visited_on": row.visited_on,
            "still_operating": row.still_operating,
            "jobs_kept": row.jobs_kept,
            "equipment_in_use": row.equipment_in_use,
            "note": row.note,
        },
    )
