"""Background work for imports (run by `khuyencong db_worker`): check a file, or import it.

Progress is written to a small JSON file beside the upload, not to the database: the import holds one
long transaction, and on SQLite no other connection may write while it does (on PostgreSQL a row updated
from inside it would not be seen until it commits).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.utils import timezone
from django_tasks import task

from khuyencong.imports.choices import RunStatus
from khuyencong.imports.engine import ImportReport, run_import
from khuyencong.imports.models import ImportRun

log = logging.getLogger(__name__)


def progress_path(run_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{run_id}.json"


def write_progress(run_id: int, done: int, total: int | None) -> None:
    path = progress_path(run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"done": done, "total": total}), encoding="utf-8")
    os.replace(tmp, path)  # readers see the old figures or the new ones, never half a file


def read_progress(run_id: int) -> dict[str, Any]:
    try:
        data = json.loads(progress_path(run_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"done": 0, "total": None, "percent": 0}
    total = data.get("total") or 0
    data["percent"] = min(99, int(data["done"] * 100 / total)) if total else 0
    return dict(data)


def _save_annotated(run: ImportRun, report: ImportReport) -> str:
    from khuyencong.imports.workbooks import annotate

    target = Path(settings.MEDIA_ROOT) / "imports" / "annotated" / f"{run.pk}-loi.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    annotate(Path(run.file.path), report, target)
    return str(target.relative_to(settings.MEDIA_ROOT))


def process(run_id: int, *, dry_run: bool) -> ImportReport:
    run = ImportRun.objects.select_related("requested_by").get(pk=run_id)
    ImportRun.objects.filter(pk=run_id).update(status=RunStatus.CHECKING if dry_run else RunStatus.IMPORTING)
    write_progress(run_id, 0, None)
    try:
        report = run_import(
            run.kind,
            Path(run.file.path),
            run.requested_by,
            dry_run,
            filename=run.original_name,
            progress=lambda done, total: write_progress(run_id, done, total),
        )
        annotated = _save_annotated(run, report) if report.errors else ""
    except Exception:  # the page must say it failed rather than spin forever
        log.exception("Import %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, finished_at=timezone.now())
        raise
    if report.errors:
        status = RunStatus.CHECKED if dry_run else RunStatus.FAILED
    else:
        status = RunStatus.CHECKED if dry_run else RunStatus.DONE
    ImportRun.objects.filter(pk=run_id).update(
        status=status,
        report=report.as_dict(),
        annotated=annotated,
        error_count=len(report.errors),
        created=report.created,
        updated=report.updated,
        finished_at=timezone.now(),
    )
    progress_path(run_id).unlink(missing_ok=True)
    return report


@task()
def check_file(run_id: int) -> int:
    """The dry run: every error and what would change, nothing written."""
    return len(process(run_id, dry_run=True).errors)


@task()
def import_file(run_id: int) -> int:
    """The import: checked again against today's data and written whole, or not at all."""
    return len(process(run_id, dry_run=False).errors)


__all__ = ["File", "check_file", "import_file", "read_progress"]
