"""Shared values for the plan tests."""

import datetime as dt

from khuyencong.plans.services import PlanRules

M = 1_000_000
YEAR = 2026
REFERENCE = dt.date(2025, 11, 1)


def rules(**kw) -> PlanRules:
    """The plan's rules for the tests: 1.000 tr.đ of provincial money, solved to proven optimality."""
    kw.setdefault("reference_date", REFERENCE)
    kw.setdefault("envelopes", {"provincial": 1_000 * M, "central": 0})
    kw.setdefault("gap_ppm", 0)
    return PlanRules(**kw)
