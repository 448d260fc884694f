"""The one way to change results: indicator values of later periods and follow-up answers.

Every write is atomic, locks the project row (two officers recording the same period: one wins, the
other gets a clear message), validates, and writes an audit row with the values before and after.
Values achieved at the acceptance are not written here: they come from the acceptance record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.projects import workflow
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Acceptance, Project, ProjectDocument
from khuyencong.results.choices import FollowUpMonth, IndicatorOrigin, ValueSource
from khuyencong.results.models import FollowUp, Indicator, IndicatorTarget, IndicatorValue, add_months

S = Status
# A project's results may be recorded once it is approved, and not once it is cancelled or rejected.
RECORDABLE = frozenset(
    {
        S.APPROVED,
        S.CONTRACTED,
        S.IN_PROGRESS,
        S.AWAITING_ACCEPTANCE,
        S.ACCEPTED,
        S.SETTLED,
        S.CLOSED,
        S.SUSPENDED,
    }
)
# Follow-ups are visited from a month before they fall due.
FOLLOW_UP_EARLY_DAYS = 30


def may_record(user: Any) -> bool:
    return workflow.role_of(user) in workflow.CENTRE


def _require_recorder(actor: Any, project: Project) -> None:
    if not may_record(actor) or not Project.objects.visible_to(actor).filter(pk=project.pk).exists():
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm ghi nhận kết quả của đề án."))


def _whole(value: Any, *, field: str) -> int:
    """A count or an amount: a whole number, not negative."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: _("Giá trị phải là số nguyên, không có phần thập phân.")})
    if value < 0:
        raise ValidationError({field: _("Giá trị không được âm.")})
    return value


def accepted_acceptance(project: Project) -> Acceptance | None:
    """The project's acceptance if the council accepted it (what locks the values up to its date)."""
    return Acceptance.objects.filter(project=project, accepted=True).first()


def is_locked(project: Project, period_end: dt.date) -> bool:
    """Values of periods ending on or before an accepted acceptance are locked: the acceptance stands."""
    acceptance = accepted_acceptance(project)
    return acceptance is not None and period_end <= acceptance.held_on


def _check_value(
    *,
    project: Project,
    indicator: Indicator,
    period_start: dt.date,
    period_end: dt.date,
    value: int,
    women: int | None,
    ethnic_minority: int | None,
    evidence: ProjectDocument | None,
) -> None:
    if indicator.origin != IndicatorOrigin.RECORDED:
        raise ValidationError(
            {
                "indicator": _("Chỉ tiêu “%(name)s” lấy từ biên bản nghiệm thu, không ghi riêng.")
                % {"name": indicator.name}
            }
        )
    if project.status not in RECORDABLE:
        raise ValidationError(
            _("Chỉ ghi kết quả cho đề án đã được phê duyệt (trạng thái hiện tại: “%(status)s”).")
            % {"status": Status(project.status).label}
        )
    if period_end < period_start:
        raise ValidationError({"period_end": _("Ngày cuối kỳ phải sau hoặc bằng ngày đầu kỳ.")})
    if period_end > timezone.localdate():
        raise ValidationError(
            {"period_end": _("Kỳ báo cáo chưa kết thúc: không ghi kết quả cho ngày tương lai.")}
        )
    if is_locked(project, period_end):
        raise ValidationError(
            {
                "period_end": _(
                    "Kết quả đến ngày nghiệm thu đã khoá khi nghiệm thu được chấp nhận; "
                    "chỉ ghi cho kỳ sau ngày nghiệm thu."
                )
            }
        )
    if not indicator.disaggregated and (women is not None or ethnic_minority is not None):
        raise ValidationError(
            {"women": _("Chỉ tiêu “%(name)s” không tách theo giới tính, dân tộc.") % {"name": indicator.name}}
        )
    for field, part in (("women", women), ("ethnic_minority", ethnic_minority)):
        if part is not None and part > value:
            raise ValidationError({field: _("Số nữ hoặc dân tộc thiểu số không được lớn hơn tổng số.")})
    if evidence is not None and evidence.project_id != project.pk:
        raise ValidationError({"evidence": _("Tài liệu minh chứng phải thuộc chính đề án này.")})


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


