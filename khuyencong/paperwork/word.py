"""OfficialDocument -> DOCX (python-docx), in the same layout as the PDF (layout.py).

Word renders with the reader's fonts, so the file names Times New Roman (on every Windows machine)
and declares Tinos, which has the same metrics and the Vietnamese letters, as its alternative name in
the font table, with the serif family, for LibreOffice and machines without Times New Roman.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from khuyencong.paperwork import fonts
from khuyencong.paperwork import layout as L
from khuyencong.paperwork.document import OfficialDocument, Paragraph, Run, Signature, Table, segments
from khuyencong.paperwork.pdf import closing_widths

ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
TEXT_WIDTH = Mm(L.TEXT_WIDTH_MM)
PT_PER_MM = 72 / 25.4
DEMO_RED = RGBColor(0xB0, 0x00, 0x20)
# The children of w:pPr that the schema puts after w:pBdr.
PPR_AFTER_BORDER = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _set_fonts(r_pr: Any) -> None:
    """Every script slot names the same font, or Word picks another for the Vietnamese letters."""
    fonts_el = r_pr.find(qn("w:rFonts"))
    if fonts_el is None:
        fonts_el = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts_el)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts_el.set(qn(slot), fonts.WORD_FONT)


def _declare_fallback(document: Document) -> None:
    """Font table: Times New Roman is a serif, also known as Tinos (where Word looks for a substitute)."""
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    root = etree.fromstring(part.blob)
    entry = root.find(f"{qn('w:font')}[@{qn('w:name')}='{fonts.WORD_FONT}']")
    if entry is None:
        entry = etree.SubElement(root, qn("w:font"))
        entry.set(qn("w:name"), fonts.WORD_FONT)
    for child in entry.findall(qn("w:altName")) + entry.findall(qn("w:family")):
        entry.remove(child)
    alt = etree.Element(qn("w:altName"))
    alt.set(qn("w:val"), fonts.FAMILY)
    entry.insert(0, alt)  # CT_Font's order: altName, panose1, charset, family, pitch, sig
    family = etree.Element(qn("w:family"))
    family.set(qn("w:val"), "roman")
    before = entry.find(qn("w:charset"))
    if before is None:
        before = entry.find(qn("w:panose1"))
    (before if before is not None else alt).addnext(family)
    # A plain (non-XML) part in python-docx: its bytes are what gets written.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _setup(document: Document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(L.PAGE_WIDTH_MM), Mm(L.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(L.MARGIN_TOP_MM), Mm(L.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(L.MARGIN_LEFT_MM), Mm(L.MARGIN_RIGHT_MM)
    section.header_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = fonts.WORD_FONT
    normal.font.size = Pt(L.BODY_PT)
    _set_fonts(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), L.LINE_SPACING
    for name in ("Table Grid", "Normal Table"):
        document.styles[name].font.name = fonts.WORD_FONT
    _declare_fallback(document)
    language = document.settings.element.find(qn("w:themeFontLang"))
    if language is not None:
        language.set(qn("w:val"), "vi-VN")


def _run(paragraph: DocxParagraph, run: Run, *, size: float | None = None, **style: Any) -> None:
    out = paragraph.add_run()
    for piece, keep in segments(run.text):
        if not keep:
            out.add_text(piece)
            continue
        # Word breaks a line after "-": a non-breaking hyphen keeps "07/2024/HĐ-KC" whole.
        for at, part in enumerate(piece.split("-")):
            if at:
                out._r.append(OxmlElement("w:noBreakHyphen"))
            if part:
                out.add_text(part)
    out.bold = run.bold or style.get("bold", False) or None
    out.italic = run.italic or style.get("italic", False) or None
    if size:
        out.font.size = Pt(size)
    if "color" in style:
        out.font.color.rgb = style["color"]


def _line(
    container: Any,
    text: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    align: str = "center",
    after: float = 0,
    first: bool = False,
) -> DocxParagraph:
    """One line in a cell or the body; `first` reuses the empty paragraph a new cell starts with."""
    paragraph = container.paragraphs[0] if first and container.paragraphs else container.add_paragraph()
    paragraph.alignment = ALIGN[align]
    paragraph.paragraph_format.space_after = Pt(after)
    _run(paragraph, Run(text), size=size, bold=bold, italic=italic)
    return paragraph


def _rule(container: Any, *, width_pt: float, line_pt: float, space_before: float = 1) -> None:
    """A centred horizontal rule `line_pt` long: an empty paragraph's bottom border, narrowed by indents."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    margin = max(0.0, (width_pt - line_pt) / 2)
    fmt.left_indent = fmt.right_indent = Pt(margin)
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(space_before), Pt(0), Pt(2)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    # CT_PPr is a sequence: the border goes before spacing, indents and alignment, or Word refuses the file.
    paragraph._p.get_or_add_pPr().insert_element_before(border, *PPR_AFTER_BORDER)


def _table(document: Document, rows: int, widths_percent: list[int], *, grid: bool = False) -> Any:
    table = document.add_table(rows=rows, cols=len(widths_percent))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    if grid:
        table.style = document.styles["Table Grid"]
    for index, share in enumerate(widths_percent):
        width = int(TEXT_WIDTH * share / 100)
        table.columns[index].width = width
        for cell in table.columns[index].cells:
            cell.width = width
    return table


def _cell_width_pt(share: int) -> float:
    return L.TEXT_WIDTH_MM * share / 100 * PT_PER_MM


