"""Pages of the appraisal. Thin: reads through selectors (404 outside the reader's scope, 403 when the
council is visible but the act is not theirs), writes through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.appraisal import scoring, selectors, services, workflow
from khuyencong.appraisal.choices import CellState, CouncilStatus
from khuyencong.appraisal.forms import (
    AssignForm,
    ConcludeForm,
    CouncilForm,
    DeclarationForm,
    MemberForm,
    SheetForm,
    points_field_name,
)
from khuyencong.appraisal.minutes import minutes_data, minutes_xlsx
from khuyencong.appraisal.models import Assignment, Council, CouncilMember, ScoreSheet
from khuyencong.appraisal.paperwork import appraisal_minutes
from khuyencong.appraisal.tables import COUNCILS
from khuyencong.core import export
from khuyencong.core.forms import add_service_error
from khuyencong.core.http import AuthedRequest
from khuyencong.paperwork.kinds import FORMATS
from khuyencong.paperwork.pdf import render_pdf
from khuyencong.paperwork.views import content_disposition
from khuyencong.paperwork.word import render_docx
from khuyencong.projects.choices import Status


def _require_manager(user: Any) -> None:
    if not selectors.can_manage(user):
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm hoặc quản trị hệ thống được làm việc này."))


def may_download_minutes(user: Any, council: Council) -> bool:
    return selectors.sees_all_scores(user) or council.status == CouncilStatus.CLOSED


# --- councils -------------------------------------------------------------------------------------


@login_required
def council_list_view(request: AuthedRequest) -> HttpResponseBase:
    if not selectors.can_view_councils(request.user):
        raise PermissionDenied(_("Vai trò của bạn không tham gia thẩm định đề án."))
    rows = selectors.council_list(user=request.user)
    fmt = export.requested(request)
    if fmt:
        return export.response(COUNCILS, rows, fmt)
    return render(
        request,
        "appraisal/list.html",
        {
            "councils": rows,
            "table": COUNCILS,
            "can_manage": selectors.can_manage(request.user),
        },
    )


@login_required
def council_create_view(request: AuthedRequest) -> HttpResponse:
    _require_manager(request.user)
    form = CouncilForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            council = services.council_create(actor=request.user, data=form.to_data())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lập hội đồng “%(name)s”.") % {"name": council.name})
            return redirect(council)
    return render(request, "appraisal/form.html", {"form": form, "council": None})


@login_required
def council_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    council = selectors.council_get(user=request.user, pk=pk)
    _require_manager(request.user)
    form = CouncilForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            services.council_update(council=council, actor=request.user, data=form.to_data())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(council)
    return render(request, "appraisal/form.html", {"form": form, "council": council})


def _detail(
    request: AuthedRequest,
    council: Council,
    *,
    conclude_forms: dict[int, ConcludeForm] | None = None,
) -> HttpResponse:
    user = request.user
    manage = selectors.can_manage(user) and council.is_open
    state = selectors.progress(council)
    seat = selectors.membership(council, user)
    sees_all = selectors.sees_all_scores(user)
    rows = []
    for row in state.rows:
        mine = next((c for c in row.cells if seat is not None and c.member.pk == seat.pk), None)
        rows.append(
            {
                "row": row,
                "mine": mine,
                # Totals are for the centre and leaders while scoring goes on, for everyone afterwards.
                "show_totals": sees_all or row.assignment.is_concluded,
                "conclude_form": (conclude_forms or {}).get(row.assignment.pk)
                or (ConcludeForm(prefix=f"a{row.assignment.pk}") if manage and row.ready else None),
            }
        )
    return render(
        request,
        "appraisal/detail.html",
        {
            "council": council,
            "progress": state,
            "rows": rows,
            "criteria": selectors.criteria_of(council),
            "seat": seat,
            "manage": manage,
            "can_close": CouncilStatus.CLOSED in workflow.allowed(council, user),
            "closable": bool(rows)
            and all(
                r.assignment.is_concluded or r.project.status != Status.UNDER_APPRAISAL for r in state.rows
            ),
            "removable": {m.pk for m in state.members}
            - {c.member.pk for r in state.rows for c in r.cells if c.declaration is not None},
            "member_form": MemberForm(candidates=selectors.candidate_members(council)) if manage else None,
            "assign_form": AssignForm(candidates=selectors.assignable_projects(council)) if manage else None,
            "can_download": may_download_minutes(user, council),
            "history": selectors.council_history(council) if sees_all else [],
        },
    )


@login_required
def council_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.council_get(user=request.user, pk=pk))


def _done(request: AuthedRequest, council: Council, action: Any, success: str) -> HttpResponse:
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(council)


@login_required
@require_POST
def member_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    council = selectors.council_get(user=request.user, pk=pk)
    _require_manager(request.user)
    form = MemberForm(request.POST, candidates=selectors.candidate_members(council))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(council)
    user, position = form.cleaned_data["user"], form.cleaned_data["position"]
    return _done(
        request,
        council,
        lambda: services.member_add(council=council, actor=request.user, user=user, position=position),
        _("Đã thêm %(name)s vào hội đồng.") % {"name": user.get_full_name() or user.username},
    )


@login_required
@require_POST
def member_remove_view(request: AuthedRequest, pk: int, member: int) -> HttpResponse:
    council = selectors.council_get(user=request.user, pk=pk)
    _require_manager(request.user)
    seat = get_object_or_404(
        CouncilMember.objects.select_related("user", "council"), council=council, pk=member
    )
    return _done(
        request,
        council,
        lambda: services.member_remove(member=seat, actor=request.user),
        _("Đã rút %(name)s khỏi hội đồng.") % {"name": seat.name},
    )


@login_required
@require_POST
def assign_view(request: AuthedRequest, pk: int) -> HttpResponse:
    council = selectors.council_get(user=request.user, pk=pk)
    _require_manager(request.user)
    form = AssignForm(request.POST, candidates=selectors.assignable_projects(council))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(council)
    project = form.cleaned_data["project"]
    return _done(
        request,
        council,
        lambda: services.proposal_assign(council=council, actor=request.user, project=project),
        _("Đã giao đề án %(code)s cho hội đồng.") % {"code": project.code},
    )


@login_required
@require_POST
def unassign_view(request: AuthedRequest, pk: int, assignment: int) -> HttpResponse:
    council = selectors.council_get(user=request.user, pk=pk)
    _require_manager(request.user)
    given = selectors.assignment_get(council=council, pk=assignment)
    return _done(
        request,
        council,
        lambda: services.proposal_unassign(assignment=given, actor=request.user),
        _("Đã rút đề án %(code)s khỏi hội đồng.") % {"code": given.project.code},
    )


@login_required
@require_POST
def conclude_view(request: AuthedRequest, pk: int, assignment: int) -> HttpResponse:
    council = selectors.council_get(user=request.user, pk=pk)
    _require_manager(request.user)
    given = selectors.assignment_get(council=council, pk=assignment)
    form = ConcludeForm(request.POST, prefix=f"a{given.pk}")
    if form.is_valid():
        try:
            services.appraisal_conclude(
                assignment=given,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            given.project.refresh_from_db()
            messages.success(
                request,
                _("Đã kết luận thẩm định đề án %(code)s: %(state)s.")
                % {"code": given.project.code, "state": given.project.get_status_display()},
            )
            return redirect(council)
    return _detail(request, council, conclude_forms={given.pk: form})


@login_required
@require_POST
def close_view(request: AuthedRequest, pk: int) -> HttpResponse:
    council = selectors.council_get(user=request.user, pk=pk)
    _require_manager(request.user)
    return _done(
        request,
        council,
        lambda: services.council_close(council=council, actor=request.user),
        _("Hội đồng đã kết thúc."),
    )


@login_required
def minutes_view(request: AuthedRequest, pk: int) -> HttpResponse:
    council = selectors.council_get(user=request.user, pk=pk)
    if not may_download_minutes(request.user, council):
        raise PermissionDenied(_("Biên bản có điểm của từng thành viên: xem được sau khi hội đồng kết thúc."))
    content = minutes_xlsx(minutes_data(council))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    day = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="bien-ban-tham-dinh-{council.pk}-{day}.xlsx"'
    return response


@login_required
def minutes_document_view(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    """The minutes as an official document, PDF or DOCX, under the same permission as the XLSX."""
    council = selectors.council_get(user=request.user, pk=pk)
    if fmt not in FORMATS:
        raise Http404
    if not may_download_minutes(request.user, council):
        raise PermissionDenied(_("Biên bản có điểm của từng thành viên: xem được sau khi hội đồng kết thúc."))
    # Official documents are Vietnamese whatever language the reader's interface is in.
    with translation.override("vi"):
        doc = appraisal_minutes(council)
        data = render_pdf(doc) if fmt == "pdf" else render_docx(doc)
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition(doc.name, fmt)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- a member's sheet -----------------------------------------------------------------------------


def _member_context(
    request: AuthedRequest, pk: int, assignment: int
) -> tuple[Council, Assignment, CouncilMember]:
    council = selectors.council_get(user=request.user, pk=pk)
    given = selectors.assignment_get(council=council, pk=assignment)
    seat = selectors.membership(council, request.user)
    if seat is None:
        raise PermissionDenied(_("Chỉ thành viên hội đồng khai báo và chấm điểm trên phiếu của mình."))
    return council, given, seat


def _sheet_page(
    request: AuthedRequest,
    council: Council,
    given: Assignment,
    seat: CouncilMember,
    *,
    declaration_form: DeclarationForm | None = None,
    sheet_form: SheetForm | None = None,
) -> HttpResponse:
    row = selectors.proposal_progress(given)
    cell = next(c for c in row.cells if c.member.pk == seat.pk)
    criteria = selectors.criteria_of(council)
    lines = selectors.sheet_lines(cell.sheet) if cell.sheet is not None else []
    scorable = cell.state == CellState.SCORING and council.is_open and not given.is_concluded
    if (
        cell.state == CellState.UNDECLARED
        and declaration_form is None
        and council.is_open
        and not given.is_concluded
    ):
        declaration_form = DeclarationForm()
    if scorable and sheet_form is None:
        sheet_form = SheetForm(
            criteria=criteria, initial_points={ln.criterion.code: ln.points for ln in lines}
        )
    fields = {}
    if sheet_form is not None:
        fields = {c.pk: sheet_form[points_field_name(c)] for c in criteria}
    return render(
        request,
        "appraisal/sheet.html",
        {
            "council": council,
            "assignment": given,
            "project": given.project,
            "cell": cell,
            "lines": [{"line": ln, "field": fields.get(ln.criterion.pk)} for ln in lines],
            "declaration_form": declaration_form,
            "sheet_form": sheet_form,
            "scorable": scorable,
            "criteria_set": council.criteria_set,
        },
    )


@login_required
def sheet_view(request: AuthedRequest, pk: int, assignment: int) -> HttpResponse:
    council, given, seat = _member_context(request, pk, assignment)
    if request.method != "POST":
        return _sheet_page(request, council, given, seat)
    criteria = selectors.criteria_of(council)
    form = SheetForm(request.POST, criteria=criteria, initial_points={})
    if form.is_valid():
        submit = "submit" in request.POST
        try:
            services.sheet_save(assignment=given, actor=request.user, points=form.points(), submit=submit)
        except ValidationError as exc:
            if not ScoreSheet.objects.filter(assignment=given, member=seat).exists():
                # Nothing to fill in yet (no declaration): say why on the page that asks for one.
                messages.error(request, " ".join(exc.messages))
                return redirect("appraisal:sheet", pk=council.pk, assignment=given.pk)
            add_service_error(form, exc, {f"points.{c.code}": points_field_name(c) for c in criteria})
        else:
            messages.success(
                request, _("Đã nộp phiếu chấm điểm.") if submit else _("Đã lưu phiếu (chưa nộp).")
            )
            return redirect("appraisal:sheet", pk=council.pk, assignment=given.pk)
    return _sheet_page(request, council, given, seat, sheet_form=form)


@login_required
@require_POST
def declare_view(request: AuthedRequest, pk: int, assignment: int) -> HttpResponse:
    council, given, seat = _member_context(request, pk, assignment)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            services.declare(
                assignment=given,
                actor=request.user,
                has_conflict=form.cleaned_data["conflict"] == "yes",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận khai báo xung đột lợi ích."))
            return redirect("appraisal:sheet", pk=council.pk, assignment=given.pk)
    return _sheet_page(request, council, given, seat, declaration_form=form)


@login_required
@require_POST
def sheet_total_view(request: AuthedRequest, pk: int, assignment: int) -> HttpResponse:
    """The running total of what is typed so far (htmx, nothing saved); blanks count as 0."""
    council, given, seat = _member_context(request, pk, assignment)
    if not ScoreSheet.objects.filter(assignment=given, member=seat).exists():
        raise Http404
    criteria = selectors.criteria_of(council)
    form = SheetForm(request.POST, criteria=criteria, initial_points={})
    form.is_valid()
    lines = []
    for criterion in criteria:
        value = form.cleaned_data.get(points_field_name(criterion)) if hasattr(form, "cleaned_data") else None
        lines.append(
            scoring.Line(points=value or 0, max_points=criterion.max_points, weight=criterion.weight)
        )
    return render(
        request,
        "appraisal/partials/total.html",
        {"total": scoring.weighted_total(lines), "valid": not form.errors},
    )
