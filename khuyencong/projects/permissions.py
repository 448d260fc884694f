"""Who may do what on a project's page, beyond the transition table: labels of the moves, and the
rules that decide which forms a page (or the API's `allowed_actions`) offers. The services check the
same rules again when the form is sent."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from khuyencong.accounts.choices import Role
from khuyencong.accounts.scope import scope_unit_ids
from khuyencong.projects import services, workflow
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project

S = Status
# What the button says for each move (the target state's own label describes a state, not an act).
MOVE_LABELS: dict[str, Any] = {
    S.SUBMITTED: gettext_lazy("Nộp đề án"),
    S.RETURNED: gettext_lazy("Trả lại để bổ sung"),
    S.UNDER_APPRAISAL: gettext_lazy("Bắt đầu thẩm định"),
    S.REJECTED: gettext_lazy("Không chọn đề án"),
    S.PROPOSED: gettext_lazy("Đề xuất vào kế hoạch"),
    S.IN_PROGRESS: gettext_lazy("Bắt đầu thực hiện"),
    S.AWAITING_ACCEPTANCE: gettext_lazy("Đề nghị nghiệm thu"),
    S.CLOSED: gettext_lazy("Đóng đề án"),
    S.SUSPENDED: gettext_lazy("Tạm dừng"),
    S.CANCELLED: gettext_lazy("Huỷ đề án"),
}
# States in which the centre records advances (tạm ứng).
ADVANCE_STATES = frozenset({S.CONTRACTED, S.IN_PROGRESS})


def can_propose(user: Any) -> bool:
    """Officers, administrators, business representatives, and commune officers who have a commune."""
    role = workflow.role_of(user)
    if role not in workflow.PROPOSERS:
        return False
    return role != Role.COMMUNE_OFFICER or bool(scope_unit_ids(user))


def can_edit(user: Any, project: Project) -> bool:
    """The same rule as services.project_update, for a project the user already sees."""
    return project.status in services.EDITABLE_STATES and workflow.role_of(user) in workflow.PROPOSERS


def may_record_advance(user: Any, project: Project) -> bool:
    return project.status in ADVANCE_STATES and workflow.role_of(user) in workflow.CENTRE
