"""Open an uploaded spreadsheet safely and hand out its first sheet row by row.

The type is read from the content, never trusted from the name: a ZIP holding `xl/workbook.xml` is
XLSX, one whose `mimetype` says so is ODS, readable text is CSV; anything else is refused with a message
saying what it looks like. Before any parser sees a ZIP, its directory is checked (total uncompressed
size, compression ratio) so that a zip bomb is refused in milliseconds; the sheet's XML is then streamed
once to find formulas and merged cells, which calamine's values alone do not show.

XLSX and ODS cells come from python-calamine (Rust): `iter_rows()` hands out one row at a time.
CSV is read with the csv module: UTF-8 with or without BOM, else Windows-1258 (what Vietnamese Excel
saves "CSV" as), delimiter sniffed among , ; and tab.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _

from khuyencong.core.money import group

Cell = Any  # str, float, int, bool, date, datetime, time, timedelta
MAX_REPORTED_CELLS = 200  # formulas / merged ranges listed by address; the rest are counted
_CHUNK = 1 << 20


class FileRejected(Exception):
    """The file cannot be read as a sheet; the message says why, in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def column_letter(index: int) -> str:
    """0 -> 'A', 27 -> 'AB' (as Excel names columns)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    value = 0
    for ch in letters:
        value = value * 26 + ord(ch) - 64
    return value - 1


@dataclass
class Sheet:
    """The first sheet of a file: rows as (Excel row number, cells), and what the XML told us."""

    format: str
    rows: Iterator[tuple[int, list[Cell]]]
    # Excel row count as the file declares it (the range's height), when the format tells it.
    declared_rows: int | None = None
    # Merged ranges as (first row, first column, last row, last column), 0-based.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    # Cells holding a formula, as (row, column), 0-based; `formula_count` counts them all.
    formulas: list[tuple[int, int]] = field(default_factory=list)
    formula_count: int = 0
    encoding: str = ""
    closer: Any = None

    def close(self) -> None:
        if self.closer is not None:
            self.closer()
            self.closer = None


# --- what is this file? -----------------------------------------------------------------------------


def _looks_like(head: bytes) -> str:
    """A short description of a non-spreadsheet file, for the refusal message."""
    probe = head.lstrip()[:64].lower()
    if head.startswith(b"%PDF"):
        return _("một tệp PDF")
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff") or head.startswith(b"GIF8"):
        return _("một tệp ảnh")
    if probe.startswith((b"<!doctype html", b"<html", b"<table")):
        return _("một trang HTML (nhiều phần mềm xuất “Excel” thực chất là HTML)")
    if probe.startswith(b"<?xml"):
        return _("một tệp XML (có thể là Excel 2003 XML)")
    if head.startswith(b"Rar!") or head.startswith(b"7z\xbc\xaf"):
        return _("một tệp nén RAR/7z")
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        return _("một chương trình máy tính")
    return _("một tệp nhị phân không rõ loại")


def sniff(path: Path) -> str:
    """'xlsx', 'ods' or 'csv' from the content; FileRejected otherwise."""
    size = path.stat().st_size
    if size == 0:
        raise FileRejected(_("Tệp rỗng (0 byte): không có gì để nhập."))
    with path.open("rb") as handle:
        head = handle.read(8192)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            raise FileRejected(
                _("Tệp nén ZIP bị hỏng, không đọc được (%(error)s).") % {"error": exc}
            ) from exc
        if "xl/workbook.xml" in names:
            return "xlsx"
        if mimetype.strip() == b"application/vnd.oasis.opendocument.spreadsheet":
            return "ods"
        if "word/document.xml" in names:
            raise FileRejected(_("Đây là tệp Word (DOCX), không phải bảng tính; hãy tải lên tệp Excel."))
        raise FileRejected(_("Đây là tệp nén ZIP nhưng không chứa bảng tính Excel (XLSX) hay ODS."))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(
            _(
                "Đây là tệp Excel 97–2003 (.xls) hoặc tệp Excel có mật khẩu: hãy mở bằng Excel, bỏ mật khẩu "
                "nếu có và lưu lại dạng .xlsx (Excel Workbook)."
            )
        )
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected(
            _("Nội dung tệp không phải bảng tính XLSX, ODS hay CSV: trông như %(what)s.")
            % {"what": _looks_like(head)}
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected(
            _(
                "Tệp văn bản mã UTF-16 (“Unicode Text” của Excel) chưa đọc được; hãy lưu dạng CSV UTF-8 hoặc XLSX."
            )
        )
    lowered = head.lstrip()[:64].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"%pdf")):
        raise FileRejected(
            _("Nội dung tệp không phải bảng tính XLSX, ODS hay CSV: trông như %(what)s.")
            % {"what": _looks_like(head)}
        )
    return "csv"


def check_zip(path: Path) -> None:
    """Refuse a ZIP whose members would inflate beyond the limit, or at a ratio no spreadsheet has."""
    limit = settings.KHUYENCONG_IMPORT_MAX_UNCOMPRESSED_MB * 1024 * 1024
    ratio = settings.KHUYENCONG_IMPORT_MAX_COMPRESSION_RATIO
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRejected(_("Tệp nén ZIP bị hỏng, không đọc được (%(error)s).") % {"error": exc}) from exc
    if len(infos) > 10_000:
        raise FileRejected(
            _("Tệp chứa quá nhiều thành phần (%(n)s); không phải một bảng tính bình thường.")
            % {"n": group(len(infos))}
        )
    total = sum(info.file_size for info in infos)
    if total > limit:
        raise FileRejected(
            _(
                "Tệp khi giải nén sẽ chiếm %(size)s MB, vượt giới hạn %(limit)s MB (có thể là “bom nén”); "
                "hãy chia nhỏ tệp."
            )
            % {
                "size": group(total // (1024 * 1024)),
                "limit": group(settings.KHUYENCONG_IMPORT_MAX_UNCOMPRESSED_MB),
            }
        )
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > ratio * max(info.compress_size, 1):
            raise FileRejected(
                _(
                    "Thành phần “%(name)s” nén với tỉ lệ 1:%(ratio)s, bất thường với bảng tính (có thể là “bom "
                    "nén” hoặc hàng triệu dòng trống); tệp bị từ chối."
                )
                % {"name": info.filename, "ratio": group(info.file_size // max(info.compress_size, 1))}
            )


# --- XLSX --------------------------------------------------------------------------------------------

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FORMULA_CELL = re.compile(
    rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>(?:(?!</(?:\w+:)?c>).){0,200}?<(?:\w+:)?f[\s>/]', re.S
)
_ANY_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _first_sheet_member(archive: zipfile.ZipFile) -> str:
    """The XML member of the workbook's first sheet, through workbook.xml and its relationships."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return "xl/worksheets/sheet1.xml"
    sheet = next((el for el in workbook.iter() if el.tag.endswith("}sheet")), None)
    rel_id = sheet.get(f"{{{_REL_NS}}}id") if sheet is not None else None
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return "xl/worksheets/sheet1.xml"


