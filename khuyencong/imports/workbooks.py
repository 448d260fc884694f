"""Workbooks the import app hands out: the annotated copy of a checked file, and blank templates.

Both are written with xlsxwriter in constant-memory mode (rows go to disk as they are written), so an
annotated copy of a 100,000-row file costs no more memory than one row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from khuyencong.imports.engine import ImportReport, RowError, kind_for
from khuyencong.imports.reader import FileRejected, display, open_sheet

MAX_COMMENTS = 5000  # Excel slows to a crawl with more; the error column and the list sheet have them all


def annotate(source: Path, report: ImportReport, target: Path) -> Path:
    """A copy of the file's first sheet with its original values, every error cell filled red with the
    message as a comment, a last column "Lỗi" with the row's messages, and a sheet listing every error."""
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for error in report.errors:
        if error.row is not None:
            by_row[error.row].append(error)
    general = [e for e in report.errors if e.row is None]
    workbook = xlsxwriter.Workbook(
        str(target), {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    bad = workbook.add_format({"bg_color": "#F8D7DA", "font_color": "#842029"})
    note = workbook.add_format({"font_color": "#842029", "text_wrap": False})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet(_("Dữ liệu"))
    listing = workbook.add_worksheet(_("Danh sách lỗi"))
    width = len(report.columns)
    comments = 0
    try:
        data = open_sheet(source)
    except FileRejected:
        data = None
    if data is not None:
        try:
            for number, cells in data.rows:
                row = number - 1
                width = max(width, len(cells))
                errors = by_row.get(number, [])
                marked = {e.col: e for e in errors if e.col is not None}
                for col, value in enumerate(cells):
                    style = bad if col in marked else None
                    if isinstance(value, dt.datetime | dt.date):
                        sheet.write_datetime(
                            row,
                            col,
                            value
                            if isinstance(value, dt.datetime)
                            else dt.datetime.combine(value, dt.time()),
                            bad if style else date_format,
                        )
                    elif isinstance(value, bool):
                        sheet.write_boolean(row, col, value, style)
                    elif isinstance(value, int | float):
                        sheet.write_number(row, col, value, style)
                    elif value in (None, ""):
                        if style:
                            sheet.write_blank(row, col, None, style)
                    else:
                        sheet.write_string(row, col, display(value), style)
                    if col in marked and comments < MAX_COMMENTS:
                        messages = "\n".join(e.message for e in errors if e.col == col)
                        sheet.write_comment(row, col, messages[:30000], {"x_scale": 3, "y_scale": 2})
                        comments += 1
                for col in marked:
                    if col is not None and col >= len(cells):
                        sheet.write_blank(row, col, None, bad)
                if number == report.header_row:
                    sheet.write_string(row, width_hint(report), _("Lỗi"), bold)
                elif errors:
                    text = "\n".join(f"{e.column}: {e.message}" if e.column else e.message for e in errors)
                    sheet.write_string(row, width_hint(report), text[:32000], note)
        finally:
            data.close()
    listing.write_row(0, 0, [_("Dòng"), _("Ô"), _("Cột"), _("Giá trị"), _("Lỗi")], bold)
    for index, error in enumerate([*general, *[e for e in report.errors if e.row is not None]], start=1):
        listing.write_row(index, 0, [error.row or "", error.cell, error.column, error.value, error.message])
    listing.set_column(0, 1, 8)
    listing.set_column(2, 3, 24)
    listing.set_column(4, 4, 90)
    workbook.close()
    return target


def width_hint(report: ImportReport) -> int:
    """The error column: just right of the header's last column."""
    return max(len(report.columns), 1)


# --- templates ---------------------------------------------------------------------------------------


def template(kind: str, target: Path) -> Path:
    """A blank file for `kind`: the header as the importer reads it, a notes row of help, and dropdowns
    (data validation) for every category and for the province's communes, from a hidden list sheet."""
    from khuyencong.geo.selectors import commune_choices

    spec = kind_for(kind)
    columns = [c for c in spec.columns if c.kind not in ("ignore",)]
    workbook = xlsxwriter.Workbook(str(target))
    head = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    required = workbook.add_format(
        {"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True, "valign": "top"}
    )
    with override("vi"):
        sheet = workbook.add_worksheet(_("Dữ liệu"))
        lists = workbook.add_worksheet(_("Danh mục"))
        guide = workbook.add_worksheet(_("Hướng dẫn"))
        list_col = 0
        rows = settings.KHUYENCONG_IMPORT_MAX_ROWS
        for col, column in enumerate(columns):
            sheet.write_string(0, col, column.header(), required if column.required else head)
            sheet.set_column(col, col, 22)
            options: list[str] = []
            if column.kind == "choice" and column.choices is not None:
                options = [str(label) for code, label in column.choices() if code]
            elif column.kind == "bool":
                options = [_("Có"), _("Không")]
            elif column.kind == "commune":
                options = [u.name for u in commune_choices(province_code=settings.KHUYENCONG_PROVINCE)]
            if options:
                lists.write_string(0, list_col, column.header())
                for r, option in enumerate(options, start=1):
                    lists.write_string(r, list_col, option)
                letter = xlsxwriter.utility.xl_col_to_name(list_col)
                sheet.data_validation(
                    1,
                    col,
                    rows,
                    col,
                    {
                        "validate": "list",
                        "source": f"='{lists.get_name()}'!${letter}$2:${letter}${len(options) + 1}",
                        "error_type": "warning" if column.kind == "commune" else "stop",
                        "error_title": column.header(),
                        "error_message": _("Hãy chọn trong danh sách."),
                    },
                )
                list_col += 1
            elif column.kind == "date":
                sheet.set_column(col, col, 14, workbook.add_format({"num_format": "dd/mm/yyyy"}))
        sheet.freeze_panes(1, 0)
        lists.hide()
        guide.set_column(0, 0, 110)
        lines = [
            _("Mẫu nhập: %(kind)s") % {"kind": _kind_label(kind)},
            _(
                "Mỗi dòng một bản ghi, bắt đầu ngay dưới dòng tiêu đề; không gộp ô, không dùng công thức, không thêm dòng tiêu đề thứ hai."
            ),
            _(
                "Cột tô cam là bắt buộc. Ô để trống: bản ghi mới lấy giá trị mặc định, bản ghi đã có giữ nguyên giá trị cũ."
            ),
            _(
                "Số tiền ghi 1.286.000.000 hoặc 1,5 tỷ; “1,286” không rõ nghĩa sẽ bị báo để sửa. Ngày ghi dd/mm/yyyy."
            ),
            _(
                "Xã/phường: chọn tên hiện nay; tên trước 01/07/2025 cũng được nhận (ghi thêm huyện nếu trùng tên)."
            ),
            _(
                "Bản ghi đã có được nhận ra theo mã (mã đề án, mã số thuế) và được cập nhật; nhập lại cùng tệp không tạo bản ghi mới."
            ),
        ]
        for r, line in enumerate(lines):
            guide.write_string(r, 0, line)
    workbook.close()
    return target


def _kind_label(kind: str) -> str:
    from khuyencong.imports.choices import ImportKind

    return str(ImportKind(kind).label)


def content_type() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


__all__: list[Any] = ["annotate", "content_type", "template"]
