"""The aggregation selector against hand-computed figures and against sums taken from the raw rows.

The fixture spans the 2025 reform with a divided commune (Vĩnh Trại: default successor Lương Văn Tri,
part of it went to Tam Thanh), so the two place modes differ by unit and must agree in total.
"""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khuyencong.geo.models import PriorityClassification, UnitSuccession
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Acceptance, ActualResult, BudgetLine, Project
from khuyencong.results import aggregation
from khuyencong.results.aggregation import Filters
from khuyencong.results.tests.conftest import M

RANGE = Filters(from_year=2023, to_year=2025)


def test_the_totals_match_the_hand_computed_figures(programme, officer):
    total = aggregation.totals(user=officer, filters=RANGE)
    assert total.projects == 6
    assert (total.central, total.provincial) == (450 * M, 500 * M)
    assert (total.own, total.other) == (1_550 * M, 100 * M)
    assert total.settled == 190 * M
    # settled where settled, else advanced less recovered
    assert total.disbursed == 190 * M + 100 * M + 20 * M
    assert total.accepted == 4  # the refused acceptance does not count, nor its 99 jobs
    assert (total.jobs_created, total.workers_trained, total.models, total.machines) == (77, 30, 2, 2)
    assert (total.trained_women, total.trained_ethnic_minority) == (20, 25)
    assert total.value("trained_employed") == 22  # the latest period
    assert total.value("trained_employed_women") == 14
    assert total.value("counterpart_mobilised") == 500 * M  # a flow: both halves
    assert total.value("products_recognised") == 3  # the largest report
    assert total.cost_per_job == 950 * M // 77
    assert total.leverage == Decimal("1.74")  # 1,650 M ÷ 950 M
    assert total.completion_delay_days == Decimal("4.0")  # (20 − 9 + 0 + 5) ÷ 4 accepted projects
    assert total.settlement_delay_days == Decimal("20.0")


def test_the_two_place_modes_agree_in_total_and_count_a_divided_commune_once(programme, officer, geo):
    recorded = {
        row.key: row.projects for row in aggregation.breakdown(user=officer, filters=RANGE, by="unit")
    }
    current_filters = Filters(from_year=2023, to_year=2025, units="current")
    current = {
        row.key: row.projects
        for row in aggregation.breakdown(user=officer, filters=current_filters, by="unit")
    }
    assert recorded == {
        geo.old_vinh_trai.pk: 2,
        geo.old_tam_thanh.pk: 1,
        geo.old_hop_thanh.pk: 1,
        geo.luong_van_tri.pk: 1,
        geo.tam_thanh.pk: 1,
    }
    # Vĩnh Trại was divided; its projects go to the default successor only
    assert current == {geo.luong_van_tri.pk: 3, geo.tam_thanh.pk: 2, geo.ba_son.pk: 1}
    for measure in ("central", "provincial", "jobs_created", "workers_trained", "disbursed"):
        by_recorded = sum(
            getattr(r, measure) for r in aggregation.breakdown(user=officer, filters=RANGE, by="unit")
        )
        by_current = sum(
            getattr(r, measure)
            for r in aggregation.breakdown(user=officer, filters=current_filters, by="unit")
        )
        assert by_recorded == by_current == getattr(aggregation.totals(user=officer, filters=RANGE), measure)


def _independent(filters, *, mode):
    """The same figures from the raw rows, in Python, without the selector."""
    counted = [
        p
        for p in Project.objects.all()
        if filters.from_year <= p.plan_year <= filters.to_year
        and p.status not in {Status.CANCELLED, Status.REJECTED, Status.DRAFT, Status.SUBMITTED}
    ]
    default = {
        link.predecessor_id: link.successor_id for link in UnitSuccession.objects.filter(is_default=True)
    }
    per_unit = defaultdict(Counter)
    for p in counted:
        place = p.unit_id if mode == "recorded" or p.unit.generation == "2025" else default[p.unit_id]
        for line in BudgetLine.objects.filter(project=p):
            per_unit[place][line.source] += line.amount
        per_unit[place]["projects"] += 1
        acceptance = Acceptance.objects.filter(project=p, accepted=True).first()
        if acceptance:
            for result in ActualResult.objects.filter(acceptance=acceptance):
                per_unit[place][result.indicator] += result.value
    return per_unit