def _scan_xlsx(path: Path, sheet: Sheet) -> None:
    """Stream the first sheet's XML once: formula cells (by address). Sizes were checked beforehand and
    zipfile stops at the declared size, so a lying directory cannot make this read more."""
    with zipfile.ZipFile(path) as archive:
        member = _first_sheet_member(archive)
        try:
            handle = archive.open(member)
        except KeyError:
            return
        tail = b""
        with handle:
            while True:
                chunk = handle.read(_CHUNK)
                if not chunk:
                    break
                data = tail + chunk
                if _ANY_FORMULA.search(data):
                    seen = {(r, c) for r, c in sheet.formulas}
                    for match in _FORMULA_CELL.finditer(data):
                        cell = (int(match[2]) - 1, column_index(match[1].decode()))
                        if cell not in seen:
                            seen.add(cell)
                            sheet.formula_count += 1
                            if len(sheet.formulas) < MAX_REPORTED_CELLS:
                                sheet.formulas.append(cell)
                tail = data[-400:]


# --- ODS ---------------------------------------------------------------------------------------------

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _scan_ods(path: Path, sheet: Sheet) -> None:
    """Walk content.xml's first table: formula cells and spanned (merged) cells, repeats honoured."""
    t = f"{{{_TABLE}}}"
    row = -1
    col = 0
    depth_tables = 0
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as handle:
        for event, el in ElementTree.iterparse(handle, events=("start", "end")):
            tag = el.tag
            if tag == f"{t}table":
                if event == "start":
                    depth_tables += 1
                else:
                    return  # the first table only
                continue
            if depth_tables != 1:
                continue
            if tag == f"{t}table-row":
                if event == "start":
                    row += 1
                    col = 0
                else:
                    row += int(el.get(f"{t}number-rows-repeated", "1")) - 1
                    el.clear()
            elif tag in (f"{t}table-cell", f"{t}covered-table-cell") and event == "start":
                repeat = int(el.get(f"{t}number-columns-repeated", "1"))
                if el.get(f"{t}formula") is not None:
                    sheet.formula_count += 1
                    if len(sheet.formulas) < MAX_REPORTED_CELLS:
                        sheet.formulas.append((row, col))
                span_c = int(el.get(f"{t}number-columns-spanned", "1"))
                span_r = int(el.get(f"{t}number-rows-spanned", "1"))
                if (span_c > 1 or span_r > 1) and len(sheet.merged) < MAX_REPORTED_CELLS:
                    sheet.merged.append((row, col, row + span_r - 1, col + span_c - 1))
                col += repeat


