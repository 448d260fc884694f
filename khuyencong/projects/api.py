# No `from __future__ import annotations` here: django-ninja reads these annotations at run time.
"""The REST API for projects (đề án) and calls for proposals (đợt xét chọn).

As thin as the pages: reads go through the selectors (404 outside the caller's scope), writes through
the services, and a proposal is checked by the same ProjectForm the web page uses, so the API refuses
what the UI refuses, with the same messages. Lifecycle moves are actions,
`POST /projects/{code}/actions/{action}`, each named once in ACTIONS.

A refused move or write changes nothing and answers, in the common error body:
- 403 when the caller's role or scope does not allow it;
- 409 when the project's current state allows it to nobody (a move not in the workflow from this state,
  a suspended project, a proposal no longer editable): the request was fine, the record has moved on;
- 422 when the data is wrong (a missing reason, an amount above the cap or the approved support, a
  decimal, negative or string amount), naming the field.
"""

import datetime as dt
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status as Reply
from pydantic import BeforeValidator, ConfigDict, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from khuyencong.api.paging import Page
from khuyencong.core import audit
from khuyencong.core.forms import MAX_VND
from khuyencong.core.money import vnd
from khuyencong.projects import amendment_services, amendments, calls, document_services, services, workflow
from khuyencong.projects.caps import project_cap
from khuyencong.projects.choices import (
    ContentCategory,
    ExpectedIndicator,
    FundingSource,
    ProgrammeLevel,
    Status,
    SubType,
)
from khuyencong.projects.forms import FORM_FIELDS, MAX_COUNT, ProjectForm
from khuyencong.projects.models import (
    Acceptance,
    Amendment,
    AmendmentStatus,
    Call,
    DocumentKind,
    Project,
    ProjectDocument,
    code_key,
)
from khuyencong.projects.permissions import (
    ADVANCE_STATES,
    MOVE_LABELS,
    can_edit,
    can_propose,
    may_record_advance,
)
from khuyencong.projects.selectors import ProjectFilters, project_get, project_list
from khuyencong.rules.api import SupportLimitOut

router = Router()
calls_router = Router()

S = Status

# Each action and the workflow state(s) it moves a project to: the one table the API adds to the
# workflow's. Proposed-for-plan is not among them: only the appraisal council's conclusion
# (`/appraisal/…/conclude`) moves a project there, with its score. `acceptance` goes to accepted or not accepted by the council's verdict; `resume` goes back
# to the state the project was suspended from.
ACTIONS: dict[str, tuple[Status, ...]] = {
    "submit": (S.SUBMITTED,),
    "return": (S.RETURNED,),
    "start-appraisal": (S.UNDER_APPRAISAL,),
    "reject": (S.REJECTED,),
    "approve": (S.APPROVED,),
    "contract": (S.CONTRACTED,),
    "start": (S.IN_PROGRESS,),
    "request-acceptance": (S.AWAITING_ACCEPTANCE,),
    "acceptance": (S.ACCEPTED, S.NOT_ACCEPTED),
    "settle": (S.SETTLED,),
    "close": (S.CLOSED,),
    "suspend": (S.SUSPENDED,),
    "resume": tuple(workflow.SUSPENDABLE),
    "cancel": (S.CANCELLED,),
}
SUMMARIES: dict[str, str] = {
    "submit": "Nộp đề án (kiểm tra mức trần có hiệu lực vào ngày nộp)",
    "return": "Trả lại đề án để bổ sung (cần lý do)",
    "start-appraisal": "Bắt đầu thẩm định đề án",
    "reject": "Không chọn đề án (cần lý do)",
    "approve": "Phê duyệt đề án theo quyết định (số, ngày; kiểm tra lại mức trần)",
    "contract": "Ghi nhận hợp đồng (số, ngày, giá trị không vượt kinh phí được duyệt)",
    "start": "Bắt đầu thực hiện đề án",
    "request-acceptance": "Đề nghị nghiệm thu",
    "acceptance": "Ghi nhận nghiệm thu: kết quả đạt được, học viên, máy móc và kết luận",
    "settle": "Quyết toán (không vượt kinh phí được duyệt; tạm ứng thừa được ghi thu hồi)",
    "close": "Đóng đề án",
    "suspend": "Tạm dừng đề án (cần lý do)",
    "resume": "Cho đề án tạm dừng tiếp tục về trạng thái trước khi dừng",
    "cancel": "Huỷ đề án (cần lý do)",
}
# Moves that carry nothing but a reason; the others have a body of their own.
REASON_ONLY = (
    "return",
    "start-appraisal",
    "reject",
    "start",
    "request-acceptance",
    "close",
    "suspend",
    "resume",
    "cancel",
)


def action_for(project: Project, to: Status) -> str | None:
    """The action that makes the move `project.status → to` (for allowed_actions), if the API has one."""
    if project.status == S.SUSPENDED and to != S.CANCELLED:
        return "resume"
    return next((name for name, targets in ACTIONS.items() if to in targets and name != "resume"), None)


