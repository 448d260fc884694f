"""Read a file, check every row through the record's own form and service, write it whole or not at all.

`run_import(kind, file, user, dry_run)` is the one entry point (the page's background task, the command
and the API call it). Steps:

1. the reader opens the first sheet (type by content, zip limits, formulas and merged cells found);
2. the header row is found and every column matched without diacritics or case: an unknown, duplicated
   or missing column stops here, before any row is read;
3. rows are read in chunks, typed (`cells`), validated by the kind (the web form, then the service's own
   checks) and — unless this is a dry run or an error has been seen — written, all inside one
   transaction; any error, or a dry run, rolls the transaction back, so the database is as before.
   A process killed half-way never commits either.

The report lists every error by Excel row and the header as the file spells it, and what would be (or
was) created, updated or left unchanged.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.core.money import group
from khuyencong.imports.cells import Column, header_key
from khuyencong.imports.reader import (
    Cell,
    FileRejected,
    Sheet,
    column_letter,
    display,
    is_blank,
    open_sheet,
    row_is_blank,
)

Progress = Callable[[int, int | None], None]
CHUNK_ROWS = 500
HEADER_SEARCH_ROWS = 10
MAX_PLANNED_LISTED = 500
MAX_ERRORS_STORED = 2000


@dataclass
class RowError:
    row: int | None  # Excel row number; None for the file as a whole
    column: str  # the header as the file spells it; "" for the row or the file
    value: str
    message: str
    col: int | None = None  # 0-based column, for the annotated copy

    @property
    def cell(self) -> str:
        if self.row is None:
            return ""
        return f"{column_letter(self.col)}{self.row}" if self.col is not None else str(self.row)


@dataclass
class Planned:
    """What one valid row does: create, update or nothing (unchanged), and to which record."""

    row: int
    action: str  # "create" | "update" | "unchanged"
    label: str
    payload: Any = None


@dataclass
class ImportReport:
    kind: str
    filename: str
    dry_run: bool
    format: str = ""
    header_row: int | None = None
    columns: list[str] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    planned: list[dict[str, Any]] = field(default_factory=list)
    committed: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(
        self,
        message: str,
        *,
        row: int | None = None,
        column: str = "",
        value: Any = "",
        col: int | None = None,
    ) -> None:
        self.errors.append(
            RowError(row=row, column=column, value=display(value)[:200], message=message, col=col)
        )

    def plan(self, planned: Planned) -> None:
        if planned.action == "create":
            self.created += 1
        elif planned.action == "update":
            self.updated += 1
        else:
            self.unchanged += 1
        if planned.action != "unchanged" and len(self.planned) < MAX_PLANNED_LISTED:
            self.planned.append({"row": planned.row, "action": planned.action, "label": planned.label})

    def as_dict(self, *, max_errors: int = MAX_ERRORS_STORED) -> dict[str, Any]:
        data = asdict(self)
        data["error_count"] = len(self.errors)
        data["errors"] = [asdict(e) | {"cell": e.cell} for e in self.errors[:max_errors]]
        return data


@dataclass
class Context:
    """What a kind's validation and writing share during one run."""

    user: Any
    report: ImportReport
    dry_run: bool
    columns: dict[str, int]  # column key -> 0-based index in the file
    headers: dict[str, str]  # column key -> header as spelled in the file
    reason: str
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def writing(self) -> bool:
        return not self.report.errors


