"""Conflict of interest: declare first; a conflicted member does not score and is left out of the mean."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khuyencong.appraisal import selectors, services
from khuyencong.appraisal.choices import CellState
from khuyencong.appraisal.models import Declaration, ScoreSheet
from khuyencong.appraisal.tests.factories import score_all
from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction


def test_a_member_who_has_not_declared_cannot_score(assignment, members):
    with pytest.raises(
        ValidationError, match="Hãy khai báo xung đột lợi ích với đề án này trước khi chấm điểm"
    ):
        services.sheet_save(assignment=assignment, actor=members[0], points={"feasibility": 8})
    assert not ScoreSheet.objects.exists()


def test_a_member_who_declared_a_conflict_is_refused_scoring_in_vietnamese(assignment, members):
    hoi = members[0]
    services.declare(assignment=assignment, actor=hoi, has_conflict=True, reason="Em ruột là giám đốc cơ sở")
    with pytest.raises(
        ValidationError, match="đã khai báo xung đột lợi ích với đề án KCĐP-2024-007 nên không được chấm"
    ):
        services.sheet_save(assignment=assignment, actor=hoi, points={"feasibility": 8}, submit=True)
    assert not ScoreSheet.objects.filter(member__user=hoi).exists()  # no sheet was ever opened


def test_a_conflict_needs_its_reason_and_nothing_is_saved_without_it(assignment, members):
    with pytest.raises(ValidationError) as caught:
        services.declare(assignment=assignment, actor=members[0], has_conflict=True, reason="  ")
    assert "reason" in caught.value.message_dict
    assert not Declaration.objects.exists()


def test_a_member_declares_once_per_proposal(assignment, members):
    services.declare(assignment=assignment, actor=members[0], has_conflict=False)
    with pytest.raises(ValidationError, match="đã khai báo"):
        services.declare(assignment=assignment, actor=members[0], has_conflict=True, reason="Đổi ý")
    assert Declaration.objects.get().has_conflict is False


def test_someone_not_on_the_council_cannot_declare_or_score(assignment, other_council, officer):
    stranger = other_council.members.get().user
    with pytest.raises(PermissionDenied, match="không phải thành viên"):
        services.declare(assignment=assignment, actor=stranger, has_conflict=False)
    with pytest.raises(PermissionDenied):
        services.declare(assignment=assignment, actor=officer, has_conflict=False)


def test_the_conflicted_member_is_left_out_of_the_mean_and_does_not_block_the_conclusion(assignment, members):
    hoi, thu, binh = members
    services.declare(assignment=assignment, actor=hoi, has_conflict=True, reason="Góp vốn vào cơ sở")
    score_all(assignment, thu)  # 100
    score_all(assignment, binh, {"necessity": 0, "feasibility": 0, "effectiveness": 0})  # 100 − 55 = 45
    row = selectors.proposal_progress(assignment)
    assert [c.state for c in row.cells] == [CellState.CONFLICT, CellState.SUBMITTED, CellState.SUBMITTED]
    assert [str(t) for t in row.totals] == ["100.00", "45.00"]
    assert str(row.mean) == "72.50"
    assert row.ready


def test_a_declaration_writes_an_audit_row_with_its_reason(assignment, members):
    declaration = services.declare(
        assignment=assignment, actor=members[1], has_conflict=True, reason="Người thân"
    )
    entry = history(declaration).get()
    assert (entry.action, entry.actor, entry.reason) == (AuditAction.CREATE, members[1], "Người thân")
    assert entry.changes["has_conflict"]["after"] == "Có"
