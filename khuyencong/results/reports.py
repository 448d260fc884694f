"""The 6-month, annual and multi-year reports: their data in one function, and the XLSX and CSV writers.

`report_data` gathers everything a report shows (the PDF layout, when it is wired, reads the same
object); the writers only lay it out. Figures come from `aggregation`, so a report, the dashboard and
the summary API cannot disagree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.money import vnd_words
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.projects.choices import ContentCategory, FundingSource, ProgrammeLevel
from khuyencong.results import aggregation
from khuyencong.results.aggregation import Durability, Figures, Filters
from khuyencong.results.choices import ReportKind, UnitMode
from khuyencong.results.models import Indicator

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class ReportSpec:
    """What to report: a kind and its period, and the dashboard's filters."""

    kind: str
    year: int
    to_year: int | None = None  # multi-year only
    filters: dict[str, Any] = field(default_factory=dict)  # units, unit, fund, level, category, province

    def to_filters(self) -> Filters:
        """The aggregation filters of the period: a 6-month report counts what happened by 30/06."""
        base = {k: v for k, v in self.filters.items() if v not in (None, "")}
        if self.kind == ReportKind.HALF_YEAR:
            params = {**base, "from_year": self.year, "to_year": self.year, "as_of": f"{self.year}-06-30"}
        elif self.kind == ReportKind.ANNUAL:
            params = {**base, "from_year": self.year, "to_year": self.year}
        elif self.kind == ReportKind.MULTI_YEAR:
            params = {**base, "from_year": self.year, "to_year": self.to_year or self.year}
        else:
            from django.core.exceptions import ValidationError

            raise ValidationError({"kind": _("Loại báo cáo không hợp lệ.")})
        return Filters.from_params(params, default_years=(self.year, self.year))

    def title(self) -> str:
        if self.kind == ReportKind.HALF_YEAR:
            return _("Báo cáo kết quả công tác khuyến công 6 tháng đầu năm %(year)s") % {"year": self.year}
        if self.kind == ReportKind.ANNUAL:
            return _("Báo cáo kết quả công tác khuyến công năm %(year)s") % {"year": self.year}
        return _("Báo cáo kết quả công tác khuyến công giai đoạn %(start)s–%(end)s") % {
            "start": self.year,
            "end": self.to_year or self.year,
        }

    def file_stem(self) -> str:
        if self.kind == ReportKind.MULTI_YEAR:
            return f"bao-cao-khuyen-cong-{self.year}-{self.to_year or self.year}"
        suffix = "-6-thang" if self.kind == ReportKind.HALF_YEAR else ""
        return f"bao-cao-khuyen-cong-{self.year}{suffix}"


@dataclass
class Section:
    """One breakdown: a sheet of the workbook, a block of the CSV, a table of the PDF."""

    key: str
    title: str
    first_column: str
    rows: list[Figures]


@dataclass
class ReportData:
    spec: ReportSpec
    title: str
    period: str
    scope: list[str]
    generated_at: dt.datetime
    total: Figures
    sections: list[Section]
    durability: list[Durability]
    recorded: list[Indicator]
    support_in_words: str


def _scope_lines(filters: Filters) -> list[str]:
    lines = [
        str(UnitMode(filters.units).label),
    ]
    if filters.unit:
        unit = AdministrativeUnit.objects.filter(pk=filters.unit).select_related("parent").first()
        if unit:
            lines.append(_("Địa bàn: %(unit)s") % {"unit": unit})
    if filters.fund:
        lines.append(_("Nguồn kinh phí: %(fund)s") % {"fund": FundingSource(filters.fund).label})
    if filters.level:
        lines.append(_("Cấp: %(level)s") % {"level": ProgrammeLevel(filters.level).label})
    if filters.category:
        lines.append(_("Nội dung: %(category)s") % {"category": ContentCategory(filters.category).label})
    if filters.as_of:
        lines.append(_("Số liệu đến ngày %(day)s") % {"day": filters.as_of.strftime("%d/%m/%Y")})
    return lines


