"""Codes of the annual plan. Labels are Vietnamese, translatable."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from khuyencong.projects.choices import Status as ProjectStatus


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Đã trình (khoá)")
    APPROVED = "approved", _("Đã phê duyệt")
    REVISED = "revised", _("Đã được điều chỉnh")


class Objective(models.TextChoices):
    SCORE = "score", _("Điểm thẩm định")
    JOBS = "jobs", _("Số lao động có việc làm dự kiến")
    SCORE_JOBS = "score_jobs", _("Điểm thẩm định × số lao động dự kiến")


class OverrideDecision(models.TextChoices):
    INCLUDE = "in", _("Bắt buộc đưa vào")
    EXCLUDE = "out", _("Loại khỏi kế hoạch")


class ScenarioStatus(models.TextChoices):
    OPTIMAL = "optimal", _("Tốt nhất trong sai số cho phép")
    TIME_LIMIT = "time_limit", _("Dừng khi hết thời gian")
    INFEASIBLE = "infeasible", _("Các ràng buộc mâu thuẫn")
    NO_SOLUTION = "no_solution", _("Chưa tìm được phương án")


# Projects of the plan's year and level that already hold money: they count against the envelopes.
COMMITTED_STATES = frozenset(
    {
        ProjectStatus.APPROVED,
        ProjectStatus.CONTRACTED,
        ProjectStatus.IN_PROGRESS,
        ProjectStatus.AWAITING_ACCEPTANCE,
        ProjectStatus.ACCEPTED,
        ProjectStatus.NOT_ACCEPTED,
        ProjectStatus.SETTLED,
        ProjectStatus.CLOSED,
        ProjectStatus.SUSPENDED,
    }
)
