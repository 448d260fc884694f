"""`khuyencong backup FILE`: the database and every uploaded document in one archive, while the site runs."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from khuyencong.ops import archive


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) and MEDIA_ROOT into one archive."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="Archive to write (a .tar.gz); replaced if it exists.")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"])
        log = self.stdout.write if options["verbosity"] >= 1 else archive._quiet
        try:
            manifest = archive.create_backup(target, log=log)
        except archive.ArchiveError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(
                _("Không ghi được bản sao lưu %(path)s: %(error)s") % {"path": target, "error": exc}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã sao lưu vào %(path)s: %(tables)s bảng, %(rows)s bản ghi, %(files)s tệp tài liệu.")
                % {
                    "path": target,
                    "tables": len(manifest["tables"]),
                    "rows": sum(manifest["tables"].values()),
                    "files": len(manifest["media"]),
                }
            )
        )
