"""The project lifecycle: one table of allowed moves, each open to named roles only.

`require` is the single gate every transition passes; `allowed` drives which buttons a page shows.
Scope comes on top of the role: a representative acts on their own proposals only, a commune officer
on projects in their communes (the selector already hides the others).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from khuyencong.accounts.choices import Role
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project

S = Status
PROPOSERS = frozenset({Role.OFFICER, Role.BUSINESS, Role.COMMUNE_OFFICER, Role.ADMIN})
CENTRE = frozenset({Role.OFFICER, Role.ADMIN})
DECIDERS = frozenset({Role.LEADER})
STOPPERS = frozenset({Role.LEADER, Role.OFFICER, Role.ADMIN})
# States a project can be suspended from, and so resumed to.
SUSPENDABLE = (S.APPROVED, S.CONTRACTED, S.IN_PROGRESS)
CANCELLABLE = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.UNDER_APPRAISAL, S.PROPOSED, *SUSPENDABLE, S.SUSPENDED)

TRANSITIONS: dict[tuple[Status, Status], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): PROPOSERS,
    (S.SUBMITTED, S.RETURNED): CENTRE,
    (S.RETURNED, S.SUBMITTED): PROPOSERS,
    (S.SUBMITTED, S.UNDER_APPRAISAL): CENTRE,
    (S.UNDER_APPRAISAL, S.REJECTED): CENTRE | DECIDERS,
    (S.UNDER_APPRAISAL, S.PROPOSED): CENTRE,
    (S.PROPOSED, S.APPROVED): DECIDERS,
    (S.PROPOSED, S.REJECTED): DECIDERS,
    (S.APPROVED, S.CONTRACTED): CENTRE,
    (S.CONTRACTED, S.IN_PROGRESS): CENTRE,
    (S.IN_PROGRESS, S.AWAITING_ACCEPTANCE): CENTRE | frozenset({Role.BUSINESS}),
    (S.AWAITING_ACCEPTANCE, S.ACCEPTED): CENTRE,
    (S.AWAITING_ACCEPTANCE, S.NOT_ACCEPTED): CENTRE,
    (S.ACCEPTED, S.SETTLED): CENTRE,
    (S.NOT_ACCEPTED, S.SETTLED): CENTRE,
    (S.SETTLED, S.CLOSED): CENTRE | DECIDERS,
    **{(state, S.SUSPENDED): STOPPERS for state in SUSPENDABLE},
    **{(S.SUSPENDED, state): STOPPERS for state in SUSPENDABLE},
    **{(state, S.CANCELLED): STOPPERS for state in CANCELLABLE},
}
# A representative or commune officer may also withdraw their own proposal before appraisal.
for _state in (S.DRAFT, S.SUBMITTED, S.RETURNED):
    TRANSITIONS[(_state, S.CANCELLED)] = TRANSITIONS[(_state, S.CANCELLED)] | {
        Role.BUSINESS,
        Role.COMMUNE_OFFICER,
    }

NEEDS_REASON = frozenset({S.RETURNED, S.REJECTED, S.SUSPENDED, S.CANCELLED, S.NOT_ACCEPTED})


class TransitionError(ValidationError):
    pass


def role_of(user: Any) -> str:
    if getattr(user, "is_superuser", False):
        return str(Role.ADMIN)
    return str(getattr(user, "role", ""))


def acts_in_scope(project: Project, user: Any) -> bool:
    role = role_of(user)
    if role == Role.BUSINESS:
        return project.created_by_id == user.pk or (
            user.establishment_id is not None
            and project.beneficiaries.filter(pk=user.establishment_id).exists()
        )
    if role == Role.COMMUNE_OFFICER:
        return Project.objects.visible_to(user).filter(pk=project.pk).exists()
    return True


def can(project: Project, to: Status, user: Any) -> bool:
    roles = TRANSITIONS.get((Status(project.status), to))
    if roles is None or role_of(user) not in roles:
        return False
    if project.status == S.SUSPENDED and to != S.CANCELLED and to != project.suspended_from:
        return False
    return acts_in_scope(project, user)


def allowed(project: Project, user: Any) -> list[Status]:
    return [to for (frm, to) in TRANSITIONS if frm == project.status and can(project, to, user)]


def require(project: Project, *, to: Status, actor: Any, reason: str = "") -> None:
    """Raise unless `actor` may move `project` to `to` now."""
    key = (Status(project.status), to)
    if key not in TRANSITIONS:
        raise TransitionError(
            _("Không thể chuyển đề án từ “%(frm)s” sang “%(to)s”.")
            % {"frm": Status(project.status).label, "to": to.label},
            code="invalid_transition",
        )
    if project.status == S.SUSPENDED and to not in (S.CANCELLED, project.suspended_from):
        raise TransitionError(
            _("Đề án tạm dừng chỉ có thể tiếp tục về trạng thái trước khi dừng (“%(frm)s”).")
            % {"frm": Status(project.suspended_from).label},
            code="invalid_resume",
        )
    if not can(project, to, actor):
        raise PermissionDenied(_("Vai trò của bạn không được chuyển đề án sang “%(to)s”.") % {"to": to.label})
    if to in NEEDS_REASON and not reason.strip():
        raise ValidationError({"reason": _("Cần ghi rõ lý do khi chuyển sang “%(to)s”.") % {"to": to.label}})
