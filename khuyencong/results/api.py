# No `from __future__ import annotations` here: django-ninja reads these annotations at run time.
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Router

from khuyencong.results.aggregation import Filters, summary

router = Router()


@router.get(
    "/summary",
    summary="Tổng hợp kết quả khuyến công theo giai đoạn",
    description=(
        "Hợp đồng ổn định cho công cụ khác: cùng JSON với lệnh `khuyencong report_summary`. "
        "Tham số: from_year, to_year (1990–2100, from_year ≤ to_year), units=recorded|current, province "
        "(mã thống kê). Mọi số tiền là số nguyên đồng. Đề án được tính: năm kế hoạch trong khoảng, đã phê "
        "duyệt trở đi, trừ đề án đã huỷ; kết quả: số liệu nghiệm thu đạt. by_sector theo ngành của cơ sở thụ hưởng "
        "đầu tiên; đề án không có cơ sở thụ hưởng nằm ở khoá “unspecified”."
    ),
    response={200: dict[str, Any]},
)
def report_summary(request: HttpRequest) -> Any:
    from khuyencong.api.api import error

    try:
        filters = Filters.from_params(
            {k: request.GET.get(k) for k in ("from_year", "to_year", "units", "province")},
            default_years=(0, 0),
        )
    except ValidationError as exc:
        items = [
            {"field": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
        response: HttpResponse = error(request, 400, items[0]["message"] if items else str(exc), items)
        return response
    return summary(user=request.user, filters=filters)