@pytest.mark.parametrize("mode", ["recorded", "current"])
def test_every_unit_matches_the_sums_of_its_raw_rows(programme, officer, mode):
    filters = Filters(from_year=2023, to_year=2025, units=mode)
    expected = _independent(filters, mode=mode)
    rows = aggregation.breakdown(user=officer, filters=filters, by="unit")
    assert {row.key for row in rows} == set(expected)
    for row in rows:
        raw = expected[row.key]
        assert row.projects == raw["projects"]
        assert (row.central, row.provincial, row.own, row.other) == (
            raw["central"],
            raw["provincial"],
            raw["beneficiary"],
            raw["other"],
        )
        assert (row.jobs_created, row.workers_trained, row.machines, row.models) == (
            raw["jobs_created"],
            raw["workers_trained"],
            raw["machines"],
            raw["models"],
        )


def test_breakdowns_by_year_category_sector_level_and_fund(programme, officer):
    years = aggregation.by_year(user=officer, filters=RANGE)
    assert [(r.key, r.projects, r.support, r.jobs_created) for r in years] == [
        (2023, 2, 350 * M, 52),
        (2024, 2, 160 * M, 0),
        (2025, 2, 440 * M, 25),
    ]
    categories = {
        r.key: (r.projects, r.jobs_created)
        for r in aggregation.breakdown(user=officer, filters=RANGE, by="category")
    }
    assert categories == {
        "demonstration_model": (3, 65),
        "machinery_application": (1, 12),
        "training": (1, 0),
        "consulting_information": (1, 0),
    }
    sectors = {r.key: r.projects for r in aggregation.breakdown(user=officer, filters=RANGE, by="sector")}
    assert sectors == {"chemicals_plastics": 2, "forest_products": 1, "unspecified": 3}
    levels = {r.key: r.support for r in aggregation.breakdown(user=officer, filters=RANGE, by="level")}
    assert levels == {"local": 400 * M, "national": 550 * M}
    funds = {
        r.key: (r.projects, r.central, r.provincial)
        for r in aggregation.breakdown(user=officer, filters=RANGE, by="fund")
    }
    assert funds == {"central": (2, 450 * M, 100 * M), "provincial": (5, 300 * M, 500 * M)}


def test_priority_areas_count_by_the_classification_in_force_in_the_plan_year(programme, officer, geo):
    PriorityClassification.objects.create(
        unit=geo.old_vinh_trai,
        kind="difficult",
        valid_from=dt.date(2021, 1, 1),
        valid_to=dt.date(2023, 12, 31),
    )
    PriorityClassification.objects.create(
        unit=geo.old_hop_thanh, kind="border", valid_from=dt.date(2024, 6, 1)
    )
    total = aggregation.totals(user=officer, filters=RANGE)
    # 2023 Vĩnh Trại model (200 M) and 2024 Hợp Thành training (60 M); the 2024 Vĩnh Trại project is not
    assert total.priority_support == 260 * M
    assert total.priority_share == Decimal("27.4")
    rows = {r.key: r.projects for r in aggregation.breakdown(user=officer, filters=RANGE, by="priority")}
    assert rows["difficult"] == 1
    assert rows["border"] == 1
    assert rows["none"] == 4
    assert (
        aggregation.totals(
            user=officer, filters=Filters(from_year=2023, to_year=2025, priority="any")
        ).projects
        == 2
    )