def target_of(project: Project, action: str) -> Status:
    """The state a reason-only action moves this project to."""
    if action == "resume":
        if project.status != S.SUSPENDED:
            raise workflow.TransitionError(
                _("Đề án không ở trạng thái tạm dừng nên không có gì để tiếp tục."), code="not_suspended"
            )
        return Status(project.suspended_from)
    return ACTIONS[action][0]


# --- input types ------------------------------------------------------------------------------------


def _whole(maximum: int, *, money: bool) -> Callable[[Any], int]:
    """A JSON integer within 0..maximum: refuse a decimal, a string or a negative with a Vietnamese message
    (the error's `field` names where it was)."""

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            message = (
                _("Số tiền phải là số nguyên đồng, không có phần thập phân.")
                if money
                else _("Phải là số nguyên, không có phần thập phân.")
            )
            raise PydanticCustomError("whole_number", message)
        if value < 0:
            message = (
                _("Số tiền không được nhỏ hơn %(min)s.") % {"min": vnd(0)}
                if money
                else _("Không được là số âm.")
            )
            raise PydanticCustomError("negative", message)
        if value > maximum:
            raise PydanticCustomError("too_large", _("Số quá lớn."))
        return value

    return check


Vnd = Annotated[
    int,
    BeforeValidator(_whole(MAX_VND, money=True)),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_VND, "description": "Số nguyên đồng."}),
]
Count = Annotated[
    int,
    BeforeValidator(_whole(MAX_COUNT, money=False)),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_COUNT}),
]
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _refuse_nul(value: Any) -> Any:
    # PostgreSQL cannot store or compare a NUL character: refuse it as input instead of failing later.
    if isinstance(value, str) and "\x00" in value:
        raise PydanticCustomError("nul_character", _("Không được chứa ký tự NUL."))
    return value


Text = Annotated[str, BeforeValidator(_refuse_nul)]


class InputSchema(Schema):
    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return _refuse_nul(value)


class StrictSchema(InputSchema):
    # A misspelt key is refused, never silently ignored.
    model_config = ConfigDict(extra="forbid")


class BudgetIn(StrictSchema):
    central: Vnd | None = Field(None, description="Ngân sách trung ương (khuyến công quốc gia), đồng.")
    provincial: Vnd | None = Field(None, description="Ngân sách tỉnh (khuyến công địa phương), đồng.")
    beneficiary: Vnd | None = Field(None, description="Vốn đối ứng của cơ sở, đồng.")
    other: Vnd | None = Field(None, description="Nguồn khác, đồng.")


class ResultsIn(StrictSchema):
    jobs_created: Count | None = Field(None, description="Lao động có việc làm.")
    workers_trained: Count | None = Field(None, description="Lao động được đào tạo.")
    establishments_supported: Count | None = Field(None, description="Cơ sở được hỗ trợ.")
    machines: Count | None = Field(None, description="Máy móc, dây chuyền.")
    models: Count | None = Field(None, description="Mô hình trình diễn.")


class ProjectIn(StrictSchema):
    code: str = Field(..., description="Mã đề án, ví dụ KCĐP-2024-007 (duy nhất, không phân biệt dấu).")
    title: str
    category: ContentCategory
    subtype: SubType | None = Field(None, description="Để trống = loại chính của nội dung.")
    level: ProgrammeLevel
    is_pilot: bool = False
    plan_year: int
    implementing_unit: str
    unit: RecordId = Field(..., description="Mã (id) xã/phường hiện hành nơi thực hiện.")
    beneficiaries: list[RecordId] = Field([], description="Mã (id) các cơ sở thụ hưởng.")
    partners: str = Field("", description="Cơ quan phối hợp, mỗi dòng một cơ quan.")
    description: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    eligible_cost: Vnd = Field(..., description="Chi phí hợp lệ, số nguyên đồng.")
    repeat_justification: str = Field(
        "", description="Giải trình khi cơ sở đã được hỗ trợ cùng nội dung gần đây."
    )
    budget: BudgetIn | None = Field(None, description="Kinh phí theo nguồn, số nguyên đồng.")
    expected: ResultsIn | None = Field(None, description="Kết quả dự kiến theo chỉ tiêu.")
    call: RecordId | None = Field(None, description="Đợt xét chọn (id) mà đề án đăng ký.")


# Only the keys sent change (see PATCH_DESCRIPTION).
class ProjectPatchIn(StrictSchema):
    code: str | None = None
    title: str | None = None
    category: ContentCategory | None = None
    subtype: SubType | None = None
    level: ProgrammeLevel | None = None
    is_pilot: bool | None = None
    plan_year: int | None = None
    implementing_unit: str | None = None
    unit: RecordId | None = None
    beneficiaries: list[RecordId] | None = None
    partners: str | None = None
    description: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    eligible_cost: Vnd | None = None
    repeat_justification: str | None = None
    budget: BudgetIn | None = None
    expected: ResultsIn | None = None


class ProjectListIn(InputSchema):
    q: str = Field("", description="Tìm theo mã, tên, đơn vị thực hiện; không cần gõ dấu (KCDP-2024-007).")
    status: Status | None = None
    plan_year: int | None = Field(None, ge=0, le=32767)
    category: ContentCategory | None = None
    level: ProgrammeLevel | None = None
    unit: RecordId | None = Field(
        None, description="Đơn vị hành chính (id): gồm các đơn vị trực thuộc và các đơn vị cũ đã nhập vào."
    )
    is_pilot: bool | None = None


