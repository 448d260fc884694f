"""Money is integer đồng. Formatting lives here and nowhere else."""

from __future__ import annotations


def group(number: int) -> str:
    """1286 -> '1.286' (Vietnamese thousands separator)."""
    sign = "-" if number < 0 else ""
    return sign + f"{abs(int(number)):,}".replace(",", ".")


def vnd(amount: int) -> str:
    """1286000000 -> '1.286.000.000 ₫'."""
    return f"{group(amount)} ₫"


def million(amount: int) -> str:
    """1286000000 -> '1.286 tr.đ' (rounded to the nearest million, as reports print it)."""
    return f"{group(round(amount / 1_000_000))} tr.đ"
