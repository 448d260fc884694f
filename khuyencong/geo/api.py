# No `from __future__ import annotations` here: django-ninja reads these annotations at run time.
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from khuyencong.api.paging import Page
from khuyencong.geo.selectors import UnitFilters, unit_get, unit_list

router = Router()


class UnitOut(Schema):
    id: int
    code: str
    generation: str
    level: str
    name: str
    short_name: str
    parent_id: int | None
    valid_from: str | None
    valid_to: str | None
    latitude: float | None
    longitude: float | None

    @staticmethod
    def resolve_valid_from(obj: Any) -> str | None:
        return obj.valid_from.isoformat() if obj.valid_from else None

    @staticmethod
    def resolve_valid_to(obj: Any) -> str | None:
        return obj.valid_to.isoformat() if obj.valid_to else None


class UnitDetailOut(UnitOut):
    successor_ids: list[int]
    predecessor_ids: list[int]

    @staticmethod
    def resolve_successor_ids(obj: Any) -> list[int]:
        return [u.pk for u in obj.successors.all()]

    @staticmethod
    def resolve_predecessor_ids(obj: Any) -> list[int]:
        return [u.pk for u in obj.predecessors.all()]


class UnitFilterIn(Schema):
    q: str = ""
    generation: str = ""
    level: str = ""
    province: int | None = None


@router.get("/units", response=list[UnitOut], summary="Đơn vị hành chính (trước và sau 01/07/2025)")
@paginate(Page)
def list_units(request: HttpRequest, filters: Query[UnitFilterIn]) -> Any:
    return unit_list(filters=UnitFilters(**filters.dict()))


@router.get("/units/{pk}", response=UnitDetailOut, summary="Một đơn vị, với các đơn vị kế thừa và tiền thân")
def get_unit(request: HttpRequest, pk: int) -> Any:
    return unit_get(pk=pk)


class PriorityOut(Schema):
    id: int
    kind: str
    kind_label: str
    valid_from: str
    valid_to: str | None
    legal_basis: str
    verified: bool = Field(..., description="false: chưa đối chiếu văn bản gốc.")
    note: str

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_valid_from(obj: Any) -> str:
        return str(obj.valid_from.isoformat())

    @staticmethod
    def resolve_valid_to(obj: Any) -> str | None:
        return obj.valid_to.isoformat() if obj.valid_to else None


@router.get(
    "/units/{pk}/priorities",
    response=list[PriorityOut],
    summary="Phân loại địa bàn ưu tiên của một đơn vị (khó khăn, biên giới, NTM...), mới nhất trước",
)
def list_priorities(request: HttpRequest, pk: int) -> Any:
    unit = unit_get(pk=pk)
    return list(unit.priorities.order_by("-valid_from", "kind"))
