"""Repeat-support check (issue 3 §4).

A beneficiary that already received support for the same content category within a configurable number
of plan years (setting KHUYENCONG_REPEAT_SUPPORT_YEARS, default 3) may be supported again only with a
written justification. "Received support" means another project with that beneficiary and category that
reached approval (approved or any later stage). The window is the N plan years around the proposal's:
with N = 3 and a 2024 proposal, projects of 2022–2026 count and one of 2021 does not; N = 0 turns the
check off.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from khuyencong.establishments.models import Establishment
from khuyencong.projects.choices import ContentCategory, Status
from khuyencong.projects.models import Project

S = Status
# Statuses in which a project counts as support received.
SUPPORTED_STATUSES = frozenset(
    {
        S.APPROVED,
        S.CONTRACTED,
        S.IN_PROGRESS,
        S.AWAITING_ACCEPTANCE,
        S.ACCEPTED,
        S.NOT_ACCEPTED,
        S.SETTLED,
        S.CLOSED,
    }
)


def window_years() -> int:
    return int(settings.KHUYENCONG_REPEAT_SUPPORT_YEARS)


def in_window(plan_year: int, other_year: int, years: int) -> bool:
    """Whether two plan years fall within one window of `years` consecutive years."""
    return abs(plan_year - other_year) < years


def previous_support(project: Project, *, years: int | None = None) -> list[Project]:
    """Other projects, approved or later, that supported one of this proposal's beneficiaries in the same
    category within the window. Each carries `repeat_beneficiaries`: the beneficiaries they share."""
    span = window_years() if years is None else years
    if span <= 0 or project.pk is None:
        return []
    ids = list(project.beneficiaries.values_list("pk", flat=True))
    if not ids:
        return []
    return list(
        Project.objects.filter(
            beneficiaries__in=ids,
            category=project.category,
            status__in=SUPPORTED_STATUSES,
            plan_year__gt=project.plan_year - span,
            plan_year__lt=project.plan_year + span,
        )
        .exclude(pk=project.pk)
        .distinct()
        .order_by("-plan_year", "code_key")
        .prefetch_related(
            Prefetch(
                "beneficiaries",
                queryset=Establishment.objects.filter(pk__in=ids).order_by("name"),
                to_attr="repeat_beneficiaries",
            )
        )
    )


def describe(previous: Sequence[Project]) -> str:
    """'KCĐP-2022-003 (năm 2022, Đã nghiệm thu; Công ty TNHH thương mại Hưng Long)' for each one."""
    parts = []
    for earlier in previous:
        names = ", ".join(est.name for est in getattr(earlier, "repeat_beneficiaries", []))
        parts.append(
            _("%(code)s (năm %(year)s, %(status)s; %(names)s)")
            % {
                "code": earlier.code,
                "year": earlier.plan_year,
                "status": Status(earlier.status).label,
                "names": names,
            }
        )
    return "; ".join(parts)


def require_justification(project: Project) -> list[Project]:
    """Refuse a proposal that repeats recent support without a justification; return the earlier ones."""
    previous = previous_support(project)
    if previous and not project.repeat_justification.strip():
        years = window_years()
        raise ValidationError(
            {
                "repeat_justification": _(
                    "Hỗ trợ lặp lại: cơ sở thụ hưởng đã được hỗ trợ nội dung “%(category)s” trong vòng "
                    "%(years)s năm: %(projects)s. Cần ghi giải trình lý do tiếp tục hỗ trợ trước khi nộp."
                )
                % {
                    "category": ContentCategory(project.category).label,
                    "years": years,
                    "projects": describe(previous),
                }
            },
            code="repeat_support",
        )
    return previous


def audit_reason(previous: Sequence[Project], justification: str) -> str:
    """The text the submission's audit row keeps: which earlier support, and why to continue."""
    if not previous:
        return ""
    return _("Hỗ trợ lặp lại (đã hỗ trợ: %(projects)s). Giải trình: %(text)s") % {
        "projects": describe(previous),
        "text": justification.strip(),
    }
