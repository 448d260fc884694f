# No `from __future__ import annotations` here: django-ninja reads these annotations at run time.
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as Reply

from khuyencong.api.errors import Conflict
from khuyencong.api.forms import checked
from khuyencong.api.paging import Page
from khuyencong.geo.choices import PriorityKind
from khuyencong.plans import services
from khuyencong.plans.choices import Objective, OverrideDecision, PlanStatus
from khuyencong.plans.forms import (
    CATEGORY_FIELDS,
    ApproveForm,
    PlanRulesForm,
    ProposalSettingForm,
    ReviseForm,
    RunForm,
    SubmitForm,
)
from khuyencong.plans.models import AnnualPlan
from khuyencong.plans.selectors import plan_current, plan_get, plan_list, scenario_get, scenario_lines
from khuyencong.projects.api import Count, HistoryOut, RecordId, StrictSchema, Text, Vnd
from khuyencong.projects.choices import ContentCategory, ProgrammeLevel
from khuyencong.projects.models import code_key

router = Router()


class CategoryRuleIn(Schema):
    category: str = Field(..., description="Mã nội dung (DESIGN §3), ví dụ training, machinery_application.")
    min_share_percent: Decimal | None = Field(None, description="Tỷ lệ tối thiểu của tổng hỗ trợ, phần trăm.")
    max_share_percent: Decimal | None = None
    min_count: int | None = Field(None, description="Số đề án tối thiểu.")
    max_count: int | None = None


class DecisionIn(Schema):
    code: str = Field(..., description="Mã đề án (gõ không dấu cũng được).")
    reason: str = Field(..., description="Lý do, bắt buộc.")


class PartialIn(Schema):
    code: str
    minimum: int = Field(..., description="Mức hỗ trợ tối thiểu khả thi, số nguyên đồng.")


class OptimizeIn(Schema):
    """Every field is optional when a plan exists for the year and level: what is given replaces the
    plan's own value for this run (decisions and partial funding are added to the plan's)."""

    level: str = Field("local", description="local (khuyến công địa phương) hoặc national.")
    reference_date: dt.date | None = Field(None, description="Ngày xét phân loại địa bàn ưu tiên.")
    envelopes: dict[str, int] | None = Field(
        None, description='Dự toán theo nguồn, đồng: {"provincial": …, "central": …}.'
    )
    priority_min_percent: Decimal | None = Field(
        None, description="Tỷ lệ hỗ trợ tối thiểu cho địa bàn ưu tiên, %."
    )
    priority_kinds: list[str] | None = Field(
        None, description="difficult, extremely_difficult, border, ethnic_minority, new_rural."
    )
    categories: list[CategoryRuleIn] | None = None
    commune_max: int | None = Field(None, description="Hỗ trợ tối đa mỗi xã, đồng.")
    establishment_max: int | None = Field(None, description="Hỗ trợ tối đa mỗi cơ sở, đồng.")
    must_include: list[DecisionIn] = []
    must_exclude: list[DecisionIn] = []
    partial: list[PartialIn] = []
    objective: str | None = Field(
        None, description="score (điểm), jobs (lao động), score_jobs (điểm × lao động)."
    )
    time_limit: int | None = Field(
        None, description="Giây (1–40 qua API; lệnh khuyencong plan_optimize cho phép đến 3600)."
    )
    gap_percent: Decimal | None = Field(None, description="Sai số cho phép, %; mặc định 0,01.")
    save_as: str | None = Field(
        None, description="Lưu thành phương án có tên này trong kế hoạch (dự thảo) của năm."
    )


class LineOut(Schema):
    code: str
    title: str
    category: str
    commune: str
    score: str | None
    jobs: int
    priority_area: bool
    requested: int
    already_approved: bool
    funded: int | None = None
    amounts: dict[str, int] | None = None
    partial: bool | None = None
    value: float | None = None
    notes: list[str] | None = None
    reasons: list[str] | None = None
    reason_codes: list[dict[str, Any]] | None = None
    instead_of: str | None = None


class GreedyOut(Schema):
    value: float
    total: int
    totals: dict[str, int]
    priority_share_bp: int
    selected: list[str]
    unmet: list[str]
    value_gained: float
    priority_share_gained_bp: int


