"""`khuyencong plan_optimize --year Y --level local`: the plan's optimisation as JSON on stdout.

The same inputs as `POST /api/v1/plans/{year}/optimize`: either the request body itself (`--input
FILE`, `-` for stdin) or the flags below, over the plan's own rules when a plan exists for the year.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from khuyencong.plans import optimizer, services
from khuyencong.plans.api import OptimizeIn
from khuyencong.plans.choices import PlanStatus
from khuyencong.plans.models import AnnualPlan


def _pair(text: str, *, what: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise CommandError(_("%(what)s phải có dạng MÃ=GIÁ_TRỊ: %(text)s") % {"what": what, "text": text})
    return key.strip(), value.strip()


class Command(BaseCommand):
    help = (
        "Optimise the year's plan within the envelopes and rules and print the result as JSON "
        "(the same body and answer as POST /api/v1/plans/{year}/optimize)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--level", default="local", choices=["local", "national"])
        parser.add_argument("--input", help="JSON request body (as the API takes it); '-' reads stdin.")
        parser.add_argument(
            "--envelope", action="append", default=[], help="FUND=AMOUNT in đồng, e.g. provincial=5000000000"
        )
        parser.add_argument("--priority-min", help="minimum share of support to priority areas, percent")
        parser.add_argument("--objective", choices=list(optimizer.OBJECTIVES))
        parser.add_argument("--time-limit", type=int, help="seconds")
        parser.add_argument("--gap", help="relative gap to stop at, percent (default 0.01)")
        parser.add_argument("--commune-max", type=int, help="most support per commune, đồng")
        parser.add_argument("--establishment-max", type=int, help="most support per establishment, đồng")
        parser.add_argument("--include", action="append", default=[], help="CODE=reason: must be in")
        parser.add_argument("--exclude", action="append", default=[], help="CODE=reason: must be out")
        parser.add_argument(
            "--partial", action="append", default=[], help="CODE=MINIMUM: partial funding allowed"
        )
        parser.add_argument("--save", help="save as a named scenario of the year's draft plan (needs --user)")
        parser.add_argument("--user", help="officer the audit log names when saving")

    def _body(self, options: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {"level": options["level"]}
        if options["input"]:
            try:
                text = (
                    sys.stdin.read() if options["input"] == "-" else Path(options["input"]).read_text("utf-8")
                )
                body.update(json.loads(text))
            except (OSError, ValueError) as exc:
                raise CommandError(_("Không đọc được dữ liệu đầu vào: %(error)s") % {"error": exc}) from exc
        if options["envelope"]:
            envelopes = {}
            for text in options["envelope"]:
                fund, amount = _pair(text, what="--envelope")
                if not amount.lstrip("-").isdigit():
                    raise CommandError(_("Dự toán phải là số nguyên đồng: %(text)s") % {"text": text})
                envelopes[fund] = int(amount)
            body["envelopes"] = envelopes
        for flag, key in (
            ("priority_min", "priority_min_percent"),
            ("objective", "objective"),
            ("time_limit", "time_limit"),
            ("gap", "gap_percent"),
            ("commune_max", "commune_max"),
            ("establishment_max", "establishment_max"),
        ):
            if options[flag] is not None:
                body[key] = options[flag]
        body.setdefault("must_include", []).extend(
            {"code": code, "reason": reason}
            for code, reason in (_pair(t, what="--include") for t in options["include"])
        )
        body.setdefault("must_exclude", []).extend(
            {"code": code, "reason": reason}
            for code, reason in (_pair(t, what="--exclude") for t in options["exclude"])
        )
        for text in options["partial"]:
            code, minimum = _pair(text, what="--partial")
            if not minimum.isdigit():
                raise CommandError(_("Mức tối thiểu phải là số nguyên đồng: %(text)s") % {"text": text})
            body.setdefault("partial", []).append({"code": code, "minimum": int(minimum)})
        if options["save"]:
            body["save_as"] = options["save"]
        return body

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        try:
            payload = OptimizeIn(**self._body(options))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        optimizer.quiet_banner()
        plan = (
            AnnualPlan.objects.filter(year=year, level=payload.level)
            .exclude(status=PlanStatus.REVISED)
            .first()
        )
        try:
            base = services.rules_of(plan) if plan is not None else None
            rules = services.rules_from_request(payload.dict(), year=year, level=payload.level, base=base)
            if payload.save_as:
                actor = get_user_model().objects.filter(username=options["user"] or "").first()
                if actor is None:
                    raise CommandError(_("Cần --user là tài khoản cán bộ Trung tâm để lưu phương án."))
                if plan is None:
                    raise CommandError(_("Chưa có kế hoạch năm %(year)s để lưu phương án.") % {"year": year})
                scenario, outcome = services.plan_optimize_outcome(
                    plan=plan, actor=actor, name=payload.save_as, rules=rules
                )
                result = services.result_json(outcome, scenario=scenario)
            else:
                result = services.result_json(services.compute(year=year, level=payload.level, rules=rules))
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(_("Dữ liệu đầu vào không hợp lệ; chưa lưu gì.")) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
