# No `from __future__ import annotations` here: django-ninja reads these annotations at run time.
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from khuyencong.api.paging import Page
from khuyencong.establishments.selectors import EstablishmentFilters, establishment_get, establishment_list

router = Router()


class EstablishmentOut(Schema):
    id: int
    name: str
    legal_form: str
    tax_code: str
    representative: str
    address: str
    commune_id: int
    commune: str
    sector: str
    workers: int
    women_workers: int
    ethnic_minority_workers: int
    founded_year: int | None
    products: str
    merged_into_id: int | None

    @staticmethod
    def resolve_commune(obj: Any) -> str:
        return str(obj.commune)


class EstablishmentFilterIn(Schema):
    q: str = ""
    commune: int | None = None
    sector: str = ""
    legal_form: str = ""


@router.get("", response=list[EstablishmentOut], summary="Danh sách, tìm kiếm cơ sở CNNT (không cần gõ dấu)")
@paginate(Page)
def list_establishments(request: HttpRequest, filters: Query[EstablishmentFilterIn]) -> Any:
    return establishment_list(user=request.user, filters=EstablishmentFilters(**filters.dict()))


@router.get("/{pk}", response=EstablishmentOut, summary="Một cơ sở CNNT")
def get_establishment(request: HttpRequest, pk: int) -> Any:
    return establishment_get(user=request.user, pk=pk)