class ReasonIn(StrictSchema):
    reason: str = Field(
        "", max_length=2000, description="Lý do (bắt buộc khi trả lại, không chọn, tạm dừng, huỷ)."
    )


class ApproveIn(StrictSchema):
    decision_number: str = Field(..., max_length=60)
    decision_date: dt.date
    approved_support: int | None = None
    reason: str = Field("", max_length=2000)


class ContractIn(StrictSchema):
    contract_number: str = Field(..., max_length=60)
    contract_date: dt.date
    contract_amount: Vnd


class MachineIn(StrictSchema):
    name: str = Field(..., max_length=200)
    serial_number: str = Field(..., max_length=100)


class CouncilMemberIn(StrictSchema):
    name: str = Field(..., max_length=200)
    position: str = Field(..., max_length=200)


class ChecklistAnswerIn(StrictSchema):
    item: int = Field(..., description="Mã mục kiểm tra (GET /projects/{code}/acceptance-checklist).")
    answer: Literal["met", "not_met", "not_applicable"]
    note: str = Field("", max_length=500)


class AcceptanceIn(StrictSchema):
    held_on: dt.date
    accepted: bool = Field(
        ..., description="Kết luận: true = đạt, false = không đạt (cần ghi lý do ở notes)."
    )
    results: ResultsIn | None = Field(None, description="Kết quả đạt được theo chỉ tiêu.")
    trained_women: Count = 0
    trained_ethnic_minority: Count = 0
    machines: list[MachineIn] = []
    notes: str = Field("", description="Nhận xét của hội đồng; bắt buộc khi không đạt.")
    council: list[CouncilMemberIn] = Field([], description="Thành viên hội đồng có mặt (họ tên, chức vụ).")
    checklist: list[ChecklistAnswerIn] = Field(
        [], description="Trả lời từng mục kiểm tra của nội dung hỗ trợ; phải trả lời đủ mọi mục."
    )


class SettleIn(StrictSchema):
    settled_amount: Vnd
    liquidation_date: dt.date
    reason: str = Field("", max_length=1000)


class AdvanceIn(StrictSchema):
    amount: Vnd
    paid_on: dt.date
    note: str = Field("", max_length=300)


class CallIn(StrictSchema):
    year: int
    level: ProgrammeLevel
    title: str
    opens_at: dt.datetime = Field(..., description="Kèm múi giờ, ví dụ 2025-01-02T08:00:00+07:00.")
    deadline: dt.datetime = Field(..., description="Kèm múi giờ, ví dụ 2025-03-31T17:00:00+07:00.")
    categories: list[ContentCategory]
    note: str = ""


class CallPatchIn(StrictSchema):
    year: int | None = None
    level: ProgrammeLevel | None = None
    title: str | None = None
    opens_at: dt.datetime | None = None
    deadline: dt.datetime | None = None
    categories: list[ContentCategory] | None = None
    note: str | None = None
    reason: str = ""


class AttachIn(StrictSchema):
    project: str = Field(..., description="Mã đề án (gõ không dấu cũng được).")


class CallListIn(InputSchema):
    include_all: bool = Field(False, description="false: chỉ các đợt đang nhận hồ sơ; true: mọi đợt.")


# --- output types -----------------------------------------------------------------------------------


class NamedRef(Schema):
    id: int
    name: str


class BudgetLineOut(Schema):
    source: str
    label: str
    amount: int


class ResultOut(Schema):
    indicator: str
    label: str
    value: int


class ProjectBase(Schema):
    code: str
    code_key: str
    title: str
    category: str
    subtype: str
    level: str
    is_pilot: bool
    plan_year: int
    status: str
    status_label: str
    unit_id: int
    unit: str
    implementing_unit: str
    requested_support: int
    approved_support: int | None
    submitted_on: dt.date | None
    beneficiaries: list[NamedRef]
    call_id: int | None
    is_demo: bool = Field(..., description="true: dữ liệu minh hoạ.")


class ProjectOut(ProjectBase):
    @staticmethod
    def resolve_status_label(obj: Project) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_unit(obj: Project) -> str:
        return str(obj.unit)

    @staticmethod
    def resolve_beneficiaries(obj: Project) -> list[dict[str, Any]]:
        return [{"id": b.pk, "name": b.name} for b in obj.beneficiaries.all()]


class AdvanceOut(Schema):
    id: int
    amount: int
    paid_on: dt.date
    note: str


class RecoveryOut(Schema):
    id: int
    amount: int
    recorded_on: dt.date


class MachineOut(Schema):
    name: str
    serial_number: str


class CouncilMemberOut(Schema):
    name: str
    position: str


class ChecklistAnswerOut(Schema):
    item: int
    text: str
    required: bool
    answer: str
    note: str


class ChecklistItemOut(Schema):
    id: int
    order: int
    text: str
    required: bool


class AcceptanceOut(Schema):
    held_on: dt.date
    accepted: bool
    notes: str
    trained_women: int
    trained_ethnic_minority: int
    results: list[ResultOut]
    machines: list[MachineOut]
    council: list[CouncilMemberOut]
    checklist: list[ChecklistAnswerOut]


