"""The public list as CSV and JSON: the same projection as the pages, columns only for public fields.

Money is whole đồng and dates ISO 8601 (2012-08-07) so that any program reads them the same way; the
CSV starts with a byte-order mark so that Excel opens the Vietnamese text as UTF-8.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from khuyencong.core.export import FORMULA_START
from khuyencong.projects.choices import ExpectedIndicator
from khuyencong.results.choices import IndicatorOrigin
from khuyencong.results.models import Indicator
from khuyencong.transparency.choices import PublicField
from khuyencong.transparency.selectors import Policy, PublicProject, ResultRow

F = PublicField
Absolute = Callable[[str], str]


def json_document(
    rows: Sequence[PublicProject],
    *,
    policy: Policy,
    absolute: Absolute,
    filters: dict[str, str],
    generated: str,
) -> bytes:
    projects = []
    for row in rows:
        record = row.record()
        record["url"] = absolute(record["url"])
        if "photos" in record:
            record["photos"] = [absolute(url) for url in record["photos"]]
        projects.append(record)
    document = {
        "generated_at": generated,
        "currency": "VND",
        "filters": filters,
        "count": len(projects),
        "public_fields": sorted(policy.public),
        "projects": projects,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def json_error(errors: Mapping[str, Sequence[str]]) -> bytes:
    """The API's one error body: {"detail": ..., "errors": [{"field": ..., "message": ...}]}."""
    rows = [{"field": name, "message": message} for name, messages in errors.items() for message in messages]
    detail = " ".join(row["message"] for row in rows)
    return json.dumps({"detail": detail, "errors": rows}, ensure_ascii=False).encode()


def _columns(policy: Policy) -> list[tuple[str, Callable[[PublicProject], Any]]]:
    shows = policy.shows
    columns: list[tuple[str, Callable[[PublicProject], Any]]] = [(_("Mã đề án"), lambda r: r.code)]
    if shows(F.TITLE):
        columns.append((_("Tên đề án"), lambda r: r.title))
    if shows(F.CATEGORY):
        columns.append((_("Nội dung hỗ trợ"), lambda r: r.category_label))
    if shows(F.LEVEL):
        columns.append((_("Cấp khuyến công"), lambda r: r.level_label))
        columns.append((_("Đề án điểm"), lambda r: _("có") if r.is_pilot else _("không")))
    if shows(F.PLAN_YEAR):
        columns.append((_("Năm kế hoạch"), lambda r: r.plan_year))
    if shows(F.COMMUNE):
        columns.append((_("Địa điểm"), lambda r: r.commune))
        columns.append((_("Vĩ độ"), lambda r: r.latitude))
        columns.append((_("Kinh độ"), lambda r: r.longitude))
    if shows(F.DESCRIPTION):
        columns.append((_("Mô tả"), lambda r: r.description))
    if shows(F.IMPLEMENTING_UNIT):
        columns.append((_("Đơn vị thực hiện"), lambda r: r.implementing_unit))
    if shows(F.PARTNERS):
        columns.append((_("Cơ quan phối hợp"), lambda r: "; ".join(r.partners or [])))
    columns.append(
        (
            _("Cơ sở thụ hưởng"),
            lambda r: "; ".join(f"{b.name} ({b.form})" if b.name else b.form for b in r.beneficiaries),
        )
    )
    if shows(F.DATES):
        columns.append((_("Ngày bắt đầu"), lambda r: _iso(r.start_date)))
        columns.append((_("Ngày kết thúc"), lambda r: _iso(r.end_date)))
    if shows(F.DECISION):
        columns.append((_("Số quyết định phê duyệt"), lambda r: r.decision_number))
        columns.append((_("Ngày quyết định"), lambda r: _iso(r.decision_date)))
    if shows(F.APPROVED):
        columns.append((_("Kinh phí hỗ trợ được duyệt (đồng)"), lambda r: r.approved_support))
    if shows(F.ADVANCED):
        columns.append((_("Đã tạm ứng (đồng)"), lambda r: r.advanced))
    if shows(F.SETTLED):
        columns.append((_("Kinh phí quyết toán (đồng)"), lambda r: r.settled_amount))
    names = {i.code: i.name for i in Indicator.objects.all()}
    for code in ExpectedIndicator.values:
        name = names.get(code) or str(ExpectedIndicator(code).label)
        if shows(F.EXPECTED_RESULTS):
            columns.append((_("%(name)s – dự kiến") % {"name": name}, _result(code, "expected")))
        if shows(F.ACHIEVED_RESULTS):
            columns.append((_("%(name)s – đạt được") % {"name": name}, _result(code, "achieved")))
    if shows(F.LATER_RESULTS):
        for indicator in Indicator.objects.filter(origin=IndicatorOrigin.RECORDED).order_by(
            "position", "code"
        ):
            columns.append(
                (
                    _("%(name)s – mục tiêu") % {"name": indicator.name},
                    _result(indicator.code, "expected", later=True),
                )
            )
            columns.append(
                (
                    _("%(name)s – ghi nhận") % {"name": indicator.name},
                    _result(indicator.code, "achieved", later=True),
                )
            )
    if shows(F.STATUS):
        columns.append((_("Trạng thái"), lambda r: r.status_label))
    return columns


def _iso(day: Any) -> str | None:
    return day.isoformat() if day else None


def _result(code: str, attr: str, *, later: bool = False) -> Callable[[PublicProject], Any]:
    def read(row: PublicProject) -> Any:
        found: ResultRow | None = next(
            (r for r in (row.later_results if later else row.results) if r.code == code), None
        )
        return getattr(found, attr) if found else None

    return read


def _cell(value: Any) -> Any:
    """Text that starts like a formula is kept as text (apostrophe), as the internal lists do."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_document(rows: Sequence[PublicProject], *, policy: Policy, absolute: Absolute) -> bytes:
    columns = _columns(policy)
    if policy.shows(F.PHOTOS):
        columns.append((_("Ảnh"), lambda r: " ".join(absolute(p.url) for p in r.photos)))
    columns.append((_("Trang công khai"), lambda r: absolute(r.url)))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header for header, _read in columns])
    for row in rows:
        writer.writerow([_cell(read(row)) for _header, read in columns])
    return ("\ufeff" + out.getvalue()).encode()
