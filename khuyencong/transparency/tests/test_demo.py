"""The demo on the public pages: its projects appear with their figures, and nothing private leaks.

The geography and the whole demo are loaded once for the module; each test runs in its own savepoint.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from khuyencong.accounts.models import User
from khuyencong.core.demo import load_demo
from khuyencong.establishments.choices import PERSONAL_TAX_CODE_FORMS
from khuyencong.establishments.models import Establishment
from khuyencong.geo.choices import Generation, Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import default_successor
from khuyencong.projects.choices import ContentCategory
from khuyencong.projects.demo import current_projects
from khuyencong.projects.models import ActualResult, Project
from khuyencong.transparency.choices import PUBLIC_STATUSES
from khuyencong.transparency.tests.conftest import (
    CITIZEN_ID,
    EMAIL,
    PERSON,
    PHONE,
    make_project,
    take_to_settled,
)
from khuyencong.transparency.tests.privacy import assert_nothing_private, leaks

JSON = "/cong-khai/tai-ve/de-an.json"


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """Geography and the whole demo, once for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        from django.apps import apps

        from khuyencong.results.models import Indicator

        if not Indicator.objects.exists():
            import importlib

            importlib.import_module("khuyencong.results.migrations.0002_indicator_catalogue").ship(apps, None)
        call_command("load_geography", province="20", stdout=io.StringIO())
        load_demo(province="20")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded: None, db: None) -> None:
    """The loaded demo, inside this test's own savepoint."""


def public_codes(client, **params) -> list[str]:
    response = client.get(JSON, params)
    assert response.status_code == 200
    return [p["code"] for p in json.loads(response.content)["projects"]]


def test_the_66_projects_of_2008_2012_and_the_approved_current_ones_are_public(client, demo):
    codes = set(public_codes(client))
    article = set(Project.objects.filter(plan_year__range=(2008, 2012)).values_list("code", flat=True))
    assert len(article) == 66 and article <= codes
    current = current_projects()
    shown = {spec.code for spec in current if spec.stage in PUBLIC_STATUSES}
    hidden = {spec.code for spec in current if spec.stage not in PUBLIC_STATUSES}
    assert shown and hidden
    assert shown <= codes and not hidden & codes
    assert codes == article | shown


def test_the_list_filtered_by_year_and_category_gives_the_articles_counts(client, demo):
    assert (
        len(public_codes(client, category=ContentCategory.DEMONSTRATION_MODEL, year=2010))
        == Project.objects.filter(plan_year=2010, category=ContentCategory.DEMONSTRATION_MODEL).count()
    )
    models = [
        c
        for year in range(2008, 2013)
        for c in public_codes(client, year=year, category="demonstration_model")
    ]
    assert len(models) == 24
    html = client.get("/cong-khai/", {"year": 2012}).content.decode()
    assert f"{Project.objects.filter(plan_year=2012).count()} đề án" in html


def test_a_current_commune_finds_the_projects_of_the_old_communes_it_came_from(client, demo):
    project = (
        Project.objects.filter(plan_year=2008, category="demonstration_model").select_related("unit").first()
    )
    successor = default_successor(project.unit)
    assert successor is not None and successor.generation == Generation.CURRENT
    assert project.code in public_codes(client, commune=successor.code)


