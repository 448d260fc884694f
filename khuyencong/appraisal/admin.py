"""Criteria sets are edited by administrators in the admin (/quan-tri/), with an audit row per change.

A set that a council already scores against keeps its criteria as they are (its name, basis, validity,
note and verified flag may still be corrected): changing a weight then would change totals already
submitted. To change the criteria of such a set, copy it and edit the copy.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.scope import is_administrator
from khuyencong.appraisal import services
from khuyencong.appraisal.models import FULL_MARKS, CriteriaSet, Criterion
from khuyencong.core import audit
from khuyencong.core.models import AuditAction


class CriterionFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        if not kept:
            return
        total = sum(int(data.get("weight") or 0) for data in kept)
        if total != FULL_MARKS:
            raise ValidationError(
                _(
                    "Tổng trọng số các tiêu chí là %(total)s, phải bằng %(full)s (điểm tổng tính trên thang 100)."
                )
                % {"total": total, "full": FULL_MARKS}
            )


class CriterionInline(admin.TabularInline):
    model = Criterion
    formset = CriterionFormSet
    extra = 0
    fields = ("order", "code", "label", "max_points", "weight", "priority_kind")

    def _frozen(self, obj: Any) -> bool:
        return obj is not None and obj.is_in_use()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user) and not self._frozen(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user) and not self._frozen(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user) and not self._frozen(obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ("name", "valid_from", "valid_to", "verified", "weight_total", "in_use")
    list_filter = ("verified",)
    search_fields = ("name", "legal_basis", "note")
    fields = ("name", "legal_basis", "verified", "valid_from", "valid_to", "note")
    inlines = (CriterionInline,)
    actions = ("copy_sets",)

    @admin.display(description=gettext_lazy("tổng trọng số"))
    def weight_total(self, obj: CriteriaSet) -> int:
        return obj.total_weight()

    @admin.display(description=gettext_lazy("hội đồng đang dùng"), boolean=True)
    def in_use(self, obj: CriteriaSet) -> bool:
        return obj.is_in_use()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user) and not (obj is not None and obj.is_in_use())

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: CriteriaSet, form: Any, change: bool) -> None:
        before = audit.snapshot(CriteriaSet.objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        changes = audit.diff(before, audit.snapshot(obj))
        if changes or not change:
            audit.record(
                instance=obj,
                action=AuditAction.UPDATE if change else AuditAction.CREATE,
                actor=request.user,
                changes=changes,
            )

    @transaction.atomic
    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Criterion:
            super().save_formset(request, form, formset, change)
            return
        saved: list[Criterion] = formset.save(commit=False)
        for gone in formset.deleted_objects:
            audit.record(instance=gone, action=AuditAction.DELETE, actor=request.user)
            gone.delete()
        for criterion in saved:
            is_new = criterion.pk is None
            before = {} if is_new else audit.snapshot(Criterion.objects.get(pk=criterion.pk))
            criterion.save()
            changes = audit.diff(before, audit.snapshot(criterion))
            if changes:
                audit.record(
                    instance=criterion,
                    action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
                    actor=request.user,
                    changes=changes,
                )
        formset.save_m2m()

    @transaction.atomic
    def delete_model(self, request: HttpRequest, obj: CriteriaSet) -> None:
        for criterion in obj.criteria.all():
            audit.record(instance=criterion, action=AuditAction.DELETE, actor=request.user)
        audit.record(instance=obj, action=AuditAction.DELETE, actor=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[CriteriaSet]) -> None:
        # The admin refuses to delete a set a council uses (PROTECT) before it gets here.
        for obj in queryset:
            self.delete_model(request, obj)

    @admin.action(description=gettext_lazy("Sao chép thành bộ tiêu chí mới (để sửa)"))
    def copy_sets(self, request: HttpRequest, queryset: models.QuerySet[CriteriaSet]) -> None:
        for obj in queryset:
            copy = services.criteria_set_copy(criteria_set=obj, actor=request.user)
            self.message_user(
                request, _("Đã sao chép thành “%(name)s”.") % {"name": copy.name}, level=messages.SUCCESS
            )