def _calamine_rows(workbook: Any) -> Iterator[tuple[int, list[Cell]]]:
    data = workbook.get_sheet_by_index(0)
    start = data.start
    first_row = start[0] if start else 0
    first_col = start[1] if start else 0
    for offset, row in enumerate(data.iter_rows()):
        # calamine trims empty rows/columns before the data; Excel's numbering does not.
        yield first_row + offset + 1, ([""] * first_col + list(row)) if first_col else list(row)


def _open_workbook(path: Path, fmt: str) -> Sheet:
    from python_calamine import CalamineError, CalamineWorkbook

    check_zip(path)
    sheet = Sheet(format=fmt, rows=iter(()))
    try:
        if fmt == "xlsx":
            _scan_xlsx(path, sheet)
        else:
            _scan_ods(path, sheet)
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError) as exc:
        raise FileRejected(_("Tệp bảng tính bị hỏng, không đọc được (%(error)s).") % {"error": exc}) from exc
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise FileRejected(_("Tệp không có trang tính nào."))
        data = workbook.get_sheet_by_index(0)
    except CalamineError as exc:
        raise FileRejected(_("Tệp bảng tính bị hỏng, không đọc được (%(error)s).") % {"error": exc}) from exc
    if fmt == "xlsx":
        sheet.merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (data.merged_cell_ranges or [])]
    start = data.start
    sheet.declared_rows = (start[0] + data.height) if start else 0
    sheet.rows = _calamine_rows(workbook)
    sheet.closer = workbook.close
    return sheet


# --- CSV ---------------------------------------------------------------------------------------------


def _encoding(path: Path) -> str:
    """utf-8-sig when the whole file decodes as UTF-8 (BOM or not), else Windows-1258."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1258"
    return "utf-8-sig"


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[Cell]]]:
    with path.open("r", encoding=encoding, newline="") as handle:
        sample = handle.read(64 * 1024)
        handle.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(handle, dialect)
        try:
            for number, row in enumerate(reader, start=1):
                # Windows-1258 writes tones as combining marks: NFC makes them the letters the web form saves.
                yield (
                    number,
                    [value if value.isascii() else unicodedata.normalize("NFC", value) for value in row],
                )
        except csv.Error as exc:
            raise FileRejected(
                _("Tệp CSV sai cấu trúc ở dòng %(row)s: %(error)s")
                % {"row": group(reader.line_num), "error": exc}
            ) from exc


def _open_csv(path: Path) -> Sheet:
    csv.field_size_limit(1024 * 1024)
    encoding = _encoding(path)
    return Sheet(format="csv", rows=_csv_rows(path, encoding), encoding=encoding)


def open_sheet(path: Path) -> Sheet:
    """The first sheet of the file at `path`; FileRejected with a clear message when it is not one."""
    fmt = sniff(path)
    if fmt == "csv":
        return _open_csv(path)
    return _open_workbook(path, fmt)


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def row_is_blank(cells: list[Cell]) -> bool:
    """Every cell empty; counted in C first, since a million-row sheet of empty rows is the common case."""
    if cells.count("") + cells.count(None) == len(cells):
        return True
    return all(is_blank(c) for c in cells)


def display(value: Cell) -> str:
    """A cell as the officer typed it, for messages: dates dd/mm/yyyy, whole floats without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return (
            value.strftime("%d/%m/%Y %H:%M") if (value.hour or value.minute) else value.strftime("%d/%m/%Y")
        )
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def read_bytes_to_path(data: bytes, directory: Path, name: str) -> Path:
    """Tests and the API hand bytes; the reader wants a path (calamine and zipfile read from disk)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    target.write_bytes(data)
    return target


__all__ = ["FileRejected", "Sheet", "column_letter", "display", "io", "is_blank", "open_sheet", "sniff"]
