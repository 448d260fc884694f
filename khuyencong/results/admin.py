"""The indicator catalogue is data an administrator may adjust (names, units, rule); the rest is read-only
here because values, follow-ups and reports change only through their services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from khuyencong.results.models import FollowUp, Indicator, IndicatorTarget, IndicatorValue, ReportRun


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ("code", "name_vi", "name_en", "unit_vi", "rule", "origin", "disaggregated", "position")
    list_editable = ("position",)
    readonly_fields = ("code", "origin")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the code and origin are read by the aggregation; new ones come with a migration

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnly):
    list_display = ("project", "indicator", "period_start", "period_end", "value", "source")
    list_filter = ("indicator", "source")


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(ReadOnly):
    list_display = ("project", "indicator", "value", "set_by", "updated_at")


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnly):
    list_display = ("project", "months", "visited_on", "still_operating", "jobs_kept", "equipment_in_use")
    list_filter = ("months", "still_operating")


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnly):
    list_display = ("kind", "format", "status", "progress", "requested_by", "requested_at")
