"""Report pages at /bao-cao/: ask for a report, watch it being made, download the file it leaves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.scope import is_administrator
from khuyencong.core.forms import add_service_error
from khuyencong.core.http import AuthedRequest
from khuyencong.results.choices import ReportFormat, ReportKind, ReportStatus
from khuyencong.results.models import ReportRun
from khuyencong.results.reports import ReportSpec
from khuyencong.results.tasks import generate_report
from khuyencong.results.views_dashboard import may_read_figures

FILTER_KEYS = ("units", "unit", "fund", "level", "category", "province")
CONTENT_TYPES = {
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.CSV: "text/csv; charset=utf-8",
    ReportFormat.PDF: "application/pdf",
}


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại báo cáo"), choices=ReportKind.choices)
    year = forms.IntegerField(label=gettext_lazy("Năm (hoặc năm bắt đầu)"), min_value=1990, max_value=2100)
    to_year = forms.IntegerField(
        label=gettext_lazy("Đến năm (báo cáo nhiều năm)"), min_value=1990, max_value=2100, required=False
    )
    format = forms.ChoiceField(label=gettext_lazy("Định dạng"), choices=ReportFormat.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ReportKind.MULTI_YEAR and not data.get("to_year"):
            self.add_error("to_year", _("Báo cáo nhiều năm cần năm kết thúc."))
        return data


def _runs(user: Any) -> Any:
    return ReportRun.objects.filter(requested_by=user).order_by("-requested_at", "-id")


def _require_reader(user: Any) -> None:
    if not may_read_figures(user):
        raise PermissionDenied(_("Vai trò của bạn không lập báo cáo tổng hợp."))


@login_required
def report_index_view(request: AuthedRequest) -> HttpResponse:
    _require_reader(request.user)
    source = request.POST if request.method == "POST" else request.GET
    filters = {k: source.get(k, "") for k in FILTER_KEYS if source.get(k)}
    year = timezone.localdate().year
    initial = {
        "kind": ReportKind.MULTI_YEAR
        if source.get("to_year") != source.get("from_year")
        else ReportKind.ANNUAL,
        "year": source.get("from_year") or year,
        "to_year": source.get("to_year") or year,
        "format": ReportFormat.XLSX,
    }
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spec = ReportSpec(
            kind=data["kind"],
            year=data["year"],
            to_year=data["to_year"] if data["kind"] == ReportKind.MULTI_YEAR else None,
            filters=filters,
        )
        try:
            spec.to_filters()  # a range or a filter the figures would refuse is refused here, with its rule
        except ValidationError as error:
            add_service_error(form, error, {"from_year": "year"})
        else:
            run = ReportRun.objects.create(
                kind=spec.kind,
                format=data["format"],
                parameters={"year": spec.year, "to_year": spec.to_year, "filters": filters},
                requested_by=request.user,
            )
            # Queued once the row is committed, so the worker finds it.
            transaction.on_commit(lambda: generate_report.enqueue(run.pk))
            return redirect("reports:run", pk=run.pk)
    return render(
        request,
        "results/reports/index.html",
        {"form": form, "filters": filters, "runs": _runs(request.user)[:20]},
        status=400 if form.errors else 200,
    )


def _run_for(request: AuthedRequest, pk: int) -> ReportRun:
    """A report is its requester's (an administrator may open any): another user's answers 404."""
    qs = ReportRun.objects.all() if is_administrator(request.user) else _runs(request.user)
    return get_object_or_404(qs, pk=pk)


@login_required
def report_run_view(request: AuthedRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    template = "results/reports/partials/progress.html" if request.htmx else "results/reports/run.html"
    return render(
        request, template, {"run": run, "finished": run.status in (ReportStatus.DONE, ReportStatus.FAILED)}
    )


@login_required
def report_download_view(request: AuthedRequest, pk: int) -> FileResponse:
    run = _run_for(request, pk)
    if run.status != ReportStatus.DONE or not run.file:
        raise Http404
    name = run.file.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    return FileResponse(
        run.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES[ReportFormat(run.format)],
    )
