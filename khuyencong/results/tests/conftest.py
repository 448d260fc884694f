"""Fixtures for the results tests: projects taken to an accepted acceptance through the real services."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
from typing import Any

import pytest

from khuyencong.projects import services as project_services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Advance, Project
from khuyencong.projects.tests.helpers import checklist_met
from khuyencong.results import services as result_services

_numbers = itertools.count(1)
M = 1_000_000


@pytest.fixture(autouse=True)
def indicator_catalogue(db):
    """The catalogue a migration ships, put back if a transactional test elsewhere flushed it."""
    from django.apps import apps

    from khuyencong.results.models import Indicator

    if not Indicator.objects.exists():
        importlib.import_module("khuyencong.results.migrations.0002_indicator_catalogue").ship(apps, None)


@pytest.fixture
def make_project(officer, geo):
    """A project put straight into `status` (approved or later get an approved support); `accept` records
    an accepted acceptance with `results` through project_record_acceptance."""

    def make(
        *,
        unit: Any = None,
        category: str = "demonstration_model",
        level: str = "local",
        year: int = 2024,
        budget: dict[str, int] | None = None,
        status: str = Status.IN_PROGRESS,
        results: dict[str, int] | None = None,
        held_on: dt.date | None = None,
        accepted: bool = True,
        trained_women: int = 0,
        trained_ethnic_minority: int = 0,
        machines: tuple[tuple[str, str], ...] = (),
        beneficiaries: list[Any] | None = None,
        end_date: dt.date | None = None,
    ) -> Project:
        number = next(_numbers)
        budget = budget if budget is not None else {"provincial": 100_000_000, "beneficiary": 200_000_000}
        project = project_services.project_create(
            actor=officer,
            data={
                "code": f"KQ-{year}-{number:04d}",
                "title": f"Đề án thử kết quả số {number}",
                "category": category,
                "level": level,
                "plan_year": year,
                "implementing_unit": "Trung tâm Khuyến công",
                "unit": unit or geo.tam_thanh,
                "eligible_cost": max(
                    sum(budget.values()),
                    4 * sum(v for k, v in budget.items() if k in ("central", "provincial")),
                ),
                "start_date": dt.date(year, 3, 1),
                "end_date": end_date or dt.date(year, 10, 31),
            },
            beneficiaries=beneficiaries or [],
            budget=budget,
            on=dt.date(year, 1, 15),
        )
        support = sum(v for k, v in budget.items() if k in ("central", "provincial"))
        if results is not None:
            Project.objects.filter(pk=project.pk).update(
                status=Status.AWAITING_ACCEPTANCE, approved_support=support, decision_date=dt.date(year, 4, 1)
            )
            project.refresh_from_db()
            project_services.project_record_acceptance(
                project=project,
                actor=officer,
                held_on=held_on or dt.date(year, 11, 20),
                accepted=accepted,
                results=results,
                trained_women=trained_women,
                trained_ethnic_minority=trained_ethnic_minority,
                machines=machines,
                notes="" if accepted else "Không đạt",
                checklist=checklist_met(project),
            )
            if status not in (Status.IN_PROGRESS, Status.ACCEPTED, Status.NOT_ACCEPTED):
                Project.objects.filter(pk=project.pk).update(status=status)
        else:
            Project.objects.filter(pk=project.pk).update(
                status=status,
                approved_support=support if status not in (Status.DRAFT, Status.SUBMITTED) else None,
                decision_date=dt.date(year, 4, 1),
            )
        project.refresh_from_db()
        return project

    return make


@pytest.fixture
def programme(make_project, geo, officer, hung_long, ba_son_coop):
    p = {}
    p["vinh_trai_model"] = make_project(
        unit=geo.old_vinh_trai,
        year=2023,
        budget={"provincial": 200 * M, "beneficiary": 500 * M},
        results={"jobs_created": 40, "models": 1},
        held_on=dt.date(2023, 11, 20),
        end_date=dt.date(2023, 10, 31),
        beneficiaries=[hung_long],
    )
    Project.objects.filter(pk=p["vinh_trai_model"].pk).update(
        status=Status.SETTLED, settled_amount=190 * M, liquidation_date=dt.date(2023, 12, 10)
    )
    p["tam_thanh_machinery"] = make_project(
        unit=geo.old_tam_thanh,
        year=2023,
        category="machinery_application",
        level="national",
        budget={"central": 150 * M, "beneficiary": 150 * M},
        results={"jobs_created": 12, "machines": 2},
        held_on=dt.date(2023, 12, 1),
        end_date=dt.date(2023, 12, 10),
        machines=(("Máy ép", "A1"), ("Máy cắt", "A2")),
        beneficiaries=[hung_long],
    )
    Advance.objects.create(
        project=p["tam_thanh_machinery"], amount=100 * M, paid_on=dt.date(2023, 6, 1), recorded_by=officer
    )
    p["hop_thanh_training"] = make_project(
        unit=geo.old_hop_thanh,
        year=2024,
        category="training",
        budget={"provincial": 60 * M},
        results={"workers_trained": 30},
        trained_women=20,
        trained_ethnic_minority=25,
        held_on=dt.date(2024, 11, 1),
        end_date=dt.date(2024, 11, 1),
        beneficiaries=[ba_son_coop],
    )
    p["luong_van_tri_model"] = make_project(
        unit=geo.luong_van_tri,
        year=2025,
        level="national",
        budget={"central": 300 * M, "provincial": 100 * M, "beneficiary": 900 * M, "other": 100 * M},
        results={"jobs_created": 25, "models": 1},
        held_on=dt.date(2025, 12, 5),
        end_date=dt.date(2025, 11, 30),
    )
    p["tam_thanh_consulting"] = make_project(
        unit=geo.tam_thanh, year=2025, category="consulting_information", budget={"provincial": 40 * M}
    )
    Advance.objects.create(
        project=p["tam_thanh_consulting"], amount=20 * M, paid_on=dt.date(2025, 9, 1), recorded_by=officer
    )
    p["vinh_trai_refused"] = make_project(
        unit=geo.old_vinh_trai,
        year=2024,
        budget={"provincial": 100 * M},
        results={"jobs_created": 99},
        accepted=False,
    )
    # not counted: cancelled, a draft, outside the range
    make_project(year=2024, status=Status.CANCELLED, budget={"provincial": 70 * M})
    make_project(year=2024, status=Status.DRAFT, budget={"provincial": 80 * M})
    make_project(year=2022, budget={"provincial": 90 * M}, results={"jobs_created": 7})
    # values of later periods
    result_services.indicator_value_record(
        project=p["hop_thanh_training"],
        actor=officer,
        indicator="trained_employed",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 6, 30),
        value=18,
        women=12,
        ethnic_minority=15,
        source="follow_up",
    )
    result_services.indicator_value_record(
        project=p["hop_thanh_training"],
        actor=officer,
        indicator="trained_employed",
        period_start=dt.date(2025, 7, 1),
        period_end=dt.date(2025, 9, 30),
        value=22,
        women=14,
        ethnic_minority=19,
        source="follow_up",
    )
    for start, end, value in [
        ((2024, 1, 1), (2024, 6, 30), 300 * M),
        ((2024, 7, 1), (2024, 12, 31), 200 * M),
    ]:
        result_services.indicator_value_record(
            project=p["vinh_trai_model"],
            actor=officer,
            indicator="counterpart_mobilised",
            period_start=dt.date(*start),
            period_end=dt.date(*end),
            value=value,
            source="business_report",
        )
    for end, value in [((2024, 12, 31), 2), ((2025, 6, 30), 3), ((2025, 9, 30), 1)]:
        result_services.indicator_value_record(
            project=p["tam_thanh_machinery"],
            actor=officer,
            indicator="products_recognised",
            period_start=dt.date(end[0], 1, 1),
            period_end=dt.date(*end),
            value=value,
            source="other",
        )
    return p
