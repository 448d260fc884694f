"""Calls for proposals (đợt xét chọn): the services that change them, the reads, and the rules a
proposal attached to a call must meet.

Centre officers and administrators create and edit calls; every change is audited in the same
transaction. A call's status (upcoming, open, closed) is read from its dates, never stored.
A proposal attached to a call must match its programme level and plan year and be in a category the
call accepts; its first submission must fall within the call's window (a proposal returned for
revision comes back after the centre's check, usually past the deadline, and is not refused for it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.choices import Role
from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.projects import workflow
from khuyencong.projects.choices import ContentCategory, ProgrammeLevel, Status
from khuyencong.projects.models import Call, Project

# Proposals that may still be attached to a call, or moved to another one.
ATTACHABLE_STATES = frozenset({Status.DRAFT, Status.RETURNED})
# Proposals that no longer hold a place in a call: their categories may be dropped from it.
INACTIVE_STATES = frozenset({Status.CANCELLED, Status.REJECTED})


def local_display(moment: dt.datetime) -> str:
    """dd/mm/yyyy HH:MM in the installation's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


# Writes ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallData:
    year: int
    level: str
    title: str
    opens_at: dt.datetime
    deadline: dt.datetime
    categories: Sequence[str]
    note: str = ""

    def apply_to(self, call: Call) -> None:
        call.year = self.year
        call.level = self.level
        call.title = " ".join(self.title.split())
        # Kept in UTC, as the database returns them, so that an unchanged moment is not seen as changed.
        call.opens_at = self.opens_at.astimezone(dt.UTC) if self.opens_at else self.opens_at
        call.deadline = self.deadline.astimezone(dt.UTC) if self.deadline else self.deadline
        wanted = list(dict.fromkeys(self.categories))  # keep the list free of repeats
        # Stored in the order of DESIGN §3 so that two equal choices compare equal in the audit trail.
        known = [code for code in ContentCategory.values if code in wanted]
        call.categories = known + [code for code in wanted if code not in known]
        call.note = self.note.strip()


def can_manage_calls(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.role in {Role.ADMIN, Role.OFFICER})
    )


def _require_manager(actor: Any) -> None:
    if not can_manage_calls(actor):
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm hoặc quản trị hệ thống được mở và sửa đợt xét chọn."))


def _changes(before: audit.Snapshot, call: Call) -> dict[str, dict[str, Any]]:
    """The audit diff as people read it: moments as 31/03/2025 17:00, categories by their labels."""
    changes = audit.diff(before, audit.snapshot(call))
    for name, change in changes.items():
        for side in ("before", "after"):
            value = change[side]
            if value in (None, ""):
                continue
            if name in ("opens_at", "deadline"):
                change[side] = local_display(dt.datetime.fromisoformat(value))
            elif name == "categories":
                change[side] = "; ".join(
                    str(ContentCategory(code).label) if code in ContentCategory.values else str(code)
                    for code in value
                )
            elif name == "year":
                change[side] = str(value)  # a year, not a number to group by thousands
    return changes


def _check_timezone(data: CallData) -> None:
    for field, value in (("opens_at", data.opens_at), ("deadline", data.deadline)):
        if value is not None and timezone.is_naive(value):
            raise ValidationError({field: _("Thời điểm phải kèm múi giờ (giờ Việt Nam).")})


@transaction.atomic
def call_create(*, actor: Any, data: CallData) -> Call:
    _require_manager(actor)
    _check_timezone(data)
    call = Call(created_by=actor)
    data.apply_to(call)
    call.full_clean()
    call.save()
    audit.record(instance=call, action=AuditAction.CREATE, actor=actor, changes=_changes({}, call))
    return call


@transaction.atomic
def call_update(*, actor: Any, call: Call, data: CallData, reason: str = "") -> Call:
    """Change a call; writes an audit row only when something changed.

    Once proposals are attached, the year and level stay put and a category in use by a live proposal
    cannot be dropped (the proposal would no longer fit the call it was submitted to).
    """
    _require_manager(actor)
    _check_timezone(data)
    locked = Call.objects.select_for_update().get(pk=call.pk)
    before = audit.snapshot(locked)
    placed = (locked.year, locked.level)
    data.apply_to(locked)
    locked.full_clean()
    live = Project.objects.filter(call=locked).exclude(status__in=INACTIVE_STATES)
    if (locked.year, locked.level) != placed and live.exists():
        raise ValidationError(
            {"year": _("Đợt đã có đề án đăng ký: không đổi năm kế hoạch hoặc cấp khuyến công được nữa.")}
        )
    dropped = live.exclude(category__in=locked.categories).values_list("code", flat=True)
    if dropped:
        raise ValidationError(
            {
                "categories": _(
                    "Không bỏ được nội dung đang có đề án đăng ký trong đợt: %(codes)s. "
                    "Hãy chuyển các đề án đó sang đợt khác trước."
                )
                % {"codes": ", ".join(dropped)}
            }
        )
    locked.save()
    changes = _changes(before, locked)
    if changes:
        audit.record(instance=locked, action=AuditAction.UPDATE, actor=actor, changes=changes, reason=reason)
    return locked


