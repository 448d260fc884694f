"""Sections of a project's page for the acceptance record, the settlement documents and amendments."""

from __future__ import annotations

from typing import Any

from django import template

from khuyencong.projects import amendments, workflow
from khuyencong.projects.choices import ExpectedIndicator, Status
from khuyencong.projects.models import Acceptance, AmendmentStatus, DocumentKind, Project

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("projects/partials/acceptance.html", takes_context=True)
def project_acceptance(context: template.Context, project: Project) -> dict[str, Any]:
    """The council's record beside what was expected, and the way to the form when it is due."""
    user = _user(context)
    acceptance = Acceptance.objects.filter(project=project).select_related("recorded_by").first()
    rows: list[tuple[str, int | None, int | None]] = []
    photos: list[Any] = []
    if acceptance is not None:
        expected = {r.indicator: r.value for r in project.expected_results.all()}
        achieved = {r.indicator: r.value for r in acceptance.results.all()}
        rows = [
            (str(i.label), expected.get(i), achieved.get(i))
            for i in ExpectedIndicator
            if i in expected or i in achieved
        ]
        photos = list(project.documents.filter(kind=DocumentKind.PHOTO).order_by("uploaded_at", "id"))
    return {
        "project": project,
        "acceptance": acceptance,
        "rows": rows,
        "checklist": list(acceptance.checklist.all()) if acceptance else [],
        "machines": list(acceptance.machines.all()) if acceptance else [],
        "photos": photos,
        "settlement_documents": list(
            project.documents.filter(kind__in=[DocumentKind.SETTLEMENT, DocumentKind.INVOICE]).order_by(
                "uploaded_at", "id"
            )
        ),
        "may_record": user is not None
        and project.status == Status.AWAITING_ACCEPTANCE
        and workflow.can(project, Status.ACCEPTED, user),
    }


@register.inclusion_tag("projects/partials/amendments.html", takes_context=True)
def project_amendments(context: template.Context, project: Project) -> dict[str, Any]:
    """The pending amendment with the moves the user may make, and every earlier one with its changes."""
    user = _user(context)
    every = list(project.amendments.select_related("requested_by", "decided_by"))
    pending = next((a for a in every if a.status == AmendmentStatus.REQUESTED), None)
    past = [(a, amendments.changes_of(a)) for a in every if a is not pending]
    moves: list[str] = []
    if pending is not None and user is not None:
        moves = [
            key
            for key, to in (
                ("approve", AmendmentStatus.APPROVED),
                ("reject", AmendmentStatus.REJECTED),
                ("withdraw", AmendmentStatus.WITHDRAWN),
            )
            if amendments.can(project, to, user, pending)
        ]
    return {
        "project": project,
        "pending": pending,
        "pending_changes": amendments.changes_of(pending) if pending else [],
        "moves": moves,
        "past": past,
        "may_request": user is not None and amendments.may_request(project, user),
        "amendable": project.status in amendments.AMENDABLE_STATES,
        "csrf_token": context.get("csrf_token"),
    }
