"""The to-do list (việc cần làm): what waits for each role, computed by queries, never stored.

Every group is a set of project statuses read through `Project.objects.visible_to(user)`, so each role
sees only what is in its scope; some groups narrow their statuses further by what the work needs (a
member's missing declaration or sheet, a proposal ready for the centre to conclude, an amendment waiting
for the leader). The page runs one query for the plain groups' counts, one count per narrowed group and
one per non-empty group for its first items: the number of queries depends on the role, never on how
many projects wait.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.choices import Role
from khuyencong.projects import workflow
from khuyencong.projects.amendments import AMENDABLE_STATES
from khuyencong.projects.choices import Status
from khuyencong.projects.models import AmendmentStatus, Project

S = Status
ITEMS_PER_GROUP = 20


def _scores_to_give(user: Any) -> Q:
    """Proposals on which this member still owes a conflict declaration or a submitted sheet."""
    from khuyencong.appraisal.models import Assignment

    return Q(pk__in=Assignment.objects.pending_for(user).values("project_id"))


def _ready_to_conclude(user: Any) -> Q:
    """Proposals whose council has every declaration and sheet the conclusion needs."""
    from khuyencong.appraisal.models import Assignment

    return Q(pk__in=Assignment.objects.ready_to_conclude().values("project_id"))


def _amendment_waiting(user: Any) -> Q:
    return Q(amendments__status=AmendmentStatus.REQUESTED)


@dataclass(frozen=True)
class TodoGroup:
    key: str
    label: Promise
    hint: Promise
    statuses: tuple[Status, ...]
    # A further condition beyond the status, for the groups where the status alone does not say it waits.
    narrow: Callable[[Any], Q] | None = None
    # Where the group's work is done, when that is not the project list (label, URL name).
    link: tuple[Promise, str] | None = None


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
            "amendments_to_decide",
            _("Đề nghị điều chỉnh chờ quyết định"),
            _("Xem nội dung trước và sau điều chỉnh, phê duyệt hoặc không phê duyệt."),
            AMENDABLE_STATES,
            narrow=_amendment_waiting,
        ),
        TodoGroup(
            "to_conclude",
            _("Thẩm định đủ phiếu, chờ kết luận"),
            _("Mọi thành viên đã khai báo và nộp phiếu: kết luận ở trang hội đồng thẩm định."),
            (S.UNDER_APPRAISAL,),
            narrow=_ready_to_conclude,
            link=(_("Hội đồng thẩm định"), "appraisal:list"),
        ),
        TodoGroup(
            "to_score",
            _("Đề án cần chấm điểm"),
            _("Khai báo xung đột lợi ích, rồi chấm và nộp phiếu."),
            (S.UNDER_APPRAISAL,),
            narrow=_scores_to_give,
            link=(_("Hội đồng thẩm định"), "appraisal:list"),
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

_CENTRE = ("to_check", "under_appraisal", "to_conclude", "to_contract", "to_accept", "to_settle")
ROLE_GROUPS: dict[str, tuple[str, ...]] = {
    Role.ADMIN: _CENTRE,
    Role.OFFICER: _CENTRE,
    Role.LEADER: ("to_approve", "amendments_to_decide"),
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
        """Links to where the group's work is done, else to the project list filtered to each of its
        statuses (not for a narrowed group: the list would show more than waits)."""
        if self.group.link is not None:
            label, name = self.group.link
            return [(str(label), reverse(name))]
        if self.group.narrow is not None:
            return []
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
    plain = [group for group in groups if group.narrow is None]
    statuses = {status for group in plain for status in group.statuses}
    counts: dict[str, int] = (
        dict(
            scoped.filter(status__in=statuses)
            .order_by()
            .values("status")
            .annotate(n=Count("pk", distinct=True))
            .values_list("status", "n")
        )
        if statuses
        else {}
    )
    sections = []
    for group in groups:
        waiting = scoped.filter(status__in=group.statuses)
        if group.narrow is not None:
            waiting = waiting.filter(group.narrow(user))
            count = waiting.order_by().values("pk").distinct().count()
        else:
            count = sum(counts.get(status, 0) for status in group.statuses)
        items: list[Project] = []
        if count:
            items = list(
                waiting.select_related("unit", "unit__parent", "call").order_by(
                    F("call__deadline").asc(nulls_last=True), "updated_at", "pk"
                )[:limit]
            )
        sections.append(TodoSection(group=group, count=count, items=items))
    # Follow-ups after acceptance are due by date, not by status: the results app builds that group.
    from khuyencong.results.todo import follow_up_section

    follow_ups = follow_up_section(user, limit=limit)
    if follow_ups is not None:
        sections.append(follow_ups)
    # Requests for advice wait for the centre too; the advice app builds that group.
    from khuyencong.advice.todo import advice_section

    advice = advice_section(user, limit=limit)
    if advice is not None:
        sections.append(advice)
    return sections