SECTIONS: list[tuple[str, Any, Any]] = [
    ("year", gettext_lazy("Theo năm kế hoạch"), gettext_lazy("Năm")),
    ("category", gettext_lazy("Theo nội dung hỗ trợ"), gettext_lazy("Nội dung")),
    ("sector", gettext_lazy("Theo ngành nghề"), gettext_lazy("Ngành nghề")),
    ("level", gettext_lazy("Theo cấp khuyến công"), gettext_lazy("Cấp")),
    ("fund", gettext_lazy("Theo nguồn kinh phí"), gettext_lazy("Nguồn kinh phí")),
    ("unit", gettext_lazy("Theo địa bàn"), gettext_lazy("Địa bàn")),
    ("priority", gettext_lazy("Theo địa bàn ưu tiên"), gettext_lazy("Loại địa bàn")),
]


def report_data(*, user: Any, spec: ReportSpec, progress: Progress | None = None) -> ReportData:
    """Everything a report shows, computed once (the XLSX, the CSV and the PDF read this)."""

    def step(percent: int, text: str) -> None:
        if progress is not None:
            progress(percent, text)

    filters = spec.to_filters()
    step(5, _("Tổng hợp số liệu chung"))
    grouped = {"year", "category", "sector", "level", "unit"}
    sections = []
    # One pass over the projects for the totals and the groupings; a project paid from both funds or in
    # two priority kinds belongs to two rows, so those two breakdowns are counted on their own.
    with aggregation.fact_table(user=user, filters=filters, dimensions=grouped) as facts:
        total = facts.totals()
        for i, (key, title, first) in enumerate(SECTIONS):
            step(10 + 75 * i // len(SECTIONS), str(title))
            if key in grouped:
                rows = facts.group(key)
                rows = aggregation.every_year(rows, filters) if key == "year" else rows
            else:
                rows = aggregation.breakdown(user=user, filters=filters, by=key)
            sections.append(Section(key=key, title=str(title), first_column=str(first), rows=rows))
    step(88, _("Theo dõi sau nghiệm thu"))
    durability = aggregation.durability(user=user, filters=filters)
    period = (
        f"{filters.from_year}"
        if filters.from_year == filters.to_year
        else f"{filters.from_year}–{filters.to_year}"
    )
    return ReportData(
        spec=spec,
        title=spec.title(),
        period=period,
        scope=_scope_lines(filters),
        generated_at=timezone.localtime(),
        total=total,
        sections=sections,
        durability=durability,
        recorded=list(aggregation.recorded_indicators()),
        support_in_words=vnd_words(total.support),
    )


# --- columns ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Figures], Any] | None = None  # None: a formula column
    money: bool = False
    formula: str = ""  # with {row} and the letters of other columns by key, e.g. "={central}{row}+..."
    key: str = ""


def _reader(code: str) -> Callable[[Figures], int]:
    return lambda figures: figures.value(code)


def columns(recorded: list[Indicator]) -> list[Column]:
    cols = [
        Column(_("Số đề án"), lambda f: f.projects, key="projects"),
        Column(_("Kinh phí TW (đồng)"), lambda f: f.central, money=True, key="central"),
        Column(_("Kinh phí tỉnh (đồng)"), lambda f: f.provincial, money=True, key="provincial"),
        Column(
            _("Tổng kinh phí hỗ trợ (đồng)"),
            money=True,
            formula="={central}{row}+{provincial}{row}",
            key="support",
        ),
        Column(_("Vốn đối ứng của cơ sở (đồng)"), lambda f: f.own, money=True, key="own"),
        Column(_("Vốn khác (đồng)"), lambda f: f.other, money=True, key="other"),
        Column(_("Đã giải ngân (đồng)"), lambda f: f.disbursed, money=True, key="disbursed"),
        Column(_("Quyết toán (đồng)"), lambda f: f.settled, money=True, key="settled"),
        Column(_("Số đề án nghiệm thu đạt"), lambda f: f.accepted, key="accepted"),
        Column(_("Lao động có việc làm (người)"), lambda f: f.jobs_created, key="jobs_created"),
        Column(_("Lao động được đào tạo (người)"), lambda f: f.workers_trained, key="workers_trained"),
        Column(_("trong đó nữ"), lambda f: f.trained_women, key="trained_women"),
        Column(
            _("trong đó dân tộc thiểu số"), lambda f: f.trained_ethnic_minority, key="trained_ethnic_minority"
        ),
        Column(_("Cơ sở được hỗ trợ"), lambda f: f.establishments_supported, key="establishments_supported"),
        Column(_("Mô hình trình diễn"), lambda f: f.models, key="models"),
        Column(_("Máy móc, dây chuyền"), lambda f: f.machines, key="machines"),
    ]
    for indicator in recorded:
        cols.append(
            Column(
                f"{indicator.name_vi} ({indicator.unit_vi})",
                _reader(indicator.code),
                money=indicator.is_money,
                key=indicator.code,
            )
        )
    cols += [
        Column(
            _("Kinh phí hỗ trợ / lao động (đồng)"),
            money=True,
            formula='=IF({jobs_created}{row}>0,ROUNDDOWN({support}{row}/{jobs_created}{row},0),"")',
            key="cost_per_job",
        ),
        Column(
            _("Vốn đối ứng / 1 đồng hỗ trợ"),
            formula='=IF({support}{row}>0,ROUND(({own}{row}+{other}{row})/{support}{row},2),"")',
            key="leverage",
        ),
    ]
    return cols


def _cached(col: Column, figures: Figures) -> Any:
    """The value a formula column computes, stored beside the formula for readers that do not calculate."""
    if col.key == "support":
        return figures.support
    if col.key == "cost_per_job":
        return figures.cost_per_job if figures.cost_per_job is not None else ""
    if col.key == "leverage":
        return float(figures.leverage) if figures.leverage is not None else ""
    return col.value(figures) if col.value else ""


# --- XLSX ------------------------------------------------------------------------------------------------


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def write_xlsx(data: ReportData, stream: IO[bytes], *, progress: Progress | None = None) -> None:
    """One sheet per breakdown: a title block, a frozen header, real values, formulas for derived figures
    and totals (with their computed values cached), numbers in the Vietnamese grouping (#,##0 is stored
    locale-free and shown 1.286 by a Vietnamese Excel/LibreOffice)."""
    # Formulas are written with write_formula only; any text (unit and indicator names) stays text.
    book = xlsxwriter.Workbook(stream, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties({"title": data.title, "company": "Trung tâm Khuyến công", "comments": "khuyencong"})
    title = book.add_format({"bold": True, "font_size": 14, "font_name": "Times New Roman"})
    plain = book.add_format({"font_name": "Times New Roman"})
    header = book.add_format(
        {
            "bold": True,
            "text_wrap": True,
            "valign": "vcenter",
            "align": "center",
            "border": 1,
            "bg_color": "#DDE7F0",
            "font_name": "Times New Roman",
        }
    )
    number = book.add_format({"num_format": "#,##0", "border": 1, "font_name": "Times New Roman"})
    ratio = book.add_format({"num_format": "#,##0.00", "border": 1, "font_name": "Times New Roman"})
    label = book.add_format({"border": 1, "font_name": "Times New Roman", "text_wrap": True})
    total_label = book.add_format({"border": 1, "bold": True, "font_name": "Times New Roman"})
    total_number = book.add_format(
        {"num_format": "#,##0", "border": 1, "bold": True, "font_name": "Times New Roman"}
    )
    total_ratio = book.add_format(
        {"num_format": "#,##0.00", "border": 1, "bold": True, "font_name": "Times New Roman"}
    )

    cols = columns(data.recorded)
    letters = {col.key: _letter(i + 2) for i, col in enumerate(cols)}

    def heading(sheet: Any, subtitle: str) -> int:
        sheet.write(0, 0, data.title.upper(), title)
        sheet.write(1, 0, subtitle, plain)
        sheet.write(2, 0, " · ".join(data.scope), plain)
        sheet.write(
            3,
            0,
            _("Lập lúc %(time)s. Đơn vị tiền: đồng.")
            % {"time": data.generated_at.strftime("%d/%m/%Y %H:%M")},
            plain,
        )
        return 5

    # Summary sheet: the key figures as label/value pairs.
    summary = book.add_worksheet(_("Tổng hợp"))
    row = heading(summary, _("Số liệu chính, năm kế hoạch %(period)s") % {"period": data.period})
    summary.write(row, 0, _("Chỉ tiêu"), header)
    summary.write(row, 1, _("Giá trị"), header)
    summary.freeze_panes(row + 1, 0)
    t = data.total
    pairs: list[tuple[str, Any, Any]] = [
        (_("Số đề án"), t.projects, number),
        (_("Kinh phí hỗ trợ từ ngân sách trung ương (đồng)"), t.central, number),
        (_("Kinh phí hỗ trợ từ ngân sách tỉnh (đồng)"), t.provincial, number),
        (_("Tổng kinh phí hỗ trợ (đồng)"), ("=B{0}+B{1}", t.support), number),
        (_("Vốn đối ứng của cơ sở (đồng)"), t.own, number),
        (_("Vốn khác (đồng)"), t.other, number),
        (_("Đã giải ngân (đồng)"), t.disbursed, number),
        (_("Quyết toán (đồng)"), t.settled, number),
        (_("Lao động có việc làm (người)"), t.jobs_created, number),
        (_("Lao động được đào tạo (người)"), t.workers_trained, number),
        (_("trong đó nữ"), t.trained_women, number),
        (_("trong đó dân tộc thiểu số"), t.trained_ethnic_minority, number),
        (_("Cơ sở được hỗ trợ"), t.establishments_supported, number),
        (
            _("Kinh phí hỗ trợ / lao động có việc làm (đồng)"),
            t.cost_per_job if t.cost_per_job is not None else "",
            number,
        ),
        (_("Vốn đối ứng / 1 đồng hỗ trợ"), float(t.leverage) if t.leverage is not None else "", ratio),
        (
            _("Tỷ lệ hỗ trợ vào địa bàn ưu tiên (%)"),
            float(t.priority_share) if t.priority_share is not None else "",
            ratio,
        ),
        (
            _("Chậm hoàn thành bình quân (ngày)"),
            float(t.completion_delay_days) if t.completion_delay_days is not None else "",
            ratio,
        ),
        (
            _("Thời gian từ nghiệm thu đến quyết toán bình quân (ngày)"),
            float(t.settlement_delay_days) if t.settlement_delay_days is not None else "",
            ratio,
        ),
    ]
    first = row + 1
    for i, (name, value, fmt) in enumerate(pairs):
        r = first + i
        summary.write(r, 0, name, label)
        if isinstance(value, tuple):
            summary.write_formula(r, 1, value[0].format(first + 2, first + 3), fmt, value[1])
        else:
            summary.write(r, 1, value, fmt)
    words_row = first + len(pairs) + 1
    summary.write(words_row, 0, _("Tổng kinh phí hỗ trợ bằng chữ"), total_label)
    summary.write(words_row, 1, data.support_in_words, plain)
    summary.set_column(0, 0, 58)
    summary.set_column(1, 1, 24)

    for s_index, section in enumerate(data.sections):
        if progress is not None:
            progress(90 + 8 * s_index // max(len(data.sections), 1), section.title)
        sheet = book.add_worksheet(section.title[:31])
        row = heading(sheet, section.title)
        sheet.write(row, 0, _("Mã"), header)
        sheet.write(row, 1, section.first_column, header)
        for i, col in enumerate(cols):
            sheet.write(row, i + 2, col.title, header)
        sheet.set_row(row, 48)
        sheet.freeze_panes(row + 1, 2)
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, 1, 42)
        sheet.set_column(2, len(cols) + 1, 16)
        start = row + 1
        for j, figures in enumerate(section.rows):
            r = start + j
            excel_row = r + 1
            sheet.write_string(r, 0, str(figures.code), label)
            sheet.write_string(r, 1, figures.label, label)
            for i, col in enumerate(cols):
                fmt = ratio if col.key == "leverage" else number
                if col.formula:
                    sheet.write_formula(
                        r, i + 2, col.formula.format(row=excel_row, **letters), fmt, _cached(col, figures)
                    )
                else:
                    sheet.write_number(r, i + 2, col.value(figures) if col.value else 0, fmt)
        end = start + len(section.rows)
        # Totals: a SUM over each column (a project paid from both funds or in two priority kinds is in
        # two rows there, so those two sheets' sums are not the number of projects).
        sheet.write(end, 1, _("Tổng cộng"), total_label)
        sheet.write(end, 0, "", total_label)
        for i, col in enumerate(cols):
            letter = _letter(i + 2)
            fmt = total_ratio if col.key == "leverage" else total_number
            if col.formula:
                sheet.write_formula(
                    end, i + 2, col.formula.format(row=end + 1, **letters), fmt, _total_cached(col, section)
                )
            else:
                cached = sum(col.value(f) for f in section.rows) if col.value else 0
                sheet.write_formula(end, i + 2, f"=SUM({letter}{start + 1}:{letter}{end})", fmt, cached)
    durability = book.add_worksheet(_("Bền vững")[:31])
    row = heading(durability, _("Theo dõi sau nghiệm thu: kết quả có duy trì không"))
    heads = [
        _("Mốc theo dõi"),
        _("Số lượt kiểm tra"),
        _("Cơ sở còn hoạt động"),
        _("Lao động đã tạo (của các đề án được kiểm tra)"),
        _("Lao động còn làm việc"),
        _("Số đề án có máy bàn giao"),
        _("Máy móc còn sử dụng"),
    ]
    for i, text in enumerate(heads):
        durability.write(row, i, text, header)
    durability.freeze_panes(row + 1, 1)
    durability.set_column(0, 0, 18)
    durability.set_column(1, len(heads), 18)
    for j, d in enumerate(data.durability):
        r = row + 1 + j
        durability.write(r, 0, d.label, label)
        for i, value in enumerate(
            (d.visited, d.operating, d.jobs_created, d.jobs_kept, d.equipment_asked, d.equipment_in_use)
        ):
            durability.write_number(r, i + 1, value, number)
    book.close()


def _total_cached(col: Column, section: Section) -> Any:
    combined = Figures()
    for figures in section.rows:
        for name in ("central", "provincial", "own", "other", "jobs_created"):
            setattr(combined, name, getattr(combined, name) + getattr(figures, name))
    return _cached(col, combined)


# --- CSV -------------------------------------------------------------------------------------------------


def write_csv(data: ReportData, stream: IO[str]) -> None:
    """Every breakdown in one table with the breakdown's name first: UTF-8 with a BOM so Excel reads
    Vietnamese right, plain integers (no grouping) so the numbers stay numbers."""
    cols = columns(data.recorded)
    writer = csv.writer(stream)
    writer.writerow([_("Bảng"), _("Mã"), _("Tên"), *[c.title for c in cols]])

    def cells(figures: Figures) -> list[Any]:
        return [_cached(c, figures) for c in cols]

    writer.writerow([_("Tổng hợp"), "", _("Tổng cộng"), *cells(data.total)])
    for section in data.sections:
        for figures in section.rows:
            writer.writerow([section.title, figures.code, figures.label, *cells(figures)])


def render(data: ReportData, fmt: str, *, progress: Progress | None = None) -> bytes:
    if fmt == "pdf":
        from django.utils import translation

        from khuyencong.results.report_pdf import write_pdf

        # An official document: Vietnamese whatever language the requester's interface is in.
        with translation.override("vi"):
            return write_pdf(data)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(data, buffer, progress=progress)
        return buffer.getvalue()
    text = io.StringIO()
    write_csv(data, text)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def summary_spec(filters: Filters) -> ReportSpec:
    """The report matching the dashboard's filters (a multi-year report over its period)."""
    extra = {
        k: v
        for k, v in filters.as_params().items()
        if k in {"units", "unit", "fund", "level", "category", "province"}
    }
    kind = ReportKind.ANNUAL if filters.from_year == filters.to_year else ReportKind.MULTI_YEAR
    return ReportSpec(kind=kind, year=filters.from_year, to_year=filters.to_year, filters=extra)
