from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khuyencong.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Cấp khoá API cho một người dùng (khoá chỉ hiện một lần; API hoạt động theo phạm vi của người đó)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="API", help="Tên gợi nhớ của khoá")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng đang hoạt động tên “{options['username']}”.")
        _token, key = ApiToken.issue(user=user, name=options["name"])
        self.stdout.write(key)
