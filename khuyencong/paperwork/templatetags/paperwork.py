"""The "Văn bản" section of a project's page: the official documents that exist for it so far."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from khuyencong.paperwork.kinds import FORMATS, available
from khuyencong.projects.models import Project

register = template.Library()


@register.simple_tag
def project_paperwork(project: Project) -> list[dict[str, Any]]:
    """[{label, links: [(format, url)]}] for each document the project has reached."""
    return [
        {
            "label": kind.label,
            "links": [
                (
                    fmt.upper(),
                    reverse(
                        "paperwork:download", kwargs={"code": project.code_key, "kind": kind.slug, "fmt": fmt}
                    ),
                )
                for fmt in FORMATS
            ],
        }
        for kind in available(project)
    ]
