"""khuyencong import <kind> FILE [--dry-run] [--user NAME]: the same check and import as the page."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from khuyencong.accounts.choices import Role
from khuyencong.accounts.models import User
from khuyencong.core.money import group
from khuyencong.imports.choices import ImportKind
from khuyencong.imports.engine import ImportReport, run_import


class ProgressBar:
    """A one-line bar on a terminal; plain lines every few seconds otherwise (logs, pipes)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last = 0.0
        self.started = time.monotonic()

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if not final and now - self.last < (0.2 if self.tty else 2.0):
            return
        self.last = now
        rate = done / max(now - self.started, 1e-6)
        if self.tty:
            width = 30
            share = min(done / total, 1.0) if total else 0.0
            bar = "█" * int(share * width) + "·" * (width - int(share * width))
            of = f"/{group(total)}" if total else ""
            self.stream.write(f"\r[{bar}] {group(done)}{of} dòng · {group(int(rate))} dòng/giây ")
            if final:
                self.stream.write("\n")
        else:
            self.stream.write(f"Đã đọc {group(done)} dòng ({group(int(rate))} dòng/giây)\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Nhập dữ liệu từ tệp XLSX, ODS hoặc CSV (kiểm tra trọn tệp; có lỗi thì không ghi gì)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values, help="Loại dữ liệu.")
        parser.add_argument("file", help="Đường dẫn tệp .xlsx, .ods hoặc .csv.")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và báo lỗi, không ghi.")
        parser.add_argument(
            "--user", default="", help="Người nhập (ghi vào nhật ký); mặc định: quản trị hệ thống đầu tiên."
        )
        parser.add_argument(
            "--annotated", default="", help="Ghi tệp XLSX có chú thích lỗi vào đường dẫn này."
        )
        parser.add_argument("--no-progress", action="store_true", help="Không hiện tiến độ.")

    def _user(self, name: str) -> User:
        if name:
            user = User.objects.filter(username=name, is_active=True).first()
            if user is None:
                raise CommandError(f"Không có người dùng “{name}”.")
            return user
        user = (
            User.objects.filter(Q(is_superuser=True) | Q(role=Role.ADMIN), is_active=True)
            .order_by("pk")
            .first()
        )
        if user is None:
            raise CommandError("Chưa có tài khoản quản trị; hãy chỉ rõ --user.")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không thấy tệp {path}.")
        user = self._user(options["user"])
        progress = None if options["no_progress"] else ProgressBar(sys.stderr)
        report = run_import(
            options["kind"], path, user, options["dry_run"], filename=path.name, progress=progress
        )
        self._print(report)
        if options["annotated"] and report.errors:
            from khuyencong.imports.workbooks import annotate

            annotate(path, report, Path(options["annotated"]))
            self.stdout.write(f"Tệp chú thích lỗi: {options['annotated']}")
        if report.errors:
            raise CommandError(f"{group(len(report.errors))} lỗi; không có dữ liệu nào được ghi.")

    def _print(self, report: ImportReport) -> None:
        for error in report.errors:
            where = f"dòng {error.row}" if error.row else "tệp"
            column = f", cột “{error.column}”" if error.column else ""
            value = f" [{error.value}]" if error.value else ""
            self.stdout.write(f"{where}{column}{value}: {error.message}")
        for notice in report.notices:
            self.stdout.write(notice)
        verb = "Sẽ" if report.dry_run or report.errors else "Đã"
        self.stdout.write(
            f"{group(report.rows)} dòng dữ liệu · {verb} tạo {group(report.created)} · {verb.lower()} cập nhật "
            f"{group(report.updated)} · không đổi {group(report.unchanged)} · {report.seconds:.1f} giây"
            + (" · đã ghi vào cơ sở dữ liệu" if report.committed else "")
        )
