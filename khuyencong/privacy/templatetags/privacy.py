"""`{% personal record "phone" %}`: a personal field as the page's reader may see it (logged when full)."""

from __future__ import annotations

from typing import Any

from django import template

from khuyencong.privacy import policy

register = template.Library()


def _viewer(context: template.Context) -> policy.Viewer:
    request = context.get("request")
    return policy.viewer(request) if request is not None else policy.MASKED


@register.simple_tag(takes_context=True)
def personal(context: template.Context, record: Any, name: str) -> str:
    return _viewer(context).value(record, name)


@register.simple_tag(takes_context=True)
def sees_personal(context: template.Context, record: Any) -> bool:
    """Whether the reader sees this record's personal data in full (for a mailto: or tel: link)."""
    return _viewer(context).sees(record)
