"""The to-do list (việc cần làm): what waits for each role, computed by queries, never stored.

Every group is a set of project statuses read through `Project.objects.visible_to(user)`, so each role
sees only what is in its scope. The page runs one query for all the counts and one per non-empty group
for its first items: the number of queries depends on the role, never on how many projects wait.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.choices import Role
from khuyencong.projects import workflow
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project

S = Status
ITEMS_PER_GROUP = 20


@dataclass(frozen=True)
class TodoGroup:
    key: str
    label: Promise
    hint: Promise
    statuses: tuple[Status, ...]


GROUPS: dict[str, TodoGroup] = {
    group.key: group
    for group in (
        TodoGroup(
            "to_check",
            _("Hồ sơ mới nộp chờ kiểm tra"),
            _("Kiểm tra hồ sơ, trả lại để bổ sung hoặc chuyển thẩm định."),
            (S.SUBMITTED,),
        ),
        TodoGroup(
            "under_appraisal",
            _("Đề án đang thẩm định"),
            _("Theo dõi hội đồng thẩm định, đề xuất vào kế hoạch hoặc không chọn."),
            (S.UNDER_APPRAISAL,),
        ),
        TodoGroup(
            "to_contract",
            _("Đề án đã phê duyệt, chưa ký hợp đồng"),
            _("Ký hợp đồng với đơn vị thực hiện."),
            (S.APPROVED,),
        ),
        TodoGroup(
            "to_accept",
            _("Đề án chờ nghiệm thu"),
            _("Tổ chức hội đồng nghiệm thu tại cơ sở."),
            (S.AWAITING_ACCEPTANCE,),
        ),
        TodoGroup(
            "to_settle",
            _("Đề án đã nghiệm thu, chờ quyết toán"),
            _("Quyết toán kinh phí và thanh lý hợp đồng."),
            (S.ACCEPTED, S.NOT_ACCEPTED),
        ),
        TodoGroup(
            "to_approve",
            _("Đề án đề xuất vào kế hoạch, chờ phê duyệt"),
            _("Phê duyệt (ghi số và ngày quyết định) hoặc không chọn."),
            (S.PROPOSED,),
        ),
        TodoGroup(
            "to_score",
            _("Đề án cần thẩm định"),
            _("Khai báo xung đột lợi ích và chấm điểm."),
            (S.UNDER_APPRAISAL,),
        ),
        TodoGroup(
            "to_inspect",
            _("Đề án cần nghiệm thu"),
            _("Tham gia nghiệm thu tại cơ sở và ghi kết quả."),
            (S.AWAITING_ACCEPTANCE,),
        ),
        TodoGroup(
            "drafts",
            _("Hồ sơ đang soạn"),
            _("Hoàn thiện và nộp trước hạn của đợt xét chọn."),
            (S.DRAFT,),
        ),
        TodoGroup(
            "returned",
            _("Hồ sơ bị trả lại để bổ sung"),
            _("Bổ sung theo yêu cầu của Trung tâm và nộp lại."),
            (S.RETURNED,),
        ),
    )
}

_CENTRE = ("to_check", "under_appraisal", "to_contract", "to_accept", "to_settle")
ROLE_GROUPS: dict[str, tuple[str, ...]] = {
    Role.ADMIN: _CENTRE,
    Role.OFFICER: _CENTRE,
    Role.LEADER: ("to_approve",),
    Role.COUNCIL_MEMBER: ("to_score", "to_inspect"),
    Role.COMMUNE_OFFICER: ("drafts", "returned"),
    Role.BUSINESS: ("drafts", "returned"),
}


@dataclass
class TodoSection:
    group: TodoGroup
    count: int
    items: list[Project] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.items)

    @property
    def list_urls(self) -> list[tuple[str, str]]:
        """Links to the full project list filtered to each of the group's statuses."""
        base = reverse("projects:list")
        return [
            (str(status.label), f"{base}?{urlencode({'status': status.value})}")
            for status in self.group.statuses
        ]


def groups_for(user: Any) -> tuple[TodoGroup, ...]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    return tuple(GROUPS[key] for key in ROLE_GROUPS.get(workflow.role_of(user), ()))


def todo_list(*, user: Any, limit: int = ITEMS_PER_GROUP) -> list[TodoSection]:
    """The user's to-do groups with their counts and first items (oldest waiting first)."""
    groups = groups_for(user)
    if not groups:
        return []
    scoped = Project.objects.visible_to(user)
    statuses = {status for group in groups for status in group.statuses}
    counts: dict[str, int] = dict(
        scoped.filter(status__in=statuses)
        .order_by()
        .values("status")
        .annotate(n=Count("pk", distinct=True))
        .values_list("status", "n")
    )
    sections = []
    for group in groups:
        count = sum(counts.get(status, 0) for status in group.statuses)
        items: list[Project] = []
        if count:
            items = list(
                scoped.filter(status__in=group.statuses)
                .select_related("unit", "unit__parent", "call")
                .order_by(F("call__deadline").asc(nulls_last=True), "updated_at", "pk")[:limit]
            )
        sections.append(TodoSection(group=group, count=count, items=items))
    # Follow-ups after acceptance are due by date, not by status: the results app builds that group.
    from khuyencong.results.todo import follow_up_section

    follow_ups = follow_up_section(user, limit=limit)
    if follow_ups is not None:
        sections.append(follow_ups)
    return sections
