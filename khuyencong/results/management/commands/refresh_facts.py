"""Recompute the stored per-project facts (after a bulk load that bypassed the services), or check them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from khuyencong.results import facts


class Command(BaseCommand):
    help = _("Tính lại số liệu tổng hợp theo đề án (hoặc chỉ kiểm tra với --check).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("Chỉ kiểm tra; báo lỗi nếu số liệu đã lưu khác số liệu tính lại."),
        )

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        if check:
            problems = facts.drift()
            if problems:
                raise CommandError(
                    _("Số liệu tổng hợp đã lưu khác số liệu tính lại:") + "\n" + "\n".join(problems)
                )
            self.stdout.write(_("Số liệu tổng hợp khớp với số liệu tính lại."))
            return
        facts.refresh()
        self.stdout.write(_("Đã tính lại số liệu tổng hợp theo đề án."))
