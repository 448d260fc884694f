from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.core import audit
from khuyencong.core.http import AuthedRequest
from khuyencong.projects import services, workflow
from khuyencong.projects.choices import ContentCategory, Status
from khuyencong.projects.models import Project
from khuyencong.projects.selectors import ProjectFilters, project_get, project_list


def _simple_moves(project: Project) -> frozenset[str]:
    """Moves made with a button and a reason; approval, contract and settlement need their own forms."""
    moves = frozenset(Status) - services.DEDICATED
    return moves | {project.suspended_from} if project.status == Status.SUSPENDED else moves


@login_required
def project_list_view(request: AuthedRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    filters = ProjectFilters(
        q=request.GET.get("q", ""),
        status=request.GET.get("status", "") if request.GET.get("status", "") in Status.values else "",
        category=request.GET.get("category", "")
        if request.GET.get("category", "") in ContentCategory.values
        else "",
        year=int(year) if year.isdigit() else None,
    )
    page = Paginator(project_list(user=request.user, filters=filters), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/list.html",
        {"page": page, "filters": filters, "statuses": Status.choices, "categories": ContentCategory.choices},
    )


@login_required
def project_detail_view(request: AuthedRequest, code: str) -> HttpResponse:
    project = project_get(user=request.user, code=code)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "actions": workflow.allowed(project, request.user),
            "simple_moves": _simple_moves(project),
            "history": audit.history(project)[:100],
        },
    )


@login_required
@require_POST
def project_transition_view(request: AuthedRequest, code: str, to: str) -> HttpResponse:
    project = project_get(user=request.user, code=code)
    if to not in Status.values:
        raise Http404
    target = Status(to)
    try:
        if target == Status.SUBMITTED:
            services.project_submit(project=project, actor=request.user)
        elif target in _simple_moves(project):
            services.project_transition(
                project=project, to=target, actor=request.user, reason=request.POST.get("reason", "")
            )
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã chuyển đề án sang “%(to)s”.") % {"to": target.label})
    return redirect(project)
