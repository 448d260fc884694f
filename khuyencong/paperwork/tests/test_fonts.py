"""The PDF carries its own serif font, and that font has every Vietnamese letter."""

import datetime as dt
from dataclasses import replace
from io import BytesIO

import docx
import pytest
from django.core.exceptions import ImproperlyConfigured
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from lxml import etree
from pypdf import PdfReader

from khuyencong.paperwork import fonts
from khuyencong.paperwork.document import Issuer, OfficialDocument, Run, Signature, bold, italic, para
from khuyencong.paperwork.pdf import render_pdf
from khuyencong.paperwork.word import render_docx

from .conftest import pdf_text

# The 12 vowels with each of the 6 tones (ngang, huyền, sắc, hỏi, ngã, nặng), and đ, in both cases.
VOWELS = {
    "a": "aàáảãạ",
    "ă": "ăằắẳẵặ",
    "â": "âầấẩẫậ",
    "e": "eèéẻẽẹ",
    "ê": "êềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọ",
    "ô": "ôồốổỗộ",
    "ơ": "ơờớởỡợ",
    "u": "uùúủũụ",
    "ư": "ưừứửữự",
    "y": "yỳýỷỹỵ",
}
LOWER = "".join(VOWELS.values()) + "đ"
LETTERS = LOWER + LOWER.upper()


def test_the_alphabet_under_test_is_complete():
    assert len(set(LETTERS)) == 2 * (12 * 6 + 1)
    assert "Ỹ" in LETTERS
    assert "Đ" in LETTERS


@pytest.mark.parametrize("face", fonts.FACES, ids=lambda face: face.file)
def test_each_tinos_face_has_every_vietnamese_letter(face):
    cmap = TTFont(fonts.face_path(face)).getBestCmap()
    assert [char for char in LETTERS if ord(char) not in cmap] == []


def _alphabet_document():
    return OfficialDocument(
        issuer=Issuer("SỞ CÔNG THƯƠNG", "UBND TỈNH LẠNG SƠN", "SCT"),
        kind="QUYẾT ĐỊNH",
        kind_code="QĐ",
        title="Về việc thử phông chữ",
        place="Lạng Sơn",
        date=dt.date(2024, 3, 7),
        body=(
            para(LETTERS),
            para(bold(LETTERS)),
            para(italic(LETTERS)),
            para(Run(LETTERS, bold=True, italic=True)),
        ),
        signatures=(Signature("GIÁM ĐỐC"),),
    )


def _embedded_fonts(data):
    """(BaseFont, the embedded TrueType program) for every font the PDF's pages use."""
    found = {}
    for page in PdfReader(BytesIO(data)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            program = descriptor.get("/FontFile2")
            found[str(font["/BaseFont"])] = (
                TTFont(BytesIO(program.get_object().get_data())) if program else None
            )
    return found


def test_the_pdf_embeds_tinos_only_and_its_glyphs_cover_the_letters_used():
    data = render_pdf(_alphabet_document())
    embedded = _embedded_fonts(data)
    # Subset names look like "ABCDEF+Tinos-Bold"; any other family means a glyph fell back elsewhere.
    families = {name.lstrip("/").split("+", 1)[-1] for name in embedded}
    assert families == {"Tinos", "Tinos-Bold", "Tinos-Italic", "Tinos-Bold-Italic"}
    assert all(program is not None for program in embedded.values())  # embedded, not referenced
    for name, program in embedded.items():
        cmap = program.getBestCmap()
        assert [char for char in LETTERS if ord(char) not in cmap] == [], name
    assert LETTERS in pdf_text(data)


def test_a_missing_font_is_an_error_that_says_how_to_install_it(settings, tmp_path):
    settings.KHUYENCONG_DOCUMENT_FONT_DIR = tmp_path
    with pytest.raises(ImproperlyConfigured, match="npm ci"):
        render_pdf(_alphabet_document())


def test_the_docx_names_times_new_roman_with_tinos_as_its_alternative():
    document = docx.Document(BytesIO(render_docx(_alphabet_document())))
    normal = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert {normal.get(qn(slot)) for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")} == {
        "Times New Roman"
    }
    table = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    entry = etree.fromstring(table.blob).find(f"{qn('w:font')}[@{qn('w:name')}='Times New Roman']")
    assert entry.find(qn("w:altName")).get(qn("w:val")) == "Tinos"
    assert entry.find(qn("w:family")).get(qn("w:val")) == "roman"
    children = [child.tag.split("}")[1] for child in entry]
    assert children.index("altName") < children.index("charset") < children.index("family")


def test_widths_come_from_the_font_metrics():
    motto = "Độc lập - Tự do - Hạnh phúc"
    regular = fonts.text_width_pt(motto, size_pt=13)
    assert fonts.text_width_pt(motto, size_pt=26) == pytest.approx(2 * regular)
    assert fonts.text_width_pt(motto, size_pt=13, bold=True) > regular
    # Times New Roman's "Độc lập - Tự do - Hạnh phúc" at 13 pt bold is about 56 mm.
    assert 150 < fonts.text_width_pt(motto, size_pt=13, bold=True) < 170


def test_text_that_looks_like_markup_is_printed_not_fetched():
    from khuyencong.paperwork.pdf import _fonts_only

    fetcher = _fonts_only()
    with pytest.raises(ValueError, match="not a document font"):
        fetcher.fetch("file:///etc/hostname")
    with pytest.raises(ValueError, match="not a document font"):
        fetcher.fetch("http://127.0.0.1:9/x.png")
    font = fonts.face_path(fonts.FACES[0]).as_uri()
    response = fetcher.fetch(font)  # the fonts themselves load
    try:
        assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType file
    finally:
        response.close()

    typed = '<img src="file:///etc/hostname"> & <b>không đậm</b>'
    doc = replace(_alphabet_document(), body=(para(typed),))
    assert typed in pdf_text(render_pdf(doc))