class CapOut(Schema):
    reference_date: dt.date = Field(..., description="Ngày nộp đề án, hoặc hôm nay khi chưa nộp.")
    requested_support: int
    above_cap: bool
    limit: SupportLimitOut


class ActionOut(Schema):
    action: str = Field(..., description="Dùng trong POST /projects/{code}/actions/{action}.")
    to: str
    label: str
    needs_reason: bool


class ProjectDetailOut(ProjectBase):
    # No resolvers here: project_detail builds the whole answer, since some of it depends on the caller.
    category_label: str
    subtype_label: str
    level_label: str
    partners: str
    description: str
    start_date: dt.date | None
    end_date: dt.date | None
    eligible_cost: int
    total_cost: int
    budget_lines: list[BudgetLineOut]
    expected_results: list[ResultOut]
    decision_number: str
    decision_date: dt.date | None
    contract_number: str
    contract_date: dt.date | None
    contract_amount: int | None
    settled_amount: int | None
    liquidation_date: dt.date | None
    suspended_from: str
    repeat_justification: str
    appraisal_score: str | None
    advances: list[AdvanceOut]
    advanced_total: int
    advance_limit: int = Field(..., description="Tổng tạm ứng tối đa (tỷ lệ cấu hình × kinh phí được duyệt).")
    recoveries: list[RecoveryOut]
    recovered_total: int
    acceptance: AcceptanceOut | None
    cap: CapOut | None = Field(..., description="Mức trần có hiệu lực; null khi chưa đủ dữ liệu để tính.")
    allowed_actions: list[ActionOut]
    may_edit: bool
    may_record_advance: bool
    may_upload_documents: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class HistoryOut(Schema):
    at: dt.datetime
    action: str
    action_label: str
    actor: str | None
    reason: str
    changes: dict[str, Any]

    @staticmethod
    def resolve_action_label(obj: Any) -> str:
        return str(obj.get_action_display())

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return _person(obj.actor)


class DocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by: str
    download_url: str

    @staticmethod
    def resolve_kind_label(obj: ProjectDocument) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_uploaded_by(obj: ProjectDocument) -> str:
        return _person(obj.uploaded_by) or ""

    @staticmethod
    def resolve_download_url(obj: ProjectDocument) -> str:
        return f"/api/v1/projects/{obj.project.code_key}/documents/{obj.pk}/file"


class CallOut(Schema):
    id: int
    year: int
    level: str
    title: str
    opens_at: dt.datetime
    deadline: dt.datetime
    categories: list[str]
    category_labels: list[str]
    note: str
    status: str = Field(..., description="upcoming, open hoặc closed, tính từ ngày mở và hạn nộp.")

    @staticmethod
    def resolve_category_labels(obj: Call) -> list[str]:
        return obj.category_labels()

    @staticmethod
    def resolve_status(obj: Call) -> str:
        return str(obj.status.value)


# --- helpers ----------------------------------------------------------------------------------------


def _person(user: Any) -> str | None:
    if user is None:
        return None
    return str(user.get_full_name() or user.username)


def _results(rows: Any) -> list[dict[str, Any]]:
    return [
        {"indicator": row.indicator, "label": str(row.get_indicator_display()), "value": row.value}
        for row in rows
    ]


def _actions(project: Project, user: Any) -> list[dict[str, Any]]:
    found = []
    for to in workflow.allowed(project, user):
        action = action_for(project, to)
        if action is None:
            continue
        label = (
            _("Tiếp tục (“%(state)s”)") % {"state": to.label}
            if action == "resume"
            else MOVE_LABELS.get(to, to.label)
        )
        found.append(
            {
                "action": action,
                "to": str(to),
                "label": str(label),
                "needs_reason": to in workflow.NEEDS_REASON,
            }
        )
    return found


def _acceptance(project: Project) -> dict[str, Any] | None:
    try:
        acceptance = project.acceptance
    except Acceptance.DoesNotExist:
        return None
    return {
        "held_on": acceptance.held_on,
        "accepted": acceptance.accepted,
        "notes": acceptance.notes,
        "trained_women": acceptance.trained_women,
        "trained_ethnic_minority": acceptance.trained_ethnic_minority,
        "results": _results(acceptance.results.order_by("id")),
        "machines": [
            {"name": m.name, "serial_number": m.serial_number} for m in acceptance.machines.order_by("id")
        ],
        "council": [{"name": name, "position": position} for name, position in acceptance.council()],
        "checklist": [
            {
                "item": answer.item_id,
                "text": answer.item_text,
                "required": answer.required,
                "answer": answer.answer,
                "note": answer.note,
            }
            for answer in acceptance.checklist.all()
        ],
    }


def _cap(project: Project) -> dict[str, Any] | None:
    # The page's own computation, so the API and the page show the same cap for the same project.
    found = project_cap(project)
    if not found:
        return None
    return {
        "reference_date": found["cap_on"],
        "requested_support": found["requested"],
        "above_cap": found["above_cap"],
        "limit": found["limit"],
    }


