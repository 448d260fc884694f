"""The one way to change an appraisal. Every write is atomic, locks what two users could race on, and
writes an audit row in the same transaction.

Who does what: the centre (officers, administrators) sets councils up, gives them proposals and
concludes; a member declares conflicts of interest and scores, on their own sheet only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.choices import Role
from khuyencong.appraisal import scoring, selectors, workflow
from khuyencong.appraisal.choices import CouncilStatus, Outcome, Position
from khuyencong.appraisal.models import (
    Assignment,
    Council,
    CouncilMember,
    CriteriaSet,
    Criterion,
    Declaration,
    Score,
    ScoreSheet,
)
from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.geo.choices import PriorityKind
from khuyencong.geo.selectors import priority_kinds_on
from khuyencong.projects import services as project_services
from khuyencong.projects import workflow as project_workflow
from khuyencong.projects.choices import ProgrammeLevel, Status
from khuyencong.projects.models import Call, Project


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _require_centre(actor: Any) -> None:
    if not selectors.can_manage(actor):
        raise PermissionDenied(
            _("Chỉ cán bộ Trung tâm hoặc quản trị hệ thống được tổ chức và kết luận thẩm định.")
        )


def _require_open(council: Council) -> None:
    if not council.is_open:
        raise ValidationError(
            _("Hội đồng “%(name)s” đã kết thúc: không thay đổi được nữa.") % {"name": council.name}
        )


def _lock_council(council: Council) -> Council:
    # Only the council's row: PostgreSQL refuses to lock the nullable side of the join to the call.
    return (
        Council.objects.select_for_update(of=("self",))
        .select_related("call", "criteria_set")
        .get(pk=council.pk)
    )


def _lock_assignment(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("council", "project")
        .get(pk=assignment.pk)
    )


def _note_on_council(council: Council, *, actor: Any, key: str, label: str, before: Any, after: Any) -> None:
    """Structural changes (members, proposals, conclusions) are kept in the council's own history, so
    that they stay readable after a member or a proposal has been taken off."""
    audit.record(
        instance=council,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={key: {"label": label, "before": before, "after": after}},
    )


# --- criteria sets ---------------------------------------------------------------------------------


@transaction.atomic
def criteria_set_copy(*, criteria_set: CriteriaSet, actor: Any) -> CriteriaSet:
    """A new, unverified set with the same criteria, to edit where the original is in use."""
    from khuyencong.accounts.scope import is_administrator

    if not is_administrator(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được sửa bộ tiêu chí thẩm định."))
    copy = CriteriaSet(
        name=(_("%(name)s (bản sao)") % {"name": criteria_set.name})[:200],
        legal_basis=criteria_set.legal_basis,
        verified=False,
        valid_from=criteria_set.valid_from,
        valid_to=criteria_set.valid_to,
        note=criteria_set.note,
    )
    copy.full_clean()
    copy.save()
    Criterion.objects.bulk_create(
        [
            Criterion(
                criteria_set=copy,
                code=c.code,
                label=c.label,
                max_points=c.max_points,
                weight=c.weight,
                priority_kind=c.priority_kind,
                order=c.order,
            )
            for c in criteria_set.criteria.all()
        ]
    )
    audit.record(
        instance=copy,
        action=AuditAction.CREATE,
        actor=actor,
        reason=_("Sao chép từ “%(name)s”") % {"name": criteria_set.name},
    )
    return copy


# --- councils -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CouncilData:
    name: str
    plan_year: int | None
    level: str
    criteria_set: CriteriaSet | None
    call: Call | None = None
    decision_reference: str = ""
    note: str = ""


def _apply(council: Council, data: CouncilData) -> None:
    council.name = " ".join(data.name.split())
    council.decision_reference = " ".join(data.decision_reference.split())
    council.note = data.note.strip()
    council.call = data.call
    if data.call is not None:
        # A council of a call sits for that call's year and level.
        council.plan_year = data.call.year
        council.level = data.call.level
    else:
        if data.plan_year is None:
            raise ValidationError({"plan_year": _("Hãy nhập năm kế hoạch hoặc chọn đợt xét chọn.")})
        if data.level not in ProgrammeLevel.values:
            raise ValidationError({"level": _("Hãy chọn cấp khuyến công hoặc chọn đợt xét chọn.")})
        council.plan_year = data.plan_year
        council.level = data.level
    if data.criteria_set is None:
        raise ValidationError({"criteria_set": _("Hãy chọn bộ tiêu chí thẩm định.")})
    problem = data.criteria_set.usable_error()
    if problem:
        raise ValidationError({"criteria_set": problem})
    council.criteria_set = data.criteria_set


@transaction.atomic
def council_create(*, actor: Any, data: CouncilData, is_demo: bool = False) -> Council:
    _require_centre(actor)
    council = Council(created_by=actor, is_demo=is_demo)
    _apply(council, data)
    council.full_clean()
    council.save()
    audit.record(instance=council, action=AuditAction.CREATE, actor=actor)
    return council


@transaction.atomic
def council_update(*, council: Council, actor: Any, data: CouncilData) -> Council:
    """Name, decision and note can change while the council is open; its round and criteria only until
    a proposal has been given to it (the sheets are built on them)."""
    _require_centre(actor)
    locked = _lock_council(council)
    _require_open(locked)
    before = audit.snapshot(locked)
    fixed = (locked.call_id, locked.plan_year, locked.level, locked.criteria_set_id)
    _apply(locked, data)
    if (locked.call_id, locked.plan_year, locked.level, locked.criteria_set_id) != fixed and (
        locked.assignments.exists()
    ):
        raise ValidationError(
            _("Hội đồng đã được giao đề án: không đổi đợt, năm, cấp hoặc bộ tiêu chí được nữa.")
        )
    locked.full_clean()
    locked.save()
    audit.record(instance=locked, action=AuditAction.UPDATE, actor=actor, before=before)
    return locked


@transaction.atomic
def council_close(*, council: Council, actor: Any) -> Council:
    locked = _lock_council(council)
    workflow.require(locked, to=CouncilStatus.CLOSED, actor=actor)
    waiting = list(
        Assignment.objects.filter(
            council=locked, concluded_at__isnull=True, project__status=Status.UNDER_APPRAISAL
        ).values_list("project__code", flat=True)
    )
    if waiting:
        raise ValidationError(
            _("Chưa kết thúc được hội đồng: còn đề án chưa kết luận (%(codes)s).")
            % {"codes": ", ".join(waiting)}
        )
    before = audit.snapshot(locked)
    locked.status = CouncilStatus.CLOSED
    locked.full_clean()
    locked.save()
    audit.record(
        instance=locked,
        action=AuditAction.TRANSITION,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(locked)),
    )
    return locked


# --- members ----------------------------------------------------------------------------------------


@transaction.atomic
def member_add(*, council: Council, actor: Any, user: Any, position: str = Position.MEMBER) -> CouncilMember:
    _require_centre(actor)
    locked = _lock_council(council)
    _require_open(locked)
    if not user.is_active or user.role != Role.COUNCIL_MEMBER:
        raise ValidationError(
            {"user": _("Chỉ người dùng có vai trò “Thành viên hội đồng” mới được đưa vào hội đồng.")}
        )
    if position not in Position.values:
        raise ValidationError({"position": _("Chức danh không hợp lệ.")})
    if CouncilMember.objects.filter(council=locked, user=user).exists():
        raise ValidationError(
            {
                "user": _("%(name)s đã là thành viên hội đồng này.")
                % {"name": user.get_full_name() or user.username}
            }
        )
    if (
        position != Position.MEMBER
        and CouncilMember.objects.filter(council=locked, position=position).exists()
    ):
        raise ValidationError(
            {"position": _("Hội đồng đã có %(position)s.") % {"position": Position(position).label.lower()}}
        )
    member = CouncilMember(council=locked, user=user, position=position)
    member.full_clean()
    member.save()
    _note_on_council(
        locked,
        actor=actor,
        key=f"member.{user.username}",
        label=_("thành viên"),
        before=None,
        after=str(member),
    )
    return member


@transaction.atomic
def member_remove(*, member: CouncilMember, actor: Any) -> None:
    _require_centre(actor)
    locked = _lock_council(member.council)
    _require_open(locked)
    member = CouncilMember.objects.select_related("user").get(pk=member.pk)
    if member.declarations.exists():
        raise ValidationError(
            _("%(name)s đã khai báo hoặc chấm điểm: không rút khỏi hội đồng được.") % {"name": member.name}
        )
    text = str(member)
    member.delete()
    _note_on_council(
        locked,
        actor=actor,
        key=f"member.{member.user.username}",
        label=_("thành viên"),
        before=text,
        after=None,
    )


# --- proposals --------------------------------------------------------------------------------------


@transaction.atomic
def proposal_assign(*, council: Council, actor: Any, project: Project) -> Assignment:
    _require_centre(actor)
    locked = _lock_council(council)
    _require_open(locked)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != Status.UNDER_APPRAISAL:
        raise ValidationError(
            {
                "project": _("Chỉ giao đề án đang ở trạng thái “%(state)s”.")
                % {"state": Status.UNDER_APPRAISAL.label}
            }
        )
    existing = Assignment.objects.filter(project=project).select_related("council").first()
    if existing is not None:
        raise ValidationError(
            {
                "project": _("Đề án %(code)s đã được giao cho hội đồng “%(council)s”.")
                % {"code": project.code, "council": existing.council.name}
            }
        )
    if locked.call_id is not None and project.call_id != locked.call_id:
        raise ValidationError(
            {"project": _("Đề án %(code)s không thuộc đợt xét chọn của hội đồng.") % {"code": project.code}}
        )
    if locked.call_id is None and (project.plan_year, project.level) != (locked.plan_year, locked.level):
        raise ValidationError(
            {
                "project": _("Đề án %(code)s không cùng năm kế hoạch và cấp khuyến công với hội đồng.")
                % {"code": project.code}
            }
        )
    assignment = Assignment(council=locked, project=project, assigned_by=actor)
    # One per project, checked above; the council and project are locked.
    assignment.full_clean(
        exclude=["council", "project", "assigned_by"], validate_unique=False, validate_constraints=False
    )
    assignment.save()
    _note_on_council(
        locked,
        actor=actor,
        key=f"project.{project.code_key}",
        label=_("đề án giao thẩm định"),
        before=None,
        after=str(project),
    )
    return assignment


@transaction.atomic
def proposal_unassign(*, assignment: Assignment, actor: Any) -> None:
    _require_centre(actor)
    locked = _lock_council(assignment.council)
    _require_open(locked)
    assignment = _lock_assignment(assignment)
    if assignment.is_concluded or assignment.declarations.exists():
        raise ValidationError(
            _("Đề án %(code)s đã có khai báo hoặc kết luận: không rút khỏi hội đồng được.")
            % {"code": assignment.project.code}
        )
    project = assignment.project
    assignment.delete()
    _note_on_council(
        locked,
        actor=actor,
        key=f"project.{project.code_key}",
        label=_("đề án giao thẩm định"),
        before=str(project),
        after=None,
    )


# --- declaring and scoring --------------------------------------------------------------------------


def _seat(assignment: Assignment, actor: Any) -> CouncilMember:
    member = selectors.membership(assignment.council, actor)
    if member is None:
        raise PermissionDenied(_("Bạn không phải thành viên hội đồng thẩm định này."))
    return member


def _require_scorable(assignment: Assignment) -> None:
    _require_open(assignment.council)
    if assignment.is_concluded:
        raise ValidationError(
            _("Đề án %(code)s đã được kết luận thẩm định.") % {"code": assignment.project.code}
        )
    if assignment.project.status != Status.UNDER_APPRAISAL:
        raise ValidationError(
            _("Đề án %(code)s không còn ở trạng thái “%(state)s”.")
            % {"code": assignment.project.code, "state": Status.UNDER_APPRAISAL.label}
        )


def prefill(project: Project, criteria: list[Criterion], day: dt.date) -> dict[int, tuple[int, str]]:
    """For criteria tied to a priority kind: full marks when the project's place holds that
    classification on `day`, else 0, each with the basis a member reads beside it."""
    held = {c.kind: c for c in priority_kinds_on(project.unit, day)}
    result: dict[int, tuple[int, str]] = {}
    for criterion in criteria:
        if not criterion.priority_kind:
            continue
        label = PriorityKind(criterion.priority_kind).label
        found = held.get(criterion.priority_kind)
        if found is None:
            basis = _("%(unit)s không có phân loại “%(kind)s” ngày %(day)s") % {
                "unit": project.unit.name,
                "kind": label,
                "day": _day(day),
            }
            result[criterion.pk] = (0, basis)
            continue
        basis = _("%(unit)s: “%(kind)s” từ %(start)s") % {
            "unit": project.unit.name,
            "kind": label,
            "start": _day(found.valid_from),
        }
        if found.valid_to:
            basis += _(" đến %(end)s") % {"end": _day(found.valid_to)}
        if found.legal_basis:
            basis += f" ({found.legal_basis})"
        if not found.verified:
            basis += " — " + _("chưa đối chiếu văn bản gốc")
        result[criterion.pk] = (criterion.max_points, basis[:300])
    return result


@transaction.atomic
def declare(*, assignment: Assignment, actor: Any, has_conflict: bool, reason: str = "") -> Declaration:
    """A member's declaration on one proposal; without a conflict, their sheet opens pre-filled."""
    locked = _lock_assignment(assignment)
    member = _seat(locked, actor)
    _require_scorable(locked)
    if Declaration.objects.filter(assignment=locked, member=member).exists():
        raise ValidationError(_("Bạn đã khai báo xung đột lợi ích cho đề án này."))
    reason = reason.strip()
    if has_conflict and not reason:
        raise ValidationError(
            {"reason": _("Cần ghi rõ lý do xung đột lợi ích (quan hệ với cơ sở đề nghị hỗ trợ).")}
        )
    declaration = Declaration(assignment=locked, member=member, has_conflict=has_conflict, reason=reason)
    # Uniqueness and the reason were checked above; the database enforces both again.
    declaration.full_clean(
        exclude=["assignment", "member"], validate_unique=False, validate_constraints=False
    )
    declaration.save()
    audit.record(
        instance=declaration,
        action=AuditAction.CREATE,
        actor=actor,
        reason=reason,
        changes={
            "has_conflict": {
                "label": _("có xung đột lợi ích"),
                "before": None,
                "after": _("Có") if has_conflict else _("Không"),
            }
        },
    )
    if not has_conflict:
        _open_sheet(locked, member, actor=actor)
    return declaration