def test_filters_restrict_by_fund_level_category_unit_and_province(programme, officer, geo):
    def projects(**kw):
        return aggregation.totals(user=officer, filters=Filters(from_year=2023, to_year=2025, **kw)).projects

    assert projects(fund="central") == 2
    assert projects(level="national") == 2
    assert projects(category="training") == 1
    assert projects(unit=geo.old_city.pk) == 3  # the old city: Tam Thanh and Vĩnh Trại
    assert projects(unit=geo.tam_thanh.pk, units="current") == 2
    assert projects(unit=geo.luong_van_tri.pk, units="current") == 3
    assert projects(province="20") == 6
    assert projects(province="20", units="current") == 6
    assert projects(sector="forest_products") == 1


def test_as_of_counts_only_what_had_happened_by_that_day(programme, officer):
    half = aggregation.totals(
        user=officer, filters=Filters(from_year=2023, to_year=2025, as_of=dt.date(2025, 6, 30))
    )
    assert half.jobs_created == 52  # the 2025 model is accepted in December
    assert half.value("trained_employed") == 18
    assert half.value("products_recognised") == 3
    assert half.disbursed == 190 * M + 100 * M  # the consulting advance was paid in September


def test_a_commune_officer_sees_only_the_figures_of_their_communes(programme, commune_officer, outsider):
    mine = aggregation.totals(user=commune_officer, filters=RANGE)
    # Tam Thanh today and the old units it came from (Tam Thanh, and part of Vĩnh Trại)
    assert mine.projects == 4
    assert mine.jobs_created == 52
    theirs = aggregation.totals(user=outsider, filters=RANGE)
    assert (theirs.projects, theirs.workers_trained) == (1, 30)


def test_the_number_of_queries_does_not_grow_with_the_number_of_projects(
    programme, officer, make_project, geo
):
    def count():
        with CaptureQueriesContext(connection) as captured:
            aggregation.breakdown(user=officer, filters=RANGE, by="unit")
            aggregation.totals(user=officer, filters=RANGE)
        return len(captured)

    before = count()
    for _ in range(5):
        make_project(unit=geo.ba_son, year=2024, results={"jobs_created": 3})
    assert count() == before


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from_year": "2013", "to_year": "2012"}, "from_year"),
        ({"from_year": "1980"}, "from_year"),
        ({"to_year": "2101"}, "to_year"),
        ({"units": "old"}, "units"),
        ({"category": "unknown"}, "category"),
        ({"unit": "999999"}, "unit"),
        ({"unit": "abc"}, "unit"),
        ({"fund": "beneficiary"}, "fund"),
        ({"from_year": "năm"}, "from_year"),
    ],
)
def test_bad_filters_are_refused_naming_the_parameter(db, params, field):
    with pytest.raises(ValidationError) as caught:
        Filters.from_params(params, default_years=(2008, 2012))
    assert field in caught.value.message_dict


def test_the_summary_contract_has_every_key_and_integer_amounts(programme, officer, geo):
    data = aggregation.summary(user=officer, filters=Filters(from_year=2023, to_year=2025, units="current"))
    assert data["projects"] == 6
    assert data["province"] == "20"
    assert data["support_vnd"] == {"central": 450 * M, "provincial": 500 * M}
    assert data["counterpart_vnd"] == {"own": 1_550 * M, "other": 100 * M}
    assert data["settled_vnd"] == 190 * M
    assert data["results"] == {"jobs_created": 77, "workers_trained": 30, "establishments_supported": 0}
    assert data["by_category"]["demonstration_model"] == {
        "projects": 3,
        "support_vnd": 700 * M,
        "jobs_created": 65,
        "workers_trained": 0,
    }
    assert data["by_category"]["cleaner_production"]["projects"] == 0
    assert [row["year"] for row in data["by_year"]] == [2023, 2024, 2025]
    assert {row["code"]: row["projects"] for row in data["by_unit"]} == {"90102": 3, "90101": 2, "90103": 1}
    assert sum(row["support_vnd"] for row in data["by_sector"].values()) == 950 * M