class RowInvalid(Exception):
    """A row's errors, by column key (or "" for the row as a whole)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def errors_of(
    exc: ValidationError | PermissionDenied, field_for: dict[str, str] | None = None
) -> dict[str, list[str]]:
    """A form's or a service's error as {column key: messages}."""
    if isinstance(exc, PermissionDenied):
        return {"": [str(exc) or _("Bạn không có quyền ghi bản ghi này.")]}
    field_for = field_for or {}
    if hasattr(exc, "error_dict"):
        out: dict[str, list[str]] = {}
        for key, errs in exc.error_dict.items():
            name = field_for.get(key, key)
            out.setdefault("" if name == NON_FIELD_ERRORS else name, []).extend(
                m for err in errs for m in err.messages
            )
        return out
    return {"": list(exc.messages)}


class Kind:
    """One kind of record a file can bring in. Subclasses say their columns and how a row is checked
    and written; they must use the record app's own form and services."""

    key: str = ""
    columns: tuple[Column, ...] = ()
    # Kinds whose service checks need the write (caps, states) write during a dry run too, inside the
    # transaction that is then rolled back, so the dry run reports what the import would meet.
    dry_run_writes: bool = True

    def start(self, ctx: Context) -> None:
        """Load what every row needs once (communes, choices)."""

    def validate(
        self, ctx: Context, rows: list[tuple[int, list[Cell]]]
    ) -> list[Planned | dict[str, list[str]]]:
        """One outcome per row, in order: what it would do, or its errors by column key."""
        raise NotImplementedError

    def write(self, ctx: Context, planned: list[Planned]) -> dict[int, dict[str, list[str]]]:
        """Save the chunk; return errors by row for the rows a service refused."""
        raise NotImplementedError

    def finish(self, ctx: Context) -> None:
        """After the last row: old commune names read as today's units, counted, as notices."""
        renamed = ctx.state.get("renamed") or {}
        for note, count in sorted(renamed.items(), key=lambda item: -item[1])[:50]:
            ctx.report.notices.append(_("%(note)s (%(n)s dòng)") % {"note": note, "n": group(count)})


def _kinds() -> dict[str, type[Kind]]:
    from khuyencong.imports.kinds import KINDS

    return KINDS


def kind_for(key: str) -> Kind:
    try:
        return _kinds()[key]()
    except KeyError:
        raise ValueError(f"Unknown import kind: {key}") from None


def known_headers(spec: Kind) -> dict[str, Column]:
    """Every accepted spelling of every column (folded) -> the column."""
    return {key: col for col in spec.columns for key in col.header_keys()}


# --- the header --------------------------------------------------------------------------------------


def _header_score(cells: list[Cell], known: dict[str, Column]) -> tuple[int, int]:
    filled = [c for c in cells if not is_blank(c)]
    hits = sum(1 for c in filled if isinstance(c, str) and header_key(c) in known)
    return hits, len(filled)


def _repeats_header(
    cells: list[Cell], known: dict[str, Column], key_column: int | None, seen_rows: int
) -> bool:
    """A second header row: right under the header (two-level headers), every row is scored; further
    down (sheets pasted one after another) only the first required column is looked at, which costs one
    fold per row instead of one per cell."""
    if seen_rows >= 3 and key_column is not None:
        cell = cells[key_column] if key_column < len(cells) else ""
        if not isinstance(cell, str) or header_key(cell) not in known:
            return False
    hits, filled = _header_score(cells, known)
    return hits >= 2 and hits * 2 >= filled


_NUMBERING = re.compile(r"\(?\s*(\d{1,2})\s*\)?")


def _is_numbering(cells: list[Cell]) -> bool:
    """'(1) (2) (3) …' or '1 2 3 …' under a header, as official templates print it."""
    numbers: list[int] = []
    for c in cells:
        if is_blank(c):
            continue
        if isinstance(c, float) and c.is_integer():
            numbers.append(int(c))
            continue
        match = _NUMBERING.fullmatch(str(c).strip())
        if not match:
            return False
        numbers.append(int(match[1]))
    return len(numbers) >= 3 and numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def _map_header(
    spec: Kind, row_number: int, cells: list[Cell], report: ImportReport
) -> tuple[dict[str, int], dict[str, str], set[int]]:
    known = known_headers(spec)
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    unnamed: set[int] = set()
    accepted = "; ".join(col.header() for col in spec.columns if col.kind != "ignore")
    for index, cell in enumerate(cells):
        if is_blank(cell):
            unnamed.add(index)
            continue
        text = display(cell).strip()
        column = known.get(header_key(text))
        if column is None:
            report.error(
                _("Cột “%(header)s” không có trong mẫu nhập; các cột được nhận: %(accepted)s.")
                % {"header": text, "accepted": accepted},
                row=row_number,
                column=text,
                value=text,
                col=index,
            )
            continue
        if column.key in columns:
            report.error(
                _("Cột “%(header)s” xuất hiện hai lần (cột %(first)s và %(second)s).")
                % {
                    "header": text,
                    "first": column_letter(columns[column.key]),
                    "second": column_letter(index),
                },
                row=row_number,
                column=text,
                value=text,
                col=index,
            )
            continue
        columns[column.key] = index
        headers[column.key] = text
    for column in spec.columns:
        if column.required and column.key not in columns:
            report.error(
                _("Thiếu cột bắt buộc “%(header)s”.") % {"header": column.header()},
                row=row_number,
                column=column.header(),
            )
    return columns, headers, unnamed