def _open_sheet(assignment: Assignment, member: CouncilMember, *, actor: Any) -> ScoreSheet:
    day = selectors.reference_date(assignment.project)
    criteria = list(Criterion.objects.filter(criteria_set_id=assignment.council.criteria_set_id))
    suggested = prefill(assignment.project, criteria, day)
    sheet = ScoreSheet(assignment=assignment, member=member, reference_date=day)
    # One per declaration, as above; the assignment and member were just read.
    sheet.full_clean(exclude=["assignment", "member"], validate_unique=False, validate_constraints=False)
    sheet.save()
    Score.objects.bulk_create(
        [
            Score(
                sheet=sheet,
                criterion=criterion,
                points=suggested[criterion.pk][0] if criterion.pk in suggested else None,
                prefilled=suggested[criterion.pk][0] if criterion.pk in suggested else None,
                prefill_basis=suggested[criterion.pk][1] if criterion.pk in suggested else "",
            )
            for criterion in criteria
        ]
    )
    audit.record(
        instance=sheet,
        action=AuditAction.CREATE,
        actor=actor,
        changes={
            f"points.{c.code}": {"label": c.label, "before": None, "after": suggested[c.pk][0]}
            for c in criteria
            if c.pk in suggested
        },
        reason=_("Điền sẵn theo phân loại địa bàn ngày %(day)s") % {"day": _day(day)} if suggested else "",
    )
    return sheet


