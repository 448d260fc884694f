"""The requests-for-advice group of the to-do list (khuyencong/projects/todo.py appends it)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.advice.choices import RequestStatus
from khuyencong.advice.selectors import waiting
from khuyencong.projects.todo import TodoGroup, TodoSection

GROUP = TodoGroup(
    "advice_requests",
    gettext_lazy("Yêu cầu tư vấn chờ trả lời"),
    gettext_lazy("Trả lời câu hỏi của cơ sở; người hỏi đọc trả lời qua đường dẫn riêng."),
    (),
)


class AdviceSection(TodoSection):
    # Its items are requests for advice, not projects: the list template includes this for each.
    item_template = "advice/todo_item.html"

    @property
    def list_urls(self) -> list[tuple[str, str]]:
        url = f"{reverse('advice:inbox')}?{urlencode({'status': RequestStatus.NEW.value})}"
        return [(_("Hộp thư tư vấn"), url)]


def advice_section(user: Any, *, limit: int) -> AdviceSection | None:
    """The group for whoever answers requests, shown only while one waits (one query when none does)."""
    qs = waiting(user=user)
    count = qs.count()
    if not count:
        return None
    # TodoSection types its items as projects; the list template renders these through item_template.
    return AdviceSection(group=GROUP, count=count, items=list(qs[:limit]))  # type: ignore[arg-type]