def project_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """Everything about one project the caller may see, read afresh through the selector."""
    user = request.user
    project = project_get(user=user, code=code)
    lines = sorted(project.budget_lines.all(), key=lambda line: list(FundingSource.values).index(line.source))
    advances = sorted(project.advances.all(), key=lambda row: (row.paid_on, row.pk))
    recoveries = sorted(project.recoveries.all(), key=lambda row: (row.recorded_on, row.pk))
    return {
        **ProjectOut.from_orm(project).model_dump(),
        "category_label": str(project.get_category_display()),
        "subtype_label": str(project.get_subtype_display()) if project.subtype else "",
        "level_label": str(project.get_level_display()),
        "partners": project.partners,
        "description": project.description,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "eligible_cost": project.eligible_cost,
        "total_cost": project.total_cost,
        "budget_lines": [
            {"source": line.source, "label": str(line.get_source_display()), "amount": line.amount}
            for line in lines
        ],
        "expected_results": _results(
            sorted(
                project.expected_results.all(),
                key=lambda r: list(ExpectedIndicator.values).index(r.indicator),
            )
        ),
        "decision_number": project.decision_number,
        "decision_date": project.decision_date,
        "contract_number": project.contract_number,
        "contract_date": project.contract_date,
        "contract_amount": project.contract_amount,
        "settled_amount": project.settled_amount,
        "liquidation_date": project.liquidation_date,
        "suspended_from": project.suspended_from,
        "repeat_justification": project.repeat_justification,
        "appraisal_score": str(project.appraisal_score) if project.appraisal_score is not None else None,
        "advances": [
            {"id": row.pk, "amount": row.amount, "paid_on": row.paid_on, "note": row.note} for row in advances
        ],
        "advanced_total": sum(row.amount for row in advances),
        "advance_limit": services.advance_limit(project),
        "recoveries": [
            {"id": row.pk, "amount": row.amount, "recorded_on": row.recorded_on} for row in recoveries
        ],
        "recovered_total": sum(row.amount for row in recoveries),
        "acceptance": _acceptance(project),
        "cap": _cap(project),
        "allowed_actions": _actions(project, user),
        "may_edit": can_edit(user, project),
        "may_record_advance": may_record_advance(user, project),
        "may_upload_documents": document_services.may_upload(user, project),
        "created_at": project.created_at,
        "updated_at": project.updated_at,
    }


def _api_field(name: str) -> str | None:
    """ProjectForm's field names as the API spells them: budget_central → budget.central."""
    if name == "__all__":
        return None
    for prefix in ("budget_", "expected_"):
        if name.startswith(prefix):
            return f"{prefix[:-1]}.{name[len(prefix) :]}"
    return name


def _checked_form(user: Any, payload: dict[str, Any], instance: Project | None = None) -> ProjectForm:
    """Run the web form over what was sent (merged, for a change, over what is stored)."""
    data: dict[str, Any] = {}
    if instance is not None:
        data.update(ProjectForm(instance=instance, user=user).initial)
    for name in (*FORM_FIELDS, "beneficiaries"):
        if name in payload:
            data[name] = payload[name]
    if "subtype" in payload and payload["subtype"] is None:
        data["subtype"] = ""
    for key, prefix, codes in (
        ("budget", "budget_", FundingSource.values),
        ("expected", "expected_", ExpectedIndicator.values),
    ):
        given = payload.get(key)
        if given is not None:  # null is read as "not sent", never as "remove every line"
            for code in codes:
                data[f"{prefix}{code}"] = given.get(code)
    form = ProjectForm(data, instance=instance, user=user)
    if not form.is_valid():
        errors: dict[str, list[ValidationError]] = {}
        for name, found in form.errors.as_data().items():
            errors.setdefault(_api_field(name) or "__all__", []).extend(found)
        raise ValidationError(errors)
    return form


PATCH_DESCRIPTION = (
    "Chỉ các trường gửi lên được thay đổi, kiểm tra như biểu mẫu trên web. `budget` gửi lên thay cả bảng "
    "kinh phí (nguồn không gửi bị bỏ); `expected` gửi lên đặt các chỉ tiêu không gửi về 0, như biểu mẫu. "
    "Đề án đã phê duyệt trả 409: mọi thay đổi phải qua điều chỉnh."
)
ACTION_DESCRIPTION = (
    "403: vai trò hoặc phạm vi của bạn không được thực hiện; 409: trạng thái hiện tại của đề án không cho "
    "phép thao tác này với bất kỳ ai; 422: dữ liệu sai (thiếu lý do, số tiền vượt mức, không phải số "
    "nguyên không âm), nêu tên trường. Khi bị từ chối, không có gì thay đổi."
)


def _state_conflict(message: str) -> workflow.TransitionError:
    return workflow.TransitionError(message, code="state")


# --- projects -------------------------------------------------------------------------------------


@router.get(
    "", response=list[ProjectOut], summary="Danh sách đề án trong phạm vi của bạn, lọc và tìm không dấu"
)
@paginate(Page)
def list_projects(request: HttpRequest, filters: Query[ProjectListIn]) -> Any:
    return project_list(
        user=request.user,
        filters=ProjectFilters(
            q=filters.q,
            status=filters.status or "",
            category=filters.category or "",
            year=filters.plan_year,
            level=filters.level or "",
            unit=filters.unit,
            is_pilot=filters.is_pilot,
        ),
    )


