"""The demo shows meaningful results: the article's totals through the aggregation, later values, follow-ups."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction

from khuyencong.accounts.models import User
from khuyencong.core.demo import load_demo
from khuyencong.results import aggregation
from khuyencong.results.aggregation import Filters
from khuyencong.results.demo import build_demo_results
from khuyencong.results.models import FollowUp, IndicatorValue
from khuyencong.results.selectors import follow_ups_due


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
def demo(loaded, db):
    return User.objects.get(username="lanhdao")


@pytest.mark.parametrize("units", ["recorded", "current"])
def test_the_2008_2012_summary_gives_the_article_figures_in_both_place_modes(demo, units):
    data = aggregation.summary(user=demo, filters=Filters(from_year=2008, to_year=2012, units=units))
    assert data["projects"] == 66
    assert data["by_category"]["demonstration_model"]["projects"] == 24
    assert data["by_category"]["demonstration_model"]["jobs_created"] == 1_286
    assert data["by_category"]["machinery_application"]["projects"] == 12
    assert data["by_category"]["machinery_application"]["jobs_created"] == 535
    assert sum(row["projects"] for row in data["by_unit"]) == 66
    assert sum(row["jobs_created"] for row in data["by_unit"]) == data["results"]["jobs_created"]


def test_the_demo_records_later_values_and_follow_ups_and_they_show_how_many_results_lasted(demo):
    assert IndicatorValue.objects.filter(indicator_id="trained_employed").exists()
    assert IndicatorValue.objects.filter(indicator_id="revenue_after_support").exists()
    lasted = {
        d.months: d for d in aggregation.durability(user=demo, filters=Filters(from_year=2008, to_year=2012))
    }
    assert lasted[6].visited == lasted[24].visited == 66
    assert 0 < lasted[24].operating < 66
    assert 0 < lasted[24].jobs_kept < lasted[24].jobs_created
    # the current projects' follow-ups are left due, so the due list has something to show
    officer = User.objects.get(username="canbo")
    assert {d.project.code for d in follow_ups_due(user=officer)} == {"KC-LS-2025-001"}


def test_building_the_demo_results_twice_adds_nothing(demo):
    before = (FollowUp.objects.count(), IndicatorValue.objects.count())
    report = build_demo_results()
    assert (report.follow_ups, report.values) == (0, 0)
    assert (FollowUp.objects.count(), IndicatorValue.objects.count()) == before


def test_the_dashboard_of_the_demo_draws_every_year(client, demo):
    client.force_login(demo)
    html = client.get("/ket-qua/", {"from_year": 2008, "to_year": 2012}).content.decode()
    assert 'data-figure="projects">66<' in html
    assert 'data-figure="jobs">1.821<' in html