class OptimizeOut(Schema):
    year: int
    level: str
    objective: str
    status: str = Field(..., description="optimal, time_limit, infeasible, no_solution.")
    status_text: str
    value: float
    bound: float = Field(..., description="Cận trên đã chứng minh (HiGHS).")
    gap: float = Field(..., description="(cận trên − giá trị) / cận trên.")
    gap_text: str
    envelopes: dict[str, int]
    totals: dict[str, int]
    total: int
    priority_amount: int
    priority_share_bp: int
    priority_share_text: str
    selected: list[LineOut]
    excluded: list[LineOut]
    binding: list[dict[str, Any]]
    infeasibility: dict[str, Any] | None
    greedy: GreedyOut
    timing_ms: dict[str, float]
    scenario: dict[str, Any] | None


@router.post(
    "/{year}/optimize",
    response=OptimizeOut,
    summary="Tối ưu danh mục đề án của kế hoạch năm trong dự toán và các ràng buộc",
)
def optimize(request: HttpRequest, year: int, payload: OptimizeIn) -> Any:
    user: Any = request.user
    if not getattr(user, "is_province_wide", False):
        raise PermissionDenied(_("Kế hoạch khuyến công chỉ dành cho cán bộ Trung tâm và lãnh đạo."))
    data = payload.dict()
    if payload.time_limit is not None and not 1 <= payload.time_limit <= services.WEB_TIME_LIMIT:
        raise ValidationError(
            {
                "time_limit": _(
                    "Qua API, thời gian giải tối đa là từ 1 đến 40 giây; chạy lâu hơn bằng lệnh khuyencong plan_optimize."
                )
            }
        )
    plan = plan_current(user=user, year=year, level=payload.level)
    base = services.rules_of(plan) if plan is not None else None
    rules = services.rules_from_request(data, year=year, level=payload.level, base=base)
    if payload.save_as:
        if plan is None or plan.status != PlanStatus.DRAFT:
            raise PermissionDenied(_("Chỉ lưu được phương án vào kế hoạch đang ở dạng dự thảo."))
        scenario, outcome = services.plan_optimize_outcome(
            plan=plan, actor=user, name=payload.save_as, rules=rules
        )
        return services.result_json(outcome, scenario=scenario)
    return services.result_json(services.compute(year=year, level=payload.level, rules=rules))


# --- plans: list, detail, rules, proposals, scenarios and the lifecycle ---------------------------------
#
# The page's forms check what is sent (PlanRulesForm, ProposalSettingForm, ApproveForm, ReviseForm) and
# the plan services do the work, so the API refuses what the page refuses. A refused write changes
# nothing: 403 for a role that may not (leaders read, the centre edits), 404 for a plan or proposal the
# caller does not see, 409 for a plan whose state allows it to nobody (a submitted or approved plan
# changes only through a revision), 422 for wrong data, naming the field.

PERCENT_FIELDS = {"priority_min": "priority_min_percent", "gap": "gap_percent"}


def _api_field(name: str) -> str:
    """PlanRulesForm's field names (and the services' error keys) as the API spells them."""
    if name.startswith("envelope_"):
        return f"envelopes.{name.removeprefix('envelope_')}"
    if name.startswith("envelope."):
        return f"envelopes.{name.removeprefix('envelope.')}"
    if "__" in name:
        category, rule = name.split("__", 1)
        return (
            f"categories.{category}.{rule}_percent"
            if rule.endswith("share")
            else f"categories.{category}.{rule}"
        )
    return PERCENT_FIELDS.get(name, name)


class PlanRef(Schema):
    id: int
    name: str


class PlanBase(Schema):
    id: int
    name: str
    year: int
    level: str
    revision: int
    status: str
    status_label: str
    reference_date: dt.date
    envelopes: dict[str, int] = Field(..., description="Dự toán theo nguồn, đồng.")
    decision_number: str
    decision_date: dt.date | None
    chosen_scenario_id: int | None
    revises_id: int | None


class PlanOut(PlanBase):
    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_envelopes(obj: Any) -> dict[str, int]:
        return obj.envelope_map()


class CategoryRuleOut(Schema):
    category: str
    min_share_percent: str | None
    max_share_percent: str | None
    min_count: int | None
    max_count: int | None


class PlanRulesOut(Schema):
    priority_min_percent: str
    priority_kinds: list[str]
    categories: list[CategoryRuleOut]
    commune_max: int | None
    establishment_max: int | None
    objective: str
    time_limit: int
    gap_percent: str


class ProposalOut(Schema):
    code: str
    title: str
    category: str
    unit: str
    status: str
    appraisal_score: str | None
    requested_support: int
    decision: str | None = Field(
        ..., description="in: bắt buộc đưa vào; out: loại; null: để tối ưu quyết định."
    )
    reason: str
    partial_minimum: int | None = Field(
        ..., description="Hỗ trợ một phần, tối thiểu (đồng); null: đủ hoặc không."
    )