def check_fit(project: Project, call: Call) -> None:
    """The proposal matches the call's level and year and is in a category it accepts."""
    if project.level != call.level:
        raise ValidationError(
            {
                "call": _(
                    "Đợt “%(call)s” dành cho %(call_level)s; đề án thuộc %(level)s nên không đăng ký vào đợt này."
                )
                % {
                    "call": call.title,
                    "call_level": ProgrammeLevel(call.level).label.lower(),
                    "level": ProgrammeLevel(project.level).label.lower(),
                }
            },
            code="call_level",
        )
    if project.plan_year != call.year:
        raise ValidationError(
            {
                "call": _("Đợt “%(call)s” xét chọn đề án năm %(call_year)s; đề án có năm kế hoạch %(year)s.")
                % {"call": call.title, "call_year": call.year, "year": project.plan_year}
            },
            code="call_year",
        )
    if not call.accepts(project.category):
        raise ValidationError(
            {
                "call": _(
                    "Đợt “%(call)s” không nhận nội dung “%(category)s”. Đợt này chỉ nhận: %(accepted)s."
                )
                % {
                    "call": call.title,
                    "category": ContentCategory(project.category).label,
                    "accepted": "; ".join(call.category_labels()),
                }
            },
            code="call_category",
        )


def check_window(call: Call, *, at: dt.datetime | dt.date) -> None:
    """Refuse a submission before the call opens or after its deadline.

    `at` is a moment, or a day (a submission recorded with its date only: the whole of the opening day
    and of the deadline's day count, in Vietnam time).
    """
    if isinstance(at, dt.datetime):
        early, late = at < call.opens_at, at > call.deadline
    else:
        early = at < timezone.localtime(call.opens_at).date()
        late = at > timezone.localtime(call.deadline).date()
    if late:
        raise ValidationError(
            {
                "call": _(
                    "Đã quá hạn nộp hồ sơ của đợt “%(call)s” (%(deadline)s): không nhận hồ sơ nộp sau hạn."
                )
                % {"call": call.title, "deadline": local_display(call.deadline)}
            },
            code="call_deadline",
        )
    if early:
        raise ValidationError(
            {
                "call": _("Đợt “%(call)s” chưa mở nhận hồ sơ (mở từ %(opens)s).")
                % {"call": call.title, "opens": local_display(call.opens_at)}
            },
            code="call_not_open",
        )


def check_submission(project: Project, *, on: dt.date | None = None) -> None:
    """What project_submit asks of a proposal attached to a call (nothing when it has none)."""
    call = project.call
    if call is None:
        return
    check_fit(project, call)
    if project.status == Status.DRAFT:
        check_window(call, at=on if on is not None else timezone.now())


def check_new_proposal(project: Project, call: Call) -> None:
    """What project_create asks: the proposal fits and the call has not closed (drafting early is fine)."""
    check_fit(project, call)
    if call.deadline < timezone.now():
        check_window(call, at=timezone.now())


@transaction.atomic
def project_attach_call(*, project: Project, call: Call | None, actor: Any) -> Project:
    """Register a draft or returned proposal in a call (or take it out with call=None). Audited."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    role = workflow.role_of(actor)
    if role in {Role.LEADER, Role.COUNCIL_MEMBER, Role.PUBLIC, ""} or not (
        Project.objects.visible_to(actor).filter(pk=locked.pk).exists()
    ):
        raise PermissionDenied(_("Bạn không có quyền sửa đề án này."))
    if locked.status not in ATTACHABLE_STATES:
        raise ValidationError(
            {"call": _("Chỉ đề án dự thảo hoặc bị trả lại mới đăng ký được vào một đợt xét chọn.")}
        )
    before = audit.snapshot(locked)
    if call is not None:
        check_fit(locked, call)
        if locked.call_id != call.pk and call.deadline < timezone.now():
            check_window(call, at=timezone.now())  # too late to join a call that has closed
    locked.call = call
    locked.full_clean(exclude=["code_key"])
    locked.save(update_fields=["call", "updated_at"])
    audit.record(instance=locked, action=AuditAction.UPDATE, actor=actor, before=before)
    return locked


# Reads -------------------------------------------------------------------------------------------


def call_list(*, user: Any, include_all: bool = False, at: dt.datetime | None = None) -> QuerySet[Call]:
    """Calls are public to every signed-in user; by default only those open now."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Call.objects.none()
    if include_all:
        return Call.objects.all()  # latest deadline first
    return Call.objects.open_at(at or timezone.now()).order_by("deadline", "pk")  # closing soonest first


def call_get(*, user: Any, pk: int) -> Call:
    return get_object_or_404(call_list(user=user, include_all=True), pk=pk)


def call_projects(*, user: Any, call: Call) -> QuerySet[Project]:
    """The call's proposals the user may see."""
    return (
        Project.objects.visible_to(user)
        .filter(call=call)
        .select_related("unit", "unit__parent")
        .prefetch_related("budget_lines", "beneficiaries")
        .order_by("code_key")
    )


def attachable_projects(*, user: Any, call: Call) -> QuerySet[Project]:
    """The user's drafts and returned proposals that could be registered in this call."""
    if workflow.role_of(user) in {Role.LEADER, Role.COUNCIL_MEMBER, Role.PUBLIC, ""}:
        return Project.objects.none()
    return (
        Project.objects.visible_to(user)
        .filter(
            status__in=ATTACHABLE_STATES,
            level=call.level,
            plan_year=call.year,
            category__in=call.categories,
        )
        .exclude(call=call)
        .order_by("code_key")
    )
