"""The follow-ups group of the to-do list (khuyencong/projects/todo.py appends it for the centre)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.projects import workflow
from khuyencong.projects.todo import TodoGroup, TodoSection
from khuyencong.results.selectors import follow_up_counts, follow_ups_due

GROUP = TodoGroup(
    "follow_ups",
    gettext_lazy("Theo dõi sau nghiệm thu đến hạn"),
    gettext_lazy(
        "Kiểm tra cơ sở 6, 12 và 24 tháng sau nghiệm thu: còn hoạt động, giữ lao động, dùng máy móc."
    ),
    (),
)


class FollowUpSection(TodoSection):
    @property
    def list_urls(self) -> list[tuple[str, str]]:
        return [(_("Danh sách theo dõi đến hạn"), reverse("results:follow_ups"))]


def follow_up_section(user: Any, *, limit: int) -> FollowUpSection | None:
    """The group for the centre, shown only while some follow-up is due (one query when none is)."""
    if workflow.role_of(user) not in workflow.CENTRE:
        return None
    count = sum(follow_up_counts(user=user).values())
    if not count:
        return None
    items = [due.project for due in follow_ups_due(user=user, limit=limit)]
    return FollowUpSection(group=GROUP, count=count, items=items)
