"""Writes to the geography data that people make: priority classifications.

Units and their succession links come only from `loader`. Every change here is the administrator's,
goes through `full_clean` and leaves an audit row in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.accounts.scope import is_administrator
from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.geo.models import AdministrativeUnit, PriorityClassification


@dataclass(frozen=True)
class PriorityData:
    kind: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    legal_basis: str = ""
    verified: bool = False
    note: str = ""

    def apply_to(self, classification: PriorityClassification) -> None:
        classification.kind = self.kind
        classification.valid_from = self.valid_from
        classification.valid_to = self.valid_to
        classification.legal_basis = self.legal_basis.strip()
        classification.verified = self.verified
        classification.note = self.note.strip()


def can_manage_priorities(user: Any) -> bool:
    """Priority lists decide who is favoured: only administrators change them."""
    return is_administrator(user)


def require_admin(actor: Any) -> None:
    # `actor=None` is the command line, which runs with the server's own rights.
    if actor is not None and not can_manage_priorities(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được sửa phân loại địa bàn ưu tiên."))


def _save(classification: PriorityClassification) -> None:
    # The overlap check in clean() covers the unique constraint with a clearer message; the
    # database still enforces the constraint itself.
    classification.full_clean(validate_constraints=False)
    classification.save()


@transaction.atomic
def priority_create(*, actor: Any, unit: AdministrativeUnit, data: PriorityData) -> PriorityClassification:
    require_admin(actor)
    classification = PriorityClassification(unit=unit)
    data.apply_to(classification)
    _save(classification)
    audit.record(instance=classification, action=AuditAction.CREATE, actor=actor)
    return classification


@transaction.atomic
def priority_update(
    *, actor: Any, classification: PriorityClassification, data: PriorityData, reason: str = ""
) -> PriorityClassification:
    """Change a classification; writes an audit row only if something changed."""
    require_admin(actor)
    before = audit.snapshot(classification)
    data.apply_to(classification)
    _save(classification)
    audit.record(
        instance=classification, action=AuditAction.UPDATE, actor=actor, before=before, reason=reason
    )
    return classification


@transaction.atomic
def priority_end(
    *, actor: Any, classification: PriorityClassification, valid_to: dt.date, reason: str = ""
) -> PriorityClassification:
    """End a classification on `valid_to` (the last day it applies), keeping it as history."""
    require_admin(actor)
    before = audit.snapshot(classification)
    classification.valid_to = valid_to
    _save(classification)
    audit.record(
        instance=classification, action=AuditAction.UPDATE, actor=actor, before=before, reason=reason
    )
    return classification


@transaction.atomic
def priority_delete(*, actor: Any, classification: PriorityClassification, reason: str = "") -> None:
    """Remove a classification entered by mistake; one that simply stopped applying is ended instead."""
    require_admin(actor)
    audit.record(instance=classification, action=AuditAction.DELETE, actor=actor, reason=reason)
    classification.delete()
