"""Template filters for Vietnamese formats. They call core.money; nothing formats money twice."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import template

from khuyencong.core import money

register = template.Library()


@register.filter
def vnd(amount: Any) -> str:
    return "" if amount in (None, "") else money.vnd(int(amount))


@register.filter
def million(amount: Any) -> str:
    return "" if amount in (None, "") else money.million(int(amount))


@register.filter
def number(value: Any) -> str:
    return "" if value in (None, "") else money.group(int(value))


@register.filter
def mask(value: str | None, keep: int = 3) -> str:
    """0912345678 -> 091****678: personal data shown only to roles that need it."""
    if not value:
        return ""
    text = str(value)
    if len(text) <= keep * 2:
        return "*" * len(text)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]


@register.filter
def nfc(value: Any) -> str:
    """Text in composed Unicode, as Vietnamese pages use (Django's own language names are decomposed)."""
    return unicodedata.normalize("NFC", str(value))
