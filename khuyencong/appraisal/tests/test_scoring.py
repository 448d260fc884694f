"""Weights and totals: exact arithmetic, rounded once, half up, on 0–100."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from khuyencong.appraisal import scoring, services
from khuyencong.appraisal.models import CriteriaSet, Criterion, ScoreSheet
from khuyencong.appraisal.scoring import Line


def test_the_weighted_total_is_each_share_of_its_scale_times_its_weight():
    lines = [Line(points=8, max_points=10, weight=15), Line(points=3, max_points=5, weight=5)]
    assert scoring.weighted_total(lines) == Decimal("15.00")  # 12 + 3


def test_thirds_are_rounded_once_at_the_end_half_up():
    assert scoring.weighted_total([Line(points=1, max_points=3, weight=100)]) == Decimal("33.33")
    assert scoring.weighted_total([Line(points=2, max_points=3, weight=100)]) == Decimal("66.67")
    # two halves of 1/3 each: rounding each line first would give 16.67 + 16.67 = 33.34
    halves = [Line(points=1, max_points=3, weight=50), Line(points=1, max_points=3, weight=50)]
    assert scoring.weighted_total(halves) == Decimal("33.33")


def test_the_mean_is_rounded_half_up_to_two_decimals():
    assert scoring.mean([Decimal("10.00"), Decimal("10.01")]) == Decimal("10.01")
    assert scoring.mean([Decimal("33.33"), Decimal("66.67")]) == Decimal("50.00")
    assert scoring.mean([]) is None


@pytest.mark.parametrize(
    ("totals", "threshold", "flagged"),
    [
        (["60.00", "80.00"], 20, False),  # a spread equal to the threshold is not "more than"
        (["60.00", "80.01"], 20, True),
        (["60.00", "70.00", "80.00"], 19, True),
        (["95.00"], 0, False),  # one sheet cannot disagree with itself
    ],
)
def test_members_disagree_only_when_the_spread_exceeds_the_threshold(totals, threshold, flagged):
    assert scoring.disagrees([Decimal(t) for t in totals], threshold) is flagged


def test_the_shipped_set_weighs_100_and_is_marked_unverified_with_the_laws_factors(criteria):
    assert criteria.total_weight() == 100
    assert criteria.verified is False
    assert "không quy định trọng số" in criteria.note
    kinds = set(criteria.criteria.exclude(priority_kind="").values_list("priority_kind", flat=True))
    assert kinds == {"difficult", "extremely_difficult", "border", "ethnic_minority", "new_rural"}
    codes = set(criteria.criteria.values_list("code", flat=True))
    assert {"local_raw_materials", "many_workers", "traditional_craft", "environment"} <= codes
    assert {"feasibility", "effectiveness"} <= codes


def test_full_marks_on_the_shipped_set_is_100_and_a_mixed_sheet_adds_up(assignment, members):
    hoi, thu, _binh = members
    full = {c.code: c.max_points for c in assignment.council.criteria_set.criteria.all()}
    services.declare(assignment=assignment, actor=hoi, has_conflict=False)
    services.sheet_save(assignment=assignment, actor=hoi, points=full, submit=True)
    assert ScoreSheet.objects.get(member__user=hoi).total == Decimal("100.00")
    services.declare(assignment=assignment, actor=thu, has_conflict=False)
    mixed = {
        "local_raw_materials": 5,  # 5/5 × 5 = 5
        "many_workers": 3,  # 3
        "traditional_craft": 0,
        "environment": 4,  # 4
        "necessity": 8,  # 8/10 × 15 = 12
        "feasibility": 7,  # 14
        "effectiveness": 9,  # 18
    }  # the five place criteria keep their pre-filled 0: Tam Thanh holds no classification
    services.sheet_save(assignment=assignment, actor=thu, points=mixed, submit=True)
    assert ScoreSheet.objects.get(member__user=thu).total == Decimal("56.00")


def test_a_set_whose_weights_do_not_add_up_to_100_cannot_seat_a_council(officer):
    lopsided = CriteriaSet.objects.create(name="Bộ thử")
    Criterion.objects.create(criteria_set=lopsided, code="a", label="Tiêu chí A", max_points=10, weight=60)
    Criterion.objects.create(criteria_set=lopsided, code="b", label="Tiêu chí B", max_points=10, weight=30)
    with pytest.raises(ValidationError, match=r"Tổng trọng số .* là 90, phải bằng 100"):
        services.council_create(
            actor=officer,
            data=services.CouncilData(name="Hội đồng", plan_year=2024, level="local", criteria_set=lopsided),
        )