def test_a_demonstration_model_page_shows_its_figures(client, demo):
    project = Project.objects.filter(plan_year=2008, category="demonstration_model").order_by("code").first()
    jobs = ActualResult.objects.get(acceptance__project=project, indicator="jobs_created").value
    expected = project.expected_results.get(indicator="jobs_created").value
    advanced = project.advances.aggregate(total=Sum("amount"))["total"]
    response = client.get(f"/cong-khai/{project.code_key}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert project.title in html
    assert "Đề án minh hoạ" in html
    assert f'id="approved">{project.approved_support:,} ₫<'.replace(",", ".") in html
    assert f'id="advanced">{advanced:,} ₫<'.replace(",", ".") in html
    assert f"{project.settled_amount:,} ₫".replace(",", ".") in html
    row = html.split('data-indicator="jobs_created"')[1].split("</tr>")[0]
    assert f">{expected:,}<".replace(",", ".") in row and f">{jobs:,}<".replace(",", ".") in row
    assert 'class="project-marker"' in html  # the legacy commune has its centre
    assert project.decision_date.strftime("%d/%m/%Y") in html


def private_strings() -> list[str]:
    """Everything about people the database holds that a public page might carry by mistake."""
    strings = [PERSON, PHONE, EMAIL, CITIZEN_ID]
    for est in Establishment.objects.all():
        strings += [est.representative, est.phone, est.address]
        if est.legal_form in PERSONAL_TAX_CODE_FORMS:
            strings += [est.name, est.tax_code]
    for user in User.objects.all():
        strings += [user.email]
        if user.first_name and user.last_name:
            strings.append(user.get_full_name())
    return sorted({s for s in strings if s and len(s) >= 6})


def every_public_response(client) -> list[tuple[str, object]]:
    """Every transparency page and download: each page of the list, the list under each filter value,
    each project's page, CSV, JSON and IATI (whole and filtered)."""
    urls = [
        "/cong-khai/",
        "/cong-khai/tai-ve/de-an.csv",
        "/cong-khai/tai-ve/de-an.json",
        "/cong-khai/tai-ve/iati-activities.xml",
    ]
    first = client.get("/cong-khai/")
    pages = first.context["page"].paginator.num_pages
    urls += [f"/cong-khai/?page={n}" for n in range(2, pages + 1)]
    years = sorted(set(Project.objects.values_list("plan_year", flat=True)))
    communes = AdministrativeUnit.objects.filter(
        generation=Generation.CURRENT, level=Level.COMMUNE, parent__code="20"
    )
    filters = [f"year={y}" for y in years] + [f"category={c}" for c in ContentCategory.values]
    filters += [
        f"commune={u.code}"
        for u in communes
        if u.projects.exists() or u.predecessors.filter(projects__isnull=False).exists()
    ]
    for query in filters:
        urls += [
            f"/cong-khai/?{query}",
            f"/cong-khai/tai-ve/de-an.csv?{query}",
            f"/cong-khai/tai-ve/de-an.json?{query}",
        ]
    codes = public_codes(client)
    urls += [f"/cong-khai/{Project.objects.get(code=code).code_key}/" for code in codes]
    responses = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 404 and "iati" in url:
            continue  # a filter without projects has no IATI file
        responses.append((url, response))
    return responses


def test_no_public_page_or_download_carries_personal_data(client, demo):
    officer, leader = User.objects.get(username="canbo"), User.objects.get(username="lanhdao")
    commune = (
        AdministrativeUnit.objects.filter(
            generation=Generation.CURRENT, level=Level.COMMUNE, parent__code="20"
        )
        .order_by("code")
        .first()
    )
    household = Establishment(
        name=f"Hộ kinh doanh {PERSON}",
        legal_form="household_business",
        tax_code=CITIZEN_ID,
        representative=PERSON,
        phone=PHONE,
        address=f"Nhà bà {PERSON}, thôn Nà Sản",
        commune=commune,
        sector="food_processing",
        workers=4,
    )
    household.full_clean()
    household.save()
    User.objects.create_user(
        username="hokinhdoanh",
        password="mat-khau-thu-nghiem-2025",
        role="business",
        establishment=household,
        email=EMAIL,
        first_name="Nguyễn Thị Bích",
        last_name="Hằng",
    )
    project = make_project(
        officer,
        code="KC-LS-2024-HKD",
        unit=commune,
        beneficiaries=[household],
        title="Hỗ trợ máy sấy miến dong cho hộ kinh doanh",
        description=f"Hộ bà {PERSON} (CCCD {CITIZEN_ID}, điện thoại {PHONE}, thư {EMAIL}) làm miến dong.",
    )
    take_to_settled(project, officer=officer, leader=leader, jobs=5)
    responses = every_public_response(client)
    assert any(url.endswith(f"/{project.code_key}/") for url, _ in responses)
    assert len(responses) > 100
    # The check itself must see the household's project: its legal form is there, its name is not.
    page = dict(responses)[f"/cong-khai/{project.code_key}/"]
    assert "Một hộ kinh doanh (không nêu tên)" in page.content.decode()
    assert_nothing_private(private_strings(), responses)


def test_the_privacy_check_catches_a_leak_in_any_usual_disguise(rf):
    from django.http import HttpResponse

    disguised = [
        ("plain", HttpResponse(f"<p>{PERSON}</p>")),
        ("json", HttpResponse(json.dumps({"name": PERSON}))),
        ("spaced phone", HttpResponse("Liên hệ 0987 654 321")),
        ("dotted id", HttpResponse("CCCD 020.185.012.345")),
        ("folded", HttpResponse("nguyen thi bich hang")),
        ("escaped email", HttpResponse(EMAIL.replace("@", "&#64;"))),
    ]
    for label, response in disguised:
        assert leaks([PERSON, PHONE, CITIZEN_ID, EMAIL], [(label, response)]), label
    assert not leaks(
        [PERSON, PHONE, CITIZEN_ID, EMAIL], [("clean", HttpResponse("Một hộ kinh doanh (không nêu tên)"))]
    )
    with pytest.raises(AssertionError, match="plain"):
        assert_nothing_private([PERSON], disguised[:1])
