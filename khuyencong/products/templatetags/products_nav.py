"""`{% if user|can_view_rounds %}`: whether the main navigation offers the product selection rounds."""

from __future__ import annotations

from typing import Any

from django import template

from khuyencong.products import selectors

register = template.Library()


@register.filter
def can_view_rounds(user: Any) -> bool:
    return selectors.can_view_rounds(user)
