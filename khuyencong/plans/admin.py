"""Plans are changed through their pages and services (transition table, audit); the admin only reads."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from khuyencong.plans.models import AnnualPlan, Scenario


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ReadOnly):
    list_display = ("__str__", "status", "decision_number", "decision_date")
    list_filter = ("level", "status")


@admin.register(Scenario)
class ScenarioAdmin(ReadOnly):
    list_display = ("name", "plan", "status", "value", "gap", "created_at")