@router.post(
    "", response={201: ProjectDetailOut}, summary="Lập đề án (dự thảo), kiểm tra như biểu mẫu trên web"
)
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    user = request.user
    if not can_propose(user):
        raise PermissionDenied(_("Vai trò của bạn không lập đề án."))
    sent = payload.model_dump(exclude_unset=True)
    call = None
    if payload.call is not None:
        try:
            call = calls.call_get(user=user, pk=payload.call)
        except Http404:
            raise ValidationError({"call": _("Không tìm thấy đợt xét chọn.")}) from None
    form = _checked_form(user, sent)
    project = services.project_create(
        actor=user,
        data=form.service_data(),
        beneficiaries=form.cleaned_data["beneficiaries"],
        budget=form.budget(),
        expected=form.expected(),
        call=call,
    )
    return Reply(201, project_detail(request, project.code_key))


@router.get(
    "/{code}",
    response=ProjectDetailOut,
    summary="Một đề án: kinh phí, kết quả, tạm ứng, nghiệm thu, mức trần, thao tác được phép",
)
def get_project(request: HttpRequest, code: Text) -> Any:
    return project_detail(request, code)


@router.patch(
    "/{code}",
    response=ProjectDetailOut,
    summary="Sửa đề án chưa phê duyệt (chỉ các trường gửi lên)",
    description=PATCH_DESCRIPTION,
)
def update_project(request: HttpRequest, code: Text, payload: ProjectPatchIn) -> Any:
    user = request.user
    project = project_get(user=user, code=code)
    if workflow.role_of(user) not in workflow.PROPOSERS:
        raise PermissionDenied(_("Bạn không có quyền sửa đề án này."))
    if not can_edit(user, project):
        raise _state_conflict(
            _("Đề án đang ở trạng thái “%(state)s” nên không sửa trực tiếp được.")
            % {"state": Status(project.status).label}
        )
    # The form checks a copy, so the service still compares against what is stored.
    form = _checked_form(
        user, payload.model_dump(exclude_unset=True), instance=project_get(user=user, code=code)
    )
    services.project_update(
        project=project,
        actor=user,
        data=form.service_data(),
        beneficiaries=form.cleaned_data["beneficiaries"],
        budget=form.budget(),
        expected=form.expected(),
    )
    return project_detail(request, project.code_key)


@router.get(
    "/{code}/acceptance-checklist",
    response=list[ChecklistItemOut],
    summary="Các mục kiểm tra khi nghiệm thu, theo nội dung hỗ trợ của đề án",
)
def acceptance_checklist(request: HttpRequest, code: Text) -> Any:
    return services.checklist_items(project_get(user=request.user, code=code))


@router.get(
    "/{code}/history", response=list[HistoryOut], summary="Nhật ký thay đổi của đề án (mới nhất trước)"
)
@paginate(Page)
def project_history(request: HttpRequest, code: Text) -> Any:
    project = project_get(user=request.user, code=code)
    return audit.history(project)


# --- actions --------------------------------------------------------------------------------------


@router.post(
    "/{code}/actions/submit",
    response=ProjectDetailOut,
    summary=SUMMARIES["submit"],
    description=ACTION_DESCRIPTION,
)
def submit_project(request: HttpRequest, code: Text) -> Any:
    project = project_get(user=request.user, code=code)
    services.project_submit(project=project, actor=request.user)
    return project_detail(request, project.code_key)


def _reason_only(action: str) -> Callable[..., Any]:
    def move(request: HttpRequest, code: Text, payload: ReasonIn | None = None) -> Any:
        project = project_get(user=request.user, code=code)
        services.project_transition(
            project=project,
            to=target_of(project, action),
            actor=request.user,
            reason=payload.reason if payload is not None else "",
        )
        return project_detail(request, project.code_key)

    return move


for _action in REASON_ONLY:
    router.post(
        f"/{{code}}/actions/{_action}",
        response=ProjectDetailOut,
        summary=SUMMARIES[_action],
        description=ACTION_DESCRIPTION,
        operation_id=f"project_action_{_action.replace('-', '_')}",
        url_name=f"project_action_{_action.replace('-', '_')}",
    )(_reason_only(_action))


@router.post(
    "/{code}/actions/approve",
    response=ProjectDetailOut,
    summary=SUMMARIES["approve"],
    description=ACTION_DESCRIPTION,
)
def approve_project(request: HttpRequest, code: Text, payload: ApproveIn) -> Any:
    project = project_get(user=request.user, code=code)
    services.project_approve(
        project=project,
        actor=request.user,
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
        reason=payload.reason,
        approved_support=payload.approved_support,
    )
    return project_detail(request, project.code_key)


@router.post(
    "/{code}/actions/contract",
    response=ProjectDetailOut,
    summary=SUMMARIES["contract"],
    description=ACTION_DESCRIPTION,
)
def contract_project(request: HttpRequest, code: Text, payload: ContractIn) -> Any:
    project = project_get(user=request.user, code=code)
    services.project_contract(
        project=project,
        actor=request.user,
        contract_number=payload.contract_number,
        contract_date=payload.contract_date,
        contract_amount=payload.contract_amount,
    )
    return project_detail(request, project.code_key)


