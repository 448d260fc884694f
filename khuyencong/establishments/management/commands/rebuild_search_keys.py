from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from khuyencong.establishments.tasks import rebuild_search_keys


class Command(BaseCommand):
    help = "Tính lại khoá tìm kiếm của mọi cơ sở (chạy ngay, hoặc --background để giao cho tiến trình nền)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--background", action="store_true", help="Xếp vào hàng đợi cho db_worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["background"]:
            result = rebuild_search_keys.enqueue()
            self.stdout.write(f"Đã xếp hàng: {result.id}")
        else:
            changed = rebuild_search_keys.call()
            self.stdout.write(f"Đã cập nhật {changed} khoá tìm kiếm.")
