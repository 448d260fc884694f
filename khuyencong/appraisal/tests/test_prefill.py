"""Pre-fill: place criteria start from the classifications of the project's place on its submission date."""

import datetime as dt

import pytest

from khuyencong.appraisal import selectors, services
from khuyencong.appraisal.models import Score
from khuyencong.appraisal.tests.conftest import new_proposal
from khuyencong.geo.models import PriorityClassification


@pytest.fixture
def difficult_first_half_2024(geo):
    """Tam Thanh counted as a difficult area from 01/01/2024 to 30/06/2024 (a made-up record)."""
    return PriorityClassification.objects.create(
        unit=geo.tam_thanh,
        kind="difficult",
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2024, 6, 30),
        legal_basis="Quyết định thử nghiệm",
    )


def prefilled(officer, geo, hung_long, council, members, day):
    project = new_proposal(officer, geo, hung_long, code=f"KC-{day:%Y%m%d}", submitted_on=day)
    assignment = services.proposal_assign(council=council, actor=officer, project=project)
    services.declare(assignment=assignment, actor=members[0], has_conflict=False)
    return Score.objects.select_related("criterion", "sheet").get(
        sheet__assignment=assignment, criterion__code="difficult_area"
    )


@pytest.mark.parametrize(
    ("day", "points"),
    [
        (dt.date(2023, 12, 31), 0),  # the day before the classification starts
        (dt.date(2024, 1, 1), 5),  # its first day
        (dt.date(2024, 6, 30), 5),  # its last day
        (dt.date(2024, 7, 1), 0),  # the day after it ends
    ],
)
def test_the_difficult_area_criterion_follows_the_classification_on_the_submission_date(
    difficult_first_half_2024, officer, geo, hung_long, council, members, day, points
):
    score = prefilled(officer, geo, hung_long, council, members, day)
    assert (score.points, score.prefilled) == (points, points)
    assert score.sheet.reference_date == day
    if points:
        assert "từ 01/01/2024 đến 30/06/2024" in score.prefill_basis
        assert "Quyết định thử nghiệm" in score.prefill_basis
        assert "chưa đối chiếu văn bản gốc" in score.prefill_basis
    else:
        assert f"không có phân loại “Địa bàn khó khăn” ngày {day:%d/%m/%Y}" in score.prefill_basis


def test_criteria_without_a_place_kind_start_blank(
    difficult_first_half_2024, officer, geo, hung_long, council, members
):
    score = prefilled(officer, geo, hung_long, council, members, dt.date(2024, 3, 1))
    blank = Score.objects.get(sheet=score.sheet, criterion__code="feasibility")
    assert (blank.points, blank.prefilled, blank.prefill_basis) == (None, None, "")


def test_the_member_may_change_a_prefilled_value_before_submitting_and_the_sheet_shows_it(
    difficult_first_half_2024, officer, geo, hung_long, council, members
):
    score = prefilled(officer, geo, hung_long, council, members, dt.date(2024, 3, 1))
    services.sheet_save(assignment=score.sheet.assignment, actor=members[0], points={"difficult_area": 2})
    line = next(ln for ln in selectors.sheet_lines(score.sheet) if ln.criterion.code == "difficult_area")
    assert (line.points, line.prefilled, line.changed) == (2, 5, True)


def test_a_classification_of_another_kind_prefills_nothing_of_this_one(
    officer, geo, hung_long, council, members
):
    PriorityClassification.objects.create(unit=geo.tam_thanh, kind="border", valid_from=dt.date(2020, 1, 1))
    score = prefilled(officer, geo, hung_long, council, members, dt.date(2024, 3, 1))
    border = Score.objects.get(sheet=score.sheet, criterion__code="border_area")
    assert (score.points, border.points) == (0, 5)