def _points(value: Any, criterion: Criterion) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= criterion.max_points:
        raise ValidationError(
            {
                f"points.{criterion.code}": _("Điểm “%(label)s” phải là số nguyên từ 0 đến %(max)s.")
                % {"label": criterion.label, "max": criterion.max_points}
            }
        )
    return value


@transaction.atomic
def sheet_save(
    *, assignment: Assignment, actor: Any, points: Mapping[str, Any], submit: bool = False
) -> ScoreSheet:
    """Save a member's points (a draft may leave some blank); `submit` also locks the sheet, which then
    needs every criterion scored."""
    locked = _lock_assignment(assignment)
    member = _seat(locked, actor)
    declaration = Declaration.objects.filter(assignment=locked, member=member).first()
    if declaration is None:
        raise ValidationError(
            _("Hãy khai báo xung đột lợi ích với đề án này trước khi chấm điểm."), code="undeclared"
        )
    if declaration.has_conflict:
        # A rule about the member's own declaration, not their role: refused as invalid data (422).
        raise ValidationError(
            _("Bạn đã khai báo xung đột lợi ích với đề án %(code)s nên không được chấm điểm đề án này.")
            % {"code": locked.project.code},
            code="conflict_of_interest",
        )
    _require_scorable(locked)
    sheet = ScoreSheet.objects.select_for_update().get(assignment=locked, member=member)
    sheet.assignment, sheet.member = locked, member  # already read: no query to name them in the audit
    if sheet.is_submitted:
        raise ValidationError(_("Phiếu chấm đã nộp, không sửa được nữa."), code="submitted")
    scores = {s.criterion.code: s for s in sheet.scores.select_related("criterion")}
    unknown = sorted(set(points) - set(scores))
    if unknown:
        raise ValidationError(
            _("Không có tiêu chí %(codes)s trong bộ tiêu chí của hội đồng.") % {"codes": ", ".join(unknown)}
        )
    errors: dict[str, list[str]] = {}
    new: dict[str, int | None] = {}
    for code, value in points.items():
        try:
            new[code] = _points(value, scores[code].criterion)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    changes: dict[str, dict[str, Any]] = {}
    changed: list[Score] = []
    for code, value in new.items():
        score = scores[code]
        if score.points != value:
            changes[f"points.{code}"] = {
                "label": score.criterion.label,
                "before": score.points,
                "after": value,
            }
            score.points = value
            changed.append(score)
    Score.objects.bulk_update(changed, ["points"])
    if submit:
        missing = [s.criterion.label for s in scores.values() if s.points is None]
        if missing:
            raise ValidationError(
                _("Chưa nộp được phiếu: còn tiêu chí chưa chấm (%(labels)s).")
                % {"labels": "; ".join(missing)},
                code="incomplete",
            )
        sheet.total = scoring.weighted_total(
            scoring.Line(points=s.points or 0, max_points=s.criterion.max_points, weight=s.criterion.weight)
            for s in scores.values()
        )
        sheet.submitted_at = timezone.now()
        sheet.full_clean(exclude=["assignment", "member"], validate_unique=False, validate_constraints=False)
        sheet.save(update_fields=["total", "submitted_at"])
        changes["total"] = {"label": _("tổng điểm"), "before": None, "after": str(sheet.total)}
        changes["submitted_at"] = {
            "label": _("thời điểm nộp phiếu"),
            "before": None,
            "after": sheet.submitted_at.isoformat(),
        }
    if changes:
        audit.record(instance=sheet, action=AuditAction.UPDATE, actor=actor, changes=changes)
    return sheet


