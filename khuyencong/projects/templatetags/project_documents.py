"""The documents section of a project's page: its files, and the upload form for those who may add one."""

from __future__ import annotations

from typing import Any

from django import template

from khuyencong.projects.models import Project

register = template.Library()


@register.inclusion_tag("projects/partials/documents.html", takes_context=True)
def project_documents(context: template.Context, project: Project) -> dict[str, Any]:
    from khuyencong.projects.document_services import may_upload
    from khuyencong.projects.views import DocumentForm

    request = context.get("request")
    user = getattr(request, "user", None)
    can_upload = user is not None and may_upload(user, project)
    return {
        "project": project,
        "documents": project.documents.select_related("uploaded_by").order_by("uploaded_at", "id"),
        "form": DocumentForm() if can_upload else None,
        "csrf_token": context.get("csrf_token"),
    }
