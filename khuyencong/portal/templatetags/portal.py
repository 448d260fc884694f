from __future__ import annotations

import datetime as dt

from django import template

from khuyencong.portal.text import news_datetime

register = template.Library()


@register.filter
def news_date(value: dt.datetime | None) -> str:
    return news_datetime(value) if value else ""
