"""`{% if user|may_read_figures %}`: whether the main navigation offers the dashboard ("Tổng hợp")."""

from __future__ import annotations

from typing import Any

from django import template

from khuyencong.results.views_dashboard import may_read_figures as _may_read_figures

register = template.Library()


@register.filter
def may_read_figures(user: Any) -> bool:
    return _may_read_figures(user)
