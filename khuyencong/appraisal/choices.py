"""Stable codes of the appraisal (thẩm định, xét chọn). Labels are Vietnamese, translatable."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CouncilStatus(models.TextChoices):
    OPEN = "open", _("Đang thẩm định")
    CLOSED = "closed", _("Đã kết thúc")


class Position(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch hội đồng")
    SECRETARY = "secretary", _("Thư ký hội đồng")
    MEMBER = "member", _("Ủy viên")


# The order members are listed in (pages, minutes).
POSITION_ORDER = {Position.CHAIR: 0, Position.SECRETARY: 1, Position.MEMBER: 2}


class Outcome(models.TextChoices):
    """What the centre concludes for one proposal, which becomes the project's next state."""

    PROPOSED = "proposed", _("Đề xuất vào kế hoạch")
    REJECTED = "rejected", _("Không chọn")


class CellState(models.TextChoices):
    """Where one member stands on one proposal (derived, never stored)."""

    UNDECLARED = "undeclared", _("Chưa khai báo")
    CONFLICT = "conflict", _("Xung đột lợi ích")
    SCORING = "scoring", _("Đang chấm")
    SUBMITTED = "submitted", _("Đã nộp phiếu")