def _merged_and_formulas(
    sheet: Sheet, header_row: int, report: ImportReport, headers_by_col: dict[int, str]
) -> None:
    """Merged cells and formulas at or below the header: each one named by its address."""
    for r0, c0, r1, c1 in sheet.merged:
        if r1 + 1 < header_row:
            continue  # a title above the header
        where = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
        if r0 + 1 <= header_row <= r1 + 1:
            message = _(
                "Ô gộp %(range)s ở dòng tiêu đề: hãy bỏ gộp ô (Merge & Center) để mỗi cột có đúng một tiêu đề "
                "trên một dòng."
            ) % {"range": where}
        else:
            message = _("Ô gộp %(range)s trong vùng dữ liệu: hãy bỏ gộp ô và ghi giá trị vào từng ô.") % {
                "range": where
            }
        report.error(message, row=r0 + 1, column=headers_by_col.get(c0, ""), col=c0)
    below = [(r, c) for r, c in sheet.formulas if r + 1 >= header_row]
    for r, c in below:
        report.error(
            _(
                "Ô %(cell)s chứa công thức: hãy sao chép vùng dữ liệu và dán dạng giá trị (Paste Special → "
                "Values) rồi tải lên lại."
            )
            % {"cell": f"{column_letter(c)}{r + 1}"},
            row=r + 1,
            column=headers_by_col.get(c, ""),
            col=c,
        )
    hidden = sheet.formula_count - len(sheet.formulas)
    if hidden > 0 and below:
        report.error(_("Còn %(n)s ô công thức khác trong tệp.") % {"n": group(hidden)})


# --- the run -----------------------------------------------------------------------------------------


def _as_path(file: Any, filename: str, stack: list[Path]) -> Path:
    if isinstance(file, str | Path):
        return Path(file)
    handle: IO[bytes] = file
    suffix = Path(filename).suffix[:10]
    tmp = tempfile.NamedTemporaryFile(delete=False, suffix=suffix, prefix="import-")  # noqa: SIM115
    with tmp:
        if hasattr(handle, "chunks"):
            for chunk in handle.chunks():
                tmp.write(chunk)
        else:
            if hasattr(handle, "seek"):
                handle.seek(0)
            while chunk := handle.read(1 << 20):
                tmp.write(chunk)
    path = Path(tmp.name)
    stack.append(path)
    return path


