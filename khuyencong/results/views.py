"""Pages of one project's results and of the follow-ups due. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from khuyencong.core import export
from khuyencong.core.forms import add_service_error
from khuyencong.core.http import AuthedRequest
from khuyencong.projects.selectors import project_get
from khuyencong.results import services, tables
from khuyencong.results.choices import FollowUpMonth
from khuyencong.results.forms import FollowUpForm, IndicatorTargetForm, IndicatorValueForm
from khuyencong.results.models import add_months
from khuyencong.results.selectors import (
    follow_up_counts,
    follow_ups_due,
    indicator_catalogue,
    project_results,
)


@login_required
def project_results_view(request: AuthedRequest, code: str) -> HttpResponseBase:
    project = project_get(user=request.user, code=code)
    may_record = services.may_record(request.user)
    form = IndicatorValueForm(project=project) if may_record else None
    target_form = IndicatorTargetForm() if may_record else None
    if request.method == "POST" and request.POST.get("form") == "target":
        if not may_record:
            raise PermissionDenied
        target_form = IndicatorTargetForm(request.POST)
        if target_form.is_valid():
            data = target_form.cleaned_data
            try:
                services.indicator_target_set(
                    project=project,
                    actor=request.user,
                    indicator=data["indicator"],
                    value=data["value"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                add_service_error(target_form, error)
            else:
                messages.success(request, _("Đã đặt chỉ tiêu dự kiến."))
                return redirect("results:project", code=project.code_key)
    elif request.method == "POST":
        if not may_record:
            raise PermissionDenied
        form = IndicatorValueForm(request.POST, project=project)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.indicator_value_record(
                    project=project,
                    actor=request.user,
                    indicator=data["indicator"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    value=data["value"],
                    women=data["women"],
                    ethnic_minority=data["ethnic_minority"],
                    source=data["source"],
                    evidence=data["evidence"],
                    note=data["note"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Đã ghi kết quả."))
                return redirect("results:project", code=project.code_key)
    results = project_results(project=project)
    values = tables.project_values(locked_ids=results.locked_ids)
    recorded = [v for row in results.rows for v in row.values]
    fmt = export.requested(request)
    if fmt and request.method == "GET":
        return export.response(values, recorded, fmt)
    follow_up_dates = []
    if results.acceptance is not None and results.acceptance.accepted:
        done = {f.months: f for f in results.follow_ups}
        follow_up_dates = [
            (m, add_months(results.acceptance.held_on, m), done.get(m.value)) for m in FollowUpMonth
        ]
    return render(
        request,
        "results/project.html",
        {
            "project": project,
            "results": results,
            "form": form,
            "target_form": target_form,
            "may_record": may_record,
            "follow_up_dates": follow_up_dates,
            "values_table": values,
            "recorded": recorded,
        },
        status=400 if any(f is not None and f.errors for f in (form, target_form)) else 200,
    )


@login_required
def follow_up_record_view(request: AuthedRequest, code: str, months: int) -> HttpResponse:
    project = project_get(user=request.user, code=code)
    if months not in FollowUpMonth.values:
        raise Http404
    if not services.may_record(request.user):
        raise PermissionDenied
    form = FollowUpForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.follow_up_record(
                project=project,
                actor=request.user,
                months=months,
                visited_on=data["visited_on"],
                still_operating=data["still_operating"],
                jobs_kept=data["jobs_kept"],
                equipment_in_use=data["equipment_in_use"],
                evidence=data["evidence"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Đã ghi kết quả theo dõi."))
            return redirect("results:project", code=project.code_key)
    return render(
        request,
        "results/follow_up_form.html",
        {"project": project, "form": form, "milestone": FollowUpMonth(months)},
        status=400 if form.errors else 200,
    )


@login_required
def follow_ups_view(request: AuthedRequest) -> HttpResponseBase:
    due = follow_ups_due(user=request.user)
    table = tables.follow_ups(may_record=services.may_record(request.user))
    fmt = export.requested(request)
    if fmt:
        return export.response(table, due, fmt)
    return render(
        request,
        "results/follow_ups.html",
        {"due": due, "table": table, "counts": follow_up_counts(user=request.user)},
    )


@login_required
def catalogue_view(request: AuthedRequest) -> HttpResponseBase:
    fmt = export.requested(request)
    if fmt:
        return export.response(tables.CATALOGUE, indicator_catalogue(), fmt)
    return render(
        request, "results/catalogue.html", {"indicators": indicator_catalogue(), "table": tables.CATALOGUE}
    )
