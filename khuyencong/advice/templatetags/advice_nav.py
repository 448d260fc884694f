from __future__ import annotations

from typing import Any

from django import template

from khuyencong.advice import workflow

register = template.Library()


@register.filter
def may_read_advice(user: Any) -> bool:
    """Whether the menu shows the inbox of requests for advice."""
    return workflow.can_read(user)
