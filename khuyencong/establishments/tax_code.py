"""Vietnamese tax codes (mã số thuế).

* 10 digits: an enterprise or cooperative; the 10th digit is a check digit over the first nine with
  weights 31, 29, 23, 19, 17, 13, 7, 5, 3 (check = 10 - sum mod 11; a remainder of 0 is never issued).
* 13 digits (10 + 3, often written 0100109106-001): a dependent unit; the first ten are checked as
  above and the branch number is 001-999.
* 12 digits: a personal identification number (CCCD), which household businesses and individuals use
  as their tax code since 2025. It has no check digit; its first three digits are the province of
  birth registration (0 + the old two-digit province code), then a sex/century digit and the year.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
# The 63 province codes of the General Statistics Office before the 2025 reform (CCCD prefixes).
_PROVINCE_CODES = frozenset(
    [
        "01",
        "02",
        "04",
        "06",
        "08",
        "10",
        "11",
        "12",
        "14",
        "15",
        "17",
        "19",
        "20",
        "22",
        "24",
        "25",
        "26",
        "27",
        "30",
        "31",
        "33",
        "34",
        "35",
        "36",
        "37",
        "38",
        "40",
        "42",
        "44",
        "45",
        "46",
        "48",
        "49",
        "51",
        "52",
        "54",
        "56",
        "58",
        "60",
        "62",
        "64",
        "66",
        "67",
        "68",
        "70",
        "72",
        "74",
        "75",
        "77",
        "79",
        "80",
        "82",
        "83",
        "84",
        "86",
        "87",
        "89",
        "91",
        "92",
        "93",
        "94",
        "95",
        "96",
    ]
)
_SEPARATORS = re.compile(r"[\s.\-_/]")
# ASCII digits only: str.isdigit() also says yes to "²" (which int() refuses) and to other scripts' digits.
_DIGITS = re.compile(r"[0-9]+")


def normalise(raw: str) -> str:
    """Digits as stored: '0100109106-001' for a branch, plain digits otherwise."""
    digits = _SEPARATORS.sub("", raw or "")
    if len(digits) == 13 and _DIGITS.fullmatch(digits):
        return f"{digits[:10]}-{digits[10:]}"
    return digits


def check_digit(first_nine: str) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True)) % 11
    return None if remainder == 0 else (10 - remainder) % 10


def validate(raw: str) -> str:
    """Return the normalised code or raise ValidationError naming what is wrong."""
    code = normalise(raw)
    digits = code.replace("-", "")
    if not _DIGITS.fullmatch(digits):
        raise ValidationError(
            _("Mã số thuế chỉ gồm chữ số (và dấu '-' trước mã chi nhánh)."), code="tax_code_chars"
        )
    if len(digits) == 12:
        if digits[1:3] not in _PROVINCE_CODES or digits[0] != "0":
            raise ValidationError(
                _(
                    "Mã số thuế 12 số (số định danh cá nhân) phải bắt đầu bằng mã tỉnh hợp lệ, %(prefix)s không phải."
                )
                % {"prefix": digits[:3]},
                code="tax_code_pid_province",
            )
        return digits
    if len(digits) not in (10, 13):
        raise ValidationError(
            _(
                "Mã số thuế phải có 10 số (doanh nghiệp), 13 số (chi nhánh) hoặc 12 số (cá nhân); đã nhập %(n)s số."
            )
            % {"n": len(digits)},
            code="tax_code_length",
        )
    expected = check_digit(digits[:9])
    if expected is None or int(digits[9]) != expected:
        raise ValidationError(
            _("Mã số thuế %(code)s sai chữ số kiểm tra (chữ số thứ 10).") % {"code": digits[:10]},
            code="tax_code_check_digit",
        )
    if len(digits) == 13 and digits[10:] == "000":
        raise ValidationError(_("Mã chi nhánh (3 số cuối) phải từ 001 đến 999."), code="tax_code_branch")
    return code
