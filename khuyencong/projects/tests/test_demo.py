"""The demo (issue 3 §9): Lạng Sơn's 2008–2012 khuyến công programme as Báo Lạng Sơn (07/08/2012) sums it
up, built through the services, and a few current projects at every stage.

The demo is loaded once for the module on the real geography; each test runs in its own savepoint, so
what one test adds is gone for the next.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from khuyencong.accounts.models import User
from khuyencong.appraisal import demo as appraisal_demo
from khuyencong.core.audit import history
from khuyencong.core.demo import load_demo
from khuyencong.core.models import AuditAction
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.services import establishment_create
from khuyencong.geo.choices import Generation, Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import default_successor
from khuyencong.projects import services
from khuyencong.projects.choices import ContentCategory, Status
from khuyencong.projects.demo import CURRENT_NOTE, SOURCE, apportion, article_projects, current_projects
from khuyencong.projects.models import ActualResult, Project
from khuyencong.projects.tests.helpers import checklist_met
from khuyencong.rules.selectors import support_limit

ARTICLE_YEARS = (2008, 2012)
DEMONSTRATION = ContentCategory.DEMONSTRATION_MODEL
MACHINERY = ContentCategory.MACHINERY_APPLICATION
CURRENT_STAGES = {
    Status.DRAFT,
    Status.SUBMITTED,
    Status.UNDER_APPRAISAL,
    Status.PROPOSED,
    Status.APPROVED,
    Status.CONTRACTED,
    Status.IN_PROGRESS,
    Status.AWAITING_ACCEPTANCE,
    Status.SETTLED,
}


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """Geography and the whole demo, once for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        call_command("load_geography", province="20", stdout=io.StringIO())
        load_demo(province="20")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded: None, db: None) -> None:
    """The loaded demo, inside this test's own savepoint."""


def accepted_jobs(category: str) -> int:
    total = ActualResult.objects.filter(
        acceptance__accepted=True,
        acceptance__project__plan_year__range=ARTICLE_YEARS,
        acceptance__project__category=category,
        indicator="jobs_created",
    ).aggregate(total=Sum("value"))["total"]
    return int(total or 0)


def test_the_2008_2012_programme_has_the_articles_figures(demo: None) -> None:
    projects = Project.objects.filter(plan_year__range=ARTICLE_YEARS)
    assert projects.count() == 66
    assert projects.filter(category=DEMONSTRATION).count() == 24
    assert accepted_jobs(DEMONSTRATION) == 1_286
    assert projects.filter(category=MACHINERY).count() == 12
    assert accepted_jobs(MACHINERY) == 535


def test_the_other_30_are_training_consulting_communication_and_branding(demo: None) -> None:
    others = Project.objects.filter(plan_year__range=ARTICLE_YEARS).exclude(
        category__in=[DEMONSTRATION, MACHINERY]
    )
    assert others.count() == 30
    assert set(others.values_list("category", flat=True)) == {
        ContentCategory.TRAINING,
        ContentCategory.CONSULTING_INFORMATION,
        ContentCategory.PRODUCT_DEVELOPMENT,
    }
    titles = " ".join(others.values_list("title", flat=True)).lower()
    assert "truyền thông" in titles and "thương hiệu" in titles and "hội chợ" in titles


def test_every_2008_2012_project_is_closed_with_an_accepted_acceptance_in_an_old_lang_son_commune(
    demo: None,
) -> None:
    projects = Project.objects.filter(plan_year__range=ARTICLE_YEARS).select_related(
        "acceptance", "unit__parent__parent"
    )
    for project in projects:
        assert project.status == Status.CLOSED, project.code
        assert project.acceptance.accepted, project.code
        assert project.submitted_on is not None and project.submitted_on.year == project.plan_year
        assert project.decision_number and project.contract_number and project.settled_amount
        unit = project.unit
        assert (unit.generation, unit.level) == (Generation.LEGACY, Level.COMMUNE), project.code
        assert unit.parent is not None and unit.parent.parent is not None
        assert unit.parent.parent.code == "20"


