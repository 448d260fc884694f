"""One description of an official document, which both renderers (pdf.py, word.py) read.

See the package docstring (khuyencong/paperwork/__init__.py) for the public API and an example.
Everything here is plain data: no database, no Django, so a builder can be tested without rendering
and the two formats cannot disagree about what the document says.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from khuyencong.core.money import group, vnd_words

Align = Literal["justify", "left", "center", "right"]

# A blank the signer fills in by hand: wide enough to write a number or a day in.
BLANK = "\u00a0" * 6


# A document number, a date or a project code: a line must not break inside one ("07/2024/HĐ-KC",
# "07/03/2024", "KCĐP-2024-011"), where a renderer would otherwise break after "/" or "-".
_UNBREAKABLE = re.compile(r"[^\s“”\"()\[\];,]*\d[^\s“”\"()\[\];,]*")


def segments(text: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, unbreakable) pairs: pieces with a digit and a "/" or "-" in them are
    kept on one line by both renderers."""
    out: list[tuple[str, bool]] = []
    at = 0
    for match in _UNBREAKABLE.finditer(text):
        if not any(mark in match.group() for mark in "/-"):
            continue
        if match.start() > at:
            out.append((text[at : match.start()], False))
        out.append((match.group(), True))
        at = match.end()
    if at < len(text):
        out.append((text[at:], False))
    return out


def nfc(text: str) -> str:
    """Vietnamese typed on some keyboards arrives decomposed (NFD); fonts and searches want one form."""
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Run:
    """A piece of text with one style."""

    text: str
    bold: bool = False
    italic: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", nfc(self.text))


def bold(text: str) -> Run:
    return Run(text, bold=True)


def italic(text: str) -> Run:
    return Run(text, italic=True)


def _runs(parts: Sequence[str | Run]) -> tuple[Run, ...]:
    return tuple(part if isinstance(part, Run) else Run(part) for part in parts if part != "")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of runs. Body paragraphs are justified with a first-line indent, as Nghị định
    30/2020/NĐ-CP lays out the text of a document."""

    runs: tuple[Run, ...]
    align: Align = "justify"
    indent: bool = True
    keep_with_next: bool = False

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def para(*parts: str | Run, align: Align = "justify", indent: bool = True) -> Paragraph:
    """`para("Kinh phí: ", bold("105.000.000 đồng"), ".")`."""
    return Paragraph(_runs(parts), align=align, indent=indent)


def heading(text: str) -> Paragraph:
    """A centred bold line inside the body ("QUYẾT ĐỊNH:", "GIÁM ĐỐC SỞ CÔNG THƯƠNG")."""
    return Paragraph((bold(text),), align="center", indent=False, keep_with_next=True)


@dataclass(frozen=True)
class Items:
    """A list: `dash` items start with "- ", `number` items with "1. ", "2. ", … (numbered for you)."""

    entries: tuple[Paragraph, ...]
    style: Literal["dash", "number"] = "dash"


def items(*entries: str | Run | Sequence[str | Run], style: Literal["dash", "number"] = "dash") -> Items:
    """`items("Lao động: 30", ["Kinh phí: ", bold("…")], style="number")`."""
    paragraphs = []
    for entry in entries:
        parts: Sequence[str | Run] = [entry] if isinstance(entry, str | Run) else entry
        paragraphs.append(Paragraph(_runs(parts)))
    return Items(tuple(paragraphs), style=style)


@dataclass(frozen=True)
class Column:
    label: str
    # Share of the table's width, in per cent; the columns of one table add up to 100.
    width: int
    align: Align = "left"


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    bold: bool = False


@dataclass(frozen=True)
class Table:
    """A ruled table with a bold header row; `Row(..., bold=True)` for totals."""

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def __post_init__(self) -> None:
        if sum(column.width for column in self.columns) != 100:
            raise ValueError("column widths must add up to 100")
        for row in self.rows:
            if len(row.cells) != len(self.columns):
                raise ValueError(
                    f"row {row.cells!r} has {len(row.cells)} cells for {len(self.columns)} columns"
                )


@dataclass(frozen=True)
class Article:
    """ "Điều N." (numbered in order of appearance) followed by its text, then any blocks under it."""

    runs: tuple[Run, ...]
    blocks: tuple[Block, ...] = ()


def article(*parts: str | Run, blocks: Sequence[Block] = ()) -> Article:
    return Article(_runs(parts), tuple(blocks))


@dataclass(frozen=True)
class Section:
    """A titled part, numbered I, II, III… in order of appearance ("I. KẾT QUẢ THỰC HIỆN")."""

    title: str
    blocks: tuple[Block, ...]


def section(title: str, *blocks: Block) -> Section:
    return Section(title, tuple(blocks))


Block = Paragraph | Items | Table | Article | Section
# What the renderers draw: every Article, Section and Items is flattened into paragraphs.
Flat = Paragraph | Table


@dataclass(frozen=True)
class Issuer:
    """The body that issues the document (upper case) and the body it answers to, if any.

    `symbol` is the body's abbreviation in document numbers ("SCT" in "12/QĐ-SCT")."""

    name: str
    parent: str = ""
    symbol: str = ""


