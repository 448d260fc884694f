"""Small spreadsheets made inside the tests: XLSX (xlsxwriter), ODS (hand-written XML) and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import xlsxwriter


def xlsx(
    path: Path,
    rows: Iterable[Sequence[Any]],
    *,
    merge: Sequence[tuple[int, int, int, int, str]] = (),
    formulas: Sequence[tuple[int, int, str, Any]] = (),
    start_row: int = 0,
) -> Path:
    """rows from `start_row` (0-based); merge: (r0, c0, r1, c1, text); formulas: (row, col, formula, value)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows, start=start_row):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    for r0, c0, r1, c1, text in merge:
        sheet.merge_range(r0, c0, r1, c1, text)
    for r, c, formula, value in formulas:
        sheet.write_formula(r, c, formula, None, value)
    book.close()
    return path


TONES = "\u0300\u0301\u0303\u0309\u0323"  # the five tone marks cp1258 writes as combining characters


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters (ơ, ư, â…) precomposed, tones as
    combining marks (Python's codec does not decompose by itself)."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONES))
            out += (base + "".join(p for p in parts if p in TONES)).encode("cp1258")
    return bytes(out)


def csv_file(
    path: Path, rows: Iterable[Sequence[Any]], *, encoding: str = "utf-8-sig", delimiter: str = ","
) -> Path:
    if encoding == "cp1258":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
        path.write_bytes(to_cp1258(buffer.getvalue()))
        return path
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


def _ods_cell(value: Any) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods(path: Path, rows: Iterable[Sequence[Any]], *, tail: str = "") -> Path:
    """An ODS file; `tail` is raw XML appended after the rows (repeated empty rows, formulas, spans)."""
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="S1">{body}{tail}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


ESTABLISHMENT_HEADER = [
    "STT",
    "Tên cơ sở",
    "Loại hình",
    "Mã số thuế",
    "Người đại diện",
    "Xã/phường",
    "Ngành nghề",
    "Số lao động",
    "Trong đó lao động nữ",
    "Năm thành lập",
]
