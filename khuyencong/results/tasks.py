"""Background work for reports (run by `khuyencong db_worker`): the file is made and kept for download."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from khuyencong.projects.document_services import storage_error_message
from khuyencong.results import reports
from khuyencong.results.choices import ReportStatus
from khuyencong.results.models import ReportRun

log = logging.getLogger(__name__)


def _progress(run_id: int) -> reports.Progress:
    def update(percent: int, step: str) -> None:
        # Written outside any transaction so the page polling it sees each step as it happens.
        ReportRun.objects.filter(pk=run_id).update(progress=min(max(percent, 0), 99), step=step[:200])

    return update


@task()
def generate_report(run_id: int) -> str:
    """Compute the report of `run_id` in its requester's scope, store the file, mark the run done."""
    run = ReportRun.objects.select_related("requested_by").get(pk=run_id)
    ReportRun.objects.filter(pk=run_id).update(status=ReportStatus.RUNNING, progress=1, step="")
    progress = _progress(run_id)
    try:
        spec = reports.ReportSpec(
            kind=run.kind,
            year=int(run.parameters["year"]),
            to_year=run.parameters.get("to_year"),
            filters=run.parameters.get("filters", {}),
        )
        data = reports.report_data(user=run.requested_by, spec=spec, progress=progress)
        content = reports.render(data, run.format, progress=progress)
    except Exception as exc:  # the page must say it failed rather than spin forever
        log.exception("Report %s failed", run_id)
        ReportRun.objects.filter(pk=run_id).update(
            status=ReportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    name = f"{run_id}-{spec.file_stem()}.{run.format}"
    target = run.file.field.generate_filename(run, name)
    try:
        run.file.save(name, ContentFile(content), save=False)
    except OSError as exc:
        # A full disk or a write error: whatever part of the file was written goes, and the page says why
        # instead of waiting for a file that will never come.
        log.exception("Report %s could not be stored", run_id)
        if run.file.storage.exists(target):
            run.file.storage.delete(target)
        ReportRun.objects.filter(pk=run_id).update(
            status=ReportStatus.FAILED,
            error=storage_error_message(exc, name),
            finished_at=timezone.now(),
        )
        raise
    ReportRun.objects.filter(pk=run_id).update(
        file=run.file.name, status=ReportStatus.DONE, progress=100, step="", finished_at=timezone.now()
    )
    return run.file.name
