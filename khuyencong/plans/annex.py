"""The plan's list of projects in the layout of a provincial decision's annex (phụ lục quyết định).

`annex_rows` builds the table once (number, project, beneficiary, place, content, total cost, support by
source, note); `annex_xlsx` writes it with XlsxWriter and `annex_document` describes it as an official
document that paperwork renders as PDF or DOCX.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import xlsxwriter
from django.utils.translation import gettext as _

from khuyencong.core.money import group
from khuyencong.paperwork import letterhead
from khuyencong.paperwork.document import Column, OfficialDocument, Row, Table, italic, para
from khuyencong.plans import explain
from khuyencong.plans.models import AnnualPlan, Scenario
from khuyencong.plans.selectors import scenario_lines
from khuyencong.projects.choices import FundingSource, ProgrammeLevel


@dataclass(frozen=True)
class AnnexRow:
    number: int
    code: str
    title: str
    beneficiary: str
    place: str
    content: str
    total_cost: int
    support: dict[str, int]  # fund -> đồng
    total_support: int
    note: str


@dataclass(frozen=True)
class Annex:
    heading: str  # "PHỤ LỤC"
    title: str  # "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026"
    subtitle: str  # "(Kèm theo Quyết định số … ngày …)" or the draft's scenario
    unit_note: str  # "Đơn vị tính: đồng"
    funds: list[tuple[str, str]]  # (code, column label)
    rows: list[AnnexRow]
    totals: dict[str, int] = field(default_factory=dict)
    total_cost: int = 0
    total_support: int = 0


def annex_rows(plan: AnnualPlan, scenario: Scenario | None = None) -> Annex:
    """The annex of the plan's chosen scenario (or of the one given), in project-code order."""
    scenario = scenario or plan.chosen_scenario
    if scenario is None:
        raise ValueError("the plan has no chosen scenario")
    lines = [line for line in scenario_lines(scenario).order_by("project__code_key") if line.selected]
    labels = {
        FundingSource.CENTRAL: _("Ngân sách trung ương"),
        FundingSource.PROVINCIAL: _("Ngân sách tỉnh"),
    }
    main = FundingSource.CENTRAL if plan.level == ProgrammeLevel.NATIONAL else FundingSource.PROVINCIAL
    used = {f for line in lines for f, amount in line.amounts().items() if amount}
    funds = [
        (str(f), str(labels[f]))
        for f in (FundingSource.PROVINCIAL, FundingSource.CENTRAL)
        if f in used or f == main
    ]
    rows = []
    for number, line in enumerate(lines, start=1):
        project = line.project
        note = ""
        if line.fixed:
            note = _("Đã phê duyệt tại quyết định số %(number)s") % {"number": project.decision_number}
        elif line.partial:
            note = _("Hỗ trợ một phần (đề nghị %(requested)s)") % {"requested": explain.money(line.requested)}
        rows.append(
            AnnexRow(
                number=number,
                code=project.code,
                title=project.title,
                beneficiary="; ".join(b.name for b in project.beneficiaries.all())
                or project.implementing_unit,
                place=str(project.unit),
                content=str(project.get_category_display()),
                total_cost=project.total_cost,
                support={f: line.amounts().get(f, 0) for f, _label in funds},
                total_support=line.funded,
                note=str(note),
            )
        )
    level = ProgrammeLevel(plan.level).label.upper()
    if plan.decision_number and plan.decision_date:
        subtitle = _("(Kèm theo Quyết định số %(number)s ngày %(day)s)") % {
            "number": plan.decision_number,
            "day": plan.decision_date.strftime("%d/%m/%Y"),
        }
    else:
        subtitle = _("(Dự thảo — phương án “%(name)s”)") % {"name": scenario.name}
    return Annex(
        heading=str(_("PHỤ LỤC")),
        title=str(_("DANH MỤC ĐỀ ÁN %(level)s NĂM %(year)s") % {"level": level, "year": plan.year}),
        subtitle=str(subtitle),
        unit_note=str(_("Đơn vị tính: đồng")),
        funds=funds,
        rows=rows,
        totals={f: sum(r.support[f] for r in rows) for f, _label in funds},
        total_cost=sum(r.total_cost for r in rows),
        total_support=sum(r.total_support for r in rows),
    )


def vn_number_format(amount: int) -> str:
    """An Excel number format that shows `amount` grouped with dots, whatever the reader's locale.

    Excel takes the thousands separator from the computer it runs on, so '#,##0' shows 1,286,000 on an
    English system. A literal dot between digit groups does not depend on the locale; the format is
    chosen per cell for the number of digits it has, and the cell keeps its numeric value for sums.
    """
    groups = (len(str(abs(amount))) - 1) // 3
    return "#" + "\\.000" * groups if groups else "0"


