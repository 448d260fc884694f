import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.establishments import tax_code


def test_it_accepts_a_ten_digit_code_with_the_right_check_digit():
    assert tax_code.validate("0100109106") == "0100109106"


def test_it_rejects_a_wrong_check_digit_and_says_so():
    with pytest.raises(ValidationError, match="chữ số kiểm tra"):
        tax_code.validate("0100109107")


def test_it_accepts_a_branch_code_written_with_or_without_the_dash():
    assert tax_code.validate("0100109106-001") == "0100109106-001"
    assert tax_code.validate("0100109106 001") == "0100109106-001"
    with pytest.raises(ValidationError, match="001 đến 999"):
        tax_code.validate("0100109106-000")


def test_it_accepts_a_personal_identification_number_by_its_own_rule():
    assert tax_code.validate("020190001234") == "020190001234"
    with pytest.raises(ValidationError, match="mã tỉnh"):
        tax_code.validate("099190001234")


def test_it_names_the_length_problem():
    with pytest.raises(ValidationError, match="đã nhập 9 số"):
        tax_code.validate("010010910")


def test_it_rejects_letters():
    with pytest.raises(ValidationError, match="chỉ gồm chữ số"):
        tax_code.validate("01001O9106")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_check_digit_is_valid_unless_the_remainder_is_zero(first_nine):
    valid = [d for d in "0123456789" if _ok(first_nine + d)]
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    if sum(int(a) * w for a, w in zip(first_nine, weights, strict=True)) % 11 == 0:
        assert valid == []
    else:
        assert len(valid) == 1


def _ok(code):
    try:
        tax_code.validate(code)
    except ValidationError:
        return False
    return True
