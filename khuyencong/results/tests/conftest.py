"""Fixtures for the results tests: projects taken to an accepted acceptance through the real services."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
from typing import Any

import pytest

from khuyencong.projects import services as project_services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project

_numbers = itertools.count(1)


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
