"""OfficialDocument -> HTML -> PDF (WeasyPrint), in the layout of layout.py and the Tinos font."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from khuyencong.paperwork import fonts
from khuyencong.paperwork import layout as L
from khuyencong.paperwork.document import OfficialDocument, Paragraph, Run, Signature, Table, segments


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _font_faces() -> str:
    rules = []
    for face, path in fonts.faces():
        rules.append(
            f'@font-face {{ font-family: "{fonts.FAMILY}"; src: url({_css_string(path.as_uri())}) '
            f'format("truetype"); font-weight: {face.weight}; font-style: {face.style}; }}'
        )
    return "\n".join(rules)


def stylesheet(doc: OfficialDocument) -> str:
    demo = (
        f"@top-right {{ content: {_css_string(L.DEMO_NOTE)}; font-size: {L.NOTE_PT}pt; color: #b00020; "
        "font-weight: 700; width: 100%; text-align: right; }"
        if doc.illustrative
        else ""
    )
    return f"""
{_font_faces()}
@page {{
  size: A4;
  margin: {L.MARGIN_TOP_MM}mm {L.MARGIN_RIGHT_MM}mm {L.MARGIN_BOTTOM_MM}mm {L.MARGIN_LEFT_MM}mm;
  @top-center {{ content: counter(page); font-family: "{fonts.FAMILY}"; font-size: {L.BODY_PT}pt; }}
  {demo}
}}
@page :first {{ @top-center {{ content: none; }} }}
html {{ font-family: "{fonts.FAMILY}"; font-size: {L.BODY_PT}pt; line-height: {L.LINE_SPACING}; color: #000; }}
body {{ margin: 0; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ vertical-align: top; padding: 0; }}
.letterhead td {{ text-align: center; }}
.letterhead .bodies {{ width: {L.HEADER_LEFT_PERCENT}%; font-size: {L.BODIES_PT}pt; }}
.letterhead .issuer {{ font-weight: 700; }}
.letterhead .nation-name {{ font-size: {L.NATION_PT}pt; font-weight: 700; white-space: nowrap; }}
.letterhead .motto {{ font-size: {L.MOTTO_PT}pt; font-weight: 700; }}
.letterhead .motto span {{ border-bottom: 0.75pt solid #000; padding-bottom: 1pt; }}
.letterhead .number {{ font-size: {L.NUMBER_PT}pt; padding-top: 8pt; white-space: pre; }}
.letterhead .date {{ font-size: {L.DATE_PT}pt; font-style: italic; padding-top: 8pt; white-space: pre; }}
.short-rule {{ width: {L.SHORT_RULE_PERCENT}%; margin: 2pt auto 0; border-top: 0.75pt solid #000; }}
.kind {{ margin-top: 20pt; text-align: center; font-size: {L.KIND_PT}pt; font-weight: 700; }}
.title {{ text-align: center; font-size: {L.TITLE_PT}pt; font-weight: 700; }}
.title-rule {{ margin-bottom: 12pt; }}
p {{ margin: 0 0 {L.PARAGRAPH_AFTER_PT}pt; orphans: 2; widows: 2; }}
p.justify {{ text-align: justify; }}
p.left {{ text-align: left; }}
p.center {{ text-align: center; }}
p.right {{ text-align: right; }}
p.indent {{ text-indent: {L.FIRST_LINE_INDENT_MM}mm; }}
p.keep {{ break-after: avoid; }}
.nowrap {{ white-space: nowrap; }}
table.grid {{ margin: 0 0 {L.PARAGRAPH_AFTER_PT}pt; font-size: {L.TABLE_PT}pt; }}
table.grid th, table.grid td {{ border: 0.75pt solid #000; padding: 2pt 4pt; }}
table.grid th {{ text-align: center; font-weight: 700; }}
table.grid thead {{ display: table-header-group; }}
table.grid tr {{ break-inside: avoid; }}
table.grid tr.total td {{ font-weight: 700; }}
table.grid td.right {{ text-align: right; }}
table.grid td.center {{ text-align: center; }}
table.grid td.justify {{ text-align: justify; }}
table.closing {{ margin-top: 6pt; break-inside: avoid; }}
table.closing td {{ text-align: center; }}
.recipients-head {{ text-align: left; font-size: {L.RECIPIENTS_HEAD_PT}pt; font-weight: 700; font-style: italic; }}
.recipient {{ text-align: left; font-size: {L.RECIPIENTS_PT}pt; }}
.signer-title {{ font-size: {L.SIGNATURE_PT}pt; font-weight: 700; }}
.hint {{ font-style: italic; }}
.signature-space {{ height: {L.SIGNATURE_SPACE_MM}mm; }}
.signer-name {{ font-size: {L.SIGNATURE_PT}pt; font-weight: 700; }}
"""


def text_html(text: str) -> SafeString:
    """Escaped text, with document numbers and dates kept on one line."""
    return mark_safe(  # every piece is escaped here
        "".join(
            f'<span class="nowrap">{escape(piece)}</span>' if keep else escape(piece)
            for piece, keep in segments(text)
        )
    )


def run_html(run: Run) -> SafeString:
    inner = text_html(run.text)
    if run.italic:
        inner = mark_safe(f"<i>{inner}</i>")
    if run.bold:
        inner = mark_safe(f"<b>{inner}</b>")
    return inner


def closing_widths(doc: OfficialDocument) -> list[int]:
    """Per cent of the text width for each cell of the closing row (the DOCX uses the same)."""
    cells = doc.closing
    if cells and not isinstance(cells[0], Signature):
        rest = len(cells) - 1
        return [L.CLOSING_LEFT_PERCENT] + [(100 - L.CLOSING_LEFT_PERCENT) // rest] * rest
    return [100 // len(cells)] * len(cells) if cells else []


def _closing(doc: OfficialDocument) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for cell, width in zip(doc.closing, closing_widths(doc), strict=True):
        if isinstance(cell, Signature):
            pad = range(doc.signature_depth - cell.depth())
            out.append({"signature": cell, "width": width, "pad": pad})
        else:
            out.append({"recipients": cell or (), "width": width})
    return out


def html(doc: OfficialDocument) -> str:
    blocks: list[dict[str, Any]] = []
    for block in doc.flat():
        if isinstance(block, Table):
            rows = [
                {
                    "bold": row.bold,
                    "cells": [
                        {"html": text_html(text), "align": column.align}
                        for text, column in zip(row.cells, block.columns, strict=True)
                    ],
                }
                for row in block.rows
            ]
            blocks.append({"table": block, "rows": rows})
        elif isinstance(block, Paragraph):
            blocks.append(
                {"paragraph": block, "html": mark_safe("".join(run_html(run) for run in block.runs))}
            )
    return render_to_string(
        "paperwork/document.html",
        {
            "doc": doc,
            "css": stylesheet(doc),
            "title_lines": [text_html(line) for line in doc.title_lines],
            "blocks": blocks,
            "closing": _closing(doc),
        },
    )


def _fonts_only() -> Any:
    """A fetcher that reads the font files and nothing else: no text in a document, whatever a user
    typed into it, can make the renderer open another file or a network address."""
    from weasyprint.urls import URLFetcher

    allowed = {path.as_uri() for _face, path in fonts.faces()}

    class FontsOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url not in allowed:
                raise ValueError(f"not a document font: {url}")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols=("file",))


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as PDF bytes, with the Tinos faces it uses embedded (subset)."""
    from weasyprint import HTML

    return HTML(string=html(doc), base_url=str(fonts.font_dir()), url_fetcher=_fonts_only()).write_pdf()
