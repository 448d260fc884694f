from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from khuyencong.accounts.choices import Role
from khuyencong.core.demo import DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu: người dùng cho mọi vai trò và một số cơ sở CNNT (chạy lại không tạo trùng)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_demo(province=settings.KHUYENCONG_PROVINCE)
        self.stdout.write(
            f"Dữ liệu mẫu: {report.users_created} người dùng mới, {report.establishments_created} cơ sở mới, "
            f"{report.projects_created} đề án mới."
        )
        self.stdout.write(f"Tài khoản mẫu (mật khẩu: {report.password}):")
        for username, role, _first, _last in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {Role(role).label}")
