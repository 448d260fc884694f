"""Background work for reports (run by `khuyencong db_worker`): the file is made and kept for download."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

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
    run.file.save(f"{run_id}-{spec.file_stem()}.{run.format}", ContentFile(content), save=False)
    ReportRun.objects.filter(pk=run_id).update(
        file=run.file.name, status=ReportStatus.DONE, progress=100, step="", finished_at=timezone.now()
    )
    return run.file.name
