from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from khuyencong.accounts.scope import is_administrator
from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.projects.models import AcceptanceChecklistItem


@admin.register(AcceptanceChecklistItem)
class AcceptanceChecklistItemAdmin(admin.ModelAdmin):
    """The acceptance checklist is configurable data that administrators keep: every save is audited.

    Items are retired (untick "đang dùng"), never deleted, since past acceptances point at them and keep
    the wording they were asked with.
    """

    list_display = ("text", "category", "order", "required", "active", "verified")
    list_filter = ("category", "active", "required", "verified")
    search_fields = ("text", "note")
    ordering = ("category", "order", "id")
    fields = ("category", "order", "text", "required", "active", "verified", "note")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: AcceptanceChecklistItem, form: ModelForm, change: bool
    ) -> None:
        before = audit.snapshot(AcceptanceChecklistItem.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            instance=obj,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            actor=request.user,
            before=before,
        )