def annex_xlsx(annex: Annex) -> bytes:
    """The annex as an .xlsx workbook: landscape A4, Times New Roman, headings repeated on each page."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(str(_("Phụ lục")))
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "vcenter"}
    plain = book.add_format({**base, "text_wrap": True, "border": 1})
    centred = book.add_format({**base, "text_wrap": True, "border": 1, "align": "center"})
    header = book.add_format({**base, "bold": True, "text_wrap": True, "border": 1, "align": "center"})
    heading = book.add_format({**base, "bold": True, "align": "center", "font_size": 13})
    italic = book.add_format({**base, "italic": True, "align": "center"})
    right = book.add_format({**base, "italic": True, "align": "right"})
    total_label = book.add_format({**base, "bold": True, "border": 1, "align": "center"})
    formats: dict[tuple[str, bool], xlsxwriter.format.Format] = {}

    def money_format(amount: int, *, bold: bool = False) -> xlsxwriter.format.Format:
        pattern = vn_number_format(amount)
        if (pattern, bold) not in formats:
            formats[(pattern, bold)] = book.add_format(
                {**base, "border": 1, "align": "right", "num_format": pattern, "bold": bold}
            )
        return formats[(pattern, bold)]

    fund_cols = len(annex.funds)
    last = 6 + fund_cols + 1  # STT..total cost (0..5), funds, total support, note
    sheet.merge_range(0, 0, 0, last, annex.heading, heading)
    sheet.merge_range(1, 0, 1, last, annex.title, heading)
    sheet.merge_range(2, 0, 2, last, annex.subtitle, italic)
    sheet.merge_range(3, 0, 3, last, annex.unit_note, right)
    top, sub = 5, 6
    for col, label in enumerate(
        [_("STT"), _("Tên đề án"), _("Đơn vị thụ hưởng"), _("Địa điểm thực hiện"), _("Nội dung hỗ trợ")]
    ):
        sheet.merge_range(top, col, sub, col, str(label), header)
    sheet.merge_range(top, 5, sub, 5, str(_("Tổng kinh phí thực hiện")), header)
    sheet.merge_range(top, 6, top, 6 + fund_cols, str(_("Kinh phí hỗ trợ")), header)
    for i, (_code, label) in enumerate(annex.funds):
        sheet.write(sub, 6 + i, label, header)
    sheet.write(sub, 6 + fund_cols, str(_("Tổng")), header)
    sheet.merge_range(top, last, sub, last, str(_("Ghi chú")), header)
    row = sub + 1
    first = row
    for r in annex.rows:
        sheet.write_number(row, 0, r.number, centred)
        sheet.write_string(row, 1, f"{r.title} ({r.code})", plain)
        sheet.write_string(row, 2, r.beneficiary, plain)
        sheet.write_string(row, 3, r.place, plain)
        sheet.write_string(row, 4, r.content, plain)
        sheet.write_number(row, 5, r.total_cost, money_format(r.total_cost))
        for i, (code, _label) in enumerate(annex.funds):
            sheet.write_number(row, 6 + i, r.support[code], money_format(r.support[code]))
        sheet.write_number(row, 6 + fund_cols, r.total_support, money_format(r.total_support))
        sheet.write_string(row, last, r.note, plain)
        row += 1
    sheet.merge_range(row, 0, row, 4, str(_("Tổng cộng")), total_label)

    def column_sum(col: int, value: int) -> None:
        name = xlsxwriter.utility.xl_col_to_name(col)
        formula = f"=SUM({name}{first + 1}:{name}{row})" if annex.rows else "=0"
        sheet.write_formula(row, col, formula, money_format(value, bold=True), value)

    column_sum(5, annex.total_cost)
    for i, (code, _label) in enumerate(annex.funds):
        column_sum(6 + i, annex.totals[code])
    column_sum(6 + fund_cols, annex.total_support)
    sheet.write_blank(row, last, None, plain)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 3, 26)
    sheet.set_column(4, 4, 24)
    sheet.set_column(5, 6 + fund_cols, 17)
    sheet.set_column(last, last, 22)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(top, sub)
    book.close()
    return buffer.getvalue()


def annex_document(plan: AnnualPlan, table: Annex) -> OfficialDocument:
    """The same annex as an official document (PDF/DOCX through paperwork), amounts in figures.

    It carries the plan's decision number when the plan is approved, and a blank number line before
    that. The issuing body is the one that approves the programme's projects (`letterhead.decision`),
    a setting the province confirms.
    """
    head = letterhead.decision(plan.level)
    funds = table.funds
    fixed = 5 + 14 + 11 + 11 + 10 + 9  # STT, beneficiary, place, content, total cost, total support
    fund_width = 9
    columns = (
        Column("STT", 5, "center"),
        Column("Đề án", 100 - fixed - fund_width * len(funds)),
        Column("Cơ sở thụ hưởng", 14),
        Column("Địa điểm", 11),
        Column("Nội dung", 11),
        Column("Tổng kinh phí", 10, "right"),
        *(Column(label, fund_width, "right") for _code, label in funds),
        Column("Tổng hỗ trợ", 9, "right"),
    )
    rows = [
        Row(
            (
                str(row.number),
                f"{row.code} — {row.title}" + (f" ({row.note})" if row.note else ""),
                row.beneficiary,
                row.place,
                row.content,
                group(row.total_cost),
                *(group(row.support[code]) for code, _label in funds),
                group(row.total_support),
            )
        )
        for row in table.rows
    ]
    rows.append(
        Row(
            (
                "",
                "Tổng cộng",
                "",
                "",
                "",
                group(table.total_cost),
                *(group(table.totals[code]) for code, _label in funds),
                group(table.total_support),
            ),
            bold=True,
        )
    )
    approved = bool(plan.decision_number and plan.decision_date)
    return OfficialDocument(
        issuer=head.issuer,
        kind=table.heading,
        kind_code="QĐ",
        number=plan.decision_number if approved else "",
        place=head.place,
        date=plan.decision_date if approved else None,
        title=f"{table.title}\n{table.subtitle}",
        body=(para(italic(table.unit_note), align="right", indent=False), Table(columns, tuple(rows))),
        signatures=(head.signature,),
        name=f"Phụ lục kế hoạch {plan.year} lần {plan.revision}",
    )