@router.post(
    "/{code}/actions/acceptance",
    response=ProjectDetailOut,
    summary=SUMMARIES["acceptance"],
    description=ACTION_DESCRIPTION,
)
def record_acceptance(request: HttpRequest, code: Text, payload: AcceptanceIn) -> Any:
    project = project_get(user=request.user, code=code)
    services.project_record_acceptance(
        project=project,
        actor=request.user,
        held_on=payload.held_on,
        accepted=payload.accepted,
        results=payload.results.model_dump(exclude_none=True) if payload.results else {},
        trained_women=payload.trained_women,
        trained_ethnic_minority=payload.trained_ethnic_minority,
        machines=[(machine.name, machine.serial_number) for machine in payload.machines],
        notes=payload.notes,
        council=[(member.name, member.position) for member in payload.council],
        checklist={row.item: (row.answer, row.note) for row in payload.checklist},
    )
    return project_detail(request, project.code_key)


@router.post(
    "/{code}/actions/settle",
    response=ProjectDetailOut,
    summary=SUMMARIES["settle"],
    description=ACTION_DESCRIPTION,
)
def settle_project(request: HttpRequest, code: Text, payload: SettleIn) -> Any:
    project = project_get(user=request.user, code=code)
    services.project_settle(
        project=project,
        actor=request.user,
        settled_amount=payload.settled_amount,
        liquidation_date=payload.liquidation_date,
        reason=payload.reason,
    )
    return project_detail(request, project.code_key)


@router.post(
    "/{code}/advances",
    response={201: AdvanceOut},
    summary="Ghi nhận tạm ứng (không vượt tỷ lệ cho phép của kinh phí được duyệt)",
    description=ACTION_DESCRIPTION,
)
def record_advance(request: HttpRequest, code: Text, payload: AdvanceIn) -> Any:
    project = project_get(user=request.user, code=code)
    if workflow.role_of(request.user) not in workflow.CENTRE:
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm ghi nhận tạm ứng."))
    if project.status not in ADVANCE_STATES:
        raise _state_conflict(_("Chỉ tạm ứng cho đề án đã ký hợp đồng hoặc đang thực hiện."))
    advance = services.project_record_advance(
        project=project,
        actor=request.user,
        amount_vnd=payload.amount,
        paid_on=payload.paid_on,
        note=payload.note,
    )
    return Reply(201, advance)


# --- documents ------------------------------------------------------------------------------------


@router.get("/{code}/documents", response=list[DocumentOut], summary="Tài liệu đính kèm của đề án")
@paginate(Page)
def list_documents(request: HttpRequest, code: Text) -> Any:
    project = project_get(user=request.user, code=code)
    return project.documents.select_related("project", "uploaded_by").order_by("uploaded_at", "id")


@router.post(
    "/{code}/documents",
    response={201: DocumentOut},
    summary="Đính kèm tài liệu (multipart: kind, title, file; PDF, ảnh, DOCX, XLSX, ODT, ODS; giới hạn dung lượng)",
)
def upload_document(
    request: HttpRequest,
    code: Text,
    kind: Form[DocumentKind],
    file: File[UploadedFile],
    title: Form[Text] = "",
) -> Any:
    project = project_get(user=request.user, code=code)
    document = document_services.project_document_upload(
        project=project, actor=request.user, upload=file, kind=kind, title=title
    )
    return Reply(201, document)