class ScenarioBase(Schema):
    id: int
    name: str
    objective: str
    status: str
    status_label: str
    feasible: bool
    value: float
    total: int
    totals: dict[str, int]
    priority_amount: int
    priority_share_bp: int
    greedy_value: float
    greedy_total: int
    created_at: dt.datetime


class ScenarioOut(ScenarioBase):
    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_priority_share_bp(obj: Any) -> int:
        return int(obj.priority_bp)

    @staticmethod
    def resolve_totals(obj: Any) -> dict[str, int]:
        return {k: int(v) for k, v in (obj.totals or {}).items()}


class ScenarioLineOut(Schema):
    code: str
    title: str
    selected: bool
    fixed: bool
    partial: bool
    score: str | None
    jobs: int
    priority: bool
    requested: int
    central: int
    provincial: int
    funded: int
    reasons: list[dict[str, Any]]


class ScenarioDetailOut(ScenarioBase):
    lines: list[ScenarioLineOut]


class PlanActionOut(Schema):
    action: str = Field(..., description="Dùng trong POST /plans/{pk}/actions/{action}.")
    to: str
    label: str


class PlanDetailOut(PlanBase):
    rules: PlanRulesOut
    proposals: list[ProposalOut]
    scenarios: list[ScenarioBase]
    allowed_actions: list[PlanActionOut]
    may_edit: bool
    revision_reason: str


PLAN_ACTIONS = {PlanStatus.SUBMITTED: "submit", PlanStatus.APPROVED: "approve", PlanStatus.REVISED: "revise"}


def _percent_text(basis: int | None, per_percent: int = 100) -> str | None:
    if basis is None:
        return None
    return format((Decimal(basis) / per_percent).normalize(), "f")


def plan_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    from khuyencong.plans import workflow
    from khuyencong.plans.selectors import plan_get

    user: Any = request.user
    plan = plan_get(user=user, pk=pk)
    rules = services.rules_of(plan)
    overrides = {o.project_id: o for o in plan.overrides.all()}
    partials = {p.project_id: p for p in plan.partials.all()}
    proposals = []
    for project in services.candidates(year=plan.year, level=plan.level).select_related(
        "unit", "unit__parent"
    ):
        override, partial = overrides.get(project.pk), partials.get(project.pk)
        proposals.append(
            {
                "code": project.code,
                "title": project.title,
                "category": project.category,
                "unit": str(project.unit),
                "status": project.status,
                "appraisal_score": str(project.appraisal_score)
                if project.appraisal_score is not None
                else None,
                "requested_support": project.requested_support,
                "decision": override.decision if override else None,
                "reason": override.reason if override else "",
                "partial_minimum": partial.minimum if partial else None,
            }
        )
    return {
        **PlanOut.from_orm(plan).model_dump(),
        "revision_reason": plan.revision_reason,
        "rules": {
            "priority_min_percent": _percent_text(rules.priority_min_bp),
            "priority_kinds": list(rules.priority_kinds),
            "categories": [
                {
                    "category": r.category,
                    "min_share_percent": _percent_text(r.min_share_bp),
                    "max_share_percent": _percent_text(r.max_share_bp),
                    "min_count": r.min_count,
                    "max_count": r.max_count,
                }
                for r in rules.categories
            ],
            "commune_max": rules.commune_max,
            "establishment_max": rules.establishment_max,
            "objective": rules.objective,
            "time_limit": rules.time_limit,
            "gap_percent": _percent_text(rules.gap_ppm, 10_000),
        },
        "proposals": proposals,
        "scenarios": [
            ScenarioOut.from_orm(s).model_dump() for s in plan.scenarios.order_by("-created_at", "-id")
        ],
        "allowed_actions": [
            {"action": PLAN_ACTIONS[to], "to": str(to), "label": str(to.label)}
            for to in workflow.allowed(plan, user)
        ],
        "may_edit": workflow.may_edit(plan, user),
    }


class EnvelopesIn(StrictSchema):
    provincial: Vnd | None = Field(None, description="Dự toán ngân sách tỉnh, đồng.")
    central: Vnd | None = Field(None, description="Dự toán ngân sách trung ương, đồng.")


