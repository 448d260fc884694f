"""The plan's services on a real database: rules, overrides, scenarios, locking, approval, revision."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction, AuditEntry
from khuyencong.plans import explain, services
from khuyencong.plans import optimizer as opt
from khuyencong.plans.choices import PlanStatus
from khuyencong.plans.models import AnnualPlan, PlanOverride, Scenario
from khuyencong.plans.tests.helpers import YEAR, M, rules
from khuyencong.projects import services as project_services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project


@pytest.fixture
def three(make_proposal):
    """The hand-built case where ranking by score loses: A 90 pts/600 tr.đ, B 80/500, C 75/500."""
    return (
        make_proposal(score="90", amount=600 * M, jobs=10),
        make_proposal(score="80", amount=500 * M, jobs=5),
        make_proposal(score="75", amount=500 * M, jobs=40),
    )


def counts() -> tuple[int, int, int, int]:
    return (
        AnnualPlan.objects.count(),
        Scenario.objects.count(),
        PlanOverride.objects.count(),
        AuditEntry.objects.count(),
    )


def line_of(scenario: Scenario, project: Project):
    return scenario.lines.get(project=project)


# --- candidates and scenarios -----------------------------------------------------------------------


def test_only_scored_proposals_of_the_year_and_level_are_candidates(make_proposal):
    scored = make_proposal(score="70", amount=100 * M)
    unscored = make_proposal(score="70", amount=100 * M)
    Project.objects.filter(pk=unscored.pk).update(appraisal_score=None)
    make_proposal(score="70", amount=100 * M, year=YEAR + 1)
    make_proposal(score="70", amount=100 * M, level="national", source="central")
    assert list(services.candidates(year=YEAR, level="local")) == [scored]
    assert list(services.unscored(year=YEAR, level="local")) == [unscored]


def test_optimising_saves_a_named_scenario_with_every_line_and_an_audit_row(officer, three, make_plan):
    a, b, c = three
    plan = make_plan()
    scenario = services.plan_optimize(plan=plan, actor=officer, name="Phương án 1")
    assert scenario.status == "optimal" and scenario.gap == 0
    assert scenario.value == 155 and scenario.total == 1_000 * M
    assert {line.project for line in scenario.lines.filter(selected=True)} == {b, c}
    assert scenario.greedy_value == 90 and line_of(scenario, a).greedy_amount == 600 * M
    out = line_of(scenario, a)
    assert not out.selected and out.reasons[0]["kind"] == "fund"
    assert explain.reasons_text(
        out.reasons, services.prepare(year=YEAR, level="local", rules=services.rules_of(plan)).names
    ) == (
        f"cần thêm 100 tr.đ ở nguồn ngân sách tỉnh (khuyến công địa phương) (thay cho đề án {c.code}, có giá trị thấp hơn)"
    )
    assert scenario.inputs == services.rules_of(plan).snapshot()
    entry = history(plan).first()
    assert entry.actor == officer and entry.changes["scenario"]["after"].startswith("Phương án 1")
    # Names are unique within a plan.
    with pytest.raises(ValidationError, match="Đã có phương án tên"):
        services.plan_optimize(plan=plan, actor=officer, name="Phương án 1")


def test_the_objective_can_be_jobs_instead_of_score(officer, three, make_plan):
    _a, b, c = three
    plan = make_plan(objective="jobs")
    scenario = services.plan_optimize(plan=plan, actor=officer, name="Theo lao động")
    # By jobs A + C (50) would be best, but it costs 1.100 tr.đ; B + C (45 jobs) is the best that fits.
    assert {line.project for line in scenario.lines.filter(selected=True)} == {b, c}
    assert scenario.value == 45


def test_priority_areas_are_read_on_the_reference_date(
    officer, geo, make_proposal, make_plan, ba_son_difficult
):
    inside = make_proposal(score="60", amount=400 * M, unit=geo.ba_son)
    outside = make_proposal(score="90", amount=700 * M)
    # On 1/11/2025 Ba Sơn is a difficult commune: ≥ 30 % to priority areas forces it in.
    plan = make_plan(priority_min_bp=3000, envelopes={"provincial": 1_100 * M})
    scenario = services.plan_optimize(plan=plan, actor=officer, name="A")
    assert line_of(scenario, inside).priority and not line_of(scenario, outside).priority
    assert scenario.priority_bp == 400 * 10_000 // 1_100
    # A classification that starts after the reference date does not count.
    ba_son_difficult.valid_from = dt.date(2026, 1, 1)
    ba_son_difficult.save()
    prepared = services.prepare(year=YEAR, level="local", rules=services.rules_of(plan))
    assert not next(p for p in prepared.problem.proposals if p.key == str(inside.pk)).priority
    # Nor does a kind the plan does not count.
    ba_son_difficult.valid_from = dt.date(2025, 1, 1)
    ba_son_difficult.save()
    only_border = services.rules_of(plan)
    only_border.priority_kinds = ["border"]
    prepared = services.prepare(year=YEAR, level="local", rules=only_border)
    assert not any(p.priority for p in prepared.problem.proposals)


def test_constraints_that_conflict_give_a_scenario_that_names_them(
    officer, geo, make_proposal, make_plan, ba_son_difficult
):
    big = make_proposal(score="90", amount=800 * M)
    make_proposal(score="80", amount=300 * M, unit=geo.ba_son)
    plan = make_plan(priority_min_bp=6000)
    services.plan_set_override(
        plan=plan, actor=officer, project=big, decision="in", reason="Đề án điểm của tỉnh"
    )
    scenario = services.plan_optimize(plan=plan, actor=officer, name="Không khả thi")
    assert scenario.status == "infeasible"
    assert not scenario.lines.filter(selected=True).exists()
    names = services.prepare(year=YEAR, level="local", rules=services.rules_of(plan)).names
    text = explain.conflict_text(scenario.infeasibility, names)
    assert "Tỷ lệ hỗ trợ tối thiểu cho địa bàn ưu tiên (60 %)" in text
    assert f"Bắt buộc đưa vào đề án {big.code} (lý do: Đề án điểm của tỉnh)" in text
    assert "Chỉ cần nới" in text
    # It cannot be submitted.
    with pytest.raises(ValidationError, match="không có lời giải"):
        services.plan_submit(plan=plan, actor=officer, scenario=scenario)


# --- bad input ----------------------------------------------------------------------------------------


def test_a_negative_envelope_is_refused_and_nothing_is_saved(officer, three):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.plan_create(
            actor=officer, year=YEAR, level="local", rules=rules(envelopes={"provincial": -1})
        )
    assert refused.value.message_dict["envelope.provincial"] == [
        "Dự toán ngân sách tỉnh (khuyến công địa phương) không được là số âm (đang nhập -1 ₫)."
    ]
    assert counts() == before


def test_a_minimum_share_above_100_percent_is_refused_and_nothing_is_saved(officer, three, make_plan):
    plan = make_plan()
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.plan_update(plan=plan, actor=officer, rules=rules(priority_min_bp=10_050))
    assert refused.value.message_dict["priority_min"] == [
        "Tỷ lệ tối thiểu cho địa bàn ưu tiên phải từ 0 % đến 100 % (đang nhập 100,5 %)."
    ]
    plan.refresh_from_db()
    assert plan.priority_min_bp == 0 and counts() == before


def test_contradictory_constraints_are_refused_and_nothing_is_saved(officer, three, make_plan):
    plan = make_plan()
    before = counts()
    contradictory = rules(categories=[opt.CategoryRule("training", min_share_bp=5000, max_share_bp=4000)])
    with pytest.raises(ValidationError) as refused:
        services.plan_update(plan=plan, actor=officer, rules=contradictory)
    assert refused.value.message_dict["category.training"] == [
        "Nội dung “Đào tạo nghề, truyền nghề, phát triển nghề”: tỷ lệ tối thiểu lớn hơn tỷ lệ tối đa — hai ràng buộc mâu thuẫn nhau."
    ]
    assert counts() == before and not plan.category_rules.exists()


def test_a_must_include_that_breaks_a_cap_is_refused_and_nothing_is_saved(officer, three, make_plan):
    a, _b, _c = three
    plan = make_plan(commune_max=550 * M)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.plan_set_override(
            plan=plan, actor=officer, project=a, decision="in", reason="Đề án trọng điểm"
        )
    (message,) = refused.value.message_dict["commune_max"]
    assert message == (
        "Các đề án bắt buộc đưa vào ở Phường Tam Thanh cần ít nhất 600.000.000 ₫, vượt mức tối đa mỗi xã 550.000.000 ₫."
    )
    assert counts() == before


def test_a_share_no_proposal_can_reach_is_refused_when_running(officer, three, make_plan):
    plan = make_plan(priority_min_bp=6000)  # saved: proposals in priority areas may still come
    before = counts()
    with pytest.raises(ValidationError, match="Không có đề án nào ở địa bàn ưu tiên"):
        services.plan_optimize(plan=plan, actor=officer, name="X")
    assert counts() == before


# --- overrides --------------------------------------------------------------------------------------


def test_overrides_need_a_reason_and_win_over_the_optimiser(officer, three, make_plan):
    a, b, _c = three
    plan = make_plan()
    with pytest.raises(ValidationError, match="Cần ghi rõ lý do"):
        services.plan_set_override(plan=plan, actor=officer, project=a, decision="in", reason=" ")
    services.plan_set_override(plan=plan, actor=officer, project=a, decision="in", reason="Cam kết với huyện")
    services.plan_set_override(
        plan=plan, actor=officer, project=b, decision="out", reason="Trùng nội dung năm trước"
    )
    scenario = services.plan_optimize(plan=plan, actor=officer, name="Có quyết định")
    assert {line.project for line in scenario.lines.filter(selected=True)} == {a}
    names = services.prepare(year=YEAR, level="local", rules=services.rules_of(plan)).names
    assert explain.reasons_text(line_of(scenario, b).reasons, names) == (
        "loại theo quyết định của cán bộ: Trùng nội dung năm trước"
    )
    entry = history(plan).filter(reason="Trùng nội dung năm trước").get()
    assert entry.changes[f"override.{b.code}"]["after"] == "Loại khỏi kế hoạch: Trùng nội dung năm trước"
    # Clearing a decision is recorded too.
    services.plan_set_override(plan=plan, actor=officer, project=b, decision=None)
    assert history(plan).first().changes[f"override.{b.code}"]["after"] is None


def test_an_override_for_a_project_outside_the_plan_is_refused(officer, make_proposal, make_plan):
    other_year = make_proposal(score="90", amount=100 * M, year=YEAR + 1)
    plan = make_plan()
    with pytest.raises(ValidationError, match="không phải đề án đề xuất vào kế hoạch năm 2026"):
        services.plan_set_override(plan=plan, actor=officer, project=other_year, decision="in", reason="x")


# --- transitions, locking, revision -------------------------------------------------------------------


def test_only_the_roles_of_the_transition_table_move_a_plan(
    officer, leader, commune_officer, three, make_plan
):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=commune_officer, year=YEAR, level="local", rules=rules())
    plan = make_plan()
    scenario = services.plan_optimize(plan=plan, actor=officer, name="P")
    with pytest.raises(PermissionDenied):
        services.plan_submit(plan=plan, actor=leader, scenario=scenario)
    services.plan_submit(plan=plan, actor=officer, scenario=scenario)
    with pytest.raises(PermissionDenied):
        services.plan_approve(
            plan=plan, actor=officer, decision_number="1/QĐ", decision_date=dt.date(2026, 1, 5)
        )
    with pytest.raises(ValidationError, match="Không thể chuyển kế hoạch"):
        services.plan_submit(plan=plan, actor=officer, scenario=scenario)


def test_a_submitted_plan_is_locked_and_changes_only_through_a_revision(officer, leader, three, make_plan):
    a, _b, _c = three
    plan = make_plan()
    scenario = services.plan_optimize(plan=plan, actor=officer, name="P")
    services.plan_submit(plan=plan, actor=officer, scenario=scenario)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and plan.chosen_scenario == scenario
    locked = "bị khoá: mọi thay đổi phải qua điều chỉnh có lý do"
    with pytest.raises(ValidationError, match=locked):
        services.plan_update(plan=plan, actor=officer, rules=rules(envelopes={"provincial": 2_000 * M}))
    with pytest.raises(ValidationError, match=locked):
        services.plan_set_override(plan=plan, actor=officer, project=a, decision="in", reason="x")
    with pytest.raises(ValidationError, match=locked):
        services.plan_optimize(plan=plan, actor=officer, name="Q")
    with pytest.raises(ValidationError, match="Cần ghi rõ lý do điều chỉnh"):
        services.plan_revise(plan=plan, actor=leader, reason="")
    revision = services.plan_revise(plan=plan, actor=leader, reason="Bổ sung dự toán giữa năm")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REVISED
    assert (revision.status, revision.revision, revision.revises, revision.revision_reason) == (
        PlanStatus.DRAFT,
        1,
        plan,
        "Bổ sung dự toán giữa năm",
    )
    assert revision.envelope_map() == plan.envelope_map()
    assert history(revision).get().reason == "Bổ sung dự toán giữa năm"
    services.plan_update(plan=revision, actor=officer, rules=rules(envelopes={"provincial": 2_000 * M}))


# --- approval -----------------------------------------------------------------------------------------


def submitted(officer, make_plan, **kw):
    plan = make_plan(**kw)
    scenario = services.plan_optimize(plan=plan, actor=officer, name="Trình")
    services.plan_submit(plan=plan, actor=officer, scenario=scenario)
    plan.refresh_from_db()
    return plan, scenario


def test_approving_the_plan_approves_its_projects_through_project_approve(officer, leader, three, make_plan):
    a, b, c = three
    plan, _scenario = submitted(officer, make_plan)
    services.plan_approve(
        plan=plan, actor=leader, decision_number="125/QĐ-UBND", decision_date=dt.date(2026, 1, 5)
    )
    plan.refresh_from_db()
    assert (plan.status, plan.decision_number, plan.decision_date) == (
        PlanStatus.APPROVED,
        "125/QĐ-UBND",
        dt.date(2026, 1, 5),
    )
    for project in (b, c):
        project.refresh_from_db()
        assert project.status == Status.APPROVED
        assert (project.decision_number, project.decision_date) == ("125/QĐ-UBND", dt.date(2026, 1, 5))
        assert project.approved_support == 500 * M
        (approval,) = [
            e
            for e in history(project)
            if e.action == AuditAction.TRANSITION
            and e.changes.get("status", {}).get("after") == "Đã phê duyệt"
        ]
        assert approval.actor == leader and "125/QĐ-UBND" in approval.reason
    a.refresh_from_db()
    assert a.status == Status.PROPOSED and a.approved_support is None


def test_a_partial_funding_becomes_the_approved_support(officer, leader, make_proposal, make_plan):
    a = make_proposal(score="90", amount=600 * M)
    b = make_proposal(score="80", amount=500 * M)
    plan = make_plan()
    services.plan_set_partial(plan=plan, actor=officer, project=b, minimum=300 * M)
    scenario = services.plan_optimize(plan=plan, actor=officer, name="Một phần")
    assert line_of(scenario, b).funded == 400 * M and line_of(scenario, b).partial
    services.plan_submit(plan=plan, actor=officer, scenario=scenario)
    services.plan_approve(plan=plan, actor=leader, decision_number="7/QĐ", decision_date=dt.date(2026, 1, 5))
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.approved_support) == (Status.APPROVED, 600 * M)
    assert (b.status, b.approved_support) == (Status.APPROVED, 400 * M)
    # One row: the approval itself records the amount the decision grants.
    change = history(b).filter(action=AuditAction.TRANSITION).first()
    assert change.changes["approved_support"]["after"] == 400 * M
    assert change.changes["status"]["after"] == Status.APPROVED.label


def test_a_failure_during_approval_leaves_everything_as_before(officer, leader, three, make_plan):
    _a, b, c = three
    plan, _scenario = submitted(officer, make_plan)
    # The last project of the plan (by code) is rejected in the meantime; B would be approved first.
    assert c.code_key > b.code_key
    project_services.project_transition(project=c, to=Status.REJECTED, actor=leader, reason="Cơ sở giải thể")
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match=f"Đề án {c.code} không còn ở trạng thái"):
        services.plan_approve(
            plan=plan, actor=leader, decision_number="9/QĐ", decision_date=dt.date(2026, 1, 5)
        )
    b.refresh_from_db()
    plan.refresh_from_db()
    assert b.status == Status.PROPOSED and b.approved_support is None and b.decision_number == ""
    assert plan.status == PlanStatus.SUBMITTED and plan.decision_number == ""
    assert AuditEntry.objects.count() == entries


def test_money_approved_since_submission_counts_against_the_envelope(
    officer, leader, three, make_proposal, make_plan
):
    _a, b, c = three
    plan, _scenario = submitted(officer, make_plan)
    # Another proposal of the year is approved on its own after the plan was submitted.
    extra = make_proposal(score="50", amount=50 * M)
    project_services.project_approve(
        project=extra, actor=leader, decision_number="1/QĐ", decision_date=dt.date(2025, 12, 1)
    )
    with pytest.raises(ValidationError, match=r"cần thêm 50 tr\.đ ở nguồn ngân sách tỉnh"):
        services.plan_approve(
            plan=plan, actor=leader, decision_number="9/QĐ", decision_date=dt.date(2026, 1, 5)
        )
    for project in (b, c):
        project.refresh_from_db()
        assert project.status == Status.PROPOSED


def test_a_revision_keeps_approved_projects_and_their_money(officer, leader, three, make_proposal, make_plan):
    a, b, c = three
    plan, _scenario = submitted(officer, make_plan)
    services.plan_approve(plan=plan, actor=leader, decision_number="9/QĐ", decision_date=dt.date(2026, 1, 5))
    revision = services.plan_revise(plan=plan, actor=officer, reason="Tỉnh bổ sung 600 tr.đ")
    services.plan_update(plan=revision, actor=officer, rules=rules(envelopes={"provincial": 1_600 * M}))
    scenario = services.plan_optimize(plan=revision, actor=officer, name="Bổ sung")
    fixed = {line.project for line in scenario.lines.filter(fixed=True)}
    assert fixed == {b, c}
    assert {line.project for line in scenario.lines.filter(selected=True)} == {a, b, c}
    assert scenario.total == 1_600 * M


def test_the_api_json_has_amounts_in_dong_and_the_words_beside_them(officer, three, make_plan):
    a, b, c = three
    plan = make_plan()
    outcome = services.compute(year=YEAR, level="local", rules=services.rules_of(plan))
    data = services.result_json(outcome)
    assert data["gap_text"] == "Đây là phương án tốt nhất có thể (đã được chứng minh)."
    assert [row["code"] for row in data["selected"]] == [b.code, c.code]
    assert data["selected"][0]["amounts"] == {"provincial": 500 * M}
    (out,) = data["excluded"]
    assert out["code"] == a.code and out["instead_of"] == c.code
    assert data["greedy"]["selected"] == [a.code] and data["greedy"]["value_gained"] == 65
    assert data["binding"][0]["text"].startswith(
        "Dự toán ngân sách tỉnh (khuyến công địa phương) (1.000.000.000 ₫)"
    )
