"""The description of a document and the Vietnamese conventions it prints (no rendering here)."""

import datetime as dt
import unicodedata

import pytest

from khuyencong.paperwork.document import (
    Column,
    Issuer,
    OfficialDocument,
    Paragraph,
    Row,
    Signature,
    Table,
    article,
    bold,
    date_line,
    items,
    money,
    money_in_words,
    number_line,
    para,
    roman,
    section,
    segments,
)


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (dt.date(2012, 8, 7), "Lạng Sơn, ngày 07 tháng 8 năm 2012"),
        (dt.date(2025, 1, 5), "Lạng Sơn, ngày 05 tháng 01 năm 2025"),
        (dt.date(2024, 2, 29), "Lạng Sơn, ngày 29 tháng 02 năm 2024"),
        (dt.date(2024, 3, 10), "Lạng Sơn, ngày 10 tháng 3 năm 2024"),
        (dt.date(2024, 12, 31), "Lạng Sơn, ngày 31 tháng 12 năm 2024"),
        (dt.date(2024, 10, 1), "Lạng Sơn, ngày 01 tháng 10 năm 2024"),
    ],
)
def test_the_date_line_pads_days_below_ten_and_the_first_two_months(day, line):
    assert date_line("Lạng Sơn", day) == line


def test_without_a_date_the_line_leaves_room_to_write_it():
    line = date_line("Lạng Sơn", None)
    assert line.startswith("Lạng Sơn, ngày")
    assert " ".join(line.split()) == "Lạng Sơn, ngày tháng năm"
    assert not any(char.isdigit() for char in line)


def test_a_recorded_number_is_printed_as_recorded():
    assert number_line("15/QĐ-SCT", kind_code="QĐ", symbol="SCT") == "Số: 15/QĐ-SCT"
    assert number_line("MH-58/QĐ-BCT", kind_code="QĐ", symbol="SCT") == "Số: MH-58/QĐ-BCT"


def test_a_bare_recorded_number_gets_the_kind_and_the_body():
    assert number_line(" 15 ", kind_code="QĐ", symbol="SCT") == "Số: 15/QĐ-SCT"


def test_no_recorded_number_leaves_a_blank_before_the_symbol():
    line = number_line("", kind_code="BB", symbol="TTKC")
    assert line.startswith("Số:")
    assert line.endswith("/BB-TTKC")
    assert not any(char.isdigit() for char in line)
    assert len(line) - len("Số:/BB-TTKC") >= 5  # room to write a number by hand


def test_money_is_written_in_figures_and_in_words():
    assert money(1_286_000) == "1.286.000 đồng"
    assert money_in_words(105_000_000) == "105.000.000 đồng (Bằng chữ: Một trăm linh năm triệu đồng)"


def test_decomposed_vietnamese_is_stored_composed():
    decomposed = unicodedata.normalize("NFD", "Quyết định")
    assert para(decomposed).text == "Quyết định"


def _doc(body, signatures=None, recipients=()):
    return OfficialDocument(
        issuer=Issuer("SỞ CÔNG THƯƠNG", "UBND TỈNH LẠNG SƠN", "SCT"),
        kind="QUYẾT ĐỊNH",
        kind_code="QĐ",
        title="Về việc thử",
        place="Lạng Sơn",
        date=None,
        body=tuple(body),
        signatures=signatures or (Signature("GIÁM ĐỐC"),),
        recipients=recipients,
    )


def _texts(doc):
    return [block.text for block in doc.flat() if isinstance(block, Paragraph)]


def test_articles_sections_and_numbered_items_are_numbered_in_order():
    doc = _doc(
        [
            section("THÀNH PHẦN", items("Hội đồng.", "Cơ sở.", style="number")),
            section("KẾT LUẬN", article("Phê duyệt.", blocks=[items("Một ý.")]), article("Thi hành./.")),
        ]
    )
    assert _texts(doc) == [
        "I. THÀNH PHẦN",
        "1. Hội đồng.",
        "2. Cơ sở.",
        "II. KẾT LUẬN",
        "Điều 1. Phê duyệt.",
        "- Một ý.",
        "Điều 2. Thi hành./.",
    ]


def test_the_last_paragraph_keeps_with_the_signatures():
    blocks = list(_doc([para("Một."), para("Hai.")]).flat())
    assert [block.keep_with_next for block in blocks] == [False, True]


def test_roman_numerals():
    assert [roman(n) for n in (1, 4, 9, 14, 40, 2024)] == ["I", "IV", "IX", "XIV", "XL", "MMXXIV"]


def test_a_table_refuses_widths_that_do_not_fill_the_line_and_rows_of_the_wrong_length():
    with pytest.raises(ValueError, match="100"):
        Table((Column("A", 50), Column("B", 40)), ())
    with pytest.raises(ValueError, match="cells"):
        Table((Column("A", 50), Column("B", 50)), (Row(("1",)),))


def test_document_numbers_and_dates_are_kept_on_one_line():
    assert segments("theo Hợp đồng số 07/2024/HĐ-KC ngày 12/03/2024; mã KCĐP-2024-011.") == [
        ("theo Hợp đồng số ", False),
        ("07/2024/HĐ-KC", True),
        (" ngày ", False),
        ("12/03/2024", True),
        ("; mã ", False),
        ("KCĐP-2024-011.", True),
    ]
    # The motto's spaced hyphens and plain amounts break as usual.
    assert segments("Độc lập - Tự do - Hạnh phúc") == [("Độc lập - Tự do - Hạnh phúc", False)]
    assert segments("105.000.000 đồng") == [("105.000.000 đồng", False)]


def test_recipients_go_left_of_the_signature_and_a_lone_signature_keeps_to_the_right():
    signer = Signature("PHÓ GIÁM ĐỐC", authority="KT. GIÁM ĐỐC")
    with_recipients = _doc([para("x")], signatures=(signer,), recipients=("- Như Điều 3;", "- Lưu: VT."))
    assert with_recipients.closing == (("- Như Điều 3;", "- Lưu: VT."), signer)
    assert _doc([para("x")], signatures=(signer,)).closing == (None, signer)
    other = Signature("ĐẠI DIỆN BÊN B", hint="(Ký, ghi rõ họ tên)")
    assert _doc([para("x")], signatures=(signer, other)).closing == (signer, other)


def test_signature_blocks_of_different_depth_are_padded_to_the_deepest():
    doc = _doc(
        [para("x")],
        signatures=(
            Signature("GIÁM ĐỐC", authority="ĐẠI DIỆN BÊN A", hint="(Ký)"),
            Signature("", authority="ĐẠI DIỆN BÊN B", hint="(Ký)"),
        ),
    )
    assert doc.signature_depth == 3
    assert [s.depth() for s in doc.signatures] == [3, 2]


def test_runs_keep_their_style():
    paragraph = para("Kinh phí: ", bold("105.000.000 đồng"), ".")
    assert [(run.text, run.bold) for run in paragraph.runs] == [
        ("Kinh phí: ", False),
        ("105.000.000 đồng", True),
        (".", False),
    ]
