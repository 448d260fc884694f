"""The support cap shown beside a project's amounts: which rule applies on the reference date, and
whether the support asked for is above it. Pages and the API show the same figure from here; the
services enforce it (`services.check_cap`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from khuyencong.geo.models import AdministrativeUnit
from khuyencong.projects import services
from khuyencong.projects.models import Project
from khuyencong.rules.selectors import SupportLimit, support_limit


def province_of(unit: AdministrativeUnit | None) -> str:
    if unit is not None:
        return services.province_code(unit)
    return "" if settings.KHUYENCONG_PROVINCE == "all" else settings.KHUYENCONG_PROVINCE


def cap_context(
    *,
    category: str,
    subtype: str,
    level: str,
    unit: AdministrativeUnit | None,
    eligible_cost: int | None,
    requested: int,
    on: dt.date,
) -> dict[str, Any]:
    """The legal maximum for these amounts on the reference date, for the pages to show beside them."""
    if not category or not level:
        return {}
    try:
        limit: SupportLimit = support_limit(
            category=category,
            subtype=subtype or "",
            level=level,
            province=province_of(unit),
            on=on,
            eligible_cost=eligible_cost,
        )
    except ValidationError:
        return {}
    above = limit.applies and limit.max_support_vnd is not None and requested > limit.max_support_vnd
    return {"limit": limit, "requested": requested, "above_cap": above, "cap_on": on}


def reference_date(project: Project | None) -> dt.date:
    """The submission date where there is one (the cap of that date applies), else today."""
    if project is not None and project.submitted_on:
        return project.submitted_on
    return timezone.localdate()


def project_cap(project: Project) -> dict[str, Any]:
    return cap_context(
        category=project.category,
        subtype=project.subtype,
        level=project.level,
        unit=project.unit,
        eligible_cost=project.eligible_cost,
        requested=project.requested_support,
        on=reference_date(project),
    )
