import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from khuyencong.core.money import group, million, vnd
from khuyencong.core.text import fold, normalise_spaces, search_key


def test_it_folds_diacritics_and_d_bar():
    assert fold("Đồng Đăng, Hưng Long") == "dong dang, hung long"


def test_it_builds_the_search_key_with_abbreviations_expanded():
    assert search_key("Công ty TNHH TM Hưng Long") == "cong ty tnhh thuong mai hung long"
    assert search_key("Cty trách nhiệm hữu hạn thương mại Hưng Long") == "cong ty tnhh thuong mai hung long"
    assert search_key("HTX mây tre đan") == "hop tac xa may tre dan"


def test_decomposed_and_composed_input_give_the_same_key():
    name = "Hợp tác xã Đồng Đăng"
    assert search_key(unicodedata.normalize("NFD", name)) == search_key(unicodedata.normalize("NFC", name))


def test_it_normalises_stray_spaces_and_decomposed_text():
    assert normalise_spaces("  Công   ty\tHưng  Long ") == "Công ty Hưng Long"
    assert normalise_spaces(unicodedata.normalize("NFD", "Hưng")) == unicodedata.normalize("NFC", "Hưng")


@given(st.text())
def test_folding_is_idempotent_and_ascii_for_vietnamese_letters(text):
    once = fold(text)
    assert fold(once) == once


@given(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ ",
        max_size=40,
    )
)
def test_the_search_key_of_vietnamese_text_is_plain_ascii(text):
    key = search_key(text)
    assert key.isascii()
    assert key == search_key(key)


def test_money_is_shown_the_vietnamese_way():
    assert group(1286) == "1.286"
    assert vnd(1_286_000_000) == "1.286.000.000 ₫"
    assert vnd(-5000) == "-5.000 ₫"
    assert million(1_286_400_000) == "1.286 tr.đ"
