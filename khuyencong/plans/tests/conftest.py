import datetime as dt
import itertools
from decimal import Decimal

import pytest

from khuyencong.plans import services as plan_services
from khuyencong.plans.tests.helpers import YEAR, rules
from khuyencong.projects import services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project


@pytest.fixture
def make_proposal(officer, geo):
    """A proposal for the 2026 local plan, taken through the real services to "proposed for the plan".

    The appraisal that writes the score is another app; the score is set directly, before the move to
    PROPOSED, as the appraisal will require.
    """
    numbers = itertools.count(1)

    def make(
        *,
        score: str | float,
        amount: int,
        category: str = "training",
        unit=None,
        jobs: int = 0,
        beneficiaries=(),
        source: str = "provincial",
        code: str | None = None,
        year: int = YEAR,
        level: str = "local",
    ) -> Project:
        n = next(numbers)
        project = services.project_create(
            actor=officer,
            data={
                "code": code or f"KCĐP-{year}-{n:03d}",
                "title": f"Đề án thử {n}",
                "category": category,
                "level": level,
                "plan_year": year,
                "implementing_unit": "Trung tâm Khuyến công Lạng Sơn",
                "unit": unit or geo.tam_thanh,
                "eligible_cost": amount * 4,
            },
            beneficiaries=beneficiaries,
            budget={source: amount, "beneficiary": amount},
            expected={"jobs_created": jobs} if jobs else None,
            on=dt.date(2025, 9, 1),
        )
        services.project_submit(project=project, actor=officer, on=dt.date(2025, 9, 1))
        services.project_transition(project=project, to=Status.UNDER_APPRAISAL, actor=officer)
        Project.objects.filter(pk=project.pk).update(appraisal_score=Decimal(str(score)))
        services.project_transition(project=project, to=Status.PROPOSED, actor=officer)
        return Project.objects.get(pk=project.pk)

    return make


@pytest.fixture
def ba_son_difficult(geo, administrator):
    """Xã Ba Sơn is a difficult commune from 1/1/2025 (an invented record for the tests)."""
    from khuyencong.geo.models import PriorityClassification

    return PriorityClassification.objects.create(
        unit=geo.ba_son, kind="difficult", valid_from=dt.date(2025, 1, 1), legal_basis="QĐ thử nghiệm"
    )


@pytest.fixture
def make_plan(officer):
    def make(**kw):
        return plan_services.plan_create(actor=officer, year=YEAR, level="local", rules=rules(**kw))

    return make