@transaction.atomic
def indicator_value_record(
    *,
    project: Project,
    actor: Any,
    indicator: Indicator | str,
    period_start: dt.date,
    period_end: dt.date,
    value: Any,
    source: str,
    women: Any = None,
    ethnic_minority: Any = None,
    evidence: ProjectDocument | None = None,
    note: str = "",
) -> IndicatorValue:
    """Record a value of a recorded indicator for one period (one value per project, indicator and period)."""
    locked = _lock(project)
    _require_recorder(actor, locked)
    if isinstance(indicator, str):
        found = Indicator.objects.filter(code=indicator).first()
        if found is None:
            raise ValidationError({"indicator": _("Không có chỉ tiêu mã “%(code)s”.") % {"code": indicator}})
        indicator = found
    number = _whole(value, field="value")
    women_n = None if women in (None, "") else _whole(women, field="women")
    minority_n = None if ethnic_minority in (None, "") else _whole(ethnic_minority, field="ethnic_minority")
    _check_value(
        project=locked,
        indicator=indicator,
        period_start=period_start,
        period_end=period_end,
        value=number,
        women=women_n,
        ethnic_minority=minority_n,
        evidence=evidence,
    )
    if IndicatorValue.objects.filter(
        project=locked, indicator=indicator, period_start=period_start, period_end=period_end
    ).exists():
        raise ValidationError(
            {"period_start": _("Đã có giá trị cho chỉ tiêu này trong kỳ này: hãy sửa giá trị đã ghi.")}
        )
    row = IndicatorValue(
        project=locked,
        indicator=indicator,
        period_start=period_start,
        period_end=period_end,
        value=number,
        women=women_n,
        ethnic_minority=minority_n,
        source=ValueSource(source),
        evidence=evidence,
        note=note.strip(),
        recorded_by=actor,
    )
    row.full_clean()
    row.save()
    audit.record(instance=row, action=AuditAction.CREATE, actor=actor)
    return row


@transaction.atomic
def indicator_value_update(*, row: IndicatorValue, actor: Any, reason: str, **changes: Any) -> IndicatorValue:
    """Correct a recorded value (value, split, period, source, evidence, note) with a written reason."""
    locked = IndicatorValue.objects.select_for_update().select_related("indicator").get(pk=row.pk)
    project = _lock(locked.project)
    _require_recorder(actor, project)
    if not reason.strip():
        raise ValidationError({"reason": _("Cần ghi rõ lý do sửa số liệu đã ghi.")})
    if is_locked(project, locked.period_end):
        raise ValidationError(_("Giá trị này thuộc kỳ đã khoá khi nghiệm thu được chấp nhận."))
    before = audit.snapshot(locked)
    allowed = {
        "value",
        "women",
        "ethnic_minority",
        "period_start",
        "period_end",
        "source",
        "evidence",
        "note",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    for key, new in changes.items():
        if key == "value":
            new = _whole(new, field="value")
        elif key in {"women", "ethnic_minority"}:
            new = None if new in (None, "") else _whole(new, field=key)
        elif key == "source":
            new = ValueSource(new)
        setattr(locked, key, new)
    _check_value(
        project=project,
        indicator=locked.indicator,
        period_start=locked.period_start,
        period_end=locked.period_end,
        value=locked.value,
        women=locked.women,
        ethnic_minority=locked.ethnic_minority,
        evidence=locked.evidence,
    )
    clash = IndicatorValue.objects.filter(
        project=project,
        indicator=locked.indicator,
        period_start=locked.period_start,
        period_end=locked.period_end,
    ).exclude(pk=locked.pk)
    if clash.exists():
        raise ValidationError({"period_start": _("Đã có giá trị cho chỉ tiêu này trong kỳ này.")})
    locked.full_clean()
    locked.save()
    audit.record(
        instance=locked, action=AuditAction.UPDATE, actor=actor, before=before, reason=reason.strip()
    )
    return locked


@transaction.atomic
def indicator_value_delete(*, row: IndicatorValue, actor: Any, reason: str) -> None:
    locked = IndicatorValue.objects.select_for_update().get(pk=row.pk)
    project = _lock(locked.project)
    _require_recorder(actor, project)
    if not reason.strip():
        raise ValidationError({"reason": _("Cần ghi rõ lý do xoá số liệu đã ghi.")})
    if is_locked(project, locked.period_end):
        raise ValidationError(_("Giá trị này thuộc kỳ đã khoá khi nghiệm thu được chấp nhận."))
    audit.record(instance=locked, action=AuditAction.DELETE, actor=actor, reason=reason.strip())
    locked.delete()


# --- follow-ups ------------------------------------------------------------------------------------


def follow_up_due_on(acceptance: Acceptance, months: int) -> dt.date:
    return add_months(acceptance.held_on, months)


def handed_over_machines(project: Project) -> bool:
    from khuyencong.projects.models import Machine

    return Machine.objects.filter(acceptance__project=project).exists()


@transaction.atomic
def follow_up_record(
    *,
    project: Project,
    actor: Any,
    months: int,
    visited_on: dt.date,
    still_operating: bool,
    jobs_kept: Any = None,
    equipment_in_use: bool | None = None,
    evidence: ProjectDocument | None = None,
    note: str = "",
) -> FollowUp:
    """Record what a follow-up visit found 6, 12 or 24 months after an accepted acceptance."""
    locked = _lock(project)
    _require_recorder(actor, locked)
    try:
        milestone = FollowUpMonth(int(months))
    except ValueError:
        raise ValidationError({"months": _("Mốc theo dõi phải là 6, 12 hoặc 24 tháng.")}) from None
    acceptance = accepted_acceptance(locked)
    if acceptance is None:
        raise ValidationError(_("Chỉ theo dõi đề án đã được nghiệm thu đạt."))
    due = follow_up_due_on(acceptance, milestone)
    if visited_on < due - dt.timedelta(days=FOLLOW_UP_EARLY_DAYS):
        raise ValidationError(
            {
                "visited_on": _("Chưa đến kỳ theo dõi %(label)s (đến hạn ngày %(due)s).")
                % {"label": milestone.label, "due": due.strftime("%d/%m/%Y")}
            }
        )
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("Ngày kiểm tra không được ở tương lai.")})
    if FollowUp.objects.filter(project=locked, months=milestone).exists():
        raise ValidationError(
            {"months": _("Đã ghi kết quả theo dõi %(label)s.") % {"label": milestone.label}}
        )
    kept = None if jobs_kept in (None, "") else _whole(jobs_kept, field="jobs_kept")
    if handed_over_machines(locked):
        if equipment_in_use is None:
            raise ValidationError(
                {"equipment_in_use": _("Đề án có bàn giao máy móc: cần ghi máy còn sử dụng hay không.")}
            )
    elif equipment_in_use is not None:
        raise ValidationError({"equipment_in_use": _("Đề án không bàn giao máy móc nào.")})
    if not still_operating and not note.strip():
        raise ValidationError({"note": _("Cơ sở ngừng hoạt động: cần ghi rõ tình hình.")})
    if evidence is not None and evidence.project_id != locked.pk:
        raise ValidationError({"evidence": _("Tài liệu minh chứng phải thuộc chính đề án này.")})
    row = FollowUp(
        project=locked,
        months=milestone,
        visited_on=visited_on,
        still_operating=still_operating,
        jobs_kept=kept,
        equipment_in_use=equipment_in_use,
        evidence=evidence,
        note=note.strip(),
        recorded_by=actor,
    )
    row.full_clean()
    row.save()
    audit.record(instance=row, action=AuditAction.CREATE, actor=actor)
    return row


