"""How typed cells are read: Vietnamese numbers, dates, tax codes, categories and headers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from khuyencong.core.forms import parse_whole_number
from khuyencong.establishments.choices import LegalForm
from khuyencong.imports import cells
from khuyencong.imports.cells import CellError


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1.286", 1286),
        ("1.286.000 đ", 1_286_000),
        ("1.286.000.000 ₫", 1_286_000_000),
        ("1,5 tỷ", 1_500_000_000),
        ("1.5 tỷ", 1_500_000_000),
        ("350 triệu", 350_000_000),
        ("1,25 tr", 1_250_000),
        ("20 nghìn", 20_000),
        ("1,286,000", 1_286_000),
        ("  1 286 000  ", 1_286_000),
        ("12.345.678 VNĐ", 12_345_678),
    ],
)
def test_tolerant_numbers_are_read_the_vietnamese_way(typed, value):
    assert parse_whole_number(typed, label="Số tiền", tolerant=True) == value


@pytest.mark.parametrize("typed", ["1,286", "1,286 tỷ", "1.286 tỷ", "2,500"])
def test_a_number_with_two_readings_is_reported_not_guessed(typed):
    with pytest.raises(ValidationError) as caught:
        parse_whole_number(typed, label="Số tiền", tolerant=True)
    assert caught.value.code == "ambiguous"
    assert typed in caught.value.messages[0]


def test_the_web_forms_keep_refusing_commas_and_multiples():
    """Tolerance is the importer's: the page still asks for 1.286.000.000."""
    for typed in ("1,5 tỷ", "1,286,000"):
        with pytest.raises(ValidationError):
            parse_whole_number(typed, label="Số tiền")
    with pytest.raises(ValidationError) as caught:
        parse_whole_number("1,286", label="Số tiền")
    assert caught.value.code == "decimal"


def test_a_fraction_of_a_dong_is_refused():
    with pytest.raises(ValidationError) as caught:
        parse_whole_number("1,2345678 nghìn", label="Số tiền", tolerant=True)
    assert caught.value.code == "decimal"


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("07/08/2012", dt.date(2012, 8, 7)),
        ("7/8/2012", dt.date(2012, 8, 7)),
        ("07-08-2012", dt.date(2012, 8, 7)),
        ("07.08.2012", dt.date(2012, 8, 7)),
        ("2012-08-07", dt.date(2012, 8, 7)),
        (41128, dt.date(2012, 8, 7)),  # Excel serial day
        (41128.0, dt.date(2012, 8, 7)),
        ("41128", dt.date(2012, 8, 7)),
        (dt.datetime(2012, 8, 7, 0, 0), dt.date(2012, 8, 7)),
        (dt.date(2012, 8, 7), dt.date(2012, 8, 7)),
    ],
)
def test_dates_are_day_first_or_excel_serials(cell, day):
    assert cells.to_date(cell) == day


@pytest.mark.parametrize("cell", ["31/02/2012", "2012/31/12", "tháng 8", -5, True])
def test_impossible_or_unreadable_dates_are_reported(cell):
    with pytest.raises(CellError):
        cells.to_date(cell)


def test_numbers_in_cells_are_whole_or_reported():
    assert cells.to_whole(1286.0, label="Số lao động") == 1286
    assert cells.to_whole("1.286", label="Số lao động") == 1286
    with pytest.raises(CellError, match="không có phần thập phân"):
        cells.to_whole(12.5, label="Số lao động")
    with pytest.raises(CellError, match="không được là số âm"):
        cells.to_whole(-3, label="Số lao động")
    with pytest.raises(CellError, match="ngày giờ"):
        cells.to_whole(dt.date(2012, 1, 1), label="Số lao động")


def test_a_tax_code_that_lost_its_leading_zero_in_excel_gets_it_back():
    assert cells.to_tax_code(100109106.0) == "0100109106"
    assert cells.to_tax_code(1234567890) == "1234567890"
    assert cells.to_tax_code(" 0100109106 ") == "0100109106"


def test_categories_match_by_label_or_code_without_diacritics():
    legal = cells.ChoiceMap(LegalForm.choices)
    assert legal.read("Hợp tác xã", label="Loại hình") == "cooperative"
    assert legal.read("hop tac xa", label="Loại hình") == "cooperative"
    assert legal.read("HỢP TÁC XÃ", label="Loại hình") == "cooperative"
    assert legal.read("cooperative", label="Loại hình") == "cooperative"
    with pytest.raises(CellError, match="Doanh nghiệp nhỏ"):  # the message lists what is accepted
        legal.read("Công ty", label="Loại hình")


def test_headers_are_compared_without_diacritics_case_or_marks():
    assert cells.header_key("Tên cơ sở (*)") == cells.header_key("TEN CO SO")
    assert cells.header_key("Mã số thuế (3)") == "ma so thue"
    assert cells.header_key("Xã/phường") == "xa phuong"


def test_years_are_four_digits():
    assert cells.to_year(2012.0, label="Năm") == 2012
    assert cells.to_year(dt.date(2012, 5, 1), label="Năm") == 2012
    with pytest.raises(CellError, match="bốn chữ số"):
        cells.to_year("12", label="Năm")
