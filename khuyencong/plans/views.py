"""Plan pages: thin views over the selectors and services."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.core import audit, export
from khuyencong.core.forms import add_service_error
from khuyencong.core.http import AuthedRequest
from khuyencong.paperwork.pdf import render_pdf
from khuyencong.paperwork.word import render_docx
from khuyencong.plans import annex, explain, services, workflow
from khuyencong.plans.choices import PlanStatus
from khuyencong.plans.forms import (
    ApproveForm,
    PlanRulesForm,
    ProposalSettingForm,
    ReviseForm,
    RunForm,
    SubmitForm,
    service_field,
)
from khuyencong.plans.models import AnnualPlan, Scenario, ScenarioLine
from khuyencong.plans.selectors import plan_get, plan_list, scenario_get, scenario_lines
from khuyencong.plans.tables import PLANS
from khuyencong.projects.models import Project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _sees_plans(request: AuthedRequest) -> None:
    if not request.user.is_province_wide:
        raise PermissionDenied(_("Kế hoạch khuyến công chỉ dành cho cán bộ Trung tâm và lãnh đạo."))


def _fold_errors(form: Any, error: ValidationError) -> None:
    add_service_error(form, error, {key: service_field(key) for key in getattr(error, "error_dict", {})})


@login_required
def plan_list_view(request: AuthedRequest) -> HttpResponseBase:
    _sees_plans(request)
    can_create = workflow.role_of(request.user) in workflow.EDITORS
    form = PlanRulesForm(request.POST or None, creating=True, initial=PlanRulesForm.initial_for(None))
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied(_("Chỉ cán bộ Trung tâm lập kế hoạch."))
        if form.is_valid():
            try:
                plan = services.plan_create(
                    actor=request.user,
                    year=form.cleaned_data["year"],
                    level=form.cleaned_data["level"],
                    rules=form.rules(),
                )
            except ValidationError as exc:
                _fold_errors(form, exc)
            else:
                messages.success(request, _("Đã lập %(plan)s.") % {"plan": plan})
                return redirect(plan)
    fmt = export.requested(request)
    if fmt and request.method == "GET":
        return export.response(PLANS, plan_list(user=request.user), fmt)
    return render(
        request,
        "plans/list.html",
        {"plans": plan_list(user=request.user), "table": PLANS, "form": form, "can_create": can_create},
    )


def _names_for(plan: AnnualPlan, scenario: Scenario | None = None) -> explain.Names:
    """Names for the keys a scenario or the plan's rules talk about."""
    rules = services.PlanRules.from_snapshot(scenario.inputs) if scenario else services.rules_of(plan)
    lines = list(scenario_lines(scenario)) if scenario else []
    projects = {services.key_of(line.project): line.project for line in lines}
    projects.update(
        {str(p.pk): p for p in Project.objects.filter(pk__in=[*rules.overrides, *rules.partials])}
    )
    communes = {str(p.unit_id): str(p.unit) for p in projects.values()}
    establishments = {str(b.pk): b.name for p in projects.values() for b in p.beneficiaries.all()}
    return explain.Names(
        communes=communes,
        establishments=establishments,
        projects={k: p.code for k, p in projects.items()},
        override_reasons={str(pk): reason for pk, (_d, reason) in rules.overrides.items()},
        envelopes=rules.envelopes,
        priority_min_bp=rules.priority_min_bp,
        commune_max=rules.commune_max,
        establishment_max=rules.establishment_max,
        category_rules={r.category: dataclasses.asdict(r) for r in rules.categories},
    )


def _detail(request: AuthedRequest, plan: AnnualPlan, **bound: Any) -> HttpResponse:
    user = request.user
    editable = workflow.may_edit(plan, user)
    rules = services.rules_of(plan)
    proposals = list(services.candidates(year=plan.year, level=plan.level))
    overrides = {o.project_id: o for o in plan.overrides.all()}
    partials = {p.project_id: p for p in plan.partials.all()}
    rows = []
    for project in proposals:
        override, partial = overrides.get(project.pk), partials.get(project.pk)
        form = ProposalSettingForm(
            prefix=f"p{project.pk}",
            initial={
                "decision": override.decision if override else "",
                "reason": override.reason if override else "",
                "minimum": partial.minimum if partial else None,
            },
        )
        if bound.get("setting_for") == project.pk:
            form = bound["setting_form"]
        rows.append({"project": project, "override": override, "partial": partial, "form": form})
    actions = workflow.allowed(plan, user)
    context = {
        "plan": plan,
        "editable": editable,
        "rules": rules,
        "envelopes": plan.envelope_map(),
        "rules_form": bound.get("rules_form")
        or PlanRulesForm(initial=PlanRulesForm.initial_for(plan), prefix="rules"),
        "rows": rows,
        "commitments": services.commitments(year=plan.year, level=plan.level),
        "unscored": services.unscored(year=plan.year, level=plan.level),
        "scenarios": plan.scenarios.select_related("created_by").order_by("-created_at"),
        "run_form": bound.get("run_form") or RunForm(initial={"name": _next_name(plan)}, prefix="run"),
        "submit_form": bound.get("submit_form") or SubmitForm(plan=plan, prefix="submit")
        if PlanStatus.SUBMITTED in actions
        else None,
        "approve_form": bound.get("approve_form") or ApproveForm(prefix="approve")
        if PlanStatus.APPROVED in actions
        else None,
        "revise_form": bound.get("revise_form") or ReviseForm(prefix="revise")
        if PlanStatus.REVISED in actions
        else None,
        "history": audit.history(plan)[:100],
        "revisions": plan.revisions.all(),
        "priority_text": explain.percent(plan.priority_min_bp),
    }
    return render(request, "plans/detail.html", context)


