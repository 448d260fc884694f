"""`khuyencong recover_interrupted`: after a crash, before starting the site (see ops/recovery.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from khuyencong.ops.recovery import recover


class Command(BaseCommand):
    help = (
        "Mark tasks and report runs left running by a killed worker as failed and delete files under "
        "MEDIA_ROOT that no record points to. Run while the web server and the worker are stopped."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = recover()
        if options["verbosity"] >= 1:
            self.stdout.write(
                _(
                    "Việc nền bị gián đoạn: %(tasks)s; báo cáo đánh dấu lỗi: %(reports)s; tệp mồ côi đã xoá: %(orphans)s."
                )
                % {"tasks": done.tasks, "reports": len(done.reports), "orphans": len(done.orphans)}
            )
