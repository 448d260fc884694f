# No `from __future__ import annotations` here: django-ninja reads these annotations at run time.
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from khuyencong.plans import services
from khuyencong.plans.choices import PlanStatus
from khuyencong.plans.selectors import plan_current

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