def test_each_step_of_a_closed_project_is_in_its_audit_trail(demo: None) -> None:
    project = Project.objects.get(code="KC-LS-2010-001")
    moves = [
        entry.changes["status"]["after"]
        for entry in history(project)
        if entry.action == AuditAction.TRANSITION
    ]
    assert sorted(moves) == sorted(
        str(Status(s).label)
        for s in (
            Status.SUBMITTED,
            Status.UNDER_APPRAISAL,
            Status.PROPOSED,
            Status.APPROVED,
            Status.CONTRACTED,
            Status.IN_PROGRESS,
            Status.AWAITING_ACCEPTANCE,
            Status.ACCEPTED,
            Status.SETTLED,
            Status.CLOSED,
        )
    )
    actors = {entry.actor.username for entry in history(project) if entry.actor}
    assert actors == {"canbo", "lanhdao"}
    assert project.advances.exists()


def test_hung_long_plastics_line_sits_in_the_old_commune_it_came_from(demo: None) -> None:
    hung_long = Establishment.objects.get(name="Công ty TNHH thương mại Hưng Long")
    assert Establishment.objects.filter(name="Công ty TNHH thương mại Hưng Long").count() == 1  # reused
    line = Project.objects.get(
        beneficiaries=hung_long, plan_year__range=ARTICLE_YEARS, category__in=[DEMONSTRATION, MACHINERY]
    )
    assert "nhựa" in line.title
    assert line.unit.generation == Generation.LEGACY
    assert line.unit.short_name == hung_long.commune.short_name == "Tam Thanh"
    assert default_successor(line.unit) == hung_long.commune


def test_every_demo_project_is_marked_illustrative_and_names_its_source(demo: None) -> None:
    assert Project.objects.count() == Project.objects.filter(is_demo=True).count() > 0
    for project in Project.objects.filter(plan_year__range=ARTICLE_YEARS):
        assert SOURCE in project.description
    for project in Project.objects.filter(plan_year__gte=2024):
        assert CURRENT_NOTE in project.description


def test_new_beneficiaries_are_registered_in_current_communes_without_tax_codes(demo: None) -> None:
    beneficiaries = Establishment.objects.filter(projects__plan_year__range=ARTICLE_YEARS).distinct()
    assert beneficiaries.count() == 24 + 12
    assert not beneficiaries.exclude(tax_code="").exists()
    assert set(beneficiaries.values_list("commune__generation", flat=True)) == {Generation.CURRENT}


def test_requested_support_is_within_the_cap_in_force_on_the_submission_date(demo: None) -> None:
    for project in Project.objects.exclude(submitted_on=None).select_related("unit"):
        assert project.submitted_on is not None
        limit = support_limit(
            category=project.category,
            subtype=project.subtype,
            level=project.level,
            province="20",
            on=project.submitted_on,
            eligible_cost=project.eligible_cost,
        )
        if project.category == DEMONSTRATION:
            assert limit.applies, project.code
            basis = "125/2009" if project.plan_year <= 2012 else "28/2018"
            assert basis in limit.legal_basis, project.code
        if project.category == MACHINERY and project.plan_year > 2012:
            assert "28/2018" in limit.legal_basis, project.code
        if limit.applies and limit.max_support_vnd is not None:
            assert project.requested_support <= limit.max_support_vnd, project.code
        assert project.approved_support in (None, project.requested_support)


def test_the_current_projects_cover_every_stage_in_post_reform_communes(demo: None) -> None:
    current = Project.objects.filter(plan_year__range=(2024, 2026)).select_related("unit")
    assert set(current.values_list("status", flat=True)) >= CURRENT_STAGES
    assert {p.unit.generation for p in current} == {Generation.CURRENT}
    assert current.filter(is_pilot=True).exists()
    draft = current.get(status=Status.DRAFT)
    assert draft.created_by is not None and draft.created_by.username == "daidien"


