"""Reads of projects, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from khuyencong.geo.selectors import expand_units
from khuyencong.projects.models import Project, ProjectQuerySet, code_key


@dataclass(frozen=True)
class ProjectFilters:
    q: str = ""
    status: str = ""
    category: str = ""
    year: int | None = None
    level: str = ""
    # A unit finds the projects recorded in it, in the units under it and in the old units that became
    # part of it, so a current commune also finds its projects from before the 2025 reform.
    unit: int | None = None
    is_pilot: bool | None = None

    def apply(self, qs: ProjectQuerySet) -> ProjectQuerySet:
        if self.q.strip():
            qs = qs.filter(search_key__matches=self.q)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.category:
            qs = qs.filter(category=self.category)
        if self.year:
            qs = qs.filter(plan_year=self.year)
        if self.level:
            qs = qs.filter(level=self.level)
        if self.unit is not None:
            qs = qs.filter(unit_id__in=expand_units([self.unit]))
        if self.is_pilot is not None:
            qs = qs.filter(is_pilot=self.is_pilot)
        return qs


def project_list(*, user: Any, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    qs = (filters or ProjectFilters()).apply(Project.objects.visible_to(user))
    return qs.select_related("unit", "unit__parent").prefetch_related("budget_lines", "beneficiaries")


def project_get(*, user: Any, code: str) -> Project:
    """404 outside the caller's scope; the code may be typed without diacritics."""
    return get_object_or_404(
        Project.objects.visible_to(user)
        .select_related("unit", "unit__parent", "created_by")
        .prefetch_related("budget_lines", "beneficiaries", "expected_results", "advances", "recoveries"),
        code_key=code_key(code),
    )
