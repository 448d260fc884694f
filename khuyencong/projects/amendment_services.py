"""The one way to request, approve, reject or withdraw an amendment. Atomic, locked and audited.

The same checks run when an amendment is requested (on a trial application that is rolled back, so a
request that could never be approved is refused at once) and again when the leader approves it (on the
project as it is then): the support cap in force on the project's reference date, the money invariants
(approved support covered by the programme's budget lines, not below what is already advanced or
contracted, advances within the configurable share), whole non-negative amounts, dates in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.core.money import vnd
from khuyencong.projects import amendments, services
from khuyencong.projects.choices import ExpectedIndicator, FundingSource
from khuyencong.projects.models import (
    Amendment,
    AmendmentStatus,
    BudgetLine,
    ExpectedResult,
    Project,
)

A = AmendmentStatus


def reference_date(project: Project) -> dt.date:
    """The date whose cap applies: the submission date, as at approval (else the decision's date)."""
    return project.submitted_on or project.decision_date or timezone.localdate()


def _apply(project: Project, after: Mapping[str, Any]) -> None:
    """Write the new values to the locked project and its budget and result rows."""
    for key, value in after.items():
        if key in {"start_date", "end_date"}:
            setattr(project, key, dt.date.fromisoformat(value) if value else None)
        elif key in {"approved_support", "description", "partners"}:
            setattr(project, key, value)
        elif key.startswith("budget."):
            source = FundingSource(key.removeprefix("budget."))
            if value is None:
                project.budget_lines.filter(source=source).delete()
            else:
                BudgetLine.objects.update_or_create(
                    project=project, source=source, defaults={"amount": value}
                )
        elif key.startswith("expected."):
            indicator = ExpectedIndicator(key.removeprefix("expected."))
            if value is None:
                project.expected_results.filter(indicator=indicator).delete()
            else:
                ExpectedResult.objects.update_or_create(
                    project=project, indicator=indicator, defaults={"value": value}
                )
        else:  # normalise() lets no other key through
            raise ValueError(key)
    if project.start_date and project.end_date and project.end_date < project.start_date:
        raise ValidationError({"end_date": _("Ngày kết thúc không được trước ngày bắt đầu.")})
    project.full_clean(exclude=["code_key"])
    project.save()


def _check_money(project: Project) -> None:
    """The cap on the reference date and the money invariants, on the project as it now stands."""
    approved = project.approved_support
    support = project.requested_support
    if approved is not None:
        if approved > support:
            raise ValidationError(
                {
                    "approved_support": _(
                        "Kinh phí hỗ trợ được duyệt %(approved)s vượt phần ngân sách khuyến công trong dự toán "
                        "(trung ương và tỉnh: %(support)s)."
                    )
                    % {"approved": vnd(approved), "support": vnd(support)}
                }
            )
        advanced = project.advanced_total()
        if advanced > approved:
            raise ValidationError(
                {
                    "approved_support": _(
                        "Kinh phí hỗ trợ được duyệt %(approved)s không được thấp hơn số đã tạm ứng %(advanced)s."
                    )
                    % {"approved": vnd(approved), "advanced": vnd(advanced)}
                }
            )
        limit = services.advance_limit(project)
        if advanced > limit:
            raise ValidationError(
                {
                    "approved_support": _(
                        "Với kinh phí được duyệt %(approved)s, mức tạm ứng cho phép là %(limit)s "
                        "(%(percent)s%%), thấp hơn số đã tạm ứng %(advanced)s."
                    )
                    % {
                        "approved": vnd(approved),
                        "limit": vnd(limit),
                        "percent": settings.KHUYENCONG_ADVANCE_MAX_PERCENT,
                        "advanced": vnd(advanced),
                    }
                }
            )
        if project.contract_amount is not None and approved < project.contract_amount:
            raise ValidationError(
                {
                    "approved_support": _(
                        "Kinh phí hỗ trợ được duyệt %(approved)s không được thấp hơn giá trị hợp đồng đã ký "
                        "%(contract)s; phần không dùng hết được xử lý khi quyết toán."
                    )
                    % {"approved": vnd(approved), "contract": vnd(project.contract_amount)}
                }
            )
    services.check_cap(project, on=reference_date(project))


def _trial(project: Project, after: Mapping[str, Any]) -> None:
    """Apply and check inside a savepoint that is always rolled back: the request's own dry run."""
    savepoint = transaction.savepoint()
    try:
        _apply(project, after)
        _check_money(project)
    finally:
        transaction.savepoint_rollback(savepoint)


def _lock_project(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("unit").get(pk=project.pk)


def _project_row(
    project: Project, *, actor: Any, frm: str | None, to: AmendmentStatus, reason: str, extra: dict[str, Any]
) -> None:
    """The project's own history tells the amendment's story, and for an approval what it changed."""
    audit.record(
        instance=project,
        action=AuditAction.UPDATE,
        actor=actor,
        reason=reason,
        changes={
            "amendment": {
                "label": _("điều chỉnh đề án"),
                "before": str(AmendmentStatus(frm).label) if frm else None,
                "after": str(to.label),
            },
            **extra,
        },
    )


@transaction.atomic
def amendment_request(*, project: Project, actor: Any, reason: str, proposed: Mapping[str, Any]) -> Amendment:
    """File a request. `proposed` holds the values wanted (unchanged ones may be included and are
    dropped); the request keeps each changed field's current value as its "before"."""
    locked = _lock_project(project)
    amendments.require(locked, to=A.REQUESTED, actor=actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Cần ghi rõ lý do điều chỉnh.")})
    pending = amendments.open_amendment(locked)
    if pending is not None:
        raise ValidationError(
            _(
                "Đề án đang có một đề nghị điều chỉnh chờ phê duyệt (lập ngày %(day)s); hãy chờ quyết định "
                "hoặc rút đề nghị đó trước khi lập đề nghị mới."
            )
            % {"day": timezone.localtime(pending.requested_at).strftime("%d/%m/%Y")},
            code="open_amendment",
        )
    allowed = {f.key for f in amendments.fields_for(locked)}
    errors: dict[str, list[ValidationError]] = {}
    clean: dict[str, Any] = {}
    for key, value in proposed.items():
        if key not in allowed:
            raise ValidationError(
                _("Trường “%(key)s” không điều chỉnh được qua đề nghị điều chỉnh.") % {"key": key}
            )
        try:
            clean[key] = amendments.normalise(key, value)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(ValidationError(m) for m in messages)
    if errors:
        raise ValidationError(errors)
    changes = amendments.diff(amendments.current_values(locked), clean)
    if not changes:
        raise ValidationError(_("Đề nghị điều chỉnh chưa thay đổi nội dung nào của đề án."), code="no_change")
    _trial(locked, {key: change["after"] for key, change in changes.items()})
    locked = _lock_project(locked)  # the trial changed the object in memory; read it back as stored
    amendment = Amendment(
        project=locked, reason=reason.strip(), changes=changes, requested_by=actor, status=A.REQUESTED
    )
    amendment.full_clean()
    amendment.save()
    audit.record(instance=amendment, action=AuditAction.CREATE, actor=actor, reason=amendment.reason)
    _project_row(locked, actor=actor, frm=None, to=A.REQUESTED, reason=amendment.reason, extra={})
    return amendment


def _lock_both(amendment: Amendment) -> tuple[Project, Amendment]:
    """The project first, then the amendment: every path locks in that order, so none deadlocks."""
    project = _lock_project(amendment.project)
    return project, Amendment.objects.select_for_update().get(pk=amendment.pk)


def _decide(amendment: Amendment, *, to: AmendmentStatus, actor: Any, note: str) -> Amendment:
    before = audit.snapshot(amendment)
    amendment.status = to
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    amendment.decision_note = note.strip()
    amendment.full_clean()
    amendment.save()
    audit.record(
        instance=amendment,
        action=AuditAction.TRANSITION,
        actor=actor,
        reason=amendment.decision_note,
        changes=audit.diff(before, audit.snapshot(amendment)),
    )
    return amendment


def _stale(project: Project, amendment: Amendment) -> list[str]:
    """The fields whose stored value is no longer the request's "before", described for a message."""
    now = amendments.current_values(project)
    return [
        _("%(field)s (lúc đề nghị: %(then)s, hiện nay: %(now)s)")
        % {
            "field": change.label,
            "then": change.before_text,
            "now": amendments.display(change.key, now.get(change.key)),
        }
        for change in amendments.changes_of(amendment)
        if change.key not in now or now[change.key] != change.before
    ]


@transaction.atomic
def amendment_approve(*, amendment: Amendment, actor: Any, note: str = "") -> Amendment:
    """Apply the amendment to the project, all of it or nothing, after checking it still applies."""
    project, locked = _lock_both(amendment)
    amendments.require(project, to=A.APPROVED, actor=actor, amendment=locked, note=note)
    stale = _stale(project, locked)
    if stale:
        raise ValidationError(
            _(
                "Đề án đã thay đổi sau khi lập đề nghị điều chỉnh: %(fields)s. Không áp dụng được đề nghị "
                "này; hãy từ chối hoặc rút đề nghị và lập đề nghị mới."
            )
            % {"fields": "; ".join(stale)},
            code="stale",
        )
    changes = amendments.changes_of(locked)
    _apply(project, {change.key: change.after for change in changes})
    _check_money(project)
    _decide(locked, to=A.APPROVED, actor=actor, note=note)
    reason = _("Điều chỉnh đề án theo đề nghị ngày %(day)s: %(reason)s") % {
        "day": timezone.localtime(locked.requested_at).strftime("%d/%m/%Y"),
        "reason": locked.reason,
    }
    if locked.decision_note:
        reason += " — " + locked.decision_note
    _project_row(
        project,
        actor=actor,
        frm=A.REQUESTED,
        to=A.APPROVED,
        reason=reason,
        extra={
            change.key: {"label": change.label, "before": change.before, "after": change.after}
            for change in changes
        },
    )
    return locked


@transaction.atomic
def amendment_reject(*, amendment: Amendment, actor: Any, note: str) -> Amendment:
    project, locked = _lock_both(amendment)
    amendments.require(project, to=A.REJECTED, actor=actor, amendment=locked, note=note)
    _decide(locked, to=A.REJECTED, actor=actor, note=note)
    _project_row(project, actor=actor, frm=A.REQUESTED, to=A.REJECTED, reason=locked.decision_note, extra={})
    return locked


@transaction.atomic
def amendment_withdraw(*, amendment: Amendment, actor: Any, note: str = "") -> Amendment:
    project, locked = _lock_both(amendment)
    amendments.require(project, to=A.WITHDRAWN, actor=actor, amendment=locked, note=note)
    _decide(locked, to=A.WITHDRAWN, actor=actor, note=note)
    _project_row(project, actor=actor, frm=A.REQUESTED, to=A.WITHDRAWN, reason=locked.decision_note, extra={})
    return locked