def test_a_second_load_creates_nothing(demo: None) -> None:
    projects, establishments = Project.objects.count(), Establishment.objects.count()
    report = load_demo(province="20")
    assert (report.users_created, report.establishments_created, report.projects_created) == (0, 0, 0)
    assert (Project.objects.count(), Establishment.objects.count()) == (projects, establishments)


def test_one_more_accepted_2010_model_counts_as_the_67th_project_and_25th_model(demo: None) -> None:
    officer, leader = User.objects.get(username="canbo"), User.objects.get(username="lanhdao")
    old_commune = AdministrativeUnit.objects.get(
        generation=Generation.LEGACY, level=Level.COMMUNE, parent__parent__code="20", name="Xã Yên Trạch"
    )
    mill = establishment_create(
        actor=officer,
        data={
            "name": "Hợp tác xã chế biến tre Yên Trạch Mới",
            "legal_form": "cooperative",
            "sector": "forest_products",
            "workers": 20,
            "commune": default_successor(old_commune),
        },
    )
    project = services.project_create(
        actor=officer,
        data={
            "code": "KC-LS-2010-099",
            "title": "Mô hình trình diễn ép tre ghép khối",
            "category": DEMONSTRATION,
            "level": "local",
            "plan_year": 2010,
            "implementing_unit": "Trung tâm Khuyến công",
            "unit": old_commune,
            "eligible_cost": 500_000_000,
            "is_demo": True,
        },
        beneficiaries=[mill],
        budget={"provincial": 150_000_000, "beneficiary": 350_000_000},
        expected={"jobs_created": 10},
    )
    project = services.project_submit(project=project, actor=officer, on=dt.date(2010, 3, 1))
    project = services.project_transition(project=project, to=Status.UNDER_APPRAISAL, actor=officer)
    project = appraisal_demo.appraise(project, officer=officer)  # a demo council scores it
    project = services.project_approve(
        project=project, actor=leader, decision_number="999/QĐ-SCT", decision_date=dt.date(2010, 4, 10)
    )
    project = services.project_contract(
        project=project,
        actor=officer,
        contract_number="99/2010/HĐ-KC",
        contract_date=dt.date(2010, 4, 20),
        contract_amount=150_000_000,
    )
    project = services.project_transition(project=project, to=Status.IN_PROGRESS, actor=officer)
    project = services.project_transition(project=project, to=Status.AWAITING_ACCEPTANCE, actor=officer)
    services.project_record_acceptance(
        project=project,
        actor=officer,
        held_on=dt.date(2010, 11, 20),
        accepted=True,
        results={"jobs_created": 12},
        checklist=checklist_met(project),
    )

    projects = Project.objects.filter(plan_year__range=ARTICLE_YEARS)
    assert projects.count() == 67
    assert projects.filter(category=DEMONSTRATION).count() == 25
    assert accepted_jobs(DEMONSTRATION) == 1_286 + 12
    assert load_demo(province="20").projects_created == 0


def test_the_builder_and_its_specs_agree_with_the_article() -> None:
    specs = article_projects()
    assert len(specs) == 66
    assert len({s.code for s in specs} | {s.code for s in current_projects()}) == len(specs) + len(
        current_projects()
    )
    assert sum(s.results.get("jobs_created", 0) for s in specs if s.category == DEMONSTRATION) == 1_286
    assert sum(s.results.get("jobs_created", 0) for s in specs if s.category == MACHINERY) == 535


def test_apportion_splits_a_total_exactly_and_in_proportion() -> None:
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert apportion(535, [30, 60]) == [178, 357]
    assert sum(apportion(1_286, [45, 70, 25, 40, 65])) == 1_286
    with pytest.raises(ValueError, match="positive"):
        apportion(5, [0, 0])
