"""Columns of an import file and how one typed cell becomes what the web form would have received.

Nothing here decides whether a value is acceptable: numbers go through `core.forms.parse_whole_number`
(tolerant mode), choices are mapped to their codes, dates to date objects, communes to unit ids; the
form of the record's own app then validates exactly as on the page.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override

from khuyencong.core.forms import MAX_VND, parse_whole_number
from khuyencong.core.text import fold, normalise_spaces
from khuyencong.imports.reader import Cell, display, is_blank

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 once Excel's 1900 leap-year bug is allowed for
# [0-9], not \d: other scripts' digits are refused, not read.
_DATE = re.compile(r"([0-9]{1,2})\s*[/.\-]\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T].*)?")
_TRUE = {"co", "x", "yes", "true", "1", "dung", "v", "c"}
_FALSE = {"khong", "no", "false", "0", "k", "sai"}


def header_key(text: str) -> str:
    """What a header is compared by: folded, without punctuation, '*' marks or numbering like '(1)'."""
    key = fold(unicodedata.normalize("NFC", str(text)))
    key = re.sub(r"\(\s*\d+\s*\)|\*", " ", key)
    key = re.sub(r"[^0-9a-z]+", " ", key)
    return " ".join(key.split())


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # the canonical header (a lazy Vietnamese string), as templates print it
    kind: str = "text"  # text, tax, whole, money, year, date, choice, bool, commune, district, list, ignore
    aliases: tuple[str, ...] = ()
    required: bool = False  # the header must be present
    choices: Callable[[], Sequence[tuple[str, Any]]] | None = None
    help: Any = ""

    def header(self) -> str:
        with override("vi"):
            return capfirst(str(self.label))

    def header_keys(self) -> set[str]:
        with override("vi"):
            names = {str(self.label), self.key, *self.aliases}
        return {header_key(name) for name in names}


@dataclass
class CellError(Exception):
    message: str


@dataclass
class Typed:
    """A row's cells turned into form data, with the errors met on the way, by column key."""

    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def excel_date(value: float) -> dt.date:
    if not 1 <= value < 2_958_466:
        raise CellError(_("Số %(value)s không phải là ngày hợp lệ.") % {"value": display(value)})
    return EXCEL_EPOCH + dt.timedelta(days=int(value))


def to_date(value: Cell) -> dt.date:
    """A cell as a date: a date cell, an Excel serial number, or text dd/mm/yyyy (never mm/dd)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 07/08/2012."))
    if isinstance(value, int | float):
        return excel_date(float(value))
    text = str(value).strip()
    match = _DATE.fullmatch(text) or None
    try:
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        iso = _ISO.fullmatch(text)
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if text.isascii() and text.isdigit() and 4 < len(text) <= 6:
            return excel_date(float(text))
    except ValueError:
        raise CellError(_("“%(value)s” không phải là ngày có thật.") % {"value": text}) from None
    raise CellError(_("“%(value)s”: hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 07/08/2012.") % {"value": text})


def to_whole(value: Cell, *, label: str, maximum: int = MAX_VND) -> int:
    """A whole number: numeric cells as they are, text the Vietnamese way ('1.286.000 đ', '1,5 tỷ')."""
    if isinstance(value, bool):
        raise CellError(_("%(field)s không phải là số hợp lệ.") % {"field": label})
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(
                _("%(field)s phải là số nguyên, không có phần thập phân (ô ghi %(value)s).")
                % {"field": label, "value": str(value).replace(".", ",")}
            )
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            raise CellError(_("%(field)s không được là số âm.") % {"field": label})
        if value > maximum:
            raise CellError(_("%(field)s quá lớn.") % {"field": label})
        return value
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        raise CellError(
            _("%(field)s phải là số, ô đang ghi ngày giờ (%(value)s).")
            % {"field": label, "value": display(value)}
        )
    try:
        return parse_whole_number(str(value), label=label, maximum=maximum, tolerant=True)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


def to_year(value: Cell, *, label: str) -> int:
    """A year: 2012, 2012.0 or '2012' (a date cell gives its year)."""
    if isinstance(value, dt.date):
        return value.year
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or len(text) != 4:
        raise CellError(
            _("%(field)s phải là năm có bốn chữ số, ví dụ 2012 (ô ghi “%(value)s”).")
            % {"field": label, "value": display(value)}
        )
    return int(text)


def to_text(value: Cell) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalise_spaces(display(value))


def to_tax_code(value: Cell) -> str:
    """Excel drops a tax code's leading zero when the cell is a number: 100109106 is 0100109106. The
    check digit of the 10-digit form still confirms it (the model validates it)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        if len(digits) in (9, 11):
            digits = "0" + digits
        return digits
    return to_text(value)


class ChoiceMap:
    """A category's codes and labels, folded once per run: a cell matches either, without diacritics."""

    def __init__(self, choices: Sequence[tuple[str, Any]]) -> None:
        self.by_key: dict[str, str] = {}
        with override("vi"):
            for code, name in choices:
                self.by_key.setdefault(header_key(str(name)), code)
                self.by_key.setdefault(header_key(code), code)
            self.options = "; ".join(str(name) for code, name in choices if code)

    def read(self, value: Cell, *, label: str) -> str:
        text = to_text(value)
        code = self.by_key.get(header_key(text))
        if code is None:
            raise CellError(
                _("“%(value)s” không có trong danh mục %(field)s. Chọn một trong: %(options)s.")
                % {"value": text, "field": label, "options": self.options}
            )
        return code


def to_bool(value: Cell, *, label: str) -> bool:
    if isinstance(value, bool):
        return value
    key = header_key(to_text(value))
    if key in _TRUE:
        return True
    if key in _FALSE or key == "":
        return False
    raise CellError(
        _("%(field)s: ghi “Có” hoặc “Không” (ô ghi “%(value)s”).") % {"field": label, "value": to_text(value)}
    )


def to_list(value: Cell) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n,]", to_text(value)) if part.strip()]


def blank(value: Cell) -> bool:
    return is_blank(value)
