"""Hypothesis against the parsers of what people type: money, dates, tax codes, phones, Vietnamese names.

Properties: a parser answers a value or its documented error (ValidationError, or the importer's
CellError), never anything else; what the system writes it reads back (1.286.000 ₫ -> 1286000); a
normalisation done twice is done once; and nothing is guessed: a parsed number has exactly the digits
typed, '1,286' is never 1286, dd/mm is never read as mm/dd."""

from __future__ import annotations

import datetime as dt
import string
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from khuyencong.advice.models import AdviceRequest, normalise_phone
from khuyencong.core.forms import MAX_VND, WholeNumberField, parse_whole_number
from khuyencong.core.money import group, vnd
from khuyencong.core.text import fold, normalise_spaces, search_key
from khuyencong.establishments import tax_code
from khuyencong.establishments.models import Establishment
from khuyencong.imports.cells import CellError, to_date, to_whole, to_year

FUZZ = settings(max_examples=150, deadline=None)
ASCII_DIGITS = frozenset(string.digits)
# Look-alike digits: other scripts' digits, full-width, superscripts (str.isdigit() says yes to all).
LOOKALIKES = "٠١٢٣٤٥٦٧٨٩۰۱۲۳０１２３４５６７８９²³¹⁰"
# What money and numbers are typed with, plus the look-alikes and some noise.
money_text = st.text(
    alphabet=st.sampled_from(list("0123456789.,  \u00a0\u202f-−–₫đồngvnĐtỷỉriệuhìnàg+e") + list(LOOKALIKES)),
    max_size=24,
)
any_text = st.text(max_size=40)
amounts = st.integers(min_value=0, max_value=MAX_VND)
VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
vietnamese_names = st.text(
    alphabet=st.sampled_from(list(VIETNAMESE + VIETNAMESE.upper() + "  .-")), max_size=40
)


def attempt(read: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, list[str] | None]:
    """(value, None), or (None, the messages) when `read` raised its documented error; anything else
    propagates and fails the test."""
    try:
        return read(*args, **kwargs), None
    except ValidationError as exc:
        return None, exc.messages
    except CellError as exc:
        return None, [exc.message]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch in ASCII_DIGITS)


# --- money ------------------------------------------------------------------------------------------


@FUZZ
@given(money_text | any_text, st.booleans())
@example("１.２８６", False)
@example("٣", True)
@example("1,286", True)
def test_a_number_parses_to_its_own_digits_or_is_refused(text, tolerant):
    value, errors = attempt(parse_whole_number, text, label="Kinh phí", tolerant=tolerant)
    if errors is not None:
        assert errors and all("Kinh phí" in m for m in errors)
        return
    assert 0 <= value <= MAX_VND
    if not any(word in text.lower() for word in ("tỷ", "tỉ", "tr", "nghìn", "ngàn")):
        # no multiple word: the value is exactly the digits typed, nothing else counted or dropped
        assert all(ch in ASCII_DIGITS or not ch.isdigit() for ch in text), f"{text!r} read as {value}"
        assert str(value) == _digits(text).lstrip("0") or (value == 0 and set(_digits(text)) == {"0"})


@FUZZ
@given(amounts)
def test_what_the_system_writes_it_reads_back(amount):
    for shown in (
        vnd(amount),
        group(amount),
        str(amount),
        f"{group(amount)} đồng",
        group(amount).replace(".", " "),
    ):
        assert parse_whole_number(shown, label="Kinh phí") == amount
        assert parse_whole_number(shown, label="Kinh phí", tolerant=True) == amount
    assert WholeNumberField(label="Kinh phí").clean(vnd(amount)) == amount


def test_the_seed_figure_reads_back():
    assert parse_whole_number("1.286.000 ₫", label="Kinh phí") == 1_286_000
    assert parse_whole_number(vnd(1_286_000_000), label="Kinh phí") == 1_286_000_000


@FUZZ
@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999), st.booleans())
def test_one_comma_before_three_digits_is_never_a_thousand_separator_guessed(head, tail, tolerant):
    text = f"{head},{tail:03d}"
    with pytest.raises(ValidationError):
        parse_whole_number(text, label="Kinh phí", tolerant=tolerant)
    with pytest.raises(ValidationError):
        parse_whole_number(f"{text} triệu", label="Kinh phí", tolerant=True)


@FUZZ
@given(money_text | any_text)
def test_the_money_field_answers_a_value_or_a_validation_error(text):
    field = WholeNumberField(label="Kinh phí", required=False)
    try:
        value = field.clean(text)
    except ValidationError:
        return
    assert value is None or 0 <= value <= MAX_VND


# --- import cells: numbers, years, dates ------------------------------------------------------------

cells = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.dates()
    | st.datetimes()
    | money_text
    | any_text
    | st.text(alphabet=st.sampled_from(list("0123456789/-.: T") + list(LOOKALIKES)), max_size=14)
)


@FUZZ
@given(cells)
def test_an_import_cell_is_a_number_a_year_a_date_or_a_cell_error(value):
    for read in (lambda v: to_whole(v, label="Kinh phí"), lambda v: to_year(v, label="Năm"), to_date):
        _value, errors = attempt(read, value)
        assert errors is None or all(errors)
    try:
        number = to_whole(value, label="Kinh phí")
    except CellError:
        return
    assert isinstance(number, int) and 0 <= number <= MAX_VND