@dataclass(frozen=True)
class Signature:
    """One signature block: authority to sign ("KT. GIÁM ĐỐC", "ĐẠI DIỆN BÊN A"), the title
    ("PHÓ GIÁM ĐỐC"), an optional italic hint ("(Ký, ghi rõ họ tên)"), room to sign, the name."""

    title: str
    authority: str = ""
    hint: str = ""
    name: str = ""

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(nfc(line) for line in (self.authority, self.title) if line)

    def depth(self) -> int:
        return len(self.lines) + bool(self.hint)


@dataclass(frozen=True)
class OfficialDocument:
    """A Vietnamese official document (văn bản hành chính), Nghị định 30/2020/NĐ-CP, Phụ lục I.

    `number` is the number recorded for the document; when none is recorded the number line is left
    blank for the office to fill ("Số:      /QĐ-SCT"): a number is never made up. `kind_code` is the
    abbreviation of the kind in the number ("QĐ", "BB"). `date` None leaves the date line blank.
    """

    issuer: Issuer
    kind: str
    kind_code: str
    title: str
    place: str
    date: dt.date | None
    body: tuple[Block, ...]
    signatures: tuple[Signature, ...]
    number: str = ""
    recipients: tuple[str, ...] = ()
    illustrative: bool = False
    # The file name without extension, in Vietnamese ("Quyết định phê duyệt KCĐP-2024-007").
    name: str = ""
    motto: tuple[str, str] = field(
        default=("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
    )

    @property
    def number_line(self) -> str:
        return number_line(self.number, kind_code=self.kind_code, symbol=self.issuer.symbol)

    @property
    def date_line(self) -> str:
        return date_line(self.place, self.date)

    @property
    def title_lines(self) -> tuple[str, ...]:
        return tuple(nfc(line) for line in self.title.splitlines() if line.strip())

    @property
    def signature_depth(self) -> int:
        """Lines above the signing space in the deepest signature block; shallower blocks are padded
        to it so that the signers' names line up."""
        return max((s.depth() for s in self.signatures), default=0)

    @property
    def closing(self) -> tuple[Signature | tuple[str, ...] | None, ...]:
        """The cells of the closing row, left to right: the "Nơi nhận" lines (a tuple of str) when there
        are any, then the signatures; a lone signature without recipients keeps to the right half."""
        cells: list[Signature | tuple[str, ...] | None] = list(self.signatures)
        if self.recipients:
            cells.insert(0, tuple(nfc(line) for line in self.recipients))
        elif len(self.signatures) == 1:
            cells.insert(0, None)
        return tuple(cells)

    def flat(self) -> Iterator[Flat]:
        """The body as paragraphs and tables, with articles, sections and list items numbered; the last
        paragraph keeps with the signatures, so a signature never stands alone on a page."""
        blocks = list(_flatten(self.body, {"article": 0, "section": 0}))
        if blocks and isinstance(blocks[-1], Paragraph):
            blocks[-1] = replace(blocks[-1], keep_with_next=True)
        yield from blocks


ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def roman(number: int) -> str:
    out = []
    for value, letters in ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def _flatten(blocks: Sequence[Block], counters: dict[str, int]) -> Iterator[Flat]:
    for block in blocks:
        if isinstance(block, Article):
            counters["article"] += 1
            yield Paragraph((bold(f"Điều {counters['article']}. "), *block.runs))
            yield from _flatten(block.blocks, counters)
        elif isinstance(block, Section):
            counters["section"] += 1
            yield Paragraph(
                (bold(f"{roman(counters['section'])}. {nfc(block.title)}"),),
                align="left",
                keep_with_next=True,
            )
            yield from _flatten(block.blocks, counters)
        elif isinstance(block, Items):
            for at, entry in enumerate(block.entries, start=1):
                mark = f"{at}. " if block.style == "number" else "- "
                yield Paragraph((Run(mark), *entry.runs), align=entry.align, indent=entry.indent)
        else:
            yield block


def number_line(number: str, *, kind_code: str, symbol: str) -> str:
    """'Số: 12/QĐ-SCT'. A recorded number is printed as recorded (it may carry its own symbol);
    none recorded leaves a blank before the symbol for the office to fill by hand."""
    symbol_part = "-".join(part for part in (kind_code, symbol) if part)
    number = " ".join(nfc(number).split())
    if not number:
        return f"Số:{BLANK}/{symbol_part}"
    if "/" in number or not symbol_part:
        return f"Số: {number}"
    return f"Số: {number}/{symbol_part}"


def day_month_year(day: dt.date) -> str:
    """'ngày 07 tháng 8 năm 2012': days below 10 and the months 1 and 2 take a leading zero
    (Nghị định 30/2020/NĐ-CP, Phụ lục I), so nothing can be written in front of them."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_line(place: str, day: dt.date | None) -> str:
    """'Lạng Sơn, ngày 07 tháng 8 năm 2012', or a line with blanks where no date is recorded."""
    if day is None:
        return nfc(f"{place}, ngày{BLANK}tháng{BLANK}năm{BLANK}")
    return nfc(f"{place}, {day_month_year(day)}")


def money(amount: int) -> str:
    """'105.000.000 đồng' as documents write an amount in figures."""
    return f"{group(amount)} đồng"


def money_in_words(amount: int) -> str:
    """'105.000.000 đồng (Bằng chữ: Một trăm linh năm triệu đồng)'."""
    return f"{money(amount)} (Bằng chữ: {vnd_words(amount)})"


def short_date(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""
