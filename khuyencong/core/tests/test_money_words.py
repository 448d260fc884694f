"""Amounts in words, northern official reading. Expected strings are written by hand, not generated."""

from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.core.money import vnd_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (1, "Một đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),
        (14, "Mười bốn đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (24, "Hai mươi bốn đồng"),
        (25, "Hai mươi lăm đồng"),
        (100, "Một trăm đồng"),
        (101, "Một trăm linh một đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (1_000, "Một nghìn đồng"),
        (1_005, "Một nghìn không trăm linh năm đồng"),
        (1_015, "Một nghìn không trăm mười lăm đồng"),
        (2_024, "Hai nghìn không trăm hai mươi bốn đồng"),
        (10_005, "Mười nghìn không trăm linh năm đồng"),
        (21_000, "Hai mươi mốt nghìn đồng"),
        (1_000_000, "Một triệu đồng"),
        (1_000_005, "Một triệu không trăm linh năm đồng"),
        (1_000_000_015, "Một tỷ không trăm mười lăm đồng"),
        # Support amounts the generated documents print (paperwork tests).
        (105_000_000, "Một trăm linh năm triệu đồng"),
        (101_500_000, "Một trăm linh một triệu năm trăm nghìn đồng"),
        (51_500_000, "Năm mươi mốt triệu năm trăm nghìn đồng"),
        (3_500_000, "Ba triệu năm trăm nghìn đồng"),
        (1_286_000_000, "Một tỷ hai trăm tám mươi sáu triệu đồng"),
        (450_000_000, "Bốn trăm năm mươi triệu đồng"),
        (327_500_000, "Ba trăm hai mươi bảy triệu năm trăm nghìn đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (1_001_000_000_000, "Một nghìn không trăm linh một tỷ đồng"),
        (1_000_000_000_000_000, "Một triệu tỷ đồng"),
        (-105, "Âm một trăm linh năm đồng"),
    ],
)
def test_amounts_read_the_official_northern_way(amount, words):
    assert vnd_words(amount) == words


@pytest.mark.parametrize("amount", [True, 105.0, 1.5, Decimal("1.5"), Decimal("105"), "105", None])
def test_only_integer_dong_can_be_read(amount):
    with pytest.raises(TypeError):
        vnd_words(amount)


# An independent reader for the round trip: it knows the vocabulary, not the rules that pick it.
_DIGIT = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "lăm": 5}
_DIGIT |= {"sáu": 6, "bảy": 7, "tám": 8, "chín": 9}
_SCALE = {"nghìn": 1_000, "triệu": 1_000_000, "tỷ": 1_000_000_000}


def _parse(text: str) -> int:
    words = text.lower().split()
    assert words.pop() == "đồng"
    sign = 1
    if words[0] == "âm":
        sign = -1
        words.pop(0)
    if words == ["không"]:
        return 0
    # Each scale word closes everything smaller than itself: "một nghìn tỷ" is (1 x 1000) x 10^9.
    done: list[tuple[int, int]] = []  # (value, scale it was closed by)
    small, digit = 0, 0
    for word in words:
        if word in _DIGIT:
            digit = _DIGIT[word]
        elif word == "trăm":
            small, digit = small + digit * 100, 0
        elif word == "mươi":
            small, digit = small + digit * 10, 0
        elif word == "mười":
            small += 10
        elif word == "linh":
            pass
        elif word in _SCALE:
            scale = _SCALE[word]
            value = small + digit
            while done and done[-1][1] < scale:
                value += done.pop()[0]
            done.append((value * scale, scale))
            small, digit = 0, 0
        else:
            raise AssertionError(f"unknown word {word!r} in {text!r}")
    return sign * (sum(value for value, _ in done) + small + digit)


def test_the_test_reader_reads_hand_written_amounts():
    assert _parse("Một tỷ không trăm mười lăm đồng") == 1_000_000_015
    assert _parse("Một nghìn không trăm linh một tỷ đồng") == 1_001_000_000_000
    assert _parse("Ba trăm hai mươi bảy triệu năm trăm nghìn đồng") == 327_500_000


# Random integers rarely contain zero groups or 05/15/21 groups, and that is where readings go wrong,
# so amounts are also built group by group from those.
_GROUP = st.one_of(
    st.just(0),
    st.sampled_from([1, 4, 5, 10, 11, 14, 15, 21, 24, 25, 100, 101, 105, 110, 115, 121]),
    st.integers(min_value=0, max_value=999),
)
_BY_GROUPS = st.lists(_GROUP, min_size=1, max_size=5).map(
    lambda groups: int("".join(f"{g:03d}" for g in groups))
)
_AMOUNTS = st.one_of(st.integers(min_value=-(10**15), max_value=10**15), _BY_GROUPS)


@given(_AMOUNTS)
def test_the_words_read_back_to_the_amount(amount):
    text = vnd_words(amount)
    assert _parse(text) == amount
    assert "  " not in text
    assert text == text.strip()
    assert text[0].isupper()
    assert text[1:] == text[1:].lower()
    assert text.endswith(" đồng") or text == "Không đồng"


@given(_AMOUNTS)
def test_the_words_follow_the_official_vocabulary(amount):
    words = vnd_words(amount).lower().split()
    assert not {"lẻ", "ngàn", "tư"} & set(words)  # southern or colloquial forms
    for before, word in pairwise(words):
        if word == "mốt":
            assert before == "mươi"  # "hai mươi mốt", never "mười mốt"
        if word == "lăm":
            assert before in {"mười", "mươi"}  # "một trăm linh năm", never "linh lăm"
        if word == "linh":
            assert before == "trăm"
        if word == "mươi":
            assert before not in {"không", "một"}
        if before in {"mười", "mươi"}:
            assert word not in {"một" if before == "mươi" else "mốt", "năm"}  # "mốt", "lăm" after tens
        if before == "không" and amount != 0:
            assert word == "trăm"  # a zero digit is only spoken as "không trăm"
    for at, word in enumerate(words[:-1]):
        if word in _SCALE and words[at + 1] not in {*_SCALE, "đồng"}:
            # the group after a scale word says its hundreds, so 1.015 cannot be heard as 1.15
            assert words[at + 2] == "trăm"
        if word in _SCALE:
            assert words[max(at - 2, 0) : at] != ["không", "trăm"]  # empty groups are not read


@given(st.integers(min_value=1, max_value=10**15))
def test_a_negative_amount_is_the_positive_reading_with_am(amount):
    assert vnd_words(-amount) == "Âm " + vnd_words(amount)[0].lower() + vnd_words(amount)[1:]
