from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from khuyencong.establishments.models import Establishment
from khuyencong.privacy import policy


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    """Look-up only (user forms pick a representative's record here); edits go through the registry
    pages so that validation, duplicate checks and the audit trail apply."""

    search_fields = ("name", "tax_code")
    list_display = ("name", "masked_tax_code", "commune", "legal_form")
    # A look-up needs no person's numbers (privacy.policy): masked in the list, left out of the record.
    exclude = ("tax_code", "phone")

    @admin.display(description=_("mã số thuế"))
    def masked_tax_code(self, obj: Establishment) -> str:
        return policy.MASKED.value(obj, "tax_code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
