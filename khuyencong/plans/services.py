"""The one way to change an annual plan, and the thin layer between the database and the optimiser.

`prepare` reads the year's proposals (status PROPOSED with an appraisal score) and the commitments
already approved for that year and level into the optimiser's `Problem`; `compute` solves it without
writing anything (the API's and the command's what-if); the services below change a plan, each in one
transaction, locking the plan row, checking the transition table and writing an audit row.

Approving a plan approves its projects through `projects.services.project_approve` (the same cap check,
the same audit), all in the plan's transaction: one refusal approves nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.core.money import vnd
from khuyencong.geo.choices import PriorityKind
from khuyencong.geo.selectors import priority_kinds_on
from khuyencong.plans import explain, workflow
from khuyencong.plans import optimizer as opt
from khuyencong.plans.choices import COMMITTED_STATES, Objective, OverrideDecision, PlanStatus, ScenarioStatus
from khuyencong.plans.models import (
    AnnualPlan,
    PartialFunding,
    PlanCategoryRule,
    PlanEnvelope,
    PlanOverride,
    Scenario,
    ScenarioLine,
)
from khuyencong.projects import services as project_services
from khuyencong.projects.choices import (
    SUPPORT_SOURCES,
    ContentCategory,
    ExpectedIndicator,
    FundingSource,
    ProgrammeLevel,
    Status,
)
from khuyencong.projects.models import BudgetLine, Project
from khuyencong.rules.selectors import support_limit

# A page or API request gets 60 s from gunicorn: at most 40 s of solving and 15 s of explaining. Longer
# runs go through the command (`khuyencong plan_optimize --time-limit …`), which has no such limit.
WEB_TIME_LIMIT = 40
EXPLAIN_TIME_LIMIT = 15.0
# Only the programme's own budgets are funds of a plan; the beneficiary's money is counterpart.
FUNDS: tuple[str, ...] = (FundingSource.PROVINCIAL, FundingSource.CENTRAL)
# Found when the plan is run, not when its rules are saved: they depend on which proposals exist.
RUN_ONLY_ISSUES = frozenset(
    {"priority_unreachable", "category_min_count_unreachable", "category_min_share_unreachable"}
)


def main_fund(level: str) -> str:
    return FundingSource.CENTRAL if level == ProgrammeLevel.NATIONAL else FundingSource.PROVINCIAL


# --- the officer's rules --------------------------------------------------------------------------


@dataclass
class PlanRules:
    """Everything an officer sets on a plan; saved on the plan, and snapshotted with each scenario."""

    reference_date: dt.date
    envelopes: dict[str, int] = field(default_factory=dict)
    priority_min_bp: int = 0
    priority_kinds: list[str] = field(default_factory=lambda: list(PriorityKind.values))
    categories: list[opt.CategoryRule] = field(default_factory=list)
    commune_max: int | None = None
    establishment_max: int | None = None
    objective: str = Objective.SCORE
    time_limit: int = 30
    gap_ppm: int = 100  # 100 parts per million = 0,01 %
    overrides: dict[int, tuple[str, str]] = field(default_factory=dict)  # project id -> (in/out, reason)
    partials: dict[int, int] = field(default_factory=dict)  # project id -> minimum viable amount

    def snapshot(self) -> dict[str, Any]:
        return {
            "reference_date": self.reference_date.isoformat(),
            "envelopes": dict(self.envelopes),
            "priority_min_bp": self.priority_min_bp,
            "priority_kinds": list(self.priority_kinds),
            "categories": [dataclasses.asdict(rule) for rule in self.categories],
            "commune_max": self.commune_max,
            "establishment_max": self.establishment_max,
            "objective": self.objective,
            "time_limit": self.time_limit,
            "gap_ppm": self.gap_ppm,
            "overrides": {str(pk): list(value) for pk, value in self.overrides.items()},
            "partials": {str(pk): minimum for pk, minimum in self.partials.items()},
        }

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> PlanRules:
        return cls(
            reference_date=dt.date.fromisoformat(data["reference_date"]),
            envelopes={k: int(v) for k, v in data.get("envelopes", {}).items()},
            priority_min_bp=int(data.get("priority_min_bp", 0)),
            priority_kinds=list(data.get("priority_kinds", PriorityKind.values)),
            categories=[opt.CategoryRule(**rule) for rule in data.get("categories", [])],
            commune_max=data.get("commune_max"),
            establishment_max=data.get("establishment_max"),
            objective=data.get("objective", Objective.SCORE),
            time_limit=int(data.get("time_limit", 30)),
            gap_ppm=int(data.get("gap_ppm", 100)),
            overrides={int(k): (v[0], v[1]) for k, v in data.get("overrides", {}).items()},
            partials={int(k): int(v) for k, v in data.get("partials", {}).items()},
        )


def rules_of(plan: AnnualPlan) -> PlanRules:
    return PlanRules(
        reference_date=plan.reference_date,
        envelopes={source: plan.envelope_map().get(source, 0) for source in FUNDS},
        priority_min_bp=plan.priority_min_bp,
        priority_kinds=list(plan.priority_kinds),
        categories=[
            opt.CategoryRule(r.category, r.min_share_bp, r.max_share_bp, r.min_count, r.max_count)
            for r in plan.category_rules.order_by("category")
        ],
        commune_max=plan.commune_max,
        establishment_max=plan.establishment_max,
        objective=plan.objective,
        time_limit=plan.time_limit,
        gap_ppm=plan.gap_ppm,
        overrides={o.project_id: (o.decision, o.reason) for o in plan.overrides.all()},
        partials={p.project_id: p.minimum for p in plan.partials.all()},
    )


# --- reading the year into the optimiser ------------------------------------------------------------


def _with_money(qs: QuerySet[Project]) -> QuerySet[Project]:
    return qs.select_related("unit", "unit__parent", "unit__parent__parent").prefetch_related(
        Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("source")),
        "beneficiaries",
        "expected_results",
    )


def candidates(*, year: int, level: str) -> QuerySet[Project]:
    """Proposals that can enter the plan: proposed for it, with the appraisal's score."""
    return _with_money(
        Project.objects.filter(
            plan_year=year, level=level, status=Status.PROPOSED, appraisal_score__isnull=False
        ).order_by("code_key")
    )