@transaction.atomic
def indicator_target_set(
    *, project: Project, actor: Any, indicator: Indicator | str, value: Any, reason: str = ""
) -> IndicatorTarget:
    """Set or change a project's target on a recorded indicator; a change of an existing target needs a
    reason, and the audit row keeps both values."""
    locked = _lock(project)
    _require_recorder(actor, locked)
    if isinstance(indicator, str):
        found = Indicator.objects.filter(code=indicator).first()
        if found is None:
            raise ValidationError({"indicator": _("Không có chỉ tiêu mã “%(code)s”.") % {"code": indicator}})
        indicator = found
    if indicator.origin != IndicatorOrigin.RECORDED:
        raise ValidationError(
            {
                "indicator": _(
                    "Chỉ tiêu “%(name)s” lấy từ biên bản nghiệm thu: kết quả dự kiến ghi trong hồ sơ đề án."
                )
                % {"name": indicator.name}
            }
        )
    if locked.status in (S.CANCELLED, S.REJECTED):
        raise ValidationError(_("Đề án đã huỷ hoặc không được chọn: không đặt chỉ tiêu."))
    number = _whole(value, field="value")
    target = IndicatorTarget.objects.select_for_update().filter(project=locked, indicator=indicator).first()
    if target is None:
        target = IndicatorTarget(project=locked, indicator=indicator, value=number, set_by=actor)
        target.full_clean()
        target.save()
        audit.record(instance=target, action=AuditAction.CREATE, actor=actor, reason=reason.strip())
        return target
    if not reason.strip():
        raise ValidationError({"reason": _("Cần ghi rõ lý do thay đổi chỉ tiêu dự kiến đã đặt.")})
    before = audit.snapshot(target)
    target.value, target.set_by = number, actor
    target.full_clean()
    target.save()
    audit.record(
        instance=target, action=AuditAction.UPDATE, actor=actor, before=before, reason=reason.strip()
    )
    return target
