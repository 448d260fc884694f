"""The life of a request for advice: one table of allowed moves, each open to named roles only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from khuyencong.accounts.choices import Role
from khuyencong.advice.choices import RequestStatus

S = RequestStatus
# The centre answers; leaders read the inbox (province-wide roles), nobody else sees it.
CENTRE = frozenset({Role.ADMIN, Role.OFFICER})
READERS = CENTRE | frozenset({Role.LEADER})

TRANSITIONS: dict[tuple[RequestStatus, RequestStatus], frozenset[str]] = {
    (S.NEW, S.ANSWERED): CENTRE,
    (S.NEW, S.CLOSED): CENTRE,  # spam, a duplicate, or answered by telephone
    (S.ANSWERED, S.CLOSED): CENTRE,
    (S.CLOSED, S.NEW): CENTRE,  # reopened: the requester wrote again, or it was closed by mistake
}
# Moves that need a written reason (the answer itself is the reason for answering).
NEEDS_REASON = frozenset({(S.NEW, S.CLOSED), (S.CLOSED, S.NEW)})


def role_of(user: Any) -> str:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ""
    if user.is_superuser:
        return str(Role.ADMIN)
    return str(getattr(user, "role", ""))


def can_read(user: Any) -> bool:
    return role_of(user) in READERS


def can(user: Any, frm: str, to: str) -> bool:
    roles = TRANSITIONS.get((RequestStatus(frm), RequestStatus(to)))
    return roles is not None and role_of(user) in roles


def allowed(status: str, user: Any) -> list[RequestStatus]:
    return [to for (frm, to) in TRANSITIONS if frm == status and can(user, frm, to)]


def require(status: str, to: str, user: Any) -> None:
    """Raise unless `user` may move a request from `status` to `to`."""
    key = (RequestStatus(status), RequestStatus(to))
    if key not in TRANSITIONS:
        raise ValidationError(
            _("Không thể chuyển yêu cầu từ “%(from)s” sang “%(to)s”.")
            % {"from": key[0].label, "to": key[1].label},
            code="transition",
        )
    if role_of(user) not in TRANSITIONS[key]:
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm khuyến công trả lời và đóng yêu cầu tư vấn."))
