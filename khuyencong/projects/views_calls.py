"""Pages for calls for proposals (đợt xét chọn) and the to-do list (việc cần làm). Thin: the writes go
through khuyencong.projects.calls, the reads through its selectors and khuyencong.projects.todo."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khuyencong.core import audit, export
from khuyencong.core.forms import add_service_error
from khuyencong.core.http import AuthedRequest
from khuyencong.projects import calls, todo
from khuyencong.projects.choices import ContentCategory, ProgrammeLevel
from khuyencong.projects.models import Call, CallStatus, Project, code_key
from khuyencong.projects.tables import CALLS

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# dd/mm/yyyy HH:MM, Vietnam time; the ISO forms are accepted too (a browser's datetime-local sends them).
DATETIME_INPUTS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]


def _moment_field(label: _StrPromise) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_INPUTS,
        widget=forms.DateTimeInput(format="%d/%m/%Y %H:%M", attrs={"placeholder": "31/03/2025 17:00"}),
        help_text=gettext_lazy("Ngày/tháng/năm giờ:phút, giờ Việt Nam"),
    )


class CallForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("tên đợt"), max_length=300)
    year = forms.IntegerField(label=gettext_lazy("năm kế hoạch"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=gettext_lazy("cấp khuyến công"), choices=ProgrammeLevel.choices)
    opens_at = _moment_field(gettext_lazy("ngày mở nhận hồ sơ"))
    deadline = _moment_field(gettext_lazy("hạn nộp hồ sơ"))
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("nội dung nhận hồ sơ"),
        choices=ContentCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Hãy chọn ít nhất một nội dung hỗ trợ.")},
    )
    note = forms.CharField(
        label=gettext_lazy("ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def for_call(cls, call: Call, data: Any = None) -> CallForm:
        initial = {name: getattr(call, name) for name in ("title", "year", "level", "categories", "note")}
        initial["opens_at"] = timezone.localtime(call.opens_at)
        initial["deadline"] = timezone.localtime(call.deadline)
        return cls(data, initial=initial)

    def to_data(self) -> calls.CallData:
        data = self.cleaned_data
        return calls.CallData(
            year=data["year"],
            level=data["level"],
            title=data["title"],
            opens_at=data["opens_at"],
            deadline=data["deadline"],
            categories=data["categories"],
            note=data["note"],
        )


@login_required
def call_list_view(request: AuthedRequest) -> HttpResponseBase:
    include_all = request.GET.get("tat-ca") == "1"
    rows = calls.call_list(user=request.user, include_all=include_all)
    fmt = export.requested(request)
    if fmt:
        return export.response(CALLS, rows, fmt)
    return render(
        request,
        "projects/calls/list.html",
        {
            "calls": rows,
            "table": CALLS,
            "include_all": include_all,
            "can_manage": calls.can_manage_calls(request.user),
        },
    )


@login_required
def call_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    call = calls.call_get(user=request.user, pk=pk)
    can_manage = calls.can_manage_calls(request.user)
    return render(
        request,
        "projects/calls/detail.html",
        {
            "call": call,
            "projects": calls.call_projects(user=request.user, call=call),
            "attachable": calls.attachable_projects(user=request.user, call=call)
            if call.status != CallStatus.CLOSED
            else [],
            "can_manage": can_manage,
            "history": audit.history(call)[:50] if can_manage else [],
        },
    )


@login_required
def call_create_view(request: AuthedRequest) -> HttpResponse:
    if not calls.can_manage_calls(request.user):
        raise PermissionDenied
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = calls.call_create(actor=request.user, data=form.to_data())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã mở đợt xét chọn “%(title)s”.") % {"title": call.title})
            return redirect(call)
    return render(request, "projects/calls/form.html", {"form": form, "call": None})


@login_required
def call_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    if not calls.can_manage_calls(request.user):
        raise PermissionDenied
    call = calls.call_get(user=request.user, pk=pk)
    form = CallForm.for_call(call, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = calls.call_update(actor=request.user, call=call, data=form.to_data())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(call)
    return render(request, "projects/calls/form.html", {"form": form, "call": call})


@login_required
@require_POST
def call_attach_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Register one of the user's proposals in this call (the selector decides which ones may be)."""
    call = calls.call_get(user=request.user, pk=pk)
    try:
        project = Project.objects.visible_to(request.user).get(
            code_key=code_key(request.POST.get("project", ""))
        )
    except Project.DoesNotExist:
        raise Http404 from None
    try:
        calls.project_attach_call(project=project, call=call, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Đã đăng ký đề án %(code)s vào đợt “%(call)s”.") % {"code": project.code, "call": call.title},
        )
    return redirect(call)


@login_required
def todo_view(request: AuthedRequest) -> HttpResponse:
    sections = todo.todo_list(user=request.user)
    return render(
        request,
        "projects/todo/list.html",
        {"sections": sections, "total": sum(section.count for section in sections)},
    )
