"""The appraisal minutes (biên bản thẩm định): what the council did, as data, then as a workbook.

`minutes_data` gathers everything the minutes state into plain dataclasses; `minutes_xlsx` lays them
out with XlsxWriter. A PDF or DOCX version (khuyencong.paperwork) renders the same `Minutes`.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.appraisal import scoring, selectors
from khuyencong.appraisal.choices import CellState, CouncilStatus, Outcome
from khuyencong.appraisal.models import Council, Score


@dataclass(frozen=True)
class MemberLine:
    name: str
    position: str
    took_part: bool  # declared on at least one proposal


@dataclass(frozen=True)
class ConflictLine:
    member: str
    project_code: str
    reason: str
    declared_at: dt.datetime


@dataclass(frozen=True)
class MemberTotal:
    member: str
    state: str  # CellState label
    total: Decimal | None  # only for a submitted sheet


@dataclass(frozen=True)
class CriterionMean:
    code: str
    label: str
    max_points: int
    weight: int
    mean_points: Decimal | None  # over the valid (submitted, not conflicted) sheets


@dataclass(frozen=True)
class ProposalMinutes:
    code: str
    title: str
    beneficiaries: str
    place: str
    requested_support: int
    totals: list[MemberTotal]
    criterion_means: list[CriterionMean]
    valid_sheets: int
    excluded_members: list[str]  # conflicted, left out of the mean
    mean: Decimal | None
    spread: Decimal | None
    flagged: bool
    final_score: Decimal | None  # what the conclusion wrote to the project
    outcome: str  # Outcome label, or '' while not concluded
    reason: str
    concluded_at: dt.datetime | None


@dataclass(frozen=True)
class Minutes:
    council: str
    plan_year: int
    level: str
    call: str
    decision_reference: str
    status: str
    is_final: bool  # the council has closed; otherwise the minutes are a draft
    is_demo: bool
    criteria_set: str
    criteria_basis: str
    criteria_verified: bool
    criteria_note: str
    threshold: int
    minimum: int
    members: list[MemberLine]
    conflicts: list[ConflictLine]
    proposals: list[ProposalMinutes]
    generated_at: dt.datetime


def minutes_data(council: Council) -> Minutes:
    state = selectors.progress(council)
    criteria = selectors.criteria_of(council)
    sheet_ids = [
        cell.sheet.pk
        for row in state.rows
        for cell in row.cells
        if cell.state == CellState.SUBMITTED and cell.sheet
    ]
    points: dict[tuple[int, int], int] = {
        (s.sheet_id, s.criterion_id): s.points
        for s in Score.objects.filter(sheet_id__in=sheet_ids)
        if s.points is not None
    }
    took_part = {cell.member.pk for row in state.rows for cell in row.cells if cell.declaration is not None}
    conflicts: list[ConflictLine] = []
    proposals: list[ProposalMinutes] = []
    for row in state.rows:
        project, assignment = row.project, row.assignment
        valid = [c.sheet.pk for c in row.cells if c.state == CellState.SUBMITTED and c.sheet is not None]
        for cell in row.conflicted:
            assert cell.declaration is not None
            conflicts.append(
                ConflictLine(
                    member=cell.member.name,
                    project_code=project.code,
                    reason=cell.declaration.reason,
                    declared_at=cell.declaration.declared_at,
                )
            )
        means = []
        for criterion in criteria:
            given = [Decimal(points[(pk, criterion.pk)]) for pk in valid if (pk, criterion.pk) in points]
            means.append(
                CriterionMean(
                    code=criterion.code,
                    label=criterion.label,
                    max_points=criterion.max_points,
                    weight=criterion.weight,
                    mean_points=scoring.mean(given),
                )
            )
        proposals.append(
            ProposalMinutes(
                code=project.code,
                title=project.title,
                beneficiaries="; ".join(b.name for b in project.beneficiaries.all()),
                place=str(project.unit),
                requested_support=project.requested_support,
                totals=[
                    MemberTotal(member=c.member.name, state=str(c.state.label), total=c.total)
                    for c in row.cells
                ],
                criterion_means=means,
                valid_sheets=len(row.totals),
                excluded_members=[c.member.name for c in row.conflicted],
                mean=row.mean,
                spread=row.spread,
                flagged=row.flagged,
                final_score=project.appraisal_score if assignment.is_concluded else None,
                outcome=str(Outcome(assignment.outcome).label) if assignment.outcome else "",
                reason=assignment.reason,
                concluded_at=assignment.concluded_at,
            )
        )
    criteria_set = council.criteria_set
    return Minutes(
        council=council.name,
        plan_year=council.plan_year,
        level=str(council.get_level_display()),
        call=council.call.title if council.call else "",
        decision_reference=council.decision_reference,
        status=str(council.get_status_display()),
        is_final=council.status == CouncilStatus.CLOSED,
        is_demo=council.is_demo,
        criteria_set=criteria_set.name,
        criteria_basis=criteria_set.legal_basis,
        criteria_verified=criteria_set.verified,
        criteria_note=criteria_set.note,
        threshold=state.threshold,
        minimum=state.minimum,
        members=[
            MemberLine(name=m.name, position=str(m.get_position_display()), took_part=m.pk in took_part)
            for m in state.members
        ],
        conflicts=conflicts,
        proposals=proposals,
        generated_at=timezone.now(),
    )


def _number(value: Decimal | None) -> float | str:
    """XLSX keeps numbers as doubles; two decimals are shown, the value stays a number for sorting."""
    return float(value) if value is not None else ""


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def minutes_xlsx(minutes: Minutes) -> bytes:
    """The minutes as a workbook: the record itself, then the mean of each criterion per proposal."""
    buffer = io.BytesIO()
    # Titles, names and reasons are typed by people: a leading "=" must stay text, never run as a formula.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True})
    head = book.add_format(
        {"bold": True, "bg_color": "#E8F1FB", "border": 1, "text_wrap": True, "valign": "top"}
    )
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    score = book.add_format({"border": 1, "num_format": "0.00", "valign": "top"})
    money = book.add_format({"border": 1, "num_format": "#,##0", "valign": "top"})
    flag = book.add_format(
        {"border": 1, "bold": True, "font_color": "#A5141B", "text_wrap": True, "valign": "top"}
    )
    warn = book.add_format({"italic": True, "font_color": "#7A4B00", "text_wrap": True})

    sheet = book.add_worksheet(_("Biên bản"))
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 44)
    sheet.set_column(2, 12, 16)
    row = 0
    heading = _("BIÊN BẢN THẨM ĐỊNH ĐỀ ÁN KHUYẾN CÔNG")
    if not minutes.is_final:
        heading += " " + _("(DỰ THẢO)")
    sheet.write(row, 0, heading, title)
    row += 2
    facts = [
        (_("Hội đồng"), minutes.council),
        (_("Năm kế hoạch"), str(minutes.plan_year)),
        (_("Cấp khuyến công"), minutes.level),
        (_("Đợt xét chọn"), minutes.call or "—"),
        (_("Quyết định thành lập"), minutes.decision_reference or _("(chưa ghi)")),
        (_("Trạng thái hội đồng"), minutes.status),
        (_("Bộ tiêu chí"), minutes.criteria_set),
        (_("Căn cứ"), minutes.criteria_basis),
        (
            _("Ngưỡng chênh lệch"),
            _("Đánh dấu khi điểm tổng của các thành viên chênh nhau quá %(points)s điểm")
            % {"points": minutes.threshold},
        ),
        (_("Số phiếu tối thiểu"), str(minutes.minimum)),
        (_("Lập lúc"), _local(minutes.generated_at)),
    ]
    for label, value in facts:
        sheet.write(row, 0, label, bold)
        sheet.write(row, 1, value)
        row += 1
    if not minutes.criteria_verified:
        sheet.write(row, 0, _("Bộ tiêu chí chưa đối chiếu văn bản gốc: trọng số là giả định."), warn)
        row += 1
    if minutes.is_demo:
        sheet.write(row, 0, _("Dữ liệu minh hoạ."), warn)
        row += 1

    row += 1
    sheet.write(row, 0, _("I. Thành viên hội đồng"), bold)
    row += 1
    for col, text in enumerate([_("Họ và tên"), _("Chức danh"), _("Tham gia chấm")]):
        sheet.write(row, col, text, head)
    row += 1
    for member in minutes.members:
        sheet.write(row, 0, member.name, cell)
        sheet.write(row, 1, member.position, cell)
        sheet.write(row, 2, _("Có") if member.took_part else _("Không"), cell)
        row += 1

    row += 1
    sheet.write(row, 0, _("II. Khai báo xung đột lợi ích"), bold)
    row += 1
    if minutes.conflicts:
        for col, text in enumerate([_("Thành viên"), _("Đề án"), _("Lý do"), _("Thời điểm khai báo")]):
            sheet.write(row, col, text, head)
        row += 1
        for conflict in minutes.conflicts:
            sheet.write(row, 0, conflict.member, cell)
            sheet.write(row, 1, conflict.project_code, cell)
            sheet.write(row, 2, conflict.reason, cell)
            sheet.write(row, 3, _local(conflict.declared_at), cell)
            row += 1
        sheet.write(
            row,
            0,
            _(
                "Thành viên có xung đột lợi ích không chấm và không được tính vào điểm trung bình của đề án đó."
            ),
            warn,
        )
        row += 1
    else:
        sheet.write(row, 0, _("Không thành viên nào khai báo xung đột lợi ích."))
        row += 1

    row += 1
    sheet.write(row, 0, _("III. Điểm tổng của từng thành viên và kết luận"), bold)
    row += 1
    names = [m.name for m in minutes.members]
    header = [
        _("Mã đề án"),
        _("Tên đề án"),
        *names,
        _("Số phiếu hợp lệ"),
        _("Điểm trung bình"),
        _("Chênh lệch"),
        _("Cảnh báo"),
        _("Điểm thẩm định"),
        _("Kết luận"),
        _("Ý kiến kết luận"),
    ]
    for col, text in enumerate(header):
        sheet.write(row, col, text, head)
    row += 1
    for proposal in minutes.proposals:
        sheet.write(row, 0, proposal.code, cell)
        sheet.write(row, 1, proposal.title, cell)
        col = 2
        for total in proposal.totals:
            if total.total is not None:
                sheet.write_number(row, col, float(total.total), score)
            else:
                sheet.write(row, col, total.state, cell)
            col += 1
        sheet.write_number(row, col, proposal.valid_sheets, cell)
        sheet.write(row, col + 1, _number(proposal.mean), score)
        sheet.write(row, col + 2, _number(proposal.spread), score)
        sheet.write(row, col + 3, _("Chênh lệch lớn") if proposal.flagged else "", flag)
        sheet.write(row, col + 4, _number(proposal.final_score), score)
        sheet.write(row, col + 5, proposal.outcome or _("Chưa kết luận"), cell)
        sheet.write(row, col + 6, proposal.reason, cell)
        row += 1

    detail = book.add_worksheet(_("Điểm theo tiêu chí"))
    detail.set_column(0, 0, 16)
    detail.set_column(1, 1, 60)
    detail.set_column(2, 5, 14)
    line = 0
    for proposal in minutes.proposals:
        detail.write(line, 0, f"{proposal.code} · {proposal.title}", bold)
        line += 1
        detail.write(line, 0, _("Cơ sở thụ hưởng"))
        detail.write(line, 1, proposal.beneficiaries or "—")
        line += 1
        detail.write(line, 0, _("Địa điểm"))
        detail.write(line, 1, proposal.place)
        line += 1
        detail.write(line, 0, _("Hỗ trợ đề nghị (đồng)"))
        detail.write_number(line, 1, proposal.requested_support, money)
        line += 1
        if proposal.excluded_members:
            detail.write(line, 0, _("Không tính (xung đột lợi ích)"))
            detail.write(line, 1, ", ".join(proposal.excluded_members))
            line += 1
        for col, text in enumerate(
            [_("Mã tiêu chí"), _("Tiêu chí"), _("Thang điểm"), _("Trọng số"), _("Điểm trung bình")]
        ):
            detail.write(line, col, text, head)
        line += 1
        for mean in proposal.criterion_means:
            detail.write(line, 0, mean.code, cell)
            detail.write(line, 1, mean.label, cell)
            detail.write_number(line, 2, mean.max_points, cell)
            detail.write_number(line, 3, mean.weight, cell)
            detail.write(line, 4, _number(mean.mean_points), score)
            line += 1
        line += 1
    book.close()
    return buffer.getvalue()
