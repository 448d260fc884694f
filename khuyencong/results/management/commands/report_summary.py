from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from khuyencong.accounts.choices import Role
from khuyencong.accounts.models import User
from khuyencong.results.aggregation import Filters, summary


class Command(BaseCommand):
    help = "Tổng hợp kết quả khuyến công theo giai đoạn (cùng JSON với GET /api/v1/reports/summary)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="from_year", required=True, help="Năm bắt đầu, ví dụ 2008.")
        parser.add_argument("--to", dest="to_year", required=True, help="Năm kết thúc, ví dụ 2012.")
        parser.add_argument("--units", default="recorded", help="recorded (như khi ghi nhận) hoặc current.")
        parser.add_argument("--province", default="", help="Mã thống kê của tỉnh, ví dụ 20.")
        parser.add_argument("--format", default="json", choices=["json"], help="Định dạng kết quả.")
        parser.add_argument(
            "--user", default="", help="Tính trong phạm vi của người dùng này (mặc định: toàn bộ)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"Không có người dùng “{options['user']}”.")
        else:
            # Reads everything the installation holds, as a leader does; never saved.
            user = User(username="report_summary", role=Role.LEADER, is_active=True)
        try:
            filters = Filters.from_params(
                {k: options[k] for k in ("from_year", "to_year", "units", "province")}, default_years=(0, 0)
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            ) from None
        self.stdout.write(json.dumps(summary(user=user, filters=filters), ensure_ascii=False, indent=2))
