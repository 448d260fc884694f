from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from khuyencong.rules.models import CapRule, RuleSet


class CapRuleInline(admin.TabularInline):
    model = CapRule
    extra = 0
    fields = ("category", "subtype", "max_share_bp", "max_amount_vnd", "multiplier", "verified", "note")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """Look-up only: edits go through the support-cap pages so the overlap check and the audit trail
    apply to every change."""

    list_display = ("document", "article", "level", "province", "valid_from", "valid_to", "verified")
    list_filter = ("level", "verified")
    search_fields = ("document", "note")
    inlines = (CapRuleInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
