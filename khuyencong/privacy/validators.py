"""Checks of the personal identifiers the system keeps: a citizen ID number (CCCD) and a phone number."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from khuyencong.establishments.tax_code import _PROVINCE_CODES

_PUNCTUATION = re.compile(r"[\s.\-()]")
# The 4th digit of a CCCD: century of birth and sex (0/1: 1900s male/female, 2/3: 2000s, 4/5: 2100s).
_CENTURIES = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100}


def citizen_id(raw: str) -> str:
    """A 12-digit CCCD / personal identification number, spaces and dots removed; raise if malformed."""
    digits = _PUNCTUATION.sub("", raw or "")
    if not digits.isdigit() or len(digits) != 12:
        raise ValidationError(
            # The value is not repeated: error reports are stored with the import run.
            _("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số; đã nhập %(n)s chữ số.")
            % {"n": sum(c.isdigit() for c in raw or "")},
            code="id_number_length",
        )
    if digits[0] != "0" or digits[1:3] not in _PROVINCE_CODES:
        raise ValidationError(
            _("Số định danh cá nhân phải bắt đầu bằng mã tỉnh nơi đăng ký khai sinh, %(prefix)s không phải.")
            % {"prefix": digits[:3]},
            code="id_number_province",
        )
    if int(digits[3]) not in _CENTURIES:
        raise ValidationError(
            _("Chữ số thứ 4 của số định danh cá nhân (thế kỷ sinh, giới tính) không hợp lệ: %(digit)s.")
            % {"digit": digits[3]},
            code="id_number_century",
        )
    return digits


def citizen_id_birth(digits: str) -> tuple[int, bool]:
    """(year of birth, is female) written in a valid CCCD."""
    code = int(digits[3])
    return _CENTURIES[code] + int(digits[4:6]), code % 2 == 1


def phone(raw: str) -> str:
    """'+84 912.345.678' -> '0912345678'; raise unless 10–11 digits starting with 0."""
    digits = _PUNCTUATION.sub("", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if not (digits.isdigit() and digits.startswith("0") and 10 <= len(digits) <= 11):
        raise ValidationError(
            _("Số điện thoại phải có 10–11 chữ số, bắt đầu bằng 0 hoặc +84."), code="phone_format"
        )
    return digits
