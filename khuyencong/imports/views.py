"""Import pages at /nhap-du-lieu/: upload, watch the check, read every error, import whole.

Progress needs no JavaScript: while a run is working its page answers with a `Refresh` header, which
every browser honours; the status endpoint gives the same figures as JSON to whoever polls.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from khuyencong.core import export
from khuyencong.core.http import AuthedRequest
from khuyencong.imports.choices import ImportKind, RunStatus
from khuyencong.imports.forms import UploadForm
from khuyencong.imports.models import ImportRun
from khuyencong.imports.selectors import run_get, run_list, trainee_list
from khuyencong.imports.services import may_import
from khuyencong.imports.tables import trainees_table
from khuyencong.imports.tasks import check_file, import_file, read_progress
from khuyencong.imports.workbooks import content_type, template
from khuyencong.privacy import policy
from khuyencong.privacy.models import Route

REFRESH_SECONDS = 2
TRAINEES_PER_PAGE = 50


def _require(user: object) -> None:
    if not may_import(user):
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm và quản trị hệ thống được nhập dữ liệu từ tệp."))


@login_required
def index_view(request: AuthedRequest) -> HttpResponse:
    _require(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = ImportRun(
            kind=form.cleaned_data["kind"],
            original_name=Path(upload.name).name[:255],
            size=upload.size,
            requested_by=request.user,
        )
        run.file.save(f"{run.kind}{Path(upload.name).suffix.lower()[:6]}", upload, save=False)
        run.save()
        transaction.on_commit(lambda: check_file.enqueue(run.pk))
        return redirect(run)
    return render(
        request,
        "imports/index.html",
        {"form": form, "kinds": ImportKind.choices, "runs": run_list(user=request.user)[:20]},
        status=400 if form.errors else 200,
    )


def _context(run: ImportRun) -> dict[str, object]:
    report = run.report or {}
    return {
        "run": run,
        "report": report,
        "progress": read_progress(run.pk) if not run.finished else None,
        "can_import": run.status == RunStatus.CHECKED
        and run.error_count == 0
        and not report.get("committed"),
        "more_errors": max(0, run.error_count - len(report.get("errors", []))),
    }


@login_required
def run_view(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request.user)
    run = run_get(user=request.user, pk=pk)
    response = render(request, "imports/run.html", _context(run))
    if not run.finished:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@login_required
def status_view(request: AuthedRequest, pk: int) -> JsonResponse:
    _require(request.user)
    run = run_get(user=request.user, pk=pk)
    progress = (
        read_progress(run.pk) if not run.finished else {"done": run.report.get("rows", 0), "percent": 100}
    )
    return JsonResponse(
        {
            "status": run.status,
            "finished": run.finished,
            "rows_done": progress.get("done", 0),
            "percent": progress.get("percent", 0),
            "errors": run.error_count,
            "created": run.created,
            "updated": run.updated,
        }
    )


@login_required
@require_POST
def confirm_view(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request.user)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_get(user=request.user, pk=pk).pk)
        if run.status != RunStatus.CHECKED or run.error_count or (run.report or {}).get("committed"):
            raise PermissionDenied(_("Chỉ nhập được tệp đã kiểm tra xong và không còn lỗi."))
        run.status = RunStatus.IMPORTING
        run.save(update_fields=["status"])
        transaction.on_commit(lambda: import_file.enqueue(run.pk))
    return redirect(run)


@login_required
def annotated_view(request: AuthedRequest, pk: int) -> FileResponse:
    _require(request.user)
    run = run_get(user=request.user, pk=pk)
    if not run.annotated:
        raise Http404
    stem = Path(run.original_name).stem or "tep"
    return FileResponse(
        run.annotated.open("rb"), as_attachment=True, filename=f"{stem}-loi.xlsx", content_type=content_type()
    )


@login_required
def template_view(request: AuthedRequest, kind: str) -> FileResponse:
    _require(request.user)
    if kind not in ImportKind.values:
        raise Http404
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    template(kind, Path(handle.name))
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"mau-nhap-{kind}.xlsx", content_type=content_type()
    )


@require_GET
@login_required
def trainee_list_view(request: AuthedRequest) -> HttpResponseBase:
    """A course's roster (or every course the reader may see), with its XLSX/CSV downloads."""
    project = request.GET.get("project", "").strip()[:40]
    rows = trainee_list(user=request.user, project=project)
    fmt = export.requested(request)
    if fmt:
        return export.response(trainees_table(policy.viewer(request, Route.EXPORT)), rows, fmt)
    page = Paginator(rows, TRAINEES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "imports/trainees.html",
        {
            "page": page,
            "project": project,
            "query": query.urlencode(),
            "table": trainees_table(policy.viewer(request)),
        },
    )