@router.get("/{code}/documents/{pk}/file", summary="Tải tệp đính kèm (luôn dạng tệp tải về)")
def download_document(request: HttpRequest, code: Text, pk: int) -> FileResponse:
    project = project_get(user=request.user, code=code)
    document = get_object_or_404(ProjectDocument, project=project, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- calls for proposals ----------------------------------------------------------------------------


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Choice members as their stored codes, as the services and the audit trail expect."""
    return {
        key: [str(v) for v in value]
        if isinstance(value, list)
        else str(value)
        if isinstance(value, Enum)
        else value
        for key, value in values.items()
    }


@calls_router.get(
    "", response=list[CallOut], summary="Các đợt xét chọn (mặc định: đang nhận hồ sơ, hạn gần nhất trước)"
)
@paginate(Page)
def list_calls(request: HttpRequest, filters: Query[CallListIn]) -> Any:
    return calls.call_list(user=request.user, include_all=filters.include_all)


@calls_router.get("/{pk}", response=CallOut, summary="Một đợt xét chọn")
def get_call(request: HttpRequest, pk: int) -> Any:
    return calls.call_get(user=request.user, pk=pk)


@calls_router.get(
    "/{pk}/projects", response=list[ProjectOut], summary="Đề án đăng ký trong đợt (trong phạm vi của bạn)"
)
@paginate(Page)
def list_call_projects(request: HttpRequest, pk: int) -> Any:
    return calls.call_projects(user=request.user, call=calls.call_get(user=request.user, pk=pk))


@calls_router.post("", response={201: CallOut}, summary="Mở đợt xét chọn (cán bộ Trung tâm, quản trị)")
def create_call(request: HttpRequest, payload: CallIn) -> Any:
    data = calls.CallData(**_plain(payload.model_dump()))
    return Reply(201, calls.call_create(actor=request.user, data=data))


@calls_router.patch("/{pk}", response=CallOut, summary="Sửa đợt xét chọn (chỉ các trường gửi lên)")
def update_call(request: HttpRequest, pk: int, payload: CallPatchIn) -> Any:
    if not calls.can_manage_calls(request.user):
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm hoặc quản trị hệ thống được mở và sửa đợt xét chọn."))
    call = calls.call_get(user=request.user, pk=pk)
    sent = _plain(payload.model_dump(exclude_unset=True))
    reason = sent.pop("reason", "")
    current = {
        name: getattr(call, name)
        for name in ("year", "level", "title", "opens_at", "deadline", "categories", "note")
    }
    data = calls.CallData(**{**current, **{k: v for k, v in sent.items() if v is not None}})
    return calls.call_update(actor=request.user, call=call, data=data, reason=reason)


@calls_router.post(
    "/{pk}/projects", response=ProjectDetailOut, summary="Đăng ký một đề án dự thảo hoặc bị trả lại vào đợt"
)
def attach_project(request: HttpRequest, pk: int, payload: AttachIn) -> Any:
    call = calls.call_get(user=request.user, pk=pk)
    project = Project.objects.visible_to(request.user).filter(code_key=code_key(payload.project)).first()
    if project is None:
        raise ValidationError({"project": _("Không tìm thấy đề án.")})
    calls.project_attach_call(project=project, call=call, actor=request.user)
    return project_detail(request, project.code_key)


# --- amendments (điều chỉnh) -----------------------------------------------------------------------


class AmendmentChangeOut(Schema):
    field: str
    label: str
    before: Any
    after: Any


class AmendmentOut(Schema):
    id: int
    status: str
    status_label: str
    reason: str
    changes: list[AmendmentChangeOut]
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str


class AmendmentIn(StrictSchema):
    reason: Text = Field(..., max_length=amendments.TEXT_MAX)
    changes: dict[str, Any] = Field(
        ...,
        description=(
            "Giá trị mới theo trường: start_date, end_date (YYYY-MM-DD), approved_support, budget.<nguồn>"
            " (đồng), expected.<chỉ tiêu>, description, partners."
        ),
    )


class AmendmentDecisionIn(StrictSchema):
    note: Text = Field("", max_length=amendments.TEXT_MAX)


def _amendment_out(amendment: Amendment) -> dict[str, Any]:
    return {
        "id": amendment.pk,
        "status": amendment.status,
        "status_label": str(AmendmentStatus(amendment.status).label),
        "reason": amendment.reason,
        "changes": [
            {"field": change.key, "label": change.label, "before": change.before, "after": change.after}
            for change in amendments.changes_of(amendment)
        ],
        "requested_by": str(amendment.requested_by),
        "requested_at": amendment.requested_at,
        "decided_by": str(amendment.decided_by) if amendment.decided_by_id else None,
        "decided_at": amendment.decided_at,
        "decision_note": amendment.decision_note,
    }


def _amendment_of(request: HttpRequest, code: str, pk: int) -> Amendment:
    project = project_get(user=request.user, code=code)
    return get_object_or_404(project.amendments.select_related("requested_by", "decided_by"), pk=pk)


@router.get(
    "/{code}/amendments",
    response=list[AmendmentOut],
    summary="Các đề nghị điều chỉnh của đề án (mới nhất trước)",
)
def list_amendments(request: HttpRequest, code: Text) -> Any:
    project = project_get(user=request.user, code=code)
    rows = project.amendments.select_related("requested_by", "decided_by").order_by("-requested_at", "-id")
    return [_amendment_out(row) for row in rows]


@router.post(
    "/{code}/amendments",
    response={201: AmendmentOut},
    summary="Đề nghị điều chỉnh đề án (lý do, giá trị trước và sau); lãnh đạo phê duyệt",
    description=ACTION_DESCRIPTION,
)
def request_amendment(request: HttpRequest, code: Text, payload: AmendmentIn) -> Any:
    project = project_get(user=request.user, code=code)
    amendment = amendment_services.amendment_request(
        project=project, actor=request.user, reason=payload.reason, proposed=payload.changes
    )
    return Reply(201, _amendment_out(amendment))


AMENDMENT_DECISIONS: dict[str, Callable[..., Amendment]] = {
    "approve": amendment_services.amendment_approve,
    "reject": amendment_services.amendment_reject,
    "withdraw": amendment_services.amendment_withdraw,
}


@router.post(
    "/{code}/amendments/{pk}/{decision}",
    response=AmendmentOut,
    summary="Phê duyệt (approve), không phê duyệt (reject, cần ghi lý do) hoặc rút (withdraw) đề nghị điều chỉnh",
    description=ACTION_DESCRIPTION,
)
def decide_amendment(
    request: HttpRequest,
    code: Text,
    pk: int,
    decision: Literal["approve", "reject", "withdraw"],
    payload: AmendmentDecisionIn,
) -> Any:
    amendment = _amendment_of(request, code, pk)
    decided = AMENDMENT_DECISIONS[decision](amendment=amendment, actor=request.user, note=payload.note)
    return _amendment_out(decided)
