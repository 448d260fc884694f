"""Reads of plans, always through the user's scope (province-wide roles only)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from khuyencong.plans.models import AnnualPlan, Scenario, ScenarioLine


def plan_list(*, user: Any) -> QuerySet[AnnualPlan]:
    return AnnualPlan.objects.visible_to(user).select_related("chosen_scenario", "revises")


def plan_get(*, user: Any, pk: int) -> AnnualPlan:
    """404 for anyone who does not see plans."""
    return get_object_or_404(
        plan_list(user=user).prefetch_related("envelopes", "category_rules", "overrides", "partials"), pk=pk
    )


def plan_current(*, user: Any, year: int, level: str) -> AnnualPlan | None:
    """The plan in force for a year and level (not a superseded one), if the user sees plans."""
    return plan_list(user=user).filter(year=year, level=level).exclude(status="revised").first()


def scenario_get(*, plan: AnnualPlan, pk: int) -> Scenario:
    return get_object_or_404(Scenario.objects.select_related("plan", "created_by"), plan=plan, pk=pk)


def scenario_lines(scenario: Scenario) -> QuerySet[ScenarioLine]:
    return scenario.lines.select_related("project", "project__unit").prefetch_related(
        "project__beneficiaries", "project__budget_lines"
    )
