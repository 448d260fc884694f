"""The one way to change trainees; and the service other entry points (API, pages) call to import."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.core.text import search_tokens
from khuyencong.imports.engine import ImportReport, run_import
from khuyencong.imports.forms import TRAINEE_FIELDS
from khuyencong.imports.models import Trainee
from khuyencong.projects import workflow
from khuyencong.projects.models import Project

__all__ = ["ImportReport", "may_import", "run_import", "trainee_create", "trainee_update"]


def may_import(user: Any) -> bool:
    """Centre officers and administrators bring files in (the registry's and the programme's managers)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and workflow.role_of(user) in workflow.CENTRE
    )


def _require(actor: Any, project: Project) -> None:
    if not may_import(actor) or not Project.objects.visible_to(actor).filter(pk=project.pk).exists():
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm ghi danh sách học viên."))


@transaction.atomic
def trainee_create(*, actor: Any, data: dict[str, Any], reason: str = "") -> Trainee:
    trainee = Trainee(**{k: v for k, v in data.items() if k in TRAINEE_FIELDS})
    _require(actor, trainee.project)
    trainee.name_key = " ".join(search_tokens(trainee.full_name))
    trainee.full_clean()
    trainee.save()
    audit.record(instance=trainee, action=AuditAction.CREATE, actor=actor, reason=reason)
    return trainee


@transaction.atomic
def trainee_update(*, trainee: Trainee, actor: Any, data: dict[str, Any], reason: str = "") -> Trainee:
    locked = Trainee.objects.select_for_update().get(pk=trainee.pk)
    _require(actor, locked.project)
    before = audit.snapshot(locked)
    for key, value in data.items():
        if key in TRAINEE_FIELDS:
            setattr(locked, key, value)
    _require(actor, locked.project)
    locked.name_key = " ".join(search_tokens(locked.full_name))
    locked.full_clean()
    locked.save()
    audit.record(instance=locked, action=AuditAction.UPDATE, actor=actor, before=before, reason=reason)
    return locked