def unscored(*, year: int, level: str) -> QuerySet[Project]:
    """Proposed for the plan but not yet scored: the plan cannot rank them."""
    return Project.objects.filter(
        plan_year=year, level=level, status=Status.PROPOSED, appraisal_score__isnull=True
    ).order_by("code_key")


def commitments(*, year: int, level: str) -> QuerySet[Project]:
    """Projects of the year and level already approved: they hold their money in every scenario."""
    return _with_money(
        Project.objects.filter(
            plan_year=year, level=level, status__in=COMMITTED_STATES, approved_support__isnull=False
        ).order_by("code_key")
    )


def _support_budget(project: Project) -> dict[str, int]:
    return {
        line.source: line.amount
        for line in project.budget_lines.all()
        if line.source in SUPPORT_SOURCES and line.amount > 0
    }


def _jobs(project: Project) -> int:
    for row in project.expected_results.all():
        if row.indicator == ExpectedIndicator.JOBS_CREATED:
            return int(row.value)
    return 0


def _cap(project: Project, on: dt.date) -> int | None:
    """The legal maximum support on the proposal's reference date (its submission date)."""
    try:
        limit = support_limit(
            category=project.category,
            subtype=project.subtype,
            level=project.level,
            province=project_services.province_code(project.unit),
            on=project.submitted_on or on,
            eligible_cost=project.eligible_cost,
        )
    except ValidationError:
        return None
    return limit.max_support_vnd if limit.applies else None


@dataclass
class Prepared:
    year: int
    level: str
    rules: PlanRules
    problem: opt.Problem
    projects: dict[str, Project]  # optimiser key -> project
    fixed: frozenset[str]
    names: explain.Names


def key_of(project: Project) -> str:
    return str(project.pk)


def prepare(*, year: int, level: str, rules: PlanRules, strict: bool = True) -> Prepared:
    """The year's proposals and commitments, and the rules, as the optimiser's input.

    An override or partial funding for a project that is not a proposal of this year and level is
    refused, naming the project (`strict`), or left aside (when checking a scenario already made: a
    project approved or withdrawn since then no longer needs a decision of the plan).
    """
    proposals = list(candidates(year=year, level=level))
    committed = [p for p in commitments(year=year, level=level) if p.approved_support]
    by_pk = {p.pk: p for p in proposals}
    if not strict:
        rules = dataclasses.replace(
            rules,
            overrides={pk: v for pk, v in rules.overrides.items() if pk in by_pk},
            partials={pk: v for pk, v in rules.partials.items() if pk in by_pk},
        )
    errors: dict[str, list[str]] = {}
    for pk in [*rules.overrides, *rules.partials]:
        if pk not in by_pk:
            project = Project.objects.filter(pk=pk).first()
            errors.setdefault("project", []).append(
                _(
                    "Đề án %(code)s không phải đề án đề xuất vào kế hoạch năm %(year)s (cần trạng thái “Đề xuất vào kế hoạch” và có điểm thẩm định)."
                )
                % {"code": project.code if project else pk, "year": year}
            )
    if errors:
        raise ValidationError(errors)
    kinds = set(rules.priority_kinds)
    priority_of: dict[int, bool] = {}

    def in_priority_area(project: Project) -> bool:
        if project.unit_id not in priority_of:
            found = priority_kinds_on(project.unit, rules.reference_date)
            priority_of[project.unit_id] = any(pc.kind in kinds for pc in found)
        return priority_of[project.unit_id]

    items: list[opt.Proposal] = []
    for project in committed:
        budget = _support_budget(project) or {main_fund(level): 1}
        approved = int(project.approved_support or 0)
        split = opt.apportion(approved, list(budget.values()))
        items.append(
            opt.Proposal(
                key=key_of(project),
                score=float(project.appraisal_score or 0),
                requested={f: a for f, a in zip(budget, split, strict=True) if a},
                jobs=_jobs(project),
                category=project.category,
                commune=str(project.unit_id),
                establishments=tuple(str(b.pk) for b in project.beneficiaries.all()),
                priority=in_priority_area(project),
                fixed=True,
            )
        )
    for project in proposals:
        decision = rules.overrides.get(project.pk)
        must = None
        if decision is not None:
            must = "in" if decision[0] == OverrideDecision.INCLUDE else "out"
        items.append(
            opt.Proposal(
                key=key_of(project),
                score=float(project.appraisal_score or 0),
                requested=_support_budget(project),
                jobs=_jobs(project),
                category=project.category,
                commune=str(project.unit_id),
                establishments=tuple(str(b.pk) for b in project.beneficiaries.all()),
                priority=in_priority_area(project),
                minimum=rules.partials.get(project.pk),
                cap=_cap(project, rules.reference_date),
                must=must,  # type: ignore[arg-type]
            )
        )
    problem = opt.Problem(
        proposals=items,
        envelopes={f: rules.envelopes.get(f, 0) for f in FUNDS},
        priority_min_bp=rules.priority_min_bp,
        categories=rules.categories,
        commune_max=rules.commune_max,
        establishment_max=rules.establishment_max,
        objective=rules.objective,  # type: ignore[arg-type]
        time_limit=float(rules.time_limit),
        gap=rules.gap_ppm / 1_000_000,
        explain_time_limit=EXPLAIN_TIME_LIMIT,
    )
    everything = [*committed, *proposals]
    units = {p.unit_id: str(p.unit) for p in everything}
    establishments = {str(b.pk): b.name for p in everything for b in p.beneficiaries.all()}
    names = explain.Names(
        communes={str(pk): name for pk, name in units.items()},
        establishments=establishments,
        projects={key_of(p): p.code for p in everything},
        override_reasons={str(pk): reason for pk, (_decision, reason) in rules.overrides.items()},
        envelopes=problem.envelopes,
        priority_min_bp=rules.priority_min_bp,
        commune_max=rules.commune_max,
        establishment_max=rules.establishment_max,
        category_rules={r.category: dataclasses.asdict(r) for r in rules.categories},
    )
    return Prepared(
        year=year,
        level=level,
        rules=rules,
        problem=problem,
        projects={key_of(p): p for p in everything},
        fixed=frozenset(key_of(p) for p in committed),
        names=names,
    )


