from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from khuyencong.establishments.models import Establishment


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    """Look-up only (user forms pick a representative's record here); edits go through the registry
    pages so that validation, duplicate checks and the audit trail apply."""

    search_fields = ("name", "tax_code")
    list_display = ("name", "tax_code", "commune", "legal_form")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
