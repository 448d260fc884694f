"""The plan's lifecycle: one table of allowed moves, each open to named roles only.

Draft → submitted (locked on one scenario) → approved (with the decision); a submitted or approved plan
changes only through a revision, which supersedes it (→ revised) with a new record that says why.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from khuyencong.plans.choices import PlanStatus
from khuyencong.plans.models import AnnualPlan
from khuyencong.projects.workflow import CENTRE, DECIDERS, role_of

P = PlanStatus

TRANSITIONS: dict[tuple[PlanStatus, PlanStatus], frozenset[str]] = {
    (P.DRAFT, P.SUBMITTED): CENTRE,
    (P.SUBMITTED, P.APPROVED): DECIDERS,
    (P.SUBMITTED, P.REVISED): CENTRE | DECIDERS,
    (P.APPROVED, P.REVISED): CENTRE | DECIDERS,
}
NEEDS_REASON = frozenset({P.REVISED})
# Who may change a draft (rules, overrides, scenarios): the centre.
EDITORS = CENTRE


class TransitionError(ValidationError):
    pass


def can(plan: AnnualPlan, to: PlanStatus, user: Any) -> bool:
    roles = TRANSITIONS.get((PlanStatus(plan.status), to))
    return roles is not None and role_of(user) in roles


def allowed(plan: AnnualPlan, user: Any) -> list[PlanStatus]:
    return [to for (frm, to) in TRANSITIONS if frm == plan.status and can(plan, to, user)]


def require(plan: AnnualPlan, *, to: PlanStatus, actor: Any, reason: str = "") -> None:
    """Raise unless `actor` may move `plan` to `to` now."""
    if (PlanStatus(plan.status), to) not in TRANSITIONS:
        raise TransitionError(
            _("Không thể chuyển kế hoạch từ “%(frm)s” sang “%(to)s”.")
            % {"frm": PlanStatus(plan.status).label, "to": to.label},
            code="invalid_transition",
        )
    if not can(plan, to, actor):
        raise PermissionDenied(
            _("Vai trò của bạn không được chuyển kế hoạch sang “%(to)s”.") % {"to": to.label}
        )
    if to in NEEDS_REASON and not reason.strip():
        raise ValidationError({"reason": _("Cần ghi rõ lý do điều chỉnh kế hoạch.")})


def may_edit(plan: AnnualPlan, user: Any) -> bool:
    return plan.status == P.DRAFT and role_of(user) in EDITORS


def require_editable(plan: AnnualPlan, actor: Any) -> None:
    """A draft changes in the centre's hands only; a submitted or approved plan only through a revision."""
    if role_of(actor) not in EDITORS:
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm lập và sửa kế hoạch."))
    if plan.status != P.DRAFT:
        raise ValidationError(
            _("Kế hoạch đã trình hoặc đã phê duyệt nên bị khoá: mọi thay đổi phải qua điều chỉnh có lý do."),
            code="locked",
        )
