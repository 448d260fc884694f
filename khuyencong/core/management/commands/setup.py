"""`khuyencong setup [--demo]`: bring a database to a working state, safely repeatable.

Runs the migrations, loads the province's administrative geography, and with ``--demo`` the demo
data and demo users (whose sign-in names ``load_demo`` prints). Each step is idempotent, so a second
run changes nothing; ``make run`` and ``make setup`` call this.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate the database and load geography; with --demo, also demo data and users."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also load demo establishments and users (prints their sign-in names).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity: int = options["verbosity"]
        # migrate lists every migration at verbosity 1: noise on every run but the first (-v 2 shows it).
        self._step("migrate", verbosity, max(verbosity - 1, 0), interactive=False)
        self._step("load_geography", verbosity, verbosity)
        if options["demo"]:
            self._step("load_demo", verbosity, verbosity)
        self.stdout.write(self.style.SUCCESS("Setup complete."))

    def _step(self, command: str, verbosity: int, command_verbosity: int, **options: Any) -> None:
        started = time.monotonic()
        if verbosity >= 1:
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {command}"))
        call_command(command, verbosity=command_verbosity, stdout=self.stdout, stderr=self.stderr, **options)
        if verbosity >= 1:
            self.stdout.write(f"   {command}: {time.monotonic() - started:.1f}s")
