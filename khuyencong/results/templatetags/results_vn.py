"""Vietnamese formats for figures that are not whole numbers (ratios, shares, days)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from khuyencong.core.money import group

register = template.Library()


@register.filter
def vn_decimal(value: Any) -> str:
    """Decimal('1234.5') -> '1.234,5' (dot for thousands, comma for decimals); blank for None."""
    if value in (None, ""):
        return ""
    number = Decimal(value)
    whole, _, fraction = f"{abs(number):f}".partition(".")
    text = group(int(whole)) + ("," + fraction if fraction else "")
    return ("-" if number < 0 else "") + text


@register.simple_tag
def query(params: dict[str, str], **override: Any) -> str:
    """The dashboard's query string with some filters replaced (blank drops one)."""
    from urllib.parse import urlencode

    merged = {**params, **{k: str(v) for k, v in override.items()}}
    return "?" + urlencode({k: v for k, v in merged.items() if v not in ("", "None")})
