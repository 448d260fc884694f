# No `from __future__ import annotations` here: django-ninja reads these annotations at run time.
import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from khuyencong.api.paging import Page
from khuyencong.rules.selectors import MAX_VND, SupportLimit, ruleset_list, support_limit

router = Router()


def decimal_string(value: Decimal) -> str:
    """Exact and plain: Decimal('10.00') -> '10', not '1E+1'; strings so no client reads a float."""
    return format(value.normalize(), "f")


class SupportLimitIn(Schema):
    category: str = Field(
        ...,
        description="Mã nội dung khuyến công (DESIGN §3), ví dụ demonstration_model, machinery_application.",
    )
    subtype: str = Field(
        "",
        description="new_technology, efficient_establishment, equipment, production_line; để trống = loại chính.",
    )
    level: str = Field(..., description="national (khuyến công quốc gia) hoặc local (địa phương).")
    province: str = Field("", description="Mã thống kê 2 chữ số của tỉnh, ví dụ 20; để trống = mức chung.")
    on: dt.date = Field(..., description="Ngày tham chiếu (ngày nộp đề án), YYYY-MM-DD.")
    eligible_cost: int | None = Field(None, ge=0, le=MAX_VND, description="Chi phí hợp lệ, số nguyên đồng.")


class SupportLimitOut(Schema):
    applies: bool = Field(..., description="false: chưa có mức trần cho ngày này; cảnh báo, không chặn.")
    max_support_vnd: int | None = Field(..., description="min(floor(tỷ lệ × chi phí), mức tối đa × hệ số).")
    max_share: str | None = Field(
        ..., description="Tỷ lệ tối đa dạng phân số thập phân chính xác, '0.3' = 30 %."
    )
    max_share_basis_points: int | None = Field(..., description="Tỷ lệ tối đa theo phần vạn, 3000 = 30 %.")
    max_amount_vnd: int | None = Field(..., description="Mức tối đa trước khi nhân hệ số, đồng.")
    multiplier: str | None = Field(..., description="Hệ số, ví dụ '1.5' cho dây chuyền công nghệ.")
    amount_limit_vnd: int | None = Field(..., description="Mức tối đa × hệ số, làm tròn xuống, đồng.")
    legal_basis: str
    valid_from: dt.date | None = Field(..., description="null: chưa rõ ngày bắt đầu hiệu lực.")
    valid_to: dt.date | None
    verified: bool = Field(..., description="false: chưa đối chiếu văn bản gốc.")
    rule_set_id: int | None
    category: str
    subtype: str = Field(..., description="Loại được hỏi (để trống được hiểu là loại chính).")
    applied_subtype: str = Field(
        ..., description="Loại của mức được áp dụng (khác `subtype` khi dùng mức thay thế)."
    )
    eligible_cost: int | None
    message: str

    @staticmethod
    def resolve_max_share(obj: SupportLimit) -> str | None:
        return decimal_string(obj.max_share) if obj.max_share is not None else None

    @staticmethod
    def resolve_max_share_basis_points(obj: SupportLimit) -> int | None:
        return obj.max_share_bp

    @staticmethod
    def resolve_multiplier(obj: SupportLimit) -> str | None:
        return decimal_string(obj.multiplier) if obj.multiplier is not None else None


class CapRuleOut(Schema):
    id: int
    category: str
    subtype: str
    max_share_basis_points: int | None
    max_amount_vnd: int | None
    multiplier: str
    verified: bool
    note: str

    @staticmethod
    def resolve_max_share_basis_points(obj: Any) -> int | None:
        return obj.max_share_bp

    @staticmethod
    def resolve_multiplier(obj: Any) -> str:
        return decimal_string(obj.multiplier)


class RuleSetOut(Schema):
    id: int
    legal_basis: str
    document: str
    article: str
    amended_by: str
    level: str
    province: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    verified: bool
    note: str
    cap_rules: list[CapRuleOut]

    @staticmethod
    def resolve_cap_rules(obj: Any) -> list[Any]:
        return list(obj.cap_rules.all())


@router.get(
    "/support-limit",
    response=SupportLimitOut,
    auth=None,
    summary="Mức hỗ trợ tối đa theo văn bản có hiệu lực vào ngày nộp (công khai, không cần đăng nhập)",
)
def get_support_limit(request: HttpRequest, params: Query[SupportLimitIn]) -> Any:
    # Bad codes raise django's ValidationError naming the field; the API turns it into the 422 body.
    return support_limit(**params.dict())


@router.get("/rule-sets", response=list[RuleSetOut], summary="Các bộ mức hỗ trợ tối đa và căn cứ pháp lý")
@paginate(Page)
def list_rule_sets(request: HttpRequest) -> Any:
    return ruleset_list().prefetch_related("cap_rules")


@router.get("/rule-sets/{pk}", response=RuleSetOut, summary="Một bộ mức hỗ trợ tối đa và các mức của nó")
def get_rule_set(request: HttpRequest, pk: int) -> Any:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(ruleset_list().prefetch_related("cap_rules"), pk=pk)