# --- conclusion ----------------------------------------------------------------------------------


@transaction.atomic
def appraisal_conclude(*, assignment: Assignment, actor: Any, outcome: str, reason: str = "") -> Assignment:
    """Write the mean of the valid sheets to the project and move it to proposed (or rejected).

    Only once every member without a conflict has submitted, and with at least the configured number of
    sheets; conflicted members are left out of the mean.
    """
    _require_centre(actor)
    locked = _lock_assignment(assignment)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Hãy chọn kết luận: đề xuất vào kế hoạch hoặc không chọn.")})
    target = Status.PROPOSED if outcome == Outcome.PROPOSED else Status.REJECTED
    reason = reason.strip()
    if target == Status.REJECTED and not reason:
        raise ValidationError({"reason": _("Cần ghi rõ lý do không chọn đề án.")})
    state = selectors.proposal_progress(locked)
    if state.blocker:
        raise ValidationError(
            _("Chưa kết luận được thẩm định đề án %(code)s. %(why)s")
            % {"code": locked.project.code, "why": state.blocker}
        )
    score = state.mean
    assert score is not None  # at least the minimum number of sheets, and that is ≥ 1
    project = Project.objects.select_for_update().get(pk=locked.project_id)
    project_workflow.require(project, to=target, actor=actor, reason=reason or "-")
    field = Project._meta.get_field("appraisal_score")
    project.appraisal_score = field.clean(score, project)  # 0–100, two decimals
    project.save(update_fields=["appraisal_score", "updated_at"])
    audit.record(
        instance=project,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={"appraisal_score": {"label": str(field.verbose_name), "before": None, "after": str(score)}},
        reason=_("Kết luận của hội đồng “%(council)s”: trung bình %(n)s phiếu hợp lệ")
        % {"council": locked.council.name, "n": len(state.totals)},
    )
    project_services.project_transition(project=project, to=target, actor=actor, reason=reason)
    locked.outcome = outcome
    locked.reason = reason
    locked.concluded_at = timezone.now()
    locked.concluded_by = actor
    locked.full_clean(
        exclude=["council", "project", "assigned_by", "concluded_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    locked.save(update_fields=["outcome", "reason", "concluded_at", "concluded_by"])
    flag = _(" (các thành viên chấm chênh lệch lớn)") if state.flagged else ""
    _note_on_council(
        locked.council,
        actor=actor,
        key=f"outcome.{project.code_key}",
        label=_("kết luận đề án %(code)s") % {"code": project.code},
        before=None,
        after=_("%(outcome)s — %(score)s điểm%(flag)s")
        % {"outcome": Outcome(outcome).label, "score": str(score).replace(".", ","), "flag": flag},
    )
    return locked
