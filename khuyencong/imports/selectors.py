from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from khuyencong.accounts.scope import is_administrator
from khuyencong.imports.models import ImportRun, Trainee


def run_list(*, user: Any) -> QuerySet[ImportRun]:
    """A user's own uploads; an administrator sees everyone's."""
    qs = ImportRun.objects.select_related("requested_by")
    return qs if is_administrator(user) else qs.filter(requested_by=user)


def run_get(*, user: Any, pk: int) -> ImportRun:
    return get_object_or_404(run_list(user=user), pk=pk)


def trainee_list(*, user: Any, project: str = "") -> QuerySet[Trainee]:
    """Trainees of the courses (training projects) the user may read; `project` narrows to one code."""
    from khuyencong.projects.models import Project, code_key

    qs = Trainee.objects.filter(project__in=Project.objects.visible_to(user).values("pk"))
    if project.strip():
        qs = qs.filter(project__code_key=code_key(project))
    return qs.select_related("project", "commune").order_by("project__code", "full_name", "id")
