"""A small programme the API tests (and the schemathesis run) act on: a proposal, a plan, an accepted
project with a recorded value, a call, all made through the real services."""

import datetime as dt
import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from khuyencong.projects import calls
from khuyencong.projects import services as project_services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project
from khuyencong.projects.tests.helpers import checklist_met

M = 1_000_000


def _project(officer, unit, code, *, year, budget, beneficiaries=(), category="training"):
    return project_services.project_create(
        actor=officer,
        data={
            "code": code,
            "title": f"Đề án {code}",
            "category": category,
            "level": "local",
            "plan_year": year,
            "implementing_unit": "Trung tâm Khuyến công Lạng Sơn",
            "unit": unit,
            "eligible_cost": 4 * sum(budget.values()),
            "start_date": dt.date(year, 3, 1),
            "end_date": dt.date(year, 10, 31),
        },
        beneficiaries=list(beneficiaries),
        budget=budget,
        on=dt.date(year - 1, 9, 1),
    )


@pytest.fixture
def world(officer, leader, geo, hung_long, ba_son_coop):
    from django.apps import apps

    from khuyencong.plans import services as plan_services
    from khuyencong.results import services as result_services
    from khuyencong.results.models import Indicator

    if not Indicator.objects.exists():  # a transactional test elsewhere may have flushed the catalogue
        importlib.import_module("khuyencong.results.migrations.0002_indicator_catalogue").ship(apps, None)

    draft = _project(officer, geo.tam_thanh, "API-2026-001", year=2026, budget={"provincial": 100 * M})
    proposed = _project(
        officer,
        geo.tam_thanh,
        "API-2026-002",
        year=2026,
        budget={"provincial": 200 * M},
        beneficiaries=[hung_long],
    )
    project_services.project_submit(project=proposed, actor=officer, on=dt.date(2025, 9, 1))
    project_services.project_transition(project=proposed, to=Status.UNDER_APPRAISAL, actor=officer)
    Project.objects.filter(pk=proposed.pk).update(appraisal_score=Decimal("82.5"))
    project_services.project_transition(project=proposed, to=Status.PROPOSED, actor=officer)
    plan = plan_services.plan_create(
        actor=officer,
        year=2026,
        level="local",
        rules=plan_services.PlanRules(
            reference_date=dt.date(2025, 12, 1), envelopes={"provincial": 500 * M, "central": 0}
        ),
    )
    accepted = _project(
        officer,
        geo.tam_thanh,
        "API-2024-003",
        year=2024,
        budget={"provincial": 100 * M},
        beneficiaries=[hung_long],
    )
    Project.objects.filter(pk=accepted.pk).update(
        status=Status.AWAITING_ACCEPTANCE, approved_support=100 * M, decision_date=dt.date(2024, 4, 1)
    )
    accepted.refresh_from_db()
    project_services.project_record_acceptance(
        project=accepted,
        actor=officer,
        held_on=dt.date(2024, 11, 20),
        accepted=True,
        results={"jobs_created": 30},
        notes="",
        checklist=checklist_met(accepted),
    )
    accepted.refresh_from_db()
    value = result_services.indicator_value_record(
        project=accepted,
        actor=officer,
        indicator="trained_employed",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 6, 30),
        value=25,
        women=10,
        source="site_visit",
    )
    now = timezone.now()
    call = calls.call_create(
        actor=officer,
        data=calls.CallData(
            year=2026,
            level="local",
            title="Đợt xét chọn đề án khuyến công địa phương năm 2026",
            opens_at=now - dt.timedelta(days=10),
            deadline=now + dt.timedelta(days=30),
            categories=["training", "demonstration_model"],
        ),
    )
    return SimpleNamespace(
        draft=draft, proposed=proposed, plan=plan, accepted=accepted, value=value, call=call, geo=geo
    )
