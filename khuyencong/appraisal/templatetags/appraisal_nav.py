"""`{% if user|can_view_councils %}`: whether the main navigation offers "Thẩm định"."""

from __future__ import annotations

from typing import Any

from django import template

from khuyencong.appraisal import selectors

register = template.Library()


@register.filter
def can_view_councils(user: Any) -> bool:
    return selectors.can_view_councils(user)
