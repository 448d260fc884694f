"""After a crash: what a process killed mid-way left behind, put right before the site starts again.

Database work is atomic and needs nothing: a transaction that did not commit is rolled back by the
database. What is not atomic is work that spans the database and the disk, or that spans time:

- a background task the killed worker had claimed stays "running" forever, and so does the report run
  it was making (its page would spin): both are marked failed, with a message saying to run it again;
- a file written under MEDIA_ROOT whose row was never committed (an upload or a report killed between
  the file and the commit) is an orphan: no page can reach it, and it is deleted.

Run it while no web server or worker runs (`scripts/serve.sh` runs it before starting them): a task
running at that moment, or an upload between its file and its commit, would look interrupted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from khuyencong.projects.models import ProjectDocument
from khuyencong.results.choices import ReportStatus
from khuyencong.results.models import ReportRun

# Folders under MEDIA_ROOT whose every file belongs to a row; anything else there is an orphan.
OWNED_FOLDERS: dict[str, type] = {"projects": ProjectDocument, "reports": ReportRun}


class Interrupted(Exception):
    """Stands for the crash in a task result's traceback."""


@dataclass
class Recovered:
    tasks: int = 0
    reports: list[int] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)


def interrupted_message() -> str:
    return _(
        "Việc lập báo cáo bị gián đoạn (máy chủ hoặc tiến trình nền dừng giữa chừng); hãy lập lại báo cáo."
    )


@transaction.atomic
def recover(*, media_root: Path | None = None) -> Recovered:
    done = Recovered()
    now = timezone.now()
    for result in DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING):
        result.set_failed(Interrupted(_("Tiến trình nền dừng khi đang chạy việc này.")))
        done.tasks += 1
    running = ReportRun.objects.select_for_update().filter(status=ReportStatus.RUNNING)
    done.reports = list(running.values_list("pk", flat=True))
    running.update(status=ReportStatus.FAILED, error=interrupted_message(), finished_at=now, file="")
    root = Path(media_root or settings.MEDIA_ROOT)
    for folder, model in OWNED_FOLDERS.items():
        base = root / folder
        if not base.is_dir():
            continue
        referenced = set(model.objects.exclude(file="").values_list("file", flat=True))  # type: ignore[attr-defined]
        for path in sorted(base.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            name = path.relative_to(root).as_posix()
            if name not in referenced:
                path.unlink()
                done.orphans.append(name)
    return done