def _field_for(issue: opt.Issue) -> str:
    if issue.field.startswith("proposal."):
        return "project"
    return issue.field


def check_rules(prepared: Prepared, *, running: bool) -> None:
    """Raise a ValidationError (every problem, each on its field, in Vietnamese) for rules that cannot be
    solved as typed. When saving rules, problems that depend on which proposals exist wait for the run."""
    errors: dict[str, list[str]] = {}
    rules = prepared.rules
    if rules.objective not in Objective.values:
        errors.setdefault("objective", []).append(_("Tiêu chí tối ưu không hợp lệ."))
    unknown = [k for k in rules.priority_kinds if k not in PriorityKind.values]
    if unknown:
        errors.setdefault("priority_kinds", []).append(
            _("Loại địa bàn ưu tiên không có trong danh mục: %(kinds)s.") % {"kinds": ", ".join(unknown)}
        )
    for rule in rules.categories:
        if rule.category not in ContentCategory.values:
            errors.setdefault("categories", []).append(
                _("Nội dung hỗ trợ không có trong danh mục: %(code)s.") % {"code": rule.category}
            )
    for issue in opt.validate(prepared.problem):
        if issue.code in RUN_ONLY_ISSUES and not running:
            continue
        errors.setdefault(_field_for(issue), []).append(explain.issue_text(issue, prepared.names))
    if errors:
        raise ValidationError(errors)


@dataclass
class Outcome:
    prepared: Prepared
    result: opt.Result


def compute(*, year: int, level: str, rules: PlanRules) -> Outcome:
    """Solve the year as the rules say, writing nothing."""
    prepared = prepare(year=year, level=level, rules=rules)
    check_rules(prepared, running=True)
    return Outcome(prepared, opt.solve(prepared.problem))


# --- writes ---------------------------------------------------------------------------------------


def _lock(plan: AnnualPlan) -> AnnualPlan:
    return AnnualPlan.objects.select_for_update().get(pk=plan.pk)


def _figures(plan: AnnualPlan) -> dict[str, tuple[str, Any]]:
    """Envelopes, category rules, overrides and partial funding as {key: (label, value)} for the audit."""
    out: dict[str, tuple[str, Any]] = {}
    for e in plan.envelopes.all():
        out[f"envelope.{e.source}"] = (
            str(_("Dự toán %(fund)s") % {"fund": explain.fund_label(e.source)}),
            e.amount,
        )
    for r in plan.category_rules.all():
        label = explain.category_label(r.category)
        for attr, name in (
            ("min_share_bp", _("tỷ lệ tối thiểu (phần vạn)")),
            ("max_share_bp", _("tỷ lệ tối đa (phần vạn)")),
            ("min_count", _("số đề án tối thiểu")),
            ("max_count", _("số đề án tối đa")),
        ):
            value = getattr(r, attr)
            if value is not None:
                out[f"category.{r.category}.{attr}"] = (f"{label}: {name}", value)
    for o in plan.overrides.select_related("project"):
        out[f"override.{o.project.code}"] = (
            str(_("Đề án %(code)s") % {"code": o.project.code}),
            f"{o.get_decision_display()}: {o.reason}",
        )
    for p in plan.partials.select_related("project"):
        out[f"partial.{p.project.code}"] = (
            str(_("Hỗ trợ một phần đề án %(code)s, tối thiểu") % {"code": p.project.code}),
            p.minimum,
        )
    return out


