from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from khuyencong.accounts.scope import is_administrator
from khuyencong.transparency import services
from khuyencong.transparency.models import PublicationRule


@admin.register(PublicationRule)
class PublicationRuleAdmin(admin.ModelAdmin):
    """Administrators decide which project fields are public; every save goes through the audited service.

    The list of fields is fixed by code (no field outside it can be published), so rows are neither added
    nor deleted here.
    """

    list_display = ("field", "public", "note", "updated_at")
    list_editable = ("public",)
    list_filter = ("public",)
    fields = ("field", "public", "note")
    readonly_fields = ("field",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: PublicationRule, form: ModelForm, change: bool) -> None:
        services.policy_set(field=obj.field, public=obj.public, note=obj.note, actor=request.user)
