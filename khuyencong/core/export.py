"""Lists as spreadsheets: one declaration of a list's columns draws the page's table and its downloads.

A list declares its columns once, as (header, accessor, kind). The page renders its table from that
declaration (`core/partials/list_table.html`), and `?format=xlsx` or `?format=csv` on the list's own URL
answers the same rows, read by the same selector with the same scope and filters, as a workbook or a CSV
file. So a download never shows another column, or a record the page would not.

- XLSX: xlsxwriter in constant-memory mode (rows go to a temporary file as they are written, so a large
  list does not sit in memory), a bold frozen header with a filter, real numbers and dates. `#,##0` is
  stored locale-free and shown `1.286.000` by a Vietnamese Excel or LibreOffice; dates `dd/mm/yyyy`.
- CSV: UTF-8 with a byte-order mark (Excel reads Vietnamese right only with it), streamed row by row;
  plain integers (no grouping, so numbers stay numbers), dates `07/08/2012`, times in Vietnam time.
- Text is always written as text: a cell that starts like a formula (`=`, `+`, `-`, `@`) is never run
  by Excel (xlsx: written as a string; csv: prefixed with an apostrophe, the usual guard).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from khuyencong.core import money

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

T = TypeVar("T")
# int: a count, grouped (1.286); year: an integer without grouping (2012); money: integer đồng.
Kind = Literal["text", "int", "year", "money", "date", "datetime"]
FORMATS = ("xlsx", "csv")
FORMAT_PARAM = "format"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows fetched per query when streaming a queryset (its prefetches run once per chunk).
CHUNK = 2000
# Characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column of a list: its header, how to read its value from a row, and what kind of value it is.

    `link` dresses the page's cell only; `note` is a mark after the value ("minh hoạ", "chưa đối chiếu
    văn bản gốc"), shown on the page and, for a text column, carried into the files in parentheses so a
    spreadsheet says what the page says. `export=False` is for a page-only column of actions.
    """

    header: StrOrPromise
    value: Callable[[T], Any]
    kind: Kind = "text"
    link: Callable[[T], str | None] | None = None
    note: Callable[[T], StrOrPromise | None] | None = None
    empty: str = ""
    width: int = 18
    export: bool = True

    @property
    def right(self) -> bool:
        """Right-aligned on the page: amounts and counts (a year reads as a label)."""
        return self.kind in ("int", "money")

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "year", "money")

    def read(self, row: T) -> Any:
        value = self.value(row)
        return None if value == "" else value

    def exported(self, row: T) -> Any:
        """The value a file holds: the page's value, with its note when the column is text."""
        value = self.read(row)
        note = self.note(row) if self.note and self.kind == "text" else None
        if note:
            return f"{value} ({note})" if value is not None else str(note)
        return value

    def text(self, row: T) -> str:
        """The value as the page shows it: 1.286.000 ₫, 1.286, 07/08/2012, 07/08/2012 14:30."""
        value = self.read(row)
        if value is None:
            return self.empty
        if self.kind == "money":
            return money.vnd(int(value))
        if self.kind == "int":
            return money.group(int(value))
        if self.kind == "year":
            return str(int(value))
        if self.kind == "datetime":
            return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
        if self.kind == "date":
            return value.strftime("%d/%m/%Y")
        return str(value)

    def html(self, row: T) -> SafeString:
        """The page's `<td>`: the text, linked and marked as the column says."""
        content = format_html("{}", self.text(row))
        url = self.link(row) if self.link else None
        if url:
            content = format_html('<a href="{}">{}</a>', url, content)
        note = self.note(row) if self.note else None
        if note:
            content = format_html('{} <mark class="unverified">{}</mark>', content, note)
        if self.right:
            return format_html('<td class="num">{}</td>', content)
        return format_html("<td>{}</td>", content)


@dataclass(frozen=True)
class Table(Generic[T]):
    """A list's columns and the stem of its download's file name (`de-an` → `de-an-20250701-0930.xlsx`)."""

    name: str
    title: StrOrPromise
    columns: list[Column[T]] = field(default_factory=list)

    @property
    def shown(self) -> list[Column[T]]:
        return self.columns

    @property
    def exported(self) -> list[Column[T]]:
        return [c for c in self.columns if c.export]


