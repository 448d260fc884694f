"""The selection round's lifecycle: one table of allowed moves, each open to named roles only.

A round is prepared (entries, council), then scored; closing it records the results and the
recognitions (services.round_close). A round can go back to preparation only while no sheet has been
submitted, and be cancelled (with a reason) until it is closed. A closed or cancelled round changes no more.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from khuyencong.accounts.choices import Role
from khuyencong.products.choices import RoundStatus
from khuyencong.products.models import SelectionRound
from khuyencong.projects.workflow import CENTRE, role_of

R = RoundStatus

TRANSITIONS: dict[tuple[RoundStatus, RoundStatus], frozenset[str]] = {
    (R.DRAFT, R.SCORING): CENTRE,
    (R.SCORING, R.DRAFT): CENTRE,
    (R.SCORING, R.CLOSED): CENTRE,
    (R.DRAFT, R.CANCELLED): CENTRE,
    (R.SCORING, R.CANCELLED): CENTRE | frozenset({Role.LEADER}),
}

NEEDS_REASON = frozenset({R.CANCELLED})


class TransitionError(ValidationError):
    pass


def can(selection_round: SelectionRound, to: RoundStatus, user: Any) -> bool:
    roles = TRANSITIONS.get((RoundStatus(selection_round.status), to))
    active = bool(getattr(user, "is_authenticated", False) and user.is_active)
    return roles is not None and active and role_of(user) in roles


def allowed(selection_round: SelectionRound, user: Any) -> list[RoundStatus]:
    return [
        to for (frm, to) in TRANSITIONS if frm == selection_round.status and can(selection_round, to, user)
    ]


def require(selection_round: SelectionRound, *, to: RoundStatus, actor: Any, reason: str = "") -> None:
    """Raise unless `actor` may move the round to `to` now."""
    if (RoundStatus(selection_round.status), to) not in TRANSITIONS:
        raise TransitionError(
            _("Không thể chuyển đợt bình chọn từ “%(frm)s” sang “%(to)s”.")
            % {"frm": RoundStatus(selection_round.status).label, "to": to.label},
            code="invalid_transition",
        )
    if not can(selection_round, to, actor):
        raise PermissionDenied(
            _("Vai trò của bạn không được chuyển đợt bình chọn sang “%(to)s”.") % {"to": to.label}
        )
    if to in NEEDS_REASON and not reason.strip():
        raise ValidationError({"reason": _("Cần ghi rõ lý do khi chuyển sang “%(to)s”.") % {"to": to.label}})
