"""`khuyencong import_priorities FILE [--user NAME]`: priority classifications from CSV, all or nothing."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from khuyencong.geo.importers import PriorityImportError, import_priorities
from khuyencong.geo.services import can_manage_priorities


class Command(BaseCommand):
    help = (
        "Import priority classifications from a UTF-8 CSV file with the columns: unit code, generation "
        "(legacy/2025), kind, valid from (dd/mm/yyyy), valid to, legal basis, verified (có/không). "
        "Every row is checked; if any is wrong, every error is listed and nothing is imported."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", help="Administrator the audit log names (default: none, the command line)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Không đọc được tệp %(path)s: %(error)s") % {"path": path, "error": exc}
            ) from exc
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None or not can_manage_priorities(actor):
                raise CommandError(
                    _("“%(name)s” không phải tài khoản quản trị hệ thống.") % {"name": options["user"]}
                )
        try:
            result = import_priorities(content=content, actor=actor)
        except PriorityImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                _("Tệp có %(n)d lỗi; chưa nhập dòng nào. Sửa tệp rồi chạy lại.") % {"n": len(exc.errors)}
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Đã nhập phân loại địa bàn ưu tiên: tạo mới %(created)d, cập nhật %(updated)d, không đổi %(unchanged)d."
                )
                % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
            )
        )
