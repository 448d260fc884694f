from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khuyencong.core import audit, export
from khuyencong.core.http import AuthedRequest
from khuyencong.core.money import vnd
from khuyencong.projects import document_services, documents, services, workflow
from khuyencong.projects.caps import cap_context, project_cap, reference_date
from khuyencong.projects.choices import ContentCategory, Status
from khuyencong.projects.forms import (
    AdvanceForm,
    ApproveForm,
    ContractForm,
    ProjectForm,
    SettleForm,
    add_service_error,
)
from khuyencong.projects.models import DocumentKind, Project, ProjectDocument
from khuyencong.projects.permissions import (
    ADVANCE_STATES,
    MOVE_LABELS,
    can_edit,
    can_propose,
    may_record_advance,
)
from khuyencong.projects.selectors import ProjectFilters, project_get, project_list
from khuyencong.projects.tables import PROJECTS

S = Status


def _simple_moves(project: Project) -> frozenset[str]:
    """Moves made with a button and a reason; approval, contract and settlement need their own forms,
    and a proposal is proposed for the plan only by its appraisal council's conclusion."""
    moves = frozenset(Status) - services.DEDICATED - {Status.PROPOSED}
    return moves | {project.suspended_from} if project.status == Status.SUSPENDED else moves


def _form_cap(form: ProjectForm, *, on: dt.date) -> dict[str, Any]:
    if not form.is_bound:
        return project_cap(form.instance) if form.instance.pk is not None else {}
    data = form.cleaned_data
    return cap_context(
        category=data.get("category") or "",
        subtype=data.get("subtype") or "",
        level=data.get("level") or "",
        unit=data.get("unit"),
        eligible_cost=data.get("eligible_cost"),
        requested=form.requested_support(),
        on=on,
    )


# --- list and detail ------------------------------------------------------------------------------


@login_required
def project_list_view(request: AuthedRequest) -> HttpResponseBase:
    year = request.GET.get("year", "")
    filters = ProjectFilters(
        q=request.GET.get("q", ""),
        status=request.GET.get("status", "") if request.GET.get("status", "") in Status.values else "",
        category=request.GET.get("category", "")
        if request.GET.get("category", "") in ContentCategory.values
        else "",
        year=int(year) if year.isascii() and year.isdigit() else None,
    )
    rows = project_list(user=request.user, filters=filters)
    fmt = export.requested(request)
    if fmt:
        return export.response(PROJECTS, rows, fmt)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/list.html",
        {
            "page": page,
            "table": PROJECTS,
            "filters": filters,
            "statuses": Status.choices,
            "categories": ContentCategory.choices,
            "can_propose": can_propose(request.user),
        },
    )


DATA_FORMS: dict[str, tuple[str, type[forms.Form]]] = {
    S.APPROVED: ("approve", ApproveForm),
    S.CONTRACTED: ("contract", ContractForm),
    S.SETTLED: ("settle", SettleForm),
}


def _detail(request: AuthedRequest, project: Project, *, bound: forms.Form | None = None) -> HttpResponse:
    """The project's page, with a bound form (and its errors) in place of the fresh one it replaces."""
    user = request.user
    actions = workflow.allowed(project, user)
    simple = _simple_moves(project)
    moves = [
        {
            "to": to,
            "label": (
                _("Tiếp tục (“%(state)s”)") % {"state": to.label}
                if project.status == S.SUSPENDED and to != S.CANCELLED
                else MOVE_LABELS.get(to, to.label)
            ),
            "needs_reason": to in workflow.NEEDS_REASON,
        }
        for to in actions
        if to == S.SUBMITTED or to in simple
    ]
    data_forms: dict[str, forms.Form] = {}
    if project.status != S.SUSPENDED:  # resuming is a plain move; these forms record new facts
        for to, (prefix, form_class) in DATA_FORMS.items():
            if to in actions:
                initial = {"contract_amount": project.approved_support} if to == S.CONTRACTED else None
                data_forms[prefix] = form_class(prefix=prefix, initial=initial)
    if may_record_advance(user, project):
        data_forms["advance"] = AdvanceForm(prefix="advance")
    if bound is not None and bound.prefix:
        data_forms[bound.prefix] = bound
    context = {
        "project": project,
        "actions": actions,
        "moves": moves,
        "simple_moves": simple,
        "forms": data_forms,
        "can_edit": can_edit(user, project),
        "advances": project.advances.select_related("recorded_by").order_by("paid_on", "id"),
        "recoveries": project.recoveries.order_by("recorded_on", "id"),
        "advanced_total": project.advanced_total(),
        "recovered_total": project.recovered_total(),
        "advance_limit": services.advance_limit(project),
        "expected_results": project.expected_results.all(),
        "history": audit.history(project)[:100],
        **project_cap(project),
    }
    return render(request, "projects/detail.html", context)


