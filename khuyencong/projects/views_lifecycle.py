"""Pages for the acceptance council's record and for amendments (điều chỉnh đề án).

Thin: the project is read through the user's scope (404 outside it), the services decide; a role that may
not act gets 403, a move the state does not allow comes back to the project page with the rule.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.core.forms import add_service_error
from khuyencong.core.http import AuthedRequest
from khuyencong.projects import amendment_services, amendments, services, workflow
from khuyencong.projects.choices import ProgrammeLevel, Status
from khuyencong.projects.forms_acceptance import (
    AcceptanceForm,
    AmendmentForm,
    CouncilFormSet,
    machine_formset,
)
from khuyencong.projects.models import Amendment, AmendmentStatus
from khuyencong.projects.selectors import project_get

S = Status
A = AmendmentStatus


@login_required
def project_acceptance_view(request: AuthedRequest, code: str) -> HttpResponse:
    """The council's record: results against expectations, trainees, machines, checklist, photos, verdict."""
    project = project_get(user=request.user, code=code)
    try:
        workflow.require(project, to=S.ACCEPTED, actor=request.user)  # PermissionDenied (403) for a role
    except workflow.TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(project)
    items = services.checklist_items(project)
    data = request.POST if request.method == "POST" else None
    form = AcceptanceForm(data, request.FILES if data is not None else None, project=project, items=items)
    council = CouncilFormSet(data, prefix="council")
    machines = machine_formset(project)(data, prefix="machines")
    if data is not None and all([form.is_valid(), council.is_valid(), machines.is_valid()]):
        try:
            services.project_record_acceptance(
                project=project,
                actor=request.user,
                held_on=form.cleaned_data["held_on"],
                accepted=form.accepted,
                results=form.results(),
                trained_women=form.cleaned_data["trained_women"] or 0,
                trained_ethnic_minority=form.cleaned_data["trained_ethnic_minority"] or 0,
                machines=machines.rows(),
                notes=form.cleaned_data["notes"],
                council=council.rows(),
                checklist=form.checklist(),
                photos=form.cleaned_data["photos"],
            )
        except ValidationError as exc:
            add_service_error(form, exc, {"file": "photos", "reason": "notes"})
        else:
            verdict = _("đạt yêu cầu") if form.accepted else _("không đạt yêu cầu")
            messages.success(
                request, _("Đã ghi nhận kết quả nghiệm thu: %(verdict)s.") % {"verdict": verdict}
            )
            return redirect(project)
    return render(
        request,
        "projects/acceptance_form.html",
        {"project": project, "form": form, "council": council, "machines": machines, "items": items},
    )


def _cap_field(level: str) -> str:
    return "budget_central" if level == ProgrammeLevel.NATIONAL else "budget_provincial"


@login_required
def amendment_request_view(request: AuthedRequest, code: str) -> HttpResponse:
    """The request form, prefilled with the current values; "Xem trước" shows what would change."""
    project = project_get(user=request.user, code=code)
    try:
        amendments.require(project, to=A.REQUESTED, actor=request.user)
    except workflow.TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(project)
    pending = amendments.open_amendment(project)
    if pending is not None:
        messages.error(request, _("Đề án đang có một đề nghị điều chỉnh chờ phê duyệt."))
        return redirect(project)
    form = AmendmentForm(request.POST or None, project=project)
    preview: list[amendments.Change] | None = None
    if request.method == "POST" and form.is_valid():
        preview = form.preview()
        if "send" in request.POST:
            try:
                amendment_services.amendment_request(
                    project=project,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    proposed=form.proposed(),
                )
            except ValidationError as exc:
                add_service_error(
                    form,
                    exc,
                    {"requested_support": _cap_field(project.level), "budget": _cap_field(project.level)},
                )
            else:
                messages.success(request, _("Đã gửi đề nghị điều chỉnh; chờ lãnh đạo phê duyệt."))
                return redirect(project)
    return render(
        request, "projects/amendment_form.html", {"project": project, "form": form, "preview": preview}
    )


DECISIONS: dict[str, Any] = {
    "approve": (amendment_services.amendment_approve, A.APPROVED),
    "reject": (amendment_services.amendment_reject, A.REJECTED),
    "withdraw": (amendment_services.amendment_withdraw, A.WITHDRAWN),
}


@login_required
@require_POST
def amendment_decide_view(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    """Approve, reject (the leader) or withdraw (the centre, or the representative who asked)."""
    project = project_get(user=request.user, code=code)
    amendment = get_object_or_404(Amendment, project=project, pk=pk)
    decision = DECISIONS.get(request.POST.get("action", ""))
    if decision is None:
        raise Http404
    service, to = decision
    try:
        service(amendment=amendment, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đề nghị điều chỉnh: %(state)s.") % {"state": to.label})
    return redirect(project)
