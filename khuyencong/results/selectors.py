"""Reads of one project's results and of the follow-ups due, always through the user's scope.

Figures across many projects (dashboard, reports, the summary) live in `aggregation.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from khuyencong.core.models import AuditEntry
from khuyencong.projects.models import Acceptance, Project
from khuyencong.results.choices import AggregationRule, FollowUpMonth, IndicatorOrigin
from khuyencong.results.models import FollowUp, Indicator, IndicatorValue, add_months
from khuyencong.results.services import FOLLOW_UP_EARLY_DAYS


def indicator_catalogue() -> QuerySet[Indicator]:
    return Indicator.objects.order_by("position", "code")


@dataclass
class IndicatorRow:
    indicator: Indicator
    target: int | None = None
    achieved: int | None = None  # at the acceptance
    values: list[IndicatorValue] = field(default_factory=list)

    @property
    def figure(self) -> int | None:
        """The project's one figure for the indicator, by the catalogue's rule."""
        if self.indicator.origin == IndicatorOrigin.ACCEPTANCE:
            return self.achieved
        if not self.values:
            return None
        rule = self.indicator.rule
        if rule == AggregationRule.SUM:
            return sum(v.value for v in self.values)
        if rule == AggregationRule.MAX:
            return max(v.value for v in self.values)
        if rule == AggregationRule.COUNT:
            return int(any(v.value > 0 for v in self.values))
        return max(self.values, key=lambda v: (v.period_end, v.pk)).value


@dataclass
class ProjectResults:
    project: Project
    acceptance: Acceptance | None
    rows: list[IndicatorRow]
    follow_ups: list[FollowUp]
    history: list[AuditEntry]

    @property
    def locked_ids(self) -> set[int]:
        """Values of periods up to an accepted acceptance: locked."""
        if self.acceptance is None or not self.acceptance.accepted:
            return set()
        held = self.acceptance.held_on
        return {v.pk for row in self.rows for v in row.values if v.period_end <= held}


def project_results(*, project: Project) -> ProjectResults:
    """Targets, what the acceptance found and the values recorded since, for a project the caller sees."""
    acceptance = Acceptance.objects.filter(project=project).prefetch_related("results", "machines").first()
    targets = {row.indicator: row.value for row in project.expected_results.all()}
    # Recorded indicators have their targets here; the acceptance's ones are the proposal's expected results.
    targets.update(dict(project.indicator_targets.values_list("indicator_id", "value")))
    achieved = {r.indicator: r.value for r in acceptance.results.all()} if acceptance else {}
    values = list(
        IndicatorValue.objects.filter(project=project)
        .select_related("indicator", "evidence", "recorded_by")
        .order_by("indicator__position", "period_start", "pk")
    )
    rows = []
    for indicator in indicator_catalogue():
        row = IndicatorRow(
            indicator=indicator,
            target=targets.get(indicator.code),
            achieved=achieved.get(indicator.code) if acceptance and acceptance.accepted else None,
            values=[v for v in values if v.indicator_id == indicator.code],
        )
        rows.append(row)
    ids = [str(v.pk) for v in values]
    target_ids = [str(pk) for pk in project.indicator_targets.values_list("pk", flat=True)]
    history = (
        list(
            AuditEntry.objects.filter(
                content_type__app_label="results", content_type__model="indicatorvalue", object_id__in=ids
            ).select_related("actor")
        )
        if ids
        else []
    )
    history += list(
        AuditEntry.objects.filter(
            content_type__app_label="results",
            content_type__model="followup",
            object_id__in=[str(pk) for pk in project.follow_ups.values_list("pk", flat=True)],
        ).select_related("actor")
    )
    history += list(
        AuditEntry.objects.filter(
            content_type__app_label="results", content_type__model="indicatortarget", object_id__in=target_ids
        ).select_related("actor")
    )
    history.sort(key=lambda e: e.at, reverse=True)
    return ProjectResults(
        project=project,
        acceptance=acceptance,
        rows=rows,
        follow_ups=list(project.follow_ups.order_by("months")),
        history=history,
    )


# --- follow-ups due ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueFollowUp:
    project: Project
    months: FollowUpMonth
    due_on: dt.date

    @property
    def overdue(self) -> bool:
        return self.due_on < timezone.localdate()


def _threshold(today: dt.date, months: int) -> dt.date:
    """Acceptances held on or before this date have the `months` follow-up due (or within the early window)."""
    horizon = today + dt.timedelta(days=FOLLOW_UP_EARLY_DAYS)
    # add_months(held, m) <= horizon  <=>  held <= horizon - m months (to the day, clamped at month ends)
    return add_months(horizon, -months)


def _due_filter(months: int, today: dt.date) -> Q:
    answered = FollowUp.objects.filter(project=OuterRef("pk"), months=months)
    return Q(acceptance__accepted=True, acceptance__held_on__lte=_threshold(today, months)) & ~Q(
        Exists(answered)
    )


def follow_up_counts(*, user: Any, today: dt.date | None = None) -> dict[int, int]:
    """How many follow-ups of each milestone are due for the caller's projects: one query."""
    day = today or timezone.localdate()
    # The visible set as a subquery: visible_to may be DISTINCT (a representative's projects), and an
    # aggregate over a DISTINCT query loses the outer table that the Exists below refers to.
    visible = Project.objects.visible_to(user).values("pk")
    scoped = Project.objects.filter(pk__in=visible).exclude(status="cancelled")
    totals = scoped.aggregate(
        **{f"m{m}": Count("pk", filter=_due_filter(m, day), distinct=True) for m in FollowUpMonth.values}
    )
    return {m: int(totals[f"m{m}"] or 0) for m in FollowUpMonth.values}


def follow_ups_due(*, user: Any, today: dt.date | None = None, limit: int | None = None) -> list[DueFollowUp]:
    """The follow-ups due (or falling due within a month) and not answered yet, earliest first."""
    day = today or timezone.localdate()
    scoped = Project.objects.visible_to(user).exclude(status="cancelled")
    due: list[DueFollowUp] = []
    for months in FollowUpMonth:
        qs = (
            scoped.filter(_due_filter(months, day))
            .select_related("unit", "unit__parent", "acceptance", "call")
            .order_by("acceptance__held_on", "pk")
        )
        if limit is not None:
            qs = qs[:limit]
        due += [
            DueFollowUp(project=p, months=months, due_on=add_months(p.acceptance.held_on, months)) for p in qs
        ]
    due.sort(key=lambda d: (d.due_on, d.project.pk, d.months))
    return due[:limit] if limit is not None else due