@FUZZ
@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_a_date_reads_back_day_first_in_every_way_it_is_written(day):
    assert to_date(day.strftime("%d/%m/%Y")) == day
    assert to_date(f"{day.day}/{day.month}/{day.year:04d}") == day
    assert to_date(day.strftime("%d.%m.%Y")) == day
    assert to_date(day.strftime("%d-%m-%Y")) == day
    assert to_date(day.isoformat()) == day
    serial = (day - dt.date(1899, 12, 30)).days
    assert to_date(float(serial)) == day


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("0123456789") + list(LOOKALIKES)), min_size=1, max_size=6))
def test_a_year_is_four_ascii_digits(text):
    try:
        year = to_year(text, label="Năm")
    except CellError:
        return
    assert len(text) == 4 and set(text) <= ASCII_DIGITS and year == int(text)


# --- tax codes --------------------------------------------------------------------------------------


def _valid_ten(first_nine: str) -> str | None:
    check = tax_code.check_digit(first_nine)
    return None if check is None else first_nine + str(check)


nine_digits = st.text(alphabet=st.sampled_from(string.digits), min_size=9, max_size=9)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("0123456789-. _/") + list(LOOKALIKES)), max_size=18) | any_text)
@example("010010910²")
@example("٠١٠٠١٠٩١٠٦")
@example("０１００１０９１０６")
def test_a_tax_code_is_validated_to_ascii_digits_or_refused(raw):
    code, errors = attempt(tax_code.validate, raw)
    if errors is not None:
        assert errors and all(errors)
        return
    assert set(code) <= ASCII_DIGITS | {"-"}, f"{raw!r} stored as {code!r}"
    assert len(code.replace("-", "")) in (10, 12, 13)
    assert tax_code.validate(code) == code  # idempotent


@FUZZ
@given(nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_one_wrong_digit_of_a_tax_code_is_always_caught(first_nine, position, delta):
    code = _valid_ten(first_nine)
    if code is None:
        return
    assert tax_code.validate(code) == code
    assert tax_code.validate(f"{code[:4]} {code[4:7]}.{code[7:]}") == code
    wrong = code[:position] + str((int(code[position]) + delta) % 10) + code[position + 1 :]
    with pytest.raises(ValidationError):
        tax_code.validate(wrong)


@FUZZ
@given(nine_digits, st.integers(min_value=1, max_value=999))
def test_a_branch_code_keeps_its_parent_and_number(first_nine, branch):
    code = _valid_ten(first_nine)
    if code is None:
        return
    assert tax_code.validate(f"{code}{branch:03d}") == f"{code}-{branch:03d}"
    assert tax_code.validate(f"{code}-{branch:03d}") == f"{code}-{branch:03d}"


# --- phones -----------------------------------------------------------------------------------------

phone_text = (
    st.text(alphabet=st.sampled_from(list("0123456789+ .-()") + list(LOOKALIKES)), max_size=18) | any_text
)


@FUZZ
@given(phone_text)
@example("0²12345678")
@example("０９１２３４５６７８")
def test_a_phone_is_stored_as_ascii_digits_or_refused(raw):
    assert normalise_phone(normalise_phone(raw)) == normalise_phone(raw)
    for record in (
        Establishment(name="Cơ sở", legal_form="cooperative", sector="forest_products", workers=1, phone=raw),
        AdviceRequest(business_name="Cơ sở", topic="technology", question="?", contact_name="Lan", phone=raw),
    ):
        try:
            record.clean()
        except ValidationError as exc:
            if "phone" in exc.message_dict:
                continue
        if raw.strip():
            assert set(record.phone) <= ASCII_DIGITS and record.phone.startswith("0"), (
                f"{raw!r} -> {record.phone!r}"
            )
            assert 10 <= len(record.phone) <= 11


# --- Vietnamese text ---------------------------------------------------------------------------------


@FUZZ
@given(vietnamese_names | any_text)
def test_folding_and_normalising_never_fail_and_are_idempotent(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert not any(unicodedata.category(ch) == "Mn" for ch in folded)
    spaced = normalise_spaces(text)
    assert normalise_spaces(spaced) == spaced
    key = search_key(text)
    assert search_key(key) == key
    assert key == key.strip() and "  " not in key


@FUZZ
@given(vietnamese_names)
def test_a_name_has_one_search_key_whatever_its_form_or_case(name):
    key = search_key(name)
    assert search_key(unicodedata.normalize("NFD", name)) == key
    assert search_key(name.upper()) == key == search_key(name.lower())
    assert set(key) <= set(string.ascii_lowercase + string.digits + " ")


def test_the_abbreviations_meet_the_long_forms():
    assert search_key("Cty TNHH TM Hưng Long") == search_key(
        "Công ty trách nhiệm hữu hạn thương mại Hưng Long"
    )
    assert search_key("HTX Mây tre đan Ba Sơn") == "hop tac xa may tre dan ba son"