class PlanCreateIn(StrictSchema):
    year: int = Field(..., description="Năm kế hoạch (2000–2100).")
    level: ProgrammeLevel
    reference_date: dt.date = Field(..., description="Ngày xét phân loại địa bàn ưu tiên.")
    envelopes: EnvelopesIn | None = None


Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=9, decimal_places=4)]


class CategoryRuleSetIn(StrictSchema):
    category: ContentCategory
    min_share_percent: Percent | None = None
    max_share_percent: Percent | None = None
    min_count: Count | None = None
    max_count: Count | None = None


class PlanRulesIn(StrictSchema):
    """Only the keys sent change; `categories` sent replaces every category rule; null clears a limit."""

    reference_date: dt.date | None = None
    envelopes: EnvelopesIn | None = None
    priority_min_percent: Percent | None = Field(None, description="Tỷ lệ tối thiểu cho địa bàn ưu tiên, %.")
    priority_kinds: list[PriorityKind] | None = None
    categories: list[CategoryRuleSetIn] | None = None
    commune_max: Vnd | None = Field(None, description="Hỗ trợ tối đa mỗi xã, đồng; null: không giới hạn.")
    establishment_max: Vnd | None = Field(None, description="Hỗ trợ tối đa mỗi cơ sở, đồng.")
    objective: Objective | None = None
    time_limit: int | None = Field(None, ge=-(2**31), le=2**31, description="Giây, 1–40.")
    gap_percent: Percent | None = Field(None, description="Sai số cho phép, %.")


class ProposalSettingIn(StrictSchema):
    decision: OverrideDecision | None = Field(
        None, description="in: bắt buộc đưa vào; out: loại khỏi kế hoạch; null: để tối ưu quyết định."
    )
    reason: Text = Field("", max_length=500, description="Bắt buộc khi đưa vào hoặc loại.")
    minimum: Vnd | None = Field(None, description="Hỗ trợ một phần, tối thiểu (đồng); null: đủ hoặc không.")


class ScenarioIn(StrictSchema):
    name: Text = Field(
        ..., min_length=1, max_length=120, description="Tên phương án (duy nhất trong kế hoạch)."
    )


class PlanSubmitIn(StrictSchema):
    scenario: RecordId = Field(..., description="Phương án trình duyệt (id), có lời giải.")


class PlanApproveIn(StrictSchema):
    decision_number: Text = Field(..., max_length=60)
    decision_date: dt.date


class PlanReviseIn(StrictSchema):
    reason: Text = Field(..., max_length=2000, description="Lý do điều chỉnh, bắt buộc.")


def _sees_plans(request: HttpRequest) -> Any:
    user: Any = request.user
    if not getattr(user, "is_province_wide", False):
        raise PermissionDenied(_("Kế hoạch khuyến công chỉ dành cho cán bộ Trung tâm và lãnh đạo."))
    return user


def _editable(request: HttpRequest, pk: int) -> AnnualPlan:
    """The plan, if the caller may change it now: 403 for a role that may not, 409 once it is locked."""
    from khuyencong.plans import workflow

    user: Any = request.user
    plan = plan_get(user=user, pk=pk)  # 404 for a role that does not see plans, as on the page
    if workflow.role_of(user) not in workflow.EDITORS:
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm lập và sửa kế hoạch."))
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(
            _("Kế hoạch đã trình hoặc đã phê duyệt nên bị khoá: mọi thay đổi phải qua điều chỉnh có lý do.")
        )
    return plan


