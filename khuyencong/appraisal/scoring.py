"""The arithmetic of appraisal, with no database: weighted totals, means, spread, disagreement.

Totals are exact fractions until the end and then rounded half up to two decimals, so that the same
points give the same total on every page, in the minutes and in `Project.appraisal_score`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Line:
    points: int
    max_points: int
    weight: int


def to_decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_total(lines: Iterable[Line]) -> Decimal:
    """Σ points / max_points × weight. With weights adding up to 100 the result is on 0–100."""
    exact = sum((Fraction(line.points * line.weight, line.max_points) for line in lines), Fraction(0))
    return to_decimal(exact)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    exact = sum((Fraction(v) for v in values), Fraction(0)) / len(values)
    return to_decimal(exact)


def spread(values: Sequence[Decimal]) -> Decimal | None:
    """max − min of the members' totals; None with fewer than two."""
    if len(values) < 2:
        return None
    return max(values) - min(values)


def disagrees(values: Sequence[Decimal], threshold: int | Decimal) -> bool:
    """Members disagree strongly when their totals spread by more than `threshold` points."""
    gap = spread(values)
    return gap is not None and gap > Decimal(threshold)
