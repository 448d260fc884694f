"""The council's lifecycle: one table of allowed moves, each open to named roles only.

A council is open while it appraises; the centre closes it once every proposal given to it has been
concluded (or has left appraisal another way, e.g. cancelled). A closed council changes no more.
Per-proposal work (declarations, sheets, conclusion) is not a lifecycle of its own: a sheet is locked
once submitted, and the conclusion is the project's own move (projects/workflow.py).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from khuyencong.appraisal.choices import CouncilStatus
from khuyencong.appraisal.models import Council
from khuyencong.projects.workflow import CENTRE, role_of

TRANSITIONS: dict[tuple[CouncilStatus, CouncilStatus], frozenset[str]] = {
    (CouncilStatus.OPEN, CouncilStatus.CLOSED): CENTRE,
}


def can(council: Council, to: CouncilStatus, user: Any) -> bool:
    roles = TRANSITIONS.get((CouncilStatus(council.status), to))
    return roles is not None and role_of(user) in roles


def allowed(council: Council, user: Any) -> list[CouncilStatus]:
    return [to for (frm, to) in TRANSITIONS if frm == council.status and can(council, to, user)]


def require(council: Council, *, to: CouncilStatus, actor: Any) -> None:
    if (CouncilStatus(council.status), to) not in TRANSITIONS:
        raise ValidationError(
            _("Không thể chuyển hội đồng từ “%(frm)s” sang “%(to)s”.")
            % {"frm": CouncilStatus(council.status).label, "to": to.label},
            code="invalid_transition",
        )
    if not can(council, to, actor):
        raise PermissionDenied(
            _("Vai trò của bạn không được chuyển hội đồng sang “%(to)s”.") % {"to": to.label}
        )
