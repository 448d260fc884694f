"""The columns of the results' lists (follow-ups due, indicator catalogue, a project's recorded values),
declared once for the page and its XLSX/CSV downloads."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.core.export import Column, Table
from khuyencong.results.models import Indicator, IndicatorValue
from khuyencong.results.selectors import DueFollowUp


def follow_ups(*, may_record: bool) -> Table[DueFollowUp]:
    """The follow-ups due; an officer who records them also gets a link per row on the page."""
    record: list[Column[DueFollowUp]] = [
        Column(
            "",
            lambda d: _("Ghi kết quả"),
            link=lambda d: reverse(
                "results:follow_up", kwargs={"code": d.project.code_key, "months": d.months.value}
            ),
            export=False,
        )
    ]
    return Table(
        name="theo-doi-sau-nghiem-thu",
        title=_("Theo dõi sau nghiệm thu đến hạn"),
        columns=[
            Column(
                _("Đề án"),
                lambda d: d.project.code,
                link=lambda d: reverse("results:project", kwargs={"code": d.project.code_key}),
                width=16,
            ),
            Column(_("Tên đề án"), lambda d: d.project.title, width=50),
            Column(_("Địa điểm"), lambda d: str(d.project.unit), width=30),
            Column(_("Nghiệm thu"), lambda d: d.project.acceptance.held_on, kind="date"),
            Column(_("Mốc"), lambda d: d.months.label, width=16),
            Column(
                _("Đến hạn"),
                lambda d: d.due_on,
                kind="date",
                note=lambda d: _("quá hạn") if d.overdue else None,
            ),
            *(record if may_record else []),
        ],
    )


CATALOGUE: Table[Indicator] = Table(
    name="danh-muc-chi-tieu",
    title=_("Danh mục chỉ tiêu"),
    columns=[
        Column(_("Mã"), lambda i: i.code, width=26),
        Column(
            _("Tên"),
            lambda i: f"{i.name} ({_('tách theo nữ, dân tộc thiểu số')})" if i.disaggregated else i.name,
            width=50,
        ),
        Column(_("Đơn vị tính"), lambda i: i.unit, width=14),
        Column(_("Cách tổng hợp"), lambda i: i.get_rule_display(), width=30),
        Column(_("Nguồn số liệu"), lambda i: i.get_origin_display(), width=26),
    ],
)


def project_values(*, locked_ids: set[int]) -> Table[IndicatorValue]:
    """A project's values recorded period by period; `locked_ids` are those an acceptance has locked."""
    return Table(
        name="ket-qua-theo-ky",
        title=_("Số liệu ghi nhận theo kỳ"),
        columns=[
            Column(_("Chỉ tiêu"), lambda v: v.indicator.name, width=40),
            Column(_("Từ ngày"), lambda v: v.period_start, kind="date"),
            Column(_("Đến ngày"), lambda v: v.period_end, kind="date"),
            Column(_("Giá trị"), lambda v: v.value, kind="int", width=16),
            Column(_("Đơn vị tính"), lambda v: v.indicator.unit, width=12),
            Column(_("Nữ"), lambda v: v.women, kind="int", width=10),
            Column(_("DTTS"), lambda v: v.ethnic_minority, kind="int", width=10),
            Column(_("Nguồn"), lambda v: v.get_source_display(), width=24),
            Column(
                _("Minh chứng"),
                lambda v: v.evidence.title if v.evidence_id else None,
                link=lambda v: v.evidence.get_absolute_url() if v.evidence_id else None,
                width=30,
            ),
            Column(_("Khoá"), lambda v: _("đã khoá") if v.pk in locked_ids else None, width=10),
        ],
    )