@login_required
def project_detail_view(request: AuthedRequest, code: str) -> HttpResponse:
    return _detail(request, project_get(user=request.user, code=code))


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


# --- create and edit ------------------------------------------------------------------------------


@login_required
def project_create_view(request: AuthedRequest) -> HttpResponse:
    if not can_propose(request.user):
        raise PermissionDenied(_("Vai trò của bạn không lập đề án."))
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                actor=request.user,
                data=form.service_data(),
                beneficiaries=form.cleaned_data["beneficiaries"],
                budget=form.budget(),
                expected=form.expected(),
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Đã lập đề án %(code)s.") % {"code": project.code})
            return redirect(project)
    return render(
        request,
        "projects/form.html",
        {"form": form, "creating": True, **_form_cap(form, on=timezone.localdate())},
    )


@login_required
def project_edit_view(request: AuthedRequest, code: str) -> HttpResponse:
    project = project_get(user=request.user, code=code)
    if not can_edit(request.user, project):
        raise PermissionDenied(
            _("Đề án ở trạng thái này không sửa trực tiếp được, hoặc bạn không có quyền sửa.")
        )
    # The form validates a copy, so the service still compares against what is stored.
    form = ProjectForm(
        request.POST or None, instance=project_get(user=request.user, code=code), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                project=project,
                actor=request.user,
                data=form.service_data(),
                beneficiaries=form.cleaned_data["beneficiaries"],
                budget=form.budget(),
                expected=form.expected(),
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(project)
    return render(
        request,
        "projects/form.html",
        {"form": form, "creating": False, "project": project, **_form_cap(form, on=reference_date(project))},
    )


@login_required
@require_POST
def project_limit_view(request: AuthedRequest) -> HttpResponse:
    """The legal maximum for what is typed so far (htmx, as the proposal form changes)."""
    code = request.GET.get("de_an", "")
    project = project_get(user=request.user, code=code) if code else None
    form = ProjectForm(request.POST, instance=project, user=request.user)
    form.is_valid()  # fields that clean are enough; the rest is reported when the form is saved
    return render(request, "projects/partials/limit.html", _form_cap(form, on=reference_date(project)))


# --- moves that carry data ------------------------------------------------------------------------


def _refused(request: AuthedRequest, project: Project, to: Status) -> HttpResponse | None:
    """None when `to` may be attempted now; PermissionDenied (403) for a wrong role; a message otherwise."""
    try:
        workflow.require(project, to=to, actor=request.user)
        if project.status == S.SUSPENDED:
            raise workflow.TransitionError(_("Đề án đang tạm dừng: hãy dùng nút tiếp tục."))
    except workflow.TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(project)
    return None


def _record(
    request: AuthedRequest,
    project: Project,
    form: forms.Form,
    run: Callable[[dict[str, Any]], str],
    field_for: dict[str, str] | None = None,
) -> HttpResponse:
    """Validate, call the service, and either go back to the page with a message or show the errors."""
    if form.is_valid():
        try:
            done = run(form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc, field_for)
        else:
            messages.success(request, done)
            return redirect(project)
    return _detail(request, project_get(user=request.user, code=project.code_key), bound=form)


@login_required
@require_POST
def project_approve_view(request: AuthedRequest, code: str) -> HttpResponse:
    project = project_get(user=request.user, code=code)
    if (refused := _refused(request, project, S.APPROVED)) is not None:
        return refused

    def run(data: dict[str, Any]) -> str:
        services.project_approve(
            project=project,
            actor=request.user,
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            approved_support=data.get("approved_support"),
        )
        return _("Đã phê duyệt đề án theo quyết định số %(number)s.") % {"number": data["decision_number"]}

    return _record(request, project, ApproveForm(request.POST, prefix="approve"), run)


@login_required
@require_POST
def project_contract_view(request: AuthedRequest, code: str) -> HttpResponse:
    project = project_get(user=request.user, code=code)
    if (refused := _refused(request, project, S.CONTRACTED)) is not None:
        return refused

    def run(data: dict[str, Any]) -> str:
        services.project_contract(
            project=project,
            actor=request.user,
            contract_number=data["contract_number"],
            contract_date=data["contract_date"],
            contract_amount=data["contract_amount"],
        )
        return _("Đã ghi nhận hợp đồng số %(number)s.") % {"number": data["contract_number"]}

    return _record(request, project, ContractForm(request.POST, prefix="contract"), run)


@login_required
@require_POST
def project_advance_view(request: AuthedRequest, code: str) -> HttpResponse:
    project = project_get(user=request.user, code=code)
    if workflow.role_of(request.user) not in workflow.CENTRE:
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm ghi nhận tạm ứng."))
    if project.status not in ADVANCE_STATES:
        messages.error(request, _("Chỉ tạm ứng cho đề án đã ký hợp đồng hoặc đang thực hiện."))
        return redirect(project)

    def run(data: dict[str, Any]) -> str:
        advance = services.project_record_advance(
            project=project,
            actor=request.user,
            amount_vnd=data["amount"],
            paid_on=data["paid_on"],
            note=data["note"],
        )
        return _("Đã ghi nhận tạm ứng %(amount)s.") % {"amount": vnd(advance.amount)}

    return _record(request, project, AdvanceForm(request.POST, prefix="advance"), run)


@login_required
@require_POST
def project_settle_view(request: AuthedRequest, code: str) -> HttpResponse:
    project = project_get(user=request.user, code=code)
    if (refused := _refused(request, project, S.SETTLED)) is not None:
        return refused

    def run(data: dict[str, Any]) -> str:
        settled = services.project_settle(
            project=project,
            actor=request.user,
            settled_amount=data["settled_amount"],
            liquidation_date=data["liquidation_date"],
            reason=data["reason"],
            documents=form.documents(),
        )
        done = _("Đã quyết toán đề án: %(amount)s.") % {"amount": vnd(data["settled_amount"])}
        recovered = settled.recovered_total()
        if recovered:
            done += " " + _("Số tiền tạm ứng phải thu hồi: %(amount)s.") % {"amount": vnd(recovered)}
        return done

    form = SettleForm(request.POST, request.FILES, prefix="settle")
    return _record(request, project, form, run)


# --- documents ------------------------------------------------------------------------------------


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại tài liệu"), choices=DocumentKind.choices)
    title = forms.CharField(label=gettext_lazy("Tên tài liệu"), max_length=300, required=False)
    file = forms.FileField(label=gettext_lazy("Tệp"), max_length=255)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = documents.accept_attribute()
        self.fields["file"].help_text = _("Nhận %(types)s, mỗi tệp không quá %(mb)s MB.") % {
            "types": ", ".join(ext.upper() for ext in documents.allowed_extensions()),
            "mb": settings.KHUYENCONG_MAX_UPLOAD_MB,
        }


@login_required
@require_POST
def project_document_upload_view(request: AuthedRequest, code: str) -> HttpResponse:
    project = project_get(user=request.user, code=code)
    if not document_services.may_upload(request.user, project):
        raise PermissionDenied(_("Bạn không có quyền đính kèm tài liệu cho đề án này."))
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(project)
    try:
        document = document_services.project_document_upload(
            project=project,
            actor=request.user,
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã đính kèm “%(name)s”.") % {"name": document.original_name})
    return redirect(project)


@login_required
def project_document_download_view(request: AuthedRequest, code: str, pk: int) -> FileResponse:
    """Only for those who may see the project (404 otherwise), always as an attachment."""
    project = project_get(user=request.user, code=code)
    document = get_object_or_404(ProjectDocument, project=project, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
