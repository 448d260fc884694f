from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from khuyencong.accounts.scope import is_administrator
from khuyencong.privacy.models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Read only: a log nobody edits or deletes from the admin."""

    list_display = ("at", "user", "content_type", "object_id", "fields", "route", "record_count")
    list_filter = ("route", "content_type")
    search_fields = ("user__username", "path")
    date_hierarchy = "at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
