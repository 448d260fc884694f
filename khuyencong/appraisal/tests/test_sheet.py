"""A member's sheet: points within each criterion's scale, drafts, submission locks it, every change audited."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from khuyencong.appraisal import services
from khuyencong.appraisal.models import Score, ScoreSheet
from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction


@pytest.fixture
def declared(assignment, members):
    services.declare(assignment=assignment, actor=members[0], has_conflict=False)
    return assignment


@pytest.mark.parametrize("bad", [11, -1, "7,5", True, 2.5])
def test_points_outside_the_scale_are_refused_naming_the_criterion_and_nothing_is_saved(
    declared, members, bad
):
    with pytest.raises(ValidationError) as caught:
        services.sheet_save(
            assignment=declared, actor=members[0], points={"necessity": 6, "feasibility": bad}
        )
    assert caught.value.message_dict == {
        "points.feasibility": [
            "Điểm “Tính khả thi: công nghệ, vốn đối ứng, năng lực thực hiện” phải là số nguyên từ 0 đến 10."
        ]
    }
    assert Score.objects.get(criterion__code="necessity").points is None


def test_a_draft_may_leave_criteria_blank_but_a_submission_may_not(declared, members):
    sheet = services.sheet_save(assignment=declared, actor=members[0], points={"feasibility": "8"})
    assert sheet.submitted_at is None
    assert Score.objects.get(criterion__code="feasibility").points == 8
    with pytest.raises(ValidationError, match=r"còn tiêu chí chưa chấm .*Sử dụng nguyên liệu tại chỗ"):
        services.sheet_save(assignment=declared, actor=members[0], points={}, submit=True)
    sheet.refresh_from_db()
    assert (sheet.submitted_at, sheet.total) == (None, None)


def test_a_submitted_sheet_is_locked(declared, members):
    full = {c.code: c.max_points for c in declared.council.criteria_set.criteria.all()}
    sheet = services.sheet_save(assignment=declared, actor=members[0], points=full, submit=True)
    assert sheet.total == Decimal("100.00") and sheet.submitted_at is not None
    with pytest.raises(ValidationError, match="Phiếu chấm đã nộp"):
        services.sheet_save(assignment=declared, actor=members[0], points={"feasibility": 1})
    assert Score.objects.get(criterion__code="feasibility", sheet=sheet).points == 10


def test_an_unknown_criterion_is_refused(declared, members):
    with pytest.raises(ValidationError, match="Không có tiêu chí khong_co"):
        services.sheet_save(assignment=declared, actor=members[0], points={"khong_co": 1})


def test_each_member_fills_only_their_own_sheet(declared, members):
    # the second member has not declared: the first one's sheet is not theirs to fill
    with pytest.raises(ValidationError, match="Hãy khai báo"):
        services.sheet_save(assignment=declared, actor=members[1], points={"feasibility": 1})
    assert ScoreSheet.objects.count() == 1


def test_opening_saving_and_submitting_a_sheet_write_audit_rows(declared, members):
    sheet = ScoreSheet.objects.get()
    full = {c.code: c.max_points for c in declared.council.criteria_set.criteria.all()}
    services.sheet_save(assignment=declared, actor=members[0], points={"feasibility": 6})
    services.sheet_save(assignment=declared, actor=members[0], points=full, submit=True)
    entries = list(history(sheet).order_by("at", "id"))
    assert [e.action for e in entries] == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.UPDATE]
    assert {e.actor for e in entries} == {members[0]}
    assert entries[0].changes["points.difficult_area"]["after"] == 0  # pre-filled
    assert entries[1].changes["points.feasibility"] == {
        "label": "Tính khả thi: công nghệ, vốn đối ứng, năng lực thực hiện",
        "before": None,
        "after": 6,
    }
    assert entries[2].changes["points.feasibility"]["before"] == 6
    assert entries[2].changes["total"]["after"] == "100.00"
