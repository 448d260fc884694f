"""Demo results beyond what the acceptances record: values of later periods and follow-up answers.

Illustrative like the demo projects (khuyencong/projects/demo.py) they belong to: every figure here is
made up, derived deterministically from each project's own accepted results so that re-running gives
the same data. Nothing here changes what the acceptances recorded, so the 2008–2012 totals stay those of
the source article (1,286 jobs from demonstration models, 535 from machinery).

What is added, through the results services with the demo officer as actor:
- follow-ups 6, 12 and 24 months after each 2008–2012 acceptance (most businesses still running, a few
  not, jobs mostly kept, machines mostly in use); the current projects' follow-ups are left due, so the
  to-do list and the due list have something to show;
- trained workers employed afterwards for training projects, revenue after support and further
  counterpart money for models and machinery, products recognised for product-development projects.

Idempotent: a follow-up or a value already recorded for its project and period is left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from khuyencong.accounts.models import User
from khuyencong.projects.choices import ContentCategory
from khuyencong.projects.models import Acceptance, Project
from khuyencong.results import services
from khuyencong.results.choices import FollowUpMonth, ValueSource
from khuyencong.results.models import FollowUp, IndicatorValue, add_months

C = ContentCategory
OFFICER = "canbo"
MILLION = 1_000_000
NOTE = "Số liệu minh hoạ."


@dataclass
class DemoResultsReport:
    follow_ups: int = 0
    values: int = 0


def _value(
    report: DemoResultsReport,
    project: Project,
    officer: User,
    code: str,
    start: dt.date,
    end: dt.date,
    value: int,
    source: str,
    *,
    women: int | None = None,
    ethnic_minority: int | None = None,
) -> None:
    if (
        end > timezone.localdate()
        or IndicatorValue.objects.filter(
            project=project, indicator_id=code, period_start=start, period_end=end
        ).exists()
    ):
        return
    services.indicator_value_record(
        project=project,
        actor=officer,
        indicator=code,
        period_start=start,
        period_end=end,
        value=value,
        source=source,
        note=NOTE,
        women=women,
        ethnic_minority=ethnic_minority,
    )
    report.values += 1


def _follow_ups(
    report: DemoResultsReport, project: Project, acceptance: Acceptance, officer: User, k: int
) -> None:
    results = {r.indicator: r.value for r in acceptance.results.all()}
    jobs = results.get("jobs_created")
    has_machines = acceptance.machines.exists()
    # One establishment in eleven has stopped by the 24-month visit; one in seven keeps fewer workers.
    closed_at_24 = k % 11 == 5
    for months in FollowUpMonth:
        visited = add_months(acceptance.held_on, months) + dt.timedelta(days=7 + k % 9)
        if visited > timezone.localdate() or FollowUp.objects.filter(project=project, months=months).exists():
            continue
        operating = not (closed_at_24 and months == FollowUpMonth.TWENTY_FOUR)
        kept = None
        if jobs is not None:
            shrink = (k % 7 == 3) * (months // 6) * max(1, jobs // 20)
            kept = max(jobs - shrink, 0) if operating else 0
        services.follow_up_record(
            project=project,
            actor=officer,
            months=months,
            visited_on=visited,
            still_operating=operating,
            jobs_kept=kept,
            equipment_in_use=(operating and k % 13 != 7) if has_machines else None,
            note=NOTE if operating else f"Cơ sở đã ngừng sản xuất. {NOTE}",
        )
        report.follow_ups += 1


def _later_values(
    report: DemoResultsReport, project: Project, acceptance: Acceptance, officer: User, k: int
) -> None:
    results = {r.indicator: r.value for r in acceptance.results.all()}
    year = acceptance.held_on.year + 1
    first_half = (dt.date(year, 1, 1), dt.date(year, 6, 30))
    whole_year = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    if project.category == C.TRAINING and results.get("workers_trained"):
        trained = results["workers_trained"]
        employed = trained * (60 + k % 25) // 100
        women = min(employed, acceptance.trained_women * employed // max(trained, 1))
        minority = min(employed, acceptance.trained_ethnic_minority * employed // max(trained, 1))
        _value(
            report,
            project,
            officer,
            "trained_employed",
            *first_half,
            employed,
            ValueSource.FOLLOW_UP,
            women=women,
            ethnic_minority=minority,
        )
    if project.category in (C.DEMONSTRATION_MODEL, C.MACHINERY_APPLICATION):
        support = project.approved_support or 0
        revenue = (support * (3 + k % 5)) // MILLION * MILLION
        _value(
            report,
            project,
            officer,
            "revenue_after_support",
            *whole_year,
            revenue,
            ValueSource.BUSINESS_REPORT,
        )
        _value(
            report,
            project,
            officer,
            "revenue_after_support",
            dt.date(year + 1, 1, 1),
            dt.date(year + 1, 12, 31),
            revenue * (105 + k % 15) // 100 // MILLION * MILLION,
            ValueSource.BUSINESS_REPORT,
        )
        if k % 3 == 0:
            extra = (support // 2) // MILLION * MILLION
            _value(
                report, project, officer, "counterpart_mobilised", *whole_year, extra, ValueSource.SITE_VISIT
            )
    if project.category == C.PRODUCT_DEVELOPMENT and k % 2 == 0:
        _value(report, project, officer, "products_recognised", *whole_year, 1 + k % 3, ValueSource.OTHER)


@transaction.atomic
def build_demo_results(*, province: str = "20") -> DemoResultsReport:
    """Add the demo's later values and follow-ups to the demo projects that are accepted."""
    report = DemoResultsReport()
    officer = User.objects.filter(username=OFFICER).first()
    if officer is None:
        return report
    accepted = (
        Acceptance.objects.filter(accepted=True, project__is_demo=True)
        .select_related("project")
        .prefetch_related("results", "machines")
        .order_by("project__plan_year", "project__code_key")
    )
    for k, acceptance in enumerate(accepted):
        project = acceptance.project
        _later_values(report, project, acceptance, officer, k)
        if project.plan_year <= 2012:
            _follow_ups(report, project, acceptance, officer, k)
    return report
