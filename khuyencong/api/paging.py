"""Paging shared by every list endpoint."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PaginationBase
from pydantic import Field


class Page(PaginationBase):
    """?page=N&page_size=M → {items, count, page, pages}."""

    class Input(Schema):
        # Bounded so the offset stays a 64-bit integer in SQL (schemathesis found page=3·10^18 failing).
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(25, ge=1, le=200)

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        pages: int

    def paginate_queryset(self, queryset: Any, pagination: Input, request: HttpRequest, **params: Any) -> Any:
        # A list (rows built in Python) counts with len(); a queryset with one COUNT query.
        count = len(queryset) if isinstance(queryset, list) else queryset.count()
        start = (pagination.page - 1) * pagination.page_size
        return {
            "items": list(queryset[start : start + pagination.page_size]),
            "count": count,
            "page": pagination.page,
            "pages": max(1, math.ceil(count / pagination.page_size)),
        }