def _letterhead(document: Document, doc: OfficialDocument) -> None:
    left, right = L.HEADER_LEFT_PERCENT, 100 - L.HEADER_LEFT_PERCENT
    table = _table(document, 2, [left, right])
    bodies, nation = table.cell(0, 0), table.cell(0, 1)
    first = True
    if doc.issuer.parent:
        _line(bodies, doc.issuer.parent, size=L.BODIES_PT, first=True)
        first = False
    _line(bodies, doc.issuer.name, size=L.BODIES_PT, bold=True, first=first)
    _rule(bodies, width_pt=_cell_width_pt(left), line_pt=_cell_width_pt(left) * L.SHORT_RULE_PERCENT / 100)
    _line(nation, doc.motto[0], size=L.NATION_PT, bold=True, first=True)
    _line(nation, doc.motto[1], size=L.MOTTO_PT, bold=True)
    motto_width = fonts.text_width_pt(doc.motto[1], size_pt=L.MOTTO_PT, bold=True)
    _rule(nation, width_pt=_cell_width_pt(right), line_pt=motto_width)
    number = _line(table.cell(1, 0), doc.number_line, size=L.NUMBER_PT, first=True)
    date = _line(table.cell(1, 1), doc.date_line, size=L.DATE_PT, italic=True, first=True)
    number.paragraph_format.space_before = date.paragraph_format.space_before = Pt(8)


def _title(document: Document, doc: OfficialDocument) -> None:
    kind = _line(document, doc.kind, size=L.KIND_PT, bold=True)
    kind.paragraph_format.space_before = Pt(20)
    kind.paragraph_format.keep_with_next = True
    for line in doc.title_lines:
        _line(document, line, size=L.TITLE_PT, bold=True).paragraph_format.keep_with_next = True
    _rule(
        document,
        width_pt=L.TEXT_WIDTH_MM * PT_PER_MM,
        line_pt=L.TEXT_WIDTH_MM * PT_PER_MM * L.SHORT_RULE_PERCENT / 100,
    )
    document.paragraphs[-1].paragraph_format.space_after = Pt(12)


def _paragraph(document: Document, block: Paragraph) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = ALIGN[block.align]
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(L.PARAGRAPH_AFTER_PT)
    fmt.widow_control = True
    if block.indent:
        fmt.first_line_indent = Mm(L.FIRST_LINE_INDENT_MM)
    if block.keep_with_next:
        fmt.keep_with_next = True
    for run in block.runs:
        _run(paragraph, run)


def _grid(document: Document, block: Table) -> None:
    table = _table(document, 1 + len(block.rows), [column.width for column in block.columns], grid=True)
    header = table.rows[0]
    header_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_pr.append(repeat)
    for cell, column in zip(header.cells, block.columns, strict=True):
        _line(cell, column.label, size=L.TABLE_PT, bold=True, first=True)
    for row, source in zip(table.rows[1:], block.rows, strict=True):
        no_split = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(no_split)
        for cell, text, column in zip(row.cells, source.cells, block.columns, strict=True):
            _line(cell, text, size=L.TABLE_PT, bold=source.bold, align=column.align, first=True)
    # A little air after the table, as the PDF leaves.
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(0)
    spacer.paragraph_format.line_spacing = Pt(L.PARAGRAPH_AFTER_PT)


def _signature(cell: _Cell, signature: Signature, *, depth: int) -> None:
    first = True
    for line in signature.lines:
        _line(cell, line, size=L.SIGNATURE_PT, bold=True, first=first).paragraph_format.keep_with_next = True
        first = False
    for _ in range(depth - signature.depth()):
        _line(cell, "", size=L.SIGNATURE_PT, first=first)
        first = False
    if signature.hint:
        _line(cell, signature.hint, size=L.BODY_PT, italic=True, first=first)
        first = False
    space = _line(cell, "", size=L.BODY_PT, first=first)
    space.paragraph_format.space_after = Pt(L.SIGNATURE_SPACE_MM * PT_PER_MM)
    _line(cell, signature.name, size=L.SIGNATURE_PT, bold=True)


def _closing(document: Document, doc: OfficialDocument) -> None:
    cells = doc.closing
    if not cells:
        return
    table = _table(document, 1, closing_widths(doc))
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for out, cell in zip(table.rows[0].cells, cells, strict=True):
        if isinstance(cell, Signature):
            _signature(out, cell, depth=doc.signature_depth)
        elif cell:
            _line(
                out, "Nơi nhận:", size=L.RECIPIENTS_HEAD_PT, bold=True, italic=True, align="left", first=True
            )
            for line in cell:
                _line(out, line, size=L.RECIPIENTS_PT, align="left")


def _page_header(document: Document, doc: OfficialDocument) -> None:
    """Page numbers centred at the top from the second page; the demo note on every page."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    for header, numbered in ((section.first_page_header, False), (section.header, True)):
        paragraph = header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if numbered:
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), "PAGE")
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = "2"
            run.append(text)
            field.append(run)
            paragraph._p.append(field)
        if doc.illustrative:
            note = header.add_paragraph()
            note.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(note, Run(L.DEMO_NOTE), size=L.NOTE_PT, bold=True, color=DEMO_RED)


def render_docx(doc: OfficialDocument) -> bytes:
    """The document as DOCX bytes."""
    document = new_document()
    _setup(document)
    if doc.name:
        document.core_properties.title = doc.name
    document.core_properties.language = "vi-VN"
    _page_header(document, doc)
    # A new document starts with one empty paragraph; the letterhead table goes before it.
    empty = document.paragraphs[0]._p if document.paragraphs else None
    _letterhead(document, doc)
    if empty is not None:
        empty.getparent().remove(empty)
    _title(document, doc)
    for block in doc.flat():
        if isinstance(block, Table):
            _grid(document, block)
        else:
            _paragraph(document, block)
    _closing(document, doc)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
