from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core import export
from khuyencong.core.forms import add_service_error
from khuyencong.rules import selectors, services
from khuyencong.rules.forms import CalculatorForm, CapRuleForm, ReasonForm, RuleSetForm
from khuyencong.rules.models import RuleSet
from khuyencong.rules.tables import RULE_SETS


def _require_admin(request: HttpRequest) -> None:
    if not services.can_manage_rules(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được sửa mức hỗ trợ tối đa."))


@login_required
def ruleset_list(request: HttpRequest) -> HttpResponseBase:
    fmt = export.requested(request)
    if fmt:
        return export.response(RULE_SETS, selectors.ruleset_list(), fmt)
    today = timezone.localdate()
    rule_sets = list(selectors.ruleset_list())
    return render(
        request,
        "rules/ruleset_list.html",
        {
            "rule_sets": rule_sets,
            "today": today,
            "in_force": {rs.pk for rs in rule_sets if rs.is_in_force_on(today)},
            "table": RULE_SETS,
            "can_manage": services.can_manage_rules(request.user),
        },
    )


@login_required
def ruleset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = selectors.ruleset_get(pk=pk)
    can_manage = services.can_manage_rules(request.user)
    return render(
        request,
        "rules/ruleset_detail.html",
        {
            "rule_set": rule_set,
            "rules": rule_set.cap_rules.all(),
            "in_force": rule_set.is_in_force_on(timezone.localdate()),
            "can_manage": can_manage,
            "history": selectors.ruleset_history(rule_set).select_related("actor")[:100]
            if can_manage
            else [],
        },
    )


@login_required
def ruleset_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = RuleSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule_set = services.ruleset_create(actor=request.user, data=form.to_data())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Đã thêm bộ mức “%(name)s”. Hãy thêm các mức của văn bản.") % {"name": rule_set}
            )
            return redirect(rule_set)
    return render(request, "rules/ruleset_form.html", {"form": form, "rule_set": None})


@login_required
def ruleset_update(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    rule_set = selectors.ruleset_get(pk=pk)
    # The form validates a copy, so the service still sees the stored values it must audit against.
    form = RuleSetForm(request.POST or None, instance=selectors.ruleset_get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.ruleset_update(actor=request.user, rule_set=rule_set, data=form.to_data())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu bộ mức."))
            return redirect(rule_set)
    return render(request, "rules/ruleset_form.html", {"form": form, "rule_set": rule_set})


@login_required
def ruleset_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    rule_set = selectors.ruleset_get(pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.ruleset_delete(actor=request.user, rule_set=rule_set, reason=form.cleaned_data["reason"])
        messages.success(request, _("Đã xoá bộ mức “%(name)s”.") % {"name": rule_set})
        return redirect("rules:list")
    return render(
        request, "rules/confirm_delete.html", {"form": form, "rule_set": rule_set, "what": str(rule_set)}
    )


def _caprule_form(request: HttpRequest, rule_set: RuleSet, rule: Any = None) -> HttpResponse:
    initial = CapRuleForm.initial_for(rule) if rule is not None else None
    form = CapRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if rule is None:
                services.caprule_create(actor=request.user, rule_set=rule_set, data=form.to_data())
            else:
                services.caprule_update(actor=request.user, rule=rule, data=form.to_data())
        except ValidationError as exc:
            add_service_error(form, exc, CapRuleForm.FIELD_FOR)
        else:
            messages.success(request, _("Đã lưu mức hỗ trợ tối đa."))
            return redirect(rule_set)
    return render(request, "rules/caprule_form.html", {"form": form, "rule_set": rule_set, "rule": rule})


@login_required
def caprule_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    return _caprule_form(request, selectors.ruleset_get(pk=pk))


@login_required
def caprule_update(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    rule = selectors.caprule_get(pk=pk)
    return _caprule_form(request, rule.rule_set, rule)


@login_required
def caprule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    rule = selectors.caprule_get(pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.caprule_delete(actor=request.user, rule=rule, reason=form.cleaned_data["reason"])
        messages.success(request, _("Đã xoá mức “%(name)s”.") % {"name": rule.label})
        return redirect(rule.rule_set)
    return render(
        request, "rules/confirm_delete.html", {"form": form, "rule_set": rule.rule_set, "what": rule.label}
    )


def calculator(request: HttpRequest) -> HttpResponse:
    """Open to everyone: applicants check the cap before they apply, as the public API lets them."""
    form = CalculatorForm(request.GET or None)
    limit = None
    above_cap = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query = {
            "category": data["category"],
            "subtype": data["subtype"] or "",
            "level": data["level"],
            "province": data["province"] or "",
            "on": data["on"],
            "eligible_cost": data["eligible_cost"],
        }
        try:
            limit = selectors.support_limit(**query)
            if data["requested_support"] is not None:
                selectors.check_support(**query, requested_support=data["requested_support"])
        except ValidationError as exc:
            if limit is not None and hasattr(exc, "error_dict") and "requested_support" in exc.error_dict:
                above_cap = " ".join(exc.message_dict["requested_support"])
            else:
                add_service_error(form, exc)
    context = {
        "form": form,
        "limit": limit,
        "above_cap": above_cap,
        "requested": form.cleaned_data.get("requested_support") if limit is not None else None,
        "can_view_sets": request.user.is_authenticated,
    }
    template = "rules/partials/limit.html" if getattr(request, "htmx", False) else "rules/calculator.html"
    return render(request, template, context)