def _percent_in(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


@router.get("", response=list[PlanOut], summary="Các kế hoạch khuyến công năm (mới nhất trước)")
@paginate(Page)
def list_plans(request: HttpRequest) -> Any:
    _sees_plans(request)
    return plan_list(user=request.user).prefetch_related("envelopes")


@router.post("", response={201: PlanDetailOut}, summary="Lập kế hoạch năm (dự thảo) với dự toán theo nguồn")
def create_plan(request: HttpRequest, payload: PlanCreateIn) -> Any:
    from khuyencong.plans import workflow

    user = _sees_plans(request)
    if workflow.role_of(user) not in workflow.EDITORS:
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm lập kế hoạch."))
    envelopes = payload.envelopes or EnvelopesIn(provincial=None, central=None)
    data = {
        "year": payload.year,
        "level": payload.level.value,
        "reference_date": payload.reference_date.isoformat(),
        "envelope_provincial": "" if envelopes.provincial is None else envelopes.provincial,
        "envelope_central": "" if envelopes.central is None else envelopes.central,
    }
    form = checked(PlanRulesForm(data, creating=True), field=_api_field)
    plan = services.plan_create(
        actor=user, year=form.cleaned_data["year"], level=form.cleaned_data["level"], rules=form.rules()
    )
    return Reply(201, plan_detail(request, plan.pk))


@router.get("/{pk}", response=PlanDetailOut, summary="Một kế hoạch: dự toán, ràng buộc, đề án, phương án")
def get_plan(request: HttpRequest, pk: RecordId) -> Any:
    return plan_detail(request, pk)


@router.patch(
    "/{pk}/rules",
    response=PlanDetailOut,
    summary="Sửa dự toán và ràng buộc của kế hoạch dự thảo (chỉ các trường gửi lên)",
)
def update_plan_rules(request: HttpRequest, pk: RecordId, payload: PlanRulesIn) -> Any:
    plan = _editable(request, pk)
    data: dict[str, Any] = {
        key: ("" if value is None else value) for key, value in PlanRulesForm.initial_for(plan).items()
    }
    data["reference_date"] = plan.reference_date.isoformat()
    sent = payload.model_dump(exclude_unset=True)
    if "reference_date" in sent:
        data["reference_date"] = sent["reference_date"].isoformat() if sent["reference_date"] else ""
    for source, amount in (sent.get("envelopes") or {}).items():
        data[f"envelope_{source}"] = "" if amount is None else amount
    for name in ("priority_min", "gap"):
        if f"{name}_percent" in sent:
            data[name] = _percent_in(sent[f"{name}_percent"])
    for name in ("commune_max", "establishment_max", "time_limit"):
        if name in sent:
            data[name] = "" if sent[name] is None else sent[name]
    if "objective" in sent:
        data["objective"] = "" if sent["objective"] is None else str(sent["objective"])
    if "priority_kinds" in sent:
        data["priority_kinds"] = [str(k) for k in sent["priority_kinds"] or []]
    if "categories" in sent:
        for code in ContentCategory.values:
            for field in CATEGORY_FIELDS:
                data[f"{code}__{field}"] = ""
        for rule in sent["categories"] or []:
            code = str(rule["category"])
            data[f"{code}__min_share"] = _percent_in(rule.get("min_share_percent"))
            data[f"{code}__max_share"] = _percent_in(rule.get("max_share_percent"))
            data[f"{code}__min_count"] = "" if rule.get("min_count") is None else rule["min_count"]
            data[f"{code}__max_count"] = "" if rule.get("max_count") is None else rule["max_count"]
    form = checked(PlanRulesForm(data), field=_api_field)
    try:
        services.plan_update(plan=plan, actor=request.user, rules=form.rules())
    except ValidationError as exc:
        raise _renamed(exc) from None
    return plan_detail(request, plan.pk)


def _renamed(exc: ValidationError) -> ValidationError:
    """A service's error with its keys as the API spells them."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({_api_field(key): value for key, value in exc.error_dict.items()})


@router.put(
    "/{pk}/proposals/{code}",
    response=PlanDetailOut,
    summary="Quyết định của cán bộ với một đề án: bắt buộc đưa vào, loại (kèm lý do), hỗ trợ một phần",
)
def set_proposal(request: HttpRequest, pk: RecordId, code: Text, payload: ProposalSettingIn) -> Any:
    plan = _editable(request, pk)
    target = get_object_or_404(services.candidates(year=plan.year, level=plan.level), code_key=code_key(code))
    form = checked(
        ProposalSettingForm(
            {
                "decision": payload.decision.value if payload.decision else "",
                "reason": payload.reason,
                "minimum": "" if payload.minimum is None else payload.minimum,
            }
        )
    )
    data = form.cleaned_data
    try:
        services.plan_set_proposal(
            plan=plan,
            actor=request.user,
            project=target,
            decision=data["decision"] or None,
            reason=data["reason"],
            minimum=data["minimum"],
        )
    except ValidationError as exc:
        raise _renamed(exc) from None
    return plan_detail(request, plan.pk)


@router.post(
    "/{pk}/scenarios",
    response={201: ScenarioDetailOut},
    summary="Chạy tối ưu với dự toán và ràng buộc của kế hoạch, lưu thành phương án",
)
def run_scenario(request: HttpRequest, pk: RecordId, payload: ScenarioIn) -> Any:
    plan = _editable(request, pk)
    form = checked(RunForm({"name": payload.name}))
    if plan.scenarios.filter(name=form.cleaned_data["name"]).exists():
        raise ValidationError({"name": _("Kế hoạch đã có phương án tên này.")})
    scenario = services.plan_optimize(plan=plan, actor=request.user, name=form.cleaned_data["name"])
    return Reply(201, _scenario_out(scenario))


def _scenario_out(scenario: Any) -> dict[str, Any]:
    lines = scenario_lines(scenario).order_by("-selected", "-score", "project__code_key")
    return {
        **ScenarioOut.from_orm(scenario).model_dump(),
        "lines": [
            {
                "code": line.project.code,
                "title": line.project.title,
                "selected": line.selected,
                "fixed": line.fixed,
                "partial": line.partial,
                "score": str(line.score) if line.score is not None else None,
                "jobs": line.jobs,
                "priority": line.priority,
                "requested": line.requested,
                "central": line.central,
                "provincial": line.provincial,
                "funded": line.funded,
                "reasons": list(line.reasons or []),
            }
            for line in lines
        ],
    }


@router.get(
    "/{pk}/scenarios/{scenario}",
    response=ScenarioDetailOut,
    summary="Một phương án: đề án được chọn, số tiền theo nguồn, lý do không chọn",
)
def get_scenario(request: HttpRequest, pk: RecordId, scenario: RecordId) -> Any:
    plan = plan_get(user=request.user, pk=pk)
    return _scenario_out(scenario_get(plan=plan, pk=scenario))


def _state_check(plan: AnnualPlan, to: PlanStatus, actor: Any) -> None:
    """The state (409), then the role (403), before the body is read: a role that may never make the move
    is refused whatever it sent."""
    from khuyencong.plans import workflow

    if (PlanStatus(plan.status), to) not in workflow.TRANSITIONS:
        raise Conflict(
            _("Không thể chuyển kế hoạch từ “%(frm)s” sang “%(to)s”.")
            % {"frm": PlanStatus(plan.status).label, "to": to.label},
            field="status",
        )
    if not workflow.can(plan, to, actor):
        raise PermissionDenied(
            _("Vai trò của bạn không được chuyển kế hoạch sang “%(to)s”.") % {"to": to.label}
        )


@router.post(
    "/{pk}/actions/submit",
    response=PlanDetailOut,
    summary="Trình kế hoạch theo một phương án có lời giải; kế hoạch được khoá",
)
def submit_plan(request: HttpRequest, pk: RecordId, payload: PlanSubmitIn) -> Any:
    plan = plan_get(user=request.user, pk=pk)
    _state_check(plan, PlanStatus.SUBMITTED, request.user)
    form = checked(SubmitForm({"scenario": payload.scenario}, plan=plan))
    services.plan_submit(plan=plan, actor=request.user, scenario=form.cleaned_data["scenario"])
    return plan_detail(request, plan.pk)


@router.post(
    "/{pk}/actions/approve",
    response=PlanDetailOut,
    summary="Phê duyệt kế hoạch đã trình theo quyết định (số, ngày) và phê duyệt các đề án trong đó",
)
def approve_plan(request: HttpRequest, pk: RecordId, payload: PlanApproveIn) -> Any:
    plan = plan_get(user=request.user, pk=pk)
    _state_check(plan, PlanStatus.APPROVED, request.user)
    form = checked(
        ApproveForm({"decision_number": payload.decision_number, "decision_date": payload.decision_date})
    )
    services.plan_approve(
        plan=plan,
        actor=request.user,
        decision_number=form.cleaned_data["decision_number"],
        decision_date=form.cleaned_data["decision_date"],
    )
    return plan_detail(request, plan.pk)


@router.post(
    "/{pk}/actions/revise",
    response={201: PlanDetailOut},
    summary="Điều chỉnh kế hoạch đã trình hoặc đã phê duyệt: mở bản điều chỉnh (dự thảo) có lý do",
)
def revise_plan(request: HttpRequest, pk: RecordId, payload: PlanReviseIn) -> Any:
    plan = plan_get(user=request.user, pk=pk)
    _state_check(plan, PlanStatus.REVISED, request.user)
    form = checked(ReviseForm({"reason": payload.reason}))
    revision = services.plan_revise(plan=plan, actor=request.user, reason=form.cleaned_data["reason"])
    return Reply(201, plan_detail(request, revision.pk))


@router.get("/{pk}/history", response=list[HistoryOut], summary="Nhật ký thay đổi của kế hoạch")
@paginate(Page)
def plan_history(request: HttpRequest, pk: RecordId) -> Any:
    from khuyencong.core import audit

    return audit.history(plan_get(user=request.user, pk=pk))
