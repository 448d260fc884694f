"""Priority classifications from a CSV file: every row checked, all or nothing.

Columns, in this order (a first row that does not start with a code is taken as the header):
unit code, generation (``legacy``/``2025``), kind, valid from (dd/mm/yyyy), valid to (dd/mm/yyyy or
blank), legal basis, verified (có/không). A row naming a classification that already exists (same
unit, kind and start date) updates it, so a corrected file can be imported again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from khuyencong.core.text import fold
from khuyencong.geo import services
from khuyencong.geo.choices import Generation, PriorityKind
from khuyencong.geo.models import AdministrativeUnit, PriorityClassification

COLUMNS = 7
_TRUE = frozenset({"1", "x", "co", "yes", "true", "da doi chieu", "da"})
_FALSE = frozenset({"", "0", "khong", "no", "false", "chua doi chieu", "chua"})
_GENERATIONS = {
    "legacy": Generation.LEGACY,
    "cu": Generation.LEGACY,
    "truoc 2025": Generation.LEGACY,
    "2025": Generation.CURRENT,
    "moi": Generation.CURRENT,
    "hien hanh": Generation.CURRENT,
}


class PriorityImportError(Exception):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class _Row:
    number: int
    cells: list[str]
    errors: list[str] = field(default_factory=list)


def _kind(value: str) -> str | None:
    folded = fold(value).strip()
    for choice in PriorityKind:
        if folded in {choice.value, fold(str(choice.label))}:
            return str(choice.value)
    return None


def _date(value: str) -> dt.date:
    return dt.datetime.strptime(value.strip(), "%d/%m/%Y").date()


def _read_rows(content: bytes) -> list[_Row]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PriorityImportError(
            [_("Tệp không phải mã UTF-8. Hãy lưu lại từ Excel dưới dạng “CSV UTF-8”.")]
        ) from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [
        _Row(number, [cell.strip() for cell in cells])
        for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1)
        if any(cell.strip() for cell in cells)
    ]
    if rows and not rows[0].cells[0].isdigit():
        rows = rows[1:]
    if not rows:
        raise PriorityImportError([_("Tệp không có dòng dữ liệu nào.")])
    return rows


def _find_unit(generation: str, code: str) -> list[AdministrativeUnit]:
    # Spreadsheets drop leading zeros: "5974" is the commune 05974, "1" the province 01.
    candidates = {code, code.zfill(2), code.zfill(3), code.zfill(5)}
    return list(
        AdministrativeUnit.objects.filter(generation=generation, code__in=candidates).select_related("parent")
    )


def _parse(row: _Row) -> tuple[AdministrativeUnit, services.PriorityData] | None:
    cells = row.cells + [""] * (COLUMNS - len(row.cells))
    if len(row.cells) > COLUMNS:
        row.errors.append(
            _("có %(n)d cột, chỉ cần %(expected)d.") % {"n": len(row.cells), "expected": COLUMNS}
        )
        return None
    code, generation_raw, kind_raw, start_raw, end_raw, legal_basis, verified_raw = cells[:COLUMNS]

    generation = _GENERATIONS.get(fold(generation_raw).strip())
    if generation is None:
        row.errors.append(
            _(
                "hệ thống “%(value)s” không hợp lệ: ghi “legacy” cho đơn vị trước 01/07/2025, “2025” cho đơn vị hiện hành."
            )
            % {"value": generation_raw}
        )
    unit: AdministrativeUnit | None = None
    if not code:
        row.errors.append(_("thiếu mã đơn vị."))
    elif not code.isdigit():
        row.errors.append(_("mã đơn vị “%(code)s” phải là số.") % {"code": code})
    elif generation is not None:
        units = _find_unit(generation, code)
        if not units:
            row.errors.append(
                _("không có đơn vị mã %(code)s thuộc hệ thống “%(generation)s”.")
                % {"code": code, "generation": generation.label}
            )
        elif len(units) > 1:
            row.errors.append(
                _("mã %(code)s ứng với nhiều đơn vị (%(names)s); hãy ghi đủ các chữ số 0 ở đầu.")
                % {"code": code, "names": "; ".join(f"{u.code} {u}" for u in units)}
            )
        else:
            unit = units[0]

    kind = _kind(kind_raw)
    if kind is None:
        row.errors.append(
            _("loại địa bàn “%(value)s” không hợp lệ; dùng một trong: %(choices)s.")
            % {"value": kind_raw, "choices": ", ".join(str(value) for value in PriorityKind.values)}
        )
    valid_from: dt.date | None = None
    if not start_raw:
        row.errors.append(_("thiếu ngày bắt đầu hiệu lực."))
    else:
        try:
            valid_from = _date(start_raw)
        except ValueError:
            row.errors.append(
                _("ngày bắt đầu “%(value)s” không đúng dạng dd/mm/yyyy.") % {"value": start_raw}
            )
    valid_to: dt.date | None = None
    if end_raw:
        try:
            valid_to = _date(end_raw)
        except ValueError:
            row.errors.append(_("ngày kết thúc “%(value)s” không đúng dạng dd/mm/yyyy.") % {"value": end_raw})
    verified_key = fold(verified_raw).strip()
    if verified_key not in _TRUE | _FALSE:
        row.errors.append(
            _("cột đã đối chiếu văn bản gốc “%(value)s” không hợp lệ; ghi “có” hoặc “không”.")
            % {"value": verified_raw}
        )
    if row.errors or unit is None or kind is None or valid_from is None:
        return None
    data = services.PriorityData(
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        legal_basis=legal_basis,
        verified=verified_key in _TRUE,
    )
    return unit, data


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        labels = {f.name: capfirst(str(f.verbose_name)) for f in PriorityClassification._meta.fields}
        messages: list[str] = []
        for name, errors in error.message_dict.items():
            prefix = "" if name == "__all__" else f"{labels.get(name, name)}: "
            messages.extend(prefix + message for message in errors)
        return messages
    return list(error.messages)


def import_priorities(*, content: bytes, actor: Any) -> ImportResult:
    """Import a CSV file's classifications; raises PriorityImportError listing every bad row, and
    then nothing has been written."""
    services.require_admin(actor)
    rows = _read_rows(content)
    result = ImportResult()
    errors: list[str] = []
    seen: dict[tuple[int, str, dt.date], int] = {}
    with transaction.atomic():
        for row in rows:
            parsed = _parse(row)
            if parsed is not None:
                unit, data = parsed
                key = (unit.pk, data.kind, data.valid_from)
                if key in seen:
                    row.errors.append(
                        _("trùng đơn vị, loại và ngày bắt đầu với dòng %(other)d.") % {"other": seen[key]}
                    )
                else:
                    seen[key] = row.number
                    try:
                        _save_row(unit, data, actor, result)
                    except ValidationError as exc:
                        row.errors.extend(_messages(exc))
            errors.extend(
                _("Dòng %(row)d: %(message)s") % {"row": row.number, "message": message}
                for message in row.errors
            )
        if errors:
            # Leaving the block by an exception rolls back every row written so far.
            raise PriorityImportError(errors)
    return result


def _save_row(
    unit: AdministrativeUnit, data: services.PriorityData, actor: Any, result: ImportResult
) -> None:
    existing = PriorityClassification.objects.filter(
        unit=unit, kind=data.kind, valid_from=data.valid_from
    ).first()
    if existing is None:
        services.priority_create(actor=actor, unit=unit, data=data)
        result.created += 1
        return
    untouched = (existing.valid_to, existing.legal_basis, existing.verified) == (
        data.valid_to,
        data.legal_basis.strip(),
        data.verified,
    )
    if untouched:
        result.unchanged += 1
        return
    # An import does not carry notes: keep the one an administrator wrote.
    services.priority_update(
        actor=actor,
        classification=existing,
        data=services.PriorityData(
            kind=data.kind,
            valid_from=data.valid_from,
            valid_to=data.valid_to,
            legal_basis=data.legal_basis,
            verified=data.verified,
            note=existing.note,
        ),
        reason=_("Nhập từ tệp CSV"),
    )
    result.updated += 1
