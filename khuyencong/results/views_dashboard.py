"""The dashboard: figures, charts and a map for any period, place mode, unit, fund, level and category.

Filters live in the query string (a GET form), so a view can be bookmarked, shared and printed; every
chart is inline SVG drawn from `charts` with its data table beside it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Min, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.choices import Role
from khuyencong.core.http import AuthedRequest
from khuyencong.geo.choices import Generation, Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.projects.choices import ContentCategory, FundingSource, ProgrammeLevel
from khuyencong.projects.models import Project
from khuyencong.results import aggregation, charts
from khuyencong.results.aggregation import COUNTED, Filters
from khuyencong.results.choices import UnitMode
from khuyencong.results.templatetags.results_vn import query

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.LEADER, Role.COMMUNE_OFFICER})


def may_read_figures(user: Any) -> bool:
    return bool(user.is_superuser or user.role in READERS)


def default_years(user: Any) -> tuple[int, int]:
    """The span of the counted projects the user sees; this year when there are none."""
    span = (
        Project.objects.visible_to(user)
        .filter(status__in=COUNTED)
        .aggregate(lo=Min("plan_year"), hi=Max("plan_year"))
    )
    year = timezone.localdate().year
    return int(span["lo"] or year), int(span["hi"] or year)


def province_code(filters: Filters) -> str:
    return filters.province or (
        "" if settings.KHUYENCONG_PROVINCE == "all" else str(settings.KHUYENCONG_PROVINCE)
    )


def unit_choices(filters: Filters) -> list[tuple[str, list[tuple[int, str]]]]:
    """Units to filter by: a province's communes (current ones in current mode; old districts and communes
    too as recorded). A nationwide installation lists the provinces, and the communes of the province the
    chosen unit is in, so the list stays short."""
    code = province_code(filters)
    if not code and filters.unit:
        chosen = AdministrativeUnit.objects.filter(pk=filters.unit).select_related("parent__parent").first()
        node = chosen
        while node is not None and node.level != Level.PROVINCE:
            node = node.parent
        code = node.code if node is not None else ""
    groups: list[tuple[str, list[tuple[int, str]]]] = []
    if not province_code(filters):
        provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE)
        if filters.units == UnitMode.CURRENT:
            provinces = provinces.filter(generation=Generation.CURRENT)
        groups.append(
            (
                _("Tỉnh, thành phố"),
                [
                    (u.pk, f"{u.name} ({u.get_generation_display()})")
                    for u in provinces.order_by("generation", "code")
                ],
            )
        )
        if not code:
            return groups
    current = AdministrativeUnit.objects.filter(
        generation=Generation.CURRENT, level=Level.COMMUNE, parent__code=code
    )
    groups.append(
        (_("Xã, phường từ 01/07/2025"), [(u.pk, u.name) for u in current.order_by("short_name", "code")])
    )
    if filters.units == UnitMode.RECORDED:
        legacy = AdministrativeUnit.objects.filter(
            generation=Generation.LEGACY, level__in=[Level.DISTRICT, Level.COMMUNE]
        ).filter(Q(parent__code=code, parent__level=Level.PROVINCE) | Q(parent__parent__code=code))
        rows = legacy.select_related("parent").order_by("level", "parent__short_name", "short_name")
        groups.append((_("Huyện, xã trước 01/07/2025"), [(u.pk, str(u)) for u in rows]))
    return groups


def _map(filters: Filters, places: list[aggregation.Place], params: dict[str, str]) -> charts.MapChart:
    code = province_code(filters)
    generation = Generation.CURRENT if filters.units == UnitMode.CURRENT else Generation.LEGACY
    background = AdministrativeUnit.objects.filter(
        generation=generation, level=Level.COMMUNE, latitude__isnull=False, longitude__isnull=False
    )
    if code:
        background = background.filter(parent__code=code) | background.filter(parent__parent__code=code)
    rows = []
    for place in places:
        unit = place.unit
        lat = unit.latitude if unit.latitude is not None else getattr(unit.parent, "latitude", None)
        lon = unit.longitude if unit.longitude is not None else getattr(unit.parent, "longitude", None)
        rows.append(
            (
                lat,
                lon,
                str(unit),
                place.figures.projects,
                place.figures.support,
                place.figures.jobs_created,
                query(params, unit=unit.pk),
            )
        )
    return charts.project_map(background.values_list("latitude", "longitude") if code else [], rows)


@login_required
def dashboard_view(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not may_read_figures(user):
        raise PermissionDenied(_("Vai trò của bạn không xem bảng tổng hợp."))
    try:
        filters = Filters.from_params(request.GET, default_years=default_years(user))
    except ValidationError as error:
        return render(
            request,
            "results/dashboard_error.html",
            {"errors": [m for messages in error.message_dict.values() for m in messages]},
            status=400,
        )
    params = filters.as_params()
    seen = aggregation.overview(user=user, filters=filters)
    total, years, categories, places = seen.total, seen.years, seen.categories, seen.places
    durability = seen.durability
    year_labels = [str(r.key) for r in years]
    year_links = [query(params, from_year=r.key, to_year=r.key) for r in years]
    context = {
        "filters": filters,
        "params": params,
        "total": total,
        "years": years,
        "categories": categories,
        "places": places,
        "durability": durability,
        "year_chart": charts.bars(
            _("Kinh phí hỗ trợ được duyệt theo năm"),
            year_labels,
            [(_("Kinh phí hỗ trợ"), [r.support for r in years])],
            hrefs=year_links,
        ),
        "category_chart": charts.hbars(
            _("Kinh phí hỗ trợ theo nội dung"),
            [(r.label, r.support, query(params, category=r.key)) for r in categories],
        ),
        "fund_chart": charts.bars(
            _("Cơ cấu nguồn kinh phí theo năm"),
            year_labels,
            [
                (str(FundingSource.CENTRAL.label), [r.central for r in years]),
                (str(FundingSource.PROVINCIAL.label), [r.provincial for r in years]),
            ],
            stacked=True,
            hrefs=year_links,
        ),
        "jobs_chart": charts.trend(
            _("Lao động có việc làm theo năm kế hoạch"),
            year_labels,
            [r.jobs_created for r in years],
            hrefs=year_links,
        ),
        "disbursement_chart": charts.bars(
            _("Kinh phí được duyệt và đã giải ngân"),
            year_labels,
            [
                (_("Được duyệt"), [r.support for r in years]),
                (_("Đã giải ngân"), [r.disbursed for r in years]),
            ],
            hrefs=year_links,
        ),
        "map": _map(filters, places, params),
        "unit_choices": unit_choices(filters),
        "unit_modes": UnitMode.choices,
        "funds": [(f.value, f.label) for f in (FundingSource.CENTRAL, FundingSource.PROVINCIAL)],
        "levels": ProgrammeLevel.choices,
        "category_choices": ContentCategory.choices,
        "more_places": seen.more_places,
        "selected_unit": AdministrativeUnit.objects.filter(pk=filters.unit).first() if filters.unit else None,
    }
    return render(request, "results/dashboard.html", context)
