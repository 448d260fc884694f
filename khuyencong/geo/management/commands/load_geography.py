"""`khuyencong load_geography [--province CODE | --all]`: administrative units from offline data."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from khuyencong.geo.loader import ALL, GeographyLoadError, load_geography


class Command(BaseCommand):
    help = (
        "Load the administrative units before and after 1/7/2025 and their succession links from the "
        "installed vietnam-provinces and vietnamadminunits packages. Safe to repeat."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--province",
            metavar="CODE",
            help="2-digit statistics code of the current province (default: KHUYENCONG_PROVINCE).",
        )
        which.add_argument(
            "--all", action="store_true", help="The whole country (63 old, 34 current provinces)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        province = ALL if options["all"] else (options["province"] or settings.KHUYENCONG_PROVINCE)
        started = time.monotonic()
        try:
            summary = load_geography(province=province)
        except GeographyLoadError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 1:
            scope = (
                _("cả nước")
                if summary.province == ALL
                else _("tỉnh mã %(code)s") % {"code": summary.province}
            )
            self.stdout.write(_("Địa giới hành chính, %(scope)s:") % {"scope": scope})
            for line in summary.lines():
                self.stdout.write(f"  {line}")
            for warning in summary.warnings:
                self.stderr.write(self.style.WARNING(f"  {warning}"))
            outcome = _("Đã cập nhật") if summary.changed else _("Không có gì thay đổi")
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(outcome)s (%(seconds).1f giây).")
                    % {
                        "outcome": outcome,
                        "seconds": time.monotonic() - started,
                    }
                )
            )