def _figure_changes(
    before: Mapping[str, tuple[str, Any]], after: Mapping[str, tuple[str, Any]]
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if (old and old[1]) != (new and new[1]):
            changes[key] = {
                "label": (new or old or ("", None))[0],
                "before": old[1] if old else None,
                "after": new[1] if new else None,
            }
    return changes


def _store_rules(plan: AnnualPlan, rules: PlanRules) -> None:
    plan.reference_date = rules.reference_date
    plan.priority_min_bp = rules.priority_min_bp
    plan.priority_kinds = list(rules.priority_kinds)
    plan.commune_max = rules.commune_max
    plan.establishment_max = rules.establishment_max
    plan.objective = rules.objective
    plan.time_limit = rules.time_limit
    plan.gap_ppm = rules.gap_ppm
    plan.full_clean(exclude=["chosen_scenario", "revises"])
    plan.save()
    for source in FUNDS:
        amount = rules.envelopes.get(source, 0)
        PlanEnvelope.objects.update_or_create(plan=plan, source=source, defaults={"amount": amount})
    plan.category_rules.exclude(category__in=[r.category for r in rules.categories]).delete()
    for r in rules.categories:
        PlanCategoryRule.objects.update_or_create(
            plan=plan,
            category=r.category,
            defaults={
                "min_share_bp": r.min_share_bp,
                "max_share_bp": r.max_share_bp,
                "min_count": r.min_count,
                "max_count": r.max_count,
            },
        )


def _require_centre(actor: Any) -> None:
    from django.core.exceptions import PermissionDenied

    if workflow.role_of(actor) not in workflow.EDITORS:
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm lập và sửa kế hoạch."))


@transaction.atomic
def plan_create(*, actor: Any, year: int, level: str, rules: PlanRules) -> AnnualPlan:
    """A new draft plan for a year and programme level (one plan in force per year and level)."""
    _require_centre(actor)
    if level not in ProgrammeLevel.values:
        raise ValidationError({"level": _("Cấp khuyến công không hợp lệ.")})
    if AnnualPlan.objects.filter(year=year, level=level).exclude(status=PlanStatus.REVISED).exists():
        raise ValidationError(
            {
                "year": _("Đã có kế hoạch %(level)s năm %(year)s; hãy mở kế hoạch đó hoặc điều chỉnh nó.")
                % {"level": ProgrammeLevel(level).label.lower(), "year": year}
            }
        )
    prepared = prepare(year=year, level=level, rules=rules)
    check_rules(prepared, running=False)
    plan = AnnualPlan(year=year, level=level, reference_date=rules.reference_date, created_by=actor)
    _store_rules(plan, dataclasses.replace(rules))
    for pk, (decision, reason) in rules.overrides.items():
        PlanOverride.objects.create(
            plan=plan, project_id=pk, decision=decision, reason=reason, created_by=actor
        )
    for pk, minimum in rules.partials.items():
        PartialFunding.objects.create(plan=plan, project_id=pk, minimum=minimum)
    audit.record(
        instance=plan,
        action=AuditAction.CREATE,
        actor=actor,
        changes={**audit.diff({}, audit.snapshot(plan)), **_figure_changes({}, _figures(plan))},
    )
    return plan


@transaction.atomic
def plan_update(*, plan: AnnualPlan, actor: Any, rules: PlanRules) -> AnnualPlan:
    """Change a draft's envelopes and rules (overrides and partial funding have their own services)."""
    locked = _lock(plan)
    workflow.require_editable(locked, actor)
    current = rules_of(locked)
    rules = dataclasses.replace(rules, overrides=current.overrides, partials=current.partials)
    check_rules(prepare(year=locked.year, level=locked.level, rules=rules), running=False)
    before, figures = audit.snapshot(locked), _figures(locked)
    _store_rules(locked, rules)
    audit.record(
        instance=locked,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={**audit.diff(before, audit.snapshot(locked)), **_figure_changes(figures, _figures(locked))},
    )
    return locked


@transaction.atomic
def plan_set_override(
    *, plan: AnnualPlan, actor: Any, project: Project, decision: str | None, reason: str = ""
) -> AnnualPlan:
    """Put a proposal in or leave it out whatever the optimiser says (with the reason), or clear that."""
    locked = _lock(plan)
    workflow.require_editable(locked, actor)
    rules = rules_of(locked)
    if decision:
        if decision not in OverrideDecision.values:
            raise ValidationError({"decision": _("Quyết định không hợp lệ.")})
        if not reason.strip():
            raise ValidationError({"reason": _("Cần ghi rõ lý do khi bắt buộc đưa vào hoặc loại một đề án.")})
        rules.overrides[project.pk] = (decision, reason.strip())
    else:
        rules.overrides.pop(project.pk, None)
    check_rules(prepare(year=locked.year, level=locked.level, rules=rules), running=False)
    figures = _figures(locked)
    if decision:
        PlanOverride.objects.update_or_create(
            plan=locked,
            project=project,
            defaults={"decision": decision, "reason": reason.strip(), "created_by": actor},
        )
    else:
        PlanOverride.objects.filter(plan=locked, project=project).delete()
    audit.record(
        instance=locked,
        action=AuditAction.UPDATE,
        actor=actor,
        reason=reason.strip(),
        changes=_figure_changes(figures, _figures(locked)),
    )
    return locked


@transaction.atomic
def plan_set_proposal(
    *,
    plan: AnnualPlan,
    actor: Any,
    project: Project,
    decision: str | None,
    reason: str = "",
    minimum: int | None = None,
) -> AnnualPlan:
    """The officer's decisions on one proposal (in/out with the reason, partial funding), both or neither."""
    plan_set_override(plan=plan, actor=actor, project=project, decision=decision, reason=reason)
    return plan_set_partial(plan=plan, actor=actor, project=project, minimum=minimum)


@transaction.atomic
def plan_set_partial(*, plan: AnnualPlan, actor: Any, project: Project, minimum: int | None) -> AnnualPlan:
    """Allow partial funding of a proposal down to `minimum` đồng (None: all or nothing again)."""
    locked = _lock(plan)
    workflow.require_editable(locked, actor)
    rules = rules_of(locked)
    if minimum is None:
        rules.partials.pop(project.pk, None)
    else:
        rules.partials[project.pk] = project_services.amount(minimum, field="minimum", minimum=1)
    check_rules(prepare(year=locked.year, level=locked.level, rules=rules), running=False)
    figures = _figures(locked)
    if minimum is None:
        PartialFunding.objects.filter(plan=locked, project=project).delete()
    else:
        PartialFunding.objects.update_or_create(plan=locked, project=project, defaults={"minimum": minimum})
    audit.record(
        instance=locked,
        action=AuditAction.UPDATE,
        actor=actor,
        changes=_figure_changes(figures, _figures(locked)),
    )
    return locked


# --- scenarios ------------------------------------------------------------------------------------


def violation_json(v: opt.Violation) -> dict[str, Any]:
    return {"kind": v.ref.kind.value, "key": v.ref.key, "unit": v.unit, "actual": v.actual, "limit": v.limit}


def reasons_json(line: opt.Line) -> list[dict[str, Any]]:
    """A line's reasons; for one left out whose way in is a swap, each names the proposal it replaces."""
    extra = {"instead_of": line.instead_of} if line.instead_of else {}
    return [{**violation_json(v), **extra} for v in line.reasons]


def binding_json(b: opt.Binding) -> dict[str, Any]:
    return {
        "kind": b.ref.kind.value,
        "key": b.ref.key,
        "unit": b.unit,
        "actual": b.actual,
        "limit": b.limit,
        "blocks": b.blocks,
        "cost": b.cost,
    }


def infeasibility_json(i: opt.Infeasibility | None) -> dict[str, Any] | None:
    if i is None:
        return None
    return {
        "conflict": [{"kind": r.kind.value, "key": r.key} for r in i.conflict],
        "relax": [
            {"kind": r.ref.kind.value, "key": r.ref.key, "unit": r.unit, "actual": r.actual, "limit": r.limit}
            for r in i.relax
        ],
        "irreducible": i.irreducible,
    }


def plan_optimize(*, plan: AnnualPlan, actor: Any, name: str, rules: PlanRules | None = None) -> Scenario:
    """Run the optimiser on the draft's rules (or on `rules`, a what-if) and save a named scenario.

    Input that cannot be solved raises a ValidationError and saves nothing; constraints that conflict
    give a scenario that says which ones, so the officer sees it beside the others.
    """
    return plan_optimize_outcome(plan=plan, actor=actor, name=name, rules=rules)[0]


@transaction.atomic
def plan_optimize_outcome(
    *, plan: AnnualPlan, actor: Any, name: str, rules: PlanRules | None = None
) -> tuple[Scenario, Outcome]:
    """`plan_optimize`, also handing back the optimiser's outcome (for the API's answer)."""
    locked = _lock(plan)
    workflow.require_editable(locked, actor)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Hãy đặt tên cho phương án.")})
    if Scenario.objects.filter(plan=locked, name=name).exists():
        raise ValidationError({"name": _("Đã có phương án tên “%(name)s”.") % {"name": name}})
    outcome = compute(year=locked.year, level=locked.level, rules=rules or rules_of(locked))
    scenario = _save_scenario(locked, actor, name, outcome)
    audit.record(
        instance=locked,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={
            "scenario": {
                "label": str(_("Phương án")),
                "before": None,
                "after": f"{scenario.name}: {scenario.get_status_display()}",
            }
        },
    )
    return scenario, outcome


def _save_scenario(plan: AnnualPlan, actor: Any, name: str, outcome: Outcome) -> Scenario:
    result, prepared = outcome.result, outcome.prepared
    g = result.greedy
    scenario = Scenario.objects.create(
        plan=plan,
        name=name,
        objective=result.objective,
        inputs=prepared.rules.snapshot(),
        status=result.status,
        value=result.value,
        bound=result.bound,
        gap=result.gap,
        total=result.total,
        totals=dict(result.totals),
        priority_amount=result.priority_amount,
        priority_bp=result.priority_bp,
        greedy_value=g.value,
        greedy_total=g.total,
        greedy_totals=dict(g.totals),
        greedy_priority_bp=g.priority_bp,
        greedy_unmet=[violation_json(v) for v in g.unmet],
        binding=[binding_json(b) for b in result.binding],
        infeasibility=infeasibility_json(result.infeasibility),
        build_ms=round(result.timing.build * 1000),
        solve_ms=round(result.timing.solve * 1000),
        explain_ms=round(result.timing.explain * 1000),
        tightened=result.tightened,
        created_by=actor,
    )
    proposals = {p.key: p for p in prepared.problem.proposals}
    lines = []
    for line in result.lines:
        project = prepared.projects[line.key]
        p = proposals[line.key]
        lines.append(
            ScenarioLine(
                scenario=scenario,
                project=project,
                selected=line.selected,
                fixed=p.fixed,
                score=project.appraisal_score,
                jobs=p.jobs,
                priority=p.priority,
                requested=p.total,
                central=int(line.amounts.get(FundingSource.CENTRAL, 0)),
                provincial=int(line.amounts.get(FundingSource.PROVINCIAL, 0)),
                funded=line.total,
                partial=line.partial,
                value=line.value,
                reasons=reasons_json(line),
                greedy_amount=sum(g.amounts.get(line.key, {}).values()),
            )
        )
    for row in lines:
        row.full_clean(exclude=["scenario", "project"])
    ScenarioLine.objects.bulk_create(lines)
    return scenario


# --- submission, approval, revision -----------------------------------------------------------------


def _selection(plan: AnnualPlan, scenario: Scenario) -> tuple[Prepared, list[ScenarioLine]]:
    """Check the scenario's choice against the plan's rules and the projects as they are now, in integers.

    The projects must still be proposals with the amounts the scenario saw; the money already committed
    for the year is read again, so the envelopes hold with whatever was approved since.
    """
    prepared = prepare(year=plan.year, level=plan.level, rules=rules_of(plan), strict=False)
    check_rules(prepared, running=True)
    lines = list(
        scenario.lines.filter(selected=True, fixed=False)
        .select_related("project")
        .order_by("project__code_key")
    )
    proposals = {p.key: p for p in prepared.problem.proposals}
    errors: list[str] = []
    amounts: dict[str, dict[str, int]] = {key: dict(proposals[key].requested) for key in prepared.fixed}
    for line in lines:
        key = key_of(line.project)
        p = proposals.get(key)
        if p is None or p.fixed:
            errors.append(
                _(
                    "Đề án %(code)s không còn ở trạng thái “Đề xuất vào kế hoạch” (hoặc chưa có điểm thẩm định)."
                )
                % {"code": line.project.code}
            )
            continue
        if p.total != line.requested:
            errors.append(
                _(
                    "Kinh phí đề nghị của đề án %(code)s đã đổi từ %(before)s thành %(after)s sau khi chạy phương án."
                )
                % {"code": line.project.code, "before": vnd(line.requested), "after": vnd(p.total)}
            )
            continue
        amounts[key] = {f: a for f, a in line.amounts().items() if a}
    if not errors:
        for v in opt.check(prepared.problem, amounts):
            text = (
                explain.rule_name(v.ref.kind.value, v.ref.key, prepared.names)
                if v.ref.kind in (opt.Kind.MUST_IN, opt.Kind.MUST_OUT)
                else explain.reason_text(violation_json(v), prepared.names)
            )
            errors.append(_("Phương án không còn đáp ứng: %(rule)s.") % {"rule": text})
    if errors:
        raise ValidationError({"scenario": [*errors, _("Hãy chạy lại tối ưu rồi trình phương án mới.")]})
    return prepared, lines


def _check_committed(plan: AnnualPlan) -> None:
    """After approving: what the year's approved projects hold, now including the plan's, is within each
    envelope, in integers. It was checked before; this is the last word before the transaction commits."""
    prepared = prepare(year=plan.year, level=plan.level, rules=rules_of(plan), strict=False)
    committed = {p.key: dict(p.requested) for p in prepared.problem.proposals if p.fixed}
    over = [v for v in opt.check(prepared.problem, committed) if v.ref.kind == opt.Kind.FUND]
    if over:
        raise ValidationError(
            {"scenario": [explain.reason_text(violation_json(v), prepared.names) for v in over]}
        )


def _committed_by_fund(year: int, level: str, *, adding: Project, granted: int) -> dict[str, int]:
    """Money held per fund by the year's approved projects, with `adding` at `granted`, split over the
    sources as the optimiser splits a commitment."""
    totals: dict[str, int] = {}
    rows = [
        (p, int(p.approved_support or 0)) for p in commitments(year=year, level=level) if p.pk != adding.pk
    ]
    for project, approved in [*rows, (adding, granted)]:
        budget = _support_budget(project) or {main_fund(level): 1}
        for fund, share in zip(budget, opt.apportion(approved, list(budget.values())), strict=True):
            totals[fund] = totals.get(fund, 0) + share
    return totals


def envelope_guard(project: Project) -> project_services.ApprovalCheck:
    """Registered in `project_approve` (PlansConfig.ready): once the plan of a year and level is approved,
    approving a proposal outside it must not push that year's commitments over the plan's envelope.

    The plan in force is locked first, before the project: an approval outside the plan waits for a plan
    approval running at the same moment (and the other way round), so neither decides on money the
    other is about to commit. While the plan is a draft or submitted nothing is checked here: its own
    approval checks every commitment of the year then (`_check_committed`)."""
    row = Project.objects.filter(pk=project.pk).values_list("plan_year", "level").first()
    plan = None
    if row is not None and row[0] is not None:
        plan = (
            AnnualPlan.objects.select_for_update()
            .filter(year=row[0], level=row[1])
            .exclude(status=PlanStatus.REVISED)
            .first()
        )

    def check(locked: Project, granted: int) -> None:
        if plan is None or plan.status != PlanStatus.APPROVED:
            return
        envelopes = plan.envelope_map()
        totals = _committed_by_fund(plan.year, plan.level, adding=locked, granted=granted)
        for fund, total in totals.items():
            envelope = envelopes.get(fund, 0)
            if total > envelope:
                raise ValidationError(
                    {
                        "approved_support": _(
                            "Phê duyệt đề án %(code)s sẽ vượt dự toán %(fund)s của %(plan)s "
                            "(đã phê duyệt): tổng cam kết sẽ là %(total)s, dự toán %(envelope)s. "
                            "Hãy điều chỉnh kế hoạch (bổ sung dự toán) trước khi phê duyệt."
                        )
                        % {
                            "code": locked.code,
                            "fund": explain.fund_label(fund),
                            "plan": str(plan),
                            "total": vnd(total),
                            "envelope": vnd(envelope),
                        }
                    }
                )

    return check


def _move(plan: AnnualPlan, *, to: PlanStatus, actor: Any, reason: str = "", **fields: Any) -> AnnualPlan:
    before = audit.snapshot(plan)
    plan.status = to
    for key, value in fields.items():
        setattr(plan, key, value)
    plan.full_clean(exclude=["chosen_scenario", "revises"])
    plan.save()
    audit.record(
        instance=plan,
        action=AuditAction.TRANSITION,
        actor=actor,
        reason=reason,
        changes=audit.diff(before, audit.snapshot(plan)),
    )
    return plan


@transaction.atomic
def plan_submit(*, plan: AnnualPlan, actor: Any, scenario: Scenario) -> AnnualPlan:
    """Submit the draft for approval on one scenario; from now on the plan is locked."""
    locked = _lock(plan)
    workflow.require(locked, to=PlanStatus.SUBMITTED, actor=actor)
    if scenario.plan_id != locked.pk:
        raise ValidationError({"scenario": _("Phương án không thuộc kế hoạch này.")})
    if not scenario.feasible:
        raise ValidationError(
            {
                "scenario": _("Phương án “%(name)s” không có lời giải nên không trình được.")
                % {"name": scenario.name}
            }
        )
    _selection(locked, scenario)
    return _move(locked, to=PlanStatus.SUBMITTED, actor=actor, chosen_scenario=scenario)


@transaction.atomic
def plan_approve(*, plan: AnnualPlan, actor: Any, decision_number: str, decision_date: dt.date) -> AnnualPlan:
    """Approve the submitted plan with the decision's number and date, and every project in it.

    The plan row is locked first, so two approvals of one plan run one after the other and the second
    finds it approved. The money is checked again against the envelopes with what is committed now; each
    project is approved through `project_approve` (its own lock, cap check and audit row) with the plan's
    decision; a partial funding becomes the approved support. Any refusal undoes everything.
    """
    locked = _lock(plan)
    workflow.require(locked, to=PlanStatus.APPROVED, actor=actor)
    number = decision_number.strip()
    if not number:
        raise ValidationError({"decision_number": _("Cần số quyết định phê duyệt kế hoạch.")})
    scenario = locked.chosen_scenario
    if scenario is None:
        raise ValidationError({"scenario": _("Kế hoạch chưa có phương án được trình.")})
    _prepared, lines = _selection(locked, scenario)
    reason = _("Phê duyệt theo %(plan)s, quyết định số %(number)s") % {"plan": str(locked), "number": number}
    for line in lines:
        # Partial funding is the decision granting less than asked; project_approve checks it.
        project_services.project_approve(
            project=line.project,
            actor=actor,
            decision_number=number,
            decision_date=decision_date,
            reason=reason,
            approved_support=line.funded,
        )
    _check_committed(locked)
    return _move(
        locked,
        to=PlanStatus.APPROVED,
        actor=actor,
        reason=reason,
        decision_number=number,
        decision_date=decision_date,
    )


@transaction.atomic
def plan_revise(*, plan: AnnualPlan, actor: Any, reason: str) -> AnnualPlan:
    """Open a revision of a submitted or approved plan: the plan is superseded (revised) and a new draft,
    with the same rules and a reason, takes its place. Projects already approved stay approved and hold
    their money in the revision."""
    locked = _lock(plan)
    workflow.require(locked, to=PlanStatus.REVISED, actor=actor, reason=reason)
    rules = rules_of(locked)
    open_ids = set(candidates(year=locked.year, level=locked.level).values_list("pk", flat=True))
    rules.overrides = {pk: v for pk, v in rules.overrides.items() if pk in open_ids}
    rules.partials = {pk: v for pk, v in rules.partials.items() if pk in open_ids}
    _move(locked, to=PlanStatus.REVISED, actor=actor, reason=reason.strip())
    revision = AnnualPlan(
        year=locked.year,
        level=locked.level,
        revision=locked.revision + 1,
        revises=locked,
        revision_reason=reason.strip(),
        reference_date=rules.reference_date,
        created_by=actor,
    )
    _store_rules(revision, rules)
    for pk, (decision, why) in rules.overrides.items():
        PlanOverride.objects.create(
            plan=revision, project_id=pk, decision=decision, reason=why, created_by=actor
        )
    for pk, minimum in rules.partials.items():
        PartialFunding.objects.create(plan=revision, project_id=pk, minimum=minimum)
    audit.record(
        instance=revision,
        action=AuditAction.CREATE,
        actor=actor,
        reason=reason.strip(),
        changes={**audit.diff({}, audit.snapshot(revision)), **_figure_changes({}, _figures(revision))},
    )
    return revision


# --- the result as JSON (API and command) ---------------------------------------------------------


def result_json(outcome: Outcome, *, scenario: Scenario | None = None) -> dict[str, Any]:
    """One JSON shape for the API and the command: amounts in integer đồng, with the words beside them."""
    result, prepared = outcome.result, outcome.prepared
    names = prepared.names
    proposals = {p.key: p for p in prepared.problem.proposals}

    def project_json(key: str) -> dict[str, Any]:
        project = prepared.projects[key]
        score = project.appraisal_score
        return {
            "code": project.code,
            "title": project.title,
            "category": project.category,
            "commune": str(project.unit),
            "score": format(score.normalize(), "f") if isinstance(score, Decimal) else None,
            "jobs": proposals[key].jobs,
            "priority_area": proposals[key].priority,
            "requested": proposals[key].total,
            "already_approved": key in prepared.fixed,
        }

    selected, excluded = [], []
    for line in result.lines:
        row = project_json(line.key)
        reasons = reasons_json(line)
        if line.selected:
            row.update(
                funded=line.total,
                amounts={f: int(a) for f, a in sorted(line.amounts.items())},
                partial=line.partial,
                value=round(line.value, 6),
                notes=[explain.reason_text(r, names) for r in reasons],
            )
            selected.append(row)
        else:
            row.update(
                reasons=[explain.reasons_text(reasons, names)] if reasons else [],
                reason_codes=reasons,
                instead_of=names.project(line.instead_of) if line.instead_of else None,
            )
            excluded.append(row)
    g = result.greedy
    infeasibility = infeasibility_json(result.infeasibility)
    return {
        "year": prepared.year,
        "level": prepared.level,
        "objective": result.objective,
        "status": result.status,
        "status_text": str(ScenarioStatus(result.status).label),
        "value": round(result.value, 6),
        "bound": round(result.bound, 6),
        "gap": result.gap,
        "gap_text": explain.gap_text(result.status, result.gap),
        "envelopes": dict(prepared.problem.envelopes),
        "totals": {f: int(result.totals.get(f, 0)) for f in FUNDS},
        "total": result.total,
        "priority_amount": result.priority_amount,
        "priority_share_bp": result.priority_bp,
        "priority_share_text": explain.percent(result.priority_bp),
        "selected": selected,
        "excluded": excluded,
        "binding": [
            {**binding_json(b), "text": explain.binding_text(binding_json(b), names)} for b in result.binding
        ],
        "infeasibility": (
            None
            if infeasibility is None
            else {**infeasibility, "text": explain.conflict_text(infeasibility, names)}
        ),
        "greedy": {
            "value": round(g.value, 6),
            "total": g.total,
            "totals": {f: int(g.totals.get(f, 0)) for f in FUNDS},
            "priority_share_bp": g.priority_bp,
            "selected": sorted(prepared.projects[k].code for k in g.amounts),
            "unmet": [explain.reason_text(violation_json(v), names) for v in g.unmet],
            "value_gained": round(result.value - g.value, 6),
            "priority_share_gained_bp": result.priority_bp - g.priority_bp,
        },
        "timing_ms": {
            "build": round(result.timing.build * 1000, 1),
            "solve": round(result.timing.solve * 1000, 1),
            "explain": round(result.timing.explain * 1000, 1),
            "greedy": round(result.timing.greedy * 1000, 1),
        },
        "scenario": None if scenario is None else {"id": scenario.pk, "name": scenario.name},
    }


def overrides_for(
    codes: Iterable[tuple[str, str, str]], *, year: int, level: str
) -> dict[int, tuple[str, str]]:
    """(code, in/out, reason) as typed in the API or on the command line -> {project id: (in/out, reason)}."""
    from khuyencong.projects.models import code_key

    out: dict[int, tuple[str, str]] = {}
    errors: list[str] = []
    for code, decision, reason in codes:
        project = Project.objects.filter(code_key=code_key(code), plan_year=year, level=level).first()
        if project is None:
            errors.append(_("Không có đề án mã %(code)s trong năm %(year)s.") % {"code": code, "year": year})
            continue
        if not reason.strip():
            errors.append(_("Cần ghi rõ lý do cho đề án %(code)s.") % {"code": code})
            continue
        out[project.pk] = (decision, reason.strip())
    if errors:
        raise ValidationError({"project": errors})
    return out


def partials_for(codes: Iterable[tuple[str, int]], *, year: int, level: str) -> dict[int, int]:
    from khuyencong.projects.models import code_key

    out: dict[int, int] = {}
    errors: list[str] = []
    for code, minimum in codes:
        project = Project.objects.filter(code_key=code_key(code), plan_year=year, level=level).first()
        if project is None:
            errors.append(_("Không có đề án mã %(code)s trong năm %(year)s.") % {"code": code, "year": year})
            continue
        out[project.pk] = minimum
    if errors:
        raise ValidationError({"project": errors})
    return out


def _percent(value: Any, *, field: str, per_percent: int = 100) -> int:
    """A percentage from JSON ('62.5', 62.5, '62,5') as an integer number of 1/per_percent of a percent."""
    try:
        number = Decimal(str(value).strip().rstrip("%").strip().replace(",", ".")) * per_percent
    except ArithmeticError:
        raise ValidationError({field: _("Tỷ lệ phải là một số phần trăm, ví dụ 60 hoặc 62,5.")}) from None
    if number != number.to_integral_value():
        raise ValidationError({field: _("Tỷ lệ có quá nhiều chữ số thập phân.")})
    return int(number)


def rules_from_request(
    data: Mapping[str, Any], *, year: int, level: str, base: PlanRules | None
) -> PlanRules:
    """The rules of a request to the API or the command: the plan's own (when there is one), with
    whatever the request gives on top. Overrides and partial funding from the request are added to the
    plan's, the request winning for a project named in both."""
    if base is None:
        if not data.get("envelopes"):
            raise ValidationError(
                {
                    "envelopes": _("Chưa có kế hoạch năm %(year)s cho cấp này: hãy gửi dự toán theo nguồn.")
                    % {"year": year}
                }
            )
        base = PlanRules(reference_date=data.get("reference_date") or timezone.localdate())
    rules = dataclasses.replace(base, overrides=dict(base.overrides), partials=dict(base.partials))
    if data.get("reference_date"):
        rules.reference_date = data["reference_date"]
    if data.get("envelopes") is not None:
        unknown = [k for k in data["envelopes"] if k not in FUNDS]
        if unknown:
            raise ValidationError(
                {
                    "envelopes": _("Nguồn kinh phí không hợp lệ: %(codes)s (dùng provincial, central).")
                    % {"codes": ", ".join(unknown)}
                }
            )
        rules.envelopes = {f: int(data["envelopes"].get(f, 0)) for f in FUNDS}
    if data.get("priority_min_percent") is not None:
        rules.priority_min_bp = _percent(data["priority_min_percent"], field="priority_min")
    if data.get("priority_kinds") is not None:
        rules.priority_kinds = list(data["priority_kinds"])
    if data.get("categories") is not None:
        rules.categories = [
            opt.CategoryRule(
                str(c["category"]),
                None
                if c.get("min_share_percent") is None
                else _percent(c["min_share_percent"], field="categories"),
                None
                if c.get("max_share_percent") is None
                else _percent(c["max_share_percent"], field="categories"),
                c.get("min_count"),
                c.get("max_count"),
            )
            for c in data["categories"]
        ]
    for name in ("commune_max", "establishment_max"):
        if name in data and data[name] is not None:
            setattr(rules, name, int(data[name]))
    if data.get("objective"):
        rules.objective = str(data["objective"])
    if data.get("time_limit") is not None:
        rules.time_limit = int(data["time_limit"])
    if data.get("gap_percent") is not None:
        rules.gap_ppm = _percent(data["gap_percent"], field="gap", per_percent=10_000)
    decided = [
        *(
            (o["code"], OverrideDecision.INCLUDE.value, o.get("reason", ""))
            for o in data.get("must_include") or []
        ),
        *(
            (o["code"], OverrideDecision.EXCLUDE.value, o.get("reason", ""))
            for o in data.get("must_exclude") or []
        ),
    ]
    rules.overrides.update(overrides_for(decided, year=year, level=level))
    rules.partials.update(
        partials_for(
            [(p["code"], int(p["minimum"])) for p in data.get("partial") or []], year=year, level=level
        )
    )
    return rules
