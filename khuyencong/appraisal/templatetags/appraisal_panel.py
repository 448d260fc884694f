"""The appraisal panel on a project's page: its council, where scoring stands, the score and the flag."""

from __future__ import annotations

from typing import Any

from django import template

from khuyencong.projects.models import Project

register = template.Library()


@register.inclusion_tag("appraisal/partials/panel.html", takes_context=True)
def appraisal_panel(context: template.Context, project: Project) -> dict[str, Any]:
    from khuyencong.appraisal import selectors
    from khuyencong.appraisal.models import Assignment
    from khuyencong.projects.choices import Status

    request = context.get("request")
    user = getattr(request, "user", None)
    assignment = (
        Assignment.objects.select_related("council", "council__criteria_set", "project")
        .filter(project=project)
        .first()
    )
    shown: dict[str, Any] = {"project": project, "assignment": assignment, "show": False}
    if assignment is None:
        # Before a council has it, only the centre needs telling that one should.
        shown["show"] = project.status == Status.UNDER_APPRAISAL and selectors.can_manage(user)
        shown["can_manage"] = shown["show"]
        return shown
    row = selectors.proposal_progress(assignment)
    seat = selectors.membership(assignment.council, user)
    involved = selectors.sees_all_scores(user) or seat is not None
    shown.update(
        {
            "show": True,
            "row": row,
            "council": assignment.council,
            "council_visible": selectors.can_view_councils(user)
            and (selectors.sees_all_scores(user) or seat is not None),
            "involved": involved,
            "mine": next((c for c in row.cells if seat is not None and c.member.pk == seat.pk), None),
            # The members' totals and the flag: the centre and leaders at any time, others once concluded.
            "show_totals": selectors.sees_all_scores(user) or assignment.is_concluded,
        }
    )
    return shown