def run_import(
    kind: str,
    file: Any,
    user: Any,
    dry_run: bool,
    *,
    filename: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """Check (dry_run=True) or import (dry_run=False) a file of `kind` as `user`.

    `file` is a path, an uploaded file or any binary file object. Nothing is written unless the whole
    file is valid and dry_run is False; the returned report says what happened.
    """
    spec = kind_for(kind)
    filename = filename or str(getattr(file, "name", "") or file)
    display_name = Path(filename).name
    report = ImportReport(kind=kind, filename=display_name, dry_run=dry_run)
    started = time.monotonic()
    from khuyencong.imports.services import may_import

    if not may_import(user):
        report.error(_("Chỉ cán bộ Trung tâm và quản trị hệ thống được nhập dữ liệu từ tệp."))
        return report
    temporary: list[Path] = []
    try:
        path = _as_path(file, display_name, temporary)
        try:
            sheet = open_sheet(path)
        except FileRejected as exc:
            report.error(exc.message)
            return report
        report.format = sheet.format
        try:
            _run(spec, sheet, user, report, progress)
        except FileRejected as exc:
            report.error(exc.message)
        finally:
            sheet.close()
    finally:
        for path in temporary:
            path.unlink(missing_ok=True)
        report.seconds = round(time.monotonic() - started, 3)
    return report


def _find_header(
    spec: Kind, rows: Iterator[tuple[int, list[Cell]]], report: ImportReport
) -> tuple[int, list[Cell]] | None:
    known = known_headers(spec)
    seen = 0
    best: tuple[int, list[Cell]] | None = None
    for number, cells in rows:
        if row_is_blank(cells):
            if number > 1000:
                break  # a sheet that starts with a thousand empty rows has no header we would find
            continue
        seen += 1
        hits, filled = _header_score(cells, known)
        if hits >= 2 or (hits >= 1 and filled == 1):
            return number, cells
        if best is None:
            best = (number, cells)
        if seen >= HEADER_SEARCH_ROWS:
            break
    if best is None:
        report.error(_("Tệp không có dữ liệu: trang tính đầu tiên trống."))
    else:
        report.error(
            _(
                "Không tìm thấy dòng tiêu đề trong %(n)s dòng đầu của trang tính đầu tiên; cần các cột: %(required)s. "
                "Hãy dùng tệp mẫu."
            )
            % {
                "n": HEADER_SEARCH_ROWS,
                "required": "; ".join(c.header() for c in spec.columns if c.required),
            },
            row=best[0],
        )
    return None


def _run(spec: Kind, sheet: Sheet, user: Any, report: ImportReport, progress: Progress | None) -> None:
    rows = sheet.rows
    found = _find_header(spec, rows, report)
    if found is None:
        return
    header_row, header_cells = found
    report.header_row = header_row
    columns, headers, unnamed = _map_header(spec, header_row, header_cells, report)
    report.columns = [display(c) for c in header_cells]
    headers_by_col = {index: headers[key] for key, index in columns.items()}
    _merged_and_formulas(sheet, header_row, report, headers_by_col)
    if report.errors:
        return  # the columns are wrong: reading rows against them would only repeat it
    known = known_headers(spec)
    ctx = Context(
        user=user,
        report=report,
        dry_run=report.dry_run,
        columns=columns,
        headers=headers,
        reason=_("Nhập từ tệp %(name)s") % {"name": report.filename},
    )
    max_rows = settings.KHUYENCONG_IMPORT_MAX_ROWS
    max_blank = settings.KHUYENCONG_IMPORT_MAX_BLANK_ROWS
    total = (sheet.declared_rows - header_row) if sheet.declared_rows else None
    flagged_unnamed: set[int] = set()
    required = [c.key for c in spec.columns if c.required and c.key in columns]
    key_column = columns[required[0]] if required else None
    with transaction.atomic():
        spec.start(ctx)
        chunk: list[tuple[int, list[Cell]]] = []
        blank_run = 0
        last_data = header_row
        for number, cells in rows:
            if row_is_blank(cells):
                blank_run += 1
                if blank_run >= max_blank:
                    _after_blank_gap(rows, number, blank_run, report)
                    break
                continue
            blank_run = 0
            last_data = number
            if _repeats_header(cells, known, key_column, report.rows):
                report.error(
                    _(
                        "Dòng %(row)s lặp lại tiêu đề cột (dòng tiêu đề thứ hai): mỗi tệp chỉ có một dòng tiêu đề; hãy xoá dòng này."
                    )
                    % {"row": number},
                    row=number,
                )
                continue
            if number == header_row + 1 and _is_numbering(cells):
                report.error(
                    _(
                        "Dòng %(row)s chỉ đánh số cột (1), (2), (3)…: hãy xoá dòng này, dữ liệu bắt đầu ngay dưới tiêu đề."
                    )
                    % {"row": number},
                    row=number,
                )
                continue
            for index in unnamed - flagged_unnamed:
                if index < len(cells) and not is_blank(cells[index]):
                    flagged_unnamed.add(index)
                    report.error(
                        _(
                            "Cột %(col)s không có tiêu đề nhưng có dữ liệu (từ dòng %(row)s): hãy ghi tiêu đề hoặc xoá cột."
                        )
                        % {"col": column_letter(index), "row": number},
                        row=number,
                        value=cells[index],
                        col=index,
                    )
            report.rows += 1
            if report.rows > max_rows:
                report.error(
                    _("Tệp có hơn %(n)s dòng dữ liệu; hãy chia thành nhiều tệp.") % {"n": group(max_rows)},
                    row=number,
                )
                break
            chunk.append((number, cells))
            if len(chunk) >= CHUNK_ROWS:
                _process(spec, ctx, chunk)
                chunk = []
                if progress is not None:
                    progress(report.rows, total)
        if chunk:
            _process(spec, ctx, chunk)
        spec.finish(ctx)
        if progress is not None:
            progress(report.rows, report.rows)
        if report.rows == 0 and not report.errors:
            report.error(
                _("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào (dòng %(row)s trở đi trống).")
                % {"row": last_data + 1}
            )
        if report.errors or report.dry_run:
            transaction.set_rollback(True)
        else:
            report.committed = True


def _after_blank_gap(
    rows: Iterator[tuple[int, list[Cell]]], number: int, blank_run: int, report: ImportReport
) -> None:
    """Stop reading after a long run of empty rows; data further down would otherwise be dropped silently."""
    for scanned, (later, cells) in enumerate(rows, start=1):
        if scanned > settings.KHUYENCONG_IMPORT_MAX_ROWS * 5:
            break
        if not row_is_blank(cells):
            report.error(
                _(
                    "Có %(n)s dòng trống liên tiếp (từ dòng %(start)s), rồi dữ liệu lại tiếp tục ở dòng %(later)s: "
                    "hãy xoá các dòng trống để dữ liệu liền nhau."
                )
                % {"n": group(blank_run), "start": group(number - blank_run + 1), "later": group(later)},
                row=later,
            )
            return
    report.notices.append(
        _("Đã dừng đọc sau %(n)s dòng trống liên tiếp (từ dòng %(start)s); phía sau không còn dữ liệu.")
        % {"n": group(blank_run), "start": group(number - blank_run + 1)}
    )


def _add_row_errors(ctx: Context, number: int, cells: list[Cell], errors: dict[str, list[str]]) -> None:
    for key, messages in errors.items():
        index = ctx.columns.get(key)
        header = ctx.headers.get(key, "")
        value = cells[index] if index is not None and index < len(cells) else ""
        for message in messages:
            ctx.report.error(message, row=number, column=header, value=value, col=index)


def _process(spec: Kind, ctx: Context, chunk: list[tuple[int, list[Cell]]]) -> None:
    outcomes = spec.validate(ctx, chunk)
    valid: list[Planned] = []
    for (number, cells), outcome in zip(chunk, outcomes, strict=True):
        if isinstance(outcome, Planned):
            valid.append(outcome)
        else:
            _add_row_errors(ctx, number, cells, outcome)
    # Kinds checked by their services keep writing after an error (inside the transaction that will be
    # rolled back) so that every row's problems are reported at once; the bulk kind stops writing.
    writing = bool(valid) and (spec.dry_run_writes or (not ctx.dry_run and not ctx.report.errors))
    refused: dict[int, dict[str, list[str]]] = spec.write(ctx, valid) if writing else {}
    cells_by_row = dict(chunk)
    for planned in valid:
        if planned.row in refused:
            _add_row_errors(ctx, planned.row, cells_by_row[planned.row], refused[planned.row])
        else:
            ctx.report.plan(planned)
