"""The documents a project offers for download, and when each one makes sense.

A document is offered once what it records has happened: the decision once the approval (number, date,
amount) is recorded, the acceptance minutes once the council's visit is, the liquidation once the
project is settled. Availability is read from the recorded data, not from the status alone, so a
project suspended or closed later keeps its documents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from khuyencong.paperwork import builders
from khuyencong.paperwork.document import OfficialDocument
from khuyencong.projects.models import Acceptance, Project

FORMATS: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _acceptance(project: Project) -> Acceptance | None:
    return Acceptance.objects.filter(project=project).select_related("project").first()


def _minutes(project: Project) -> OfficialDocument:
    acceptance = _acceptance(project)
    if acceptance is None:  # guarded by `ready`; kept for a direct call
        raise LookupError("no acceptance recorded")
    acceptance.project = project
    return builders.acceptance_minutes(acceptance)


@dataclass(frozen=True)
class Kind:
    slug: str
    label: Promise
    ready: Callable[[Project], bool]
    # Why the document is not there yet (shown with the 404).
    not_ready: Promise
    build: Callable[[Project], OfficialDocument]


KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in (
        Kind(
            slug="quyet-dinh-phe-duyet",
            label=_("Quyết định phê duyệt đề án"),
            ready=lambda p: p.decision_date is not None and p.approved_support is not None,
            not_ready=_("Đề án chưa được phê duyệt: chưa có quyết định phê duyệt."),
            build=builders.approval_decision,
        ),
        Kind(
            slug="bien-ban-nghiem-thu",
            label=_("Biên bản nghiệm thu"),
            ready=lambda p: _acceptance(p) is not None,
            not_ready=_("Đề án chưa được nghiệm thu: chưa có biên bản nghiệm thu."),
            build=_minutes,
        ),
        Kind(
            slug="bien-ban-thanh-ly",
            label=_("Biên bản thanh lý hợp đồng"),
            ready=lambda p: p.settled_amount is not None,
            not_ready=_("Đề án chưa được quyết toán: chưa thể thanh lý hợp đồng."),
            build=builders.contract_liquidation,
        ),
    )
}


def available(project: Project) -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.ready(project)]
