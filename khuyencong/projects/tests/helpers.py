"""Shortcuts for tests that need a project accepted on the way to something else."""

from __future__ import annotations

import datetime as dt
from typing import Any

from khuyencong.projects import services
from khuyencong.projects.models import Acceptance, ChecklistAnswer, Project


def checklist_met(project: Project) -> dict[int, tuple[str, str]]:
    """Every active checklist item of the project's category answered "met"."""
    return {item.pk: (ChecklistAnswer.MET, "") for item in services.checklist_items(project)}


def accept(project: Project, actor: Any, *, accepted: bool = True, **kwargs: Any) -> Acceptance:
    """Record an acceptance (met on every checklist point) through the service."""
    kwargs.setdefault("held_on", dt.date(2024, 11, 20))
    kwargs.setdefault("results", {})
    kwargs.setdefault("notes", "" if accepted else "Chưa đạt mục tiêu")
    kwargs.setdefault("checklist", checklist_met(project))
    return services.project_record_acceptance(project=project, actor=actor, accepted=accepted, **kwargs)
