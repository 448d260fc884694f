"""`khuyencong restore FILE [--yes]`: put back a backup, after checking every byte of it, then verify."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from khuyencong.ops import archive

YES = frozenset({"yes", "có", "co", "y"})


class Command(BaseCommand):
    help = (
        "Restore a backup made by `khuyencong backup`: replaces the whole database and MEDIA_ROOT. "
        "Stop the web server and the task worker first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="Archive made by `khuyencong backup`.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(_("Không có tệp %(path)s.") % {"path": source})
        log = self.stdout.write if options["verbosity"] >= 1 else archive._quiet
        try:
            with archive.prepared(source) as plan:
                manifest = plan.checked.manifest
                self.stdout.write(
                    _(
                        "Bản sao lưu hợp lệ: lập lúc %(created)s (phiên bản %(version)s, %(vendor)s), "
                        "%(rows)s bản ghi, %(files)s tệp tài liệu."
                    )
                    % {
                        "created": manifest.get("created_at"),
                        "version": manifest.get("app_version"),
                        "vendor": manifest["database"]["vendor"],
                        "rows": sum(manifest["tables"].values()),
                        "files": len(manifest["media"]),
                    }
                )
                if not options["yes"] and not self._confirmed(plan):
                    raise CommandError(_("Đã huỷ: không có gì bị thay đổi."))
                wrong = archive.restore(plan, log=log)
                for note in plan.notes:
                    self.stdout.write(self.style.WARNING(note))
        except archive.ArchiveError as exc:
            raise CommandError(str(exc)) from None
        if wrong:
            raise CommandError(
                _("Đã khôi phục nhưng kết quả KHÔNG khớp bản sao lưu:\n%(lines)s")
                % {"lines": "\n".join(wrong)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã khôi phục và kiểm tra: số bản ghi, tổng tiền và mã băm tài liệu khớp bản sao lưu.")
            )
        )

    def _confirmed(self, plan: archive.Plan) -> bool:
        question = _(
            "Khôi phục sẽ THAY THẾ toàn bộ cơ sở dữ liệu (%(db)s) và thư mục tài liệu (%(media)s). "
            "Gõ “yes” để tiếp tục: "
        ) % {"db": plan.database, "media": plan.media_root}
        try:
            answer = input(question)
        except EOFError:
            return False
        return answer.strip().lower() in YES