def requested(request: HttpRequest) -> str | None:
    """`xlsx` or `csv` when the list's URL asks for a download, else None (the page)."""
    fmt = request.GET.get(FORMAT_PARAM, "")
    return fmt if fmt in FORMATS else None


def _rows(rows: Iterable[T]) -> Iterator[T]:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK)
    return iter(rows)


def _filename(table: Table[Any], ext: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{table.name}-{stamp}.{ext}"


# --- CSV ---------------------------------------------------------------------------------------------


def csv_cell(column: Column[Any], row: Any) -> Any:
    value = column.exported(row)
    if value is None:
        return ""
    if column.numeric:
        return int(value)
    if column.kind in ("date", "datetime"):
        return column.text(row)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(table: Table[T], rows: Iterable[T]) -> Iterator[str]:
    """The CSV file line by line, the byte-order mark first."""
    writer = csv.writer(_Echo())
    columns = table.exported
    yield "\ufeff"
    yield writer.writerow([str(c.header) for c in columns])
    for row in _rows(rows):
        yield writer.writerow([csv_cell(c, row) for c in columns])


def csv_response(table: Table[T], rows: Iterable[T]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(table, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, "csv")}"'
    return response


# --- XLSX --------------------------------------------------------------------------------------------


def write_xlsx(table: Table[T], rows: Iterable[T], stream: Any) -> int:
    """Write the workbook to `stream` (a binary file); returns the number of data rows."""
    book = xlsxwriter.Workbook(stream, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
    book.set_properties({"title": str(table.title), "comments": "khuyencong"})
    base = {"font_name": "Times New Roman", "valign": "top"}
    header = book.add_format({**base, "bold": True, "text_wrap": True, "bg_color": "#DDE7F0", "border": 1})
    formats = {
        "text": book.add_format({**base, "text_wrap": False}),
        "int": book.add_format({**base, "num_format": "#,##0"}),
        "year": book.add_format({**base, "num_format": "0", "align": "left"}),
        "money": book.add_format({**base, "num_format": '#,##0 "₫"'}),
        "date": book.add_format({**base, "num_format": "dd/mm/yyyy", "align": "left"}),
        "datetime": book.add_format({**base, "num_format": "dd/mm/yyyy hh:mm", "align": "left"}),
    }
    sheet = book.add_worksheet(str(table.title)[:31])
    columns = table.exported
    for i, column in enumerate(columns):
        sheet.set_column(i, i, column.width)
        sheet.write_string(0, i, str(column.header), header)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(_rows(rows), start=1):
        for i, column in enumerate(columns):
            value = column.exported(row)
            fmt = formats[column.kind]
            if value is None:
                sheet.write_blank(count, i, None, fmt)
            elif column.numeric:
                sheet.write_number(count, i, int(value), fmt)
            elif column.kind == "datetime":
                sheet.write_datetime(count, i, timezone.localtime(value).replace(tzinfo=None), fmt)
            elif column.kind == "date":
                sheet.write_datetime(count, i, dt.datetime.combine(value, dt.time()), fmt)
            else:
                sheet.write_string(count, i, str(value), fmt)
    if columns:
        sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    book.close()
    return count


def xlsx_response(table: Table[T], rows: Iterable[T]) -> FileResponse:
    """The workbook from a temporary file, sent in chunks: memory stays bounded whatever the list's size."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    write_xlsx(table, rows, handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=_filename(table, "xlsx"), content_type=XLSX_TYPE)


def response(table: Table[T], rows: Iterable[T], fmt: str) -> HttpResponse | StreamingHttpResponse:
    if fmt == "xlsx":
        return xlsx_response(table, rows)
    return csv_response(table, rows)


def links(request: HttpRequest) -> list[tuple[str, str]]:
    """(label, URL) of the downloads of the list on this page, with its filters and without its page."""
    query = request.GET.copy()
    query.pop("page", None)
    result = []
    for fmt, label in (("xlsx", _("Tải Excel (XLSX)")), ("csv", _("Tải CSV"))):
        query[FORMAT_PARAM] = fmt
        result.append((label, f"{request.path}?{query.urlencode()}"))
    return result


def cells(table: Table[T], row: T) -> SafeString:
    return mark_safe("".join(c.html(row) for c in table.shown))
