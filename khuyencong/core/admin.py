from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from khuyencong.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody edits history through the UI."""

    list_display = ("at", "action", "content_type", "object_repr", "actor")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "reason")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