def _next_name(plan: AnnualPlan) -> str:
    n = plan.scenarios.count() + 1
    name = _("Phương án %(n)s") % {"n": n}
    while plan.scenarios.filter(name=name).exists():
        n += 1
        name = _("Phương án %(n)s") % {"n": n}
    return name


@login_required
def plan_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, plan_get(user=request.user, pk=pk))


@login_required
@require_POST
def plan_rules_view(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    form = PlanRulesForm(request.POST, prefix="rules")
    if form.is_valid():
        try:
            services.plan_update(plan=plan, actor=request.user, rules=form.rules())
        except ValidationError as exc:
            _fold_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu dự toán và ràng buộc."))
            return redirect(plan)
    messages.error(request, _("Chưa lưu được ràng buộc: hãy xem các lỗi bên dưới."))
    return _detail(request, plan_get(user=request.user, pk=pk), rules_form=form)


@login_required
@require_POST
def plan_setting_view(request: AuthedRequest, pk: int, project: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    target = get_object_or_404(services.candidates(year=plan.year, level=plan.level), pk=project)
    form = ProposalSettingForm(request.POST, prefix=f"p{target.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_set_proposal(
                plan=plan,
                actor=request.user,
                project=target,
                decision=data["decision"] or None,
                reason=data["reason"],
                minimum=data["minimum"],
            )
        except ValidationError as exc:
            add_service_error(form, exc, {"project": "__all__"})
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã lưu quyết định cho đề án %(code)s.") % {"code": target.code})
            return redirect(plan)
    return _detail(request, plan_get(user=request.user, pk=pk), setting_for=target.pk, setting_form=form)


@login_required
@require_POST
def plan_run_view(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    form = RunForm(request.POST, prefix="run")
    if form.is_valid():
        try:
            scenario = services.plan_optimize(plan=plan, actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_error(form, exc)
            messages.error(
                request, _("Chưa chạy được tối ưu: %(errors)s") % {"errors": " ".join(exc.messages)}
            )
        else:
            messages.success(request, _("Đã chạy tối ưu: %(name)s.") % {"name": scenario.name})
            return redirect(scenario)
    return _detail(request, plan_get(user=request.user, pk=pk), run_form=form)


def _scenario_context(plan: AnnualPlan, scenario: Scenario) -> dict[str, Any]:
    names = _names_for(plan, scenario)
    lines = list(scenario_lines(scenario).order_by("-selected", "-score", "project__code_key"))
    for line in lines:
        line.reason_text = explain.reasons_text(line.reasons, names)  # type: ignore[attr-defined]
    envelopes = {k: int(v) for k, v in scenario.inputs.get("envelopes", {}).items()}
    funds = [
        {
            "label": explain.fund_label(code),
            "envelope": envelopes.get(code, 0),
            "used": int(scenario.totals.get(code, 0)),
            "greedy": int(scenario.greedy_totals.get(code, 0)),
        }
        for code in services.FUNDS
        if envelopes.get(code) or scenario.totals.get(code)
    ]
    return {
        "plan": plan,
        "scenario": scenario,
        "lines": lines,
        "selected": [line for line in lines if line.selected],
        "excluded": [line for line in lines if not line.selected],
        "funds": funds,
        "gap_text": explain.gap_text(scenario.status, scenario.gap),
        "priority_text": explain.percent(scenario.priority_bp),
        "priority_min_text": explain.percent(scenario.inputs.get("priority_min_bp", 0)),
        "greedy_priority_text": explain.percent(scenario.greedy_priority_bp),
        "value_text": explain.number(scenario.value),
        "greedy_value_text": explain.number(scenario.greedy_value),
        "gain_text": explain.number(scenario.value - scenario.greedy_value),
        "priority_gain_text": explain.percent(scenario.priority_bp - scenario.greedy_priority_bp),
        "binding": [explain.binding_text(b, names) for b in scenario.binding],
        "greedy_unmet": [explain.reason_text(v, names) for v in scenario.greedy_unmet],
        "conflict": explain.conflict_text(scenario.infeasibility, names) if scenario.infeasibility else "",
    }


@login_required
def scenario_view(request: AuthedRequest, pk: int, scenario: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    return render(
        request, "plans/scenario.html", _scenario_context(plan, scenario_get(plan=plan, pk=scenario))
    )


@login_required
def compare_view(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    # The ticked boxes of the plan page (no script needed), or a and b in a shared link.
    picked = request.GET.getlist("pick") or [request.GET.get("a", ""), request.GET.get("b", "")]
    picked = [value for value in picked if value]
    if len(picked) != 2:
        messages.error(request, _("Hãy đánh dấu đúng hai phương án để so sánh."))
        return redirect(plan.get_absolute_url())
    try:
        first = scenario_get(plan=plan, pk=int(picked[0]))
        second = scenario_get(plan=plan, pk=int(picked[1]))
    except ValueError:
        raise Http404 from None
    a_lines = {line.project_id: line for line in scenario_lines(first)}
    b_lines = {line.project_id: line for line in scenario_lines(second)}
    rows = []
    for project_id in sorted(
        set(a_lines) | set(b_lines), key=lambda i: (a_lines.get(i) or b_lines[i]).project.code_key
    ):
        a, b = a_lines.get(project_id), b_lines.get(project_id)
        line: ScenarioLine = a or b  # type: ignore[assignment]
        rows.append(
            {
                "project": line.project,
                "a": a.funded if a and a.selected else None,
                "b": b.funded if b and b.selected else None,
                "differs": (a.funded if a else 0) != (b.funded if b else 0),
            }
        )
    return render(
        request,
        "plans/compare.html",
        {
            "plan": plan,
            "columns": [_scenario_context(plan, first), _scenario_context(plan, second)],
            "rows": rows,
            "differences": sum(1 for r in rows if r["differs"]),
        },
    )


@login_required
@require_POST
def plan_submit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    form = SubmitForm(request.POST, plan=plan, prefix="submit")
    if form.is_valid():
        try:
            services.plan_submit(plan=plan, actor=request.user, scenario=form.cleaned_data["scenario"])
        except ValidationError as exc:
            add_service_error(form, exc)
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã trình kế hoạch; kế hoạch được khoá."))
            return redirect(plan)
    return _detail(request, plan_get(user=request.user, pk=pk), submit_form=form)


@login_required
@require_POST
def plan_approve_view(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    form = ApproveForm(request.POST, prefix="approve")
    if form.is_valid():
        try:
            services.plan_approve(
                plan=plan,
                actor=request.user,
                decision_number=form.cleaned_data["decision_number"],
                decision_date=form.cleaned_data["decision_date"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Đã phê duyệt kế hoạch theo quyết định số %(number)s.")
                % {"number": form.cleaned_data["decision_number"]},
            )
            return redirect(plan)
    return _detail(request, plan_get(user=request.user, pk=pk), approve_form=form)


@login_required
@require_POST
def plan_revise_view(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    form = ReviseForm(request.POST, prefix="revise")
    if form.is_valid():
        try:
            revision = services.plan_revise(plan=plan, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã mở %(plan)s.") % {"plan": revision})
            return redirect(revision)
    return _detail(request, plan_get(user=request.user, pk=pk), revise_form=form)


@login_required
def plan_annex_view(request: AuthedRequest, pk: int, fmt: str = "xlsx") -> HttpResponse:
    """The approved (or submitted) list as an annex (.xlsx, .pdf or .docx); a draft's scenario with
    ?phuong_an=."""
    if fmt not in ("xlsx", "pdf", "docx"):
        raise Http404
    plan = plan_get(user=request.user, pk=pk)
    scenario = plan.chosen_scenario
    if (chosen := request.GET.get("phuong_an", "")).isascii() and chosen.isdigit():
        scenario = scenario_get(plan=plan, pk=int(request.GET["phuong_an"]))
    if scenario is None or not scenario.feasible:
        raise Http404
    # The annex is an official document: Vietnamese whatever the reader's interface language.
    with translation.override("vi"):
        table = annex.annex_rows(plan, scenario)
        if fmt == "xlsx":
            data, content_type = annex.annex_xlsx(table), XLSX
        else:
            document = annex.annex_document(plan, table)
            data, content_type = (
                (render_pdf(document), PDF) if fmt == "pdf" else (render_docx(document), DOCX)
            )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="ke-hoach-{plan.level}-{plan.year}-lan-{plan.revision}.{fmt}"'
    )
    return response
