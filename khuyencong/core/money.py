"""Money is integer đồng. Formatting lives here and nowhere else."""

from __future__ import annotations


def group(number: int) -> str:
    """1286 -> '1.286' (Vietnamese thousands separator)."""
    sign = "-" if number < 0 else ""
    return sign + f"{abs(int(number)):,}".replace(",", ".")


def vnd(amount: int) -> str:
    """1286000000 -> '1.286.000.000 ₫'."""
    return f"{group(amount)} ₫"


def million(amount: int) -> str:
    """1286000000 -> '1.286 tr.đ' (rounded to the nearest million, as reports print it)."""
    return f"{group(round(amount / 1_000_000))} tr.đ"


# Northern reading, as official documents spell it: "nghìn" (not "ngàn"), "linh" (not "lẻ"),
# "bốn" even after a tens digit (not "tư"), so a reader in any province sees the same words.
_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# Scales repeat every three groups: above a billion the count of tỷ is itself read with nghìn/triệu
# ("một nghìn tỷ", "một triệu tỷ"), which is how amounts past 10^12 are written in budgets.
_TY = 1_000_000_000


def _group(number: int, *, leading: bool) -> list[str]:
    """Words for one three-digit group 1..999; `leading` is False for every group but the first."""
    hundreds, rest = divmod(number, 100)
    tens, unit = divmod(rest, 10)
    words: list[str] = []
    # A non-leading group always says its hundreds, even "không trăm", so 1.015 cannot be heard as 1.15.
    if hundreds or not leading:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if unit:
            # "linh" only marks the empty tens after a hundreds word: 105 is "một trăm linh năm", 5 is "năm".
            words += ["linh", _DIGITS[unit]] if words else [_DIGITS[unit]]
        return words
    words += ["mười"] if tens == 1 else [_DIGITS[tens], "mươi"]
    if unit == 5:
        words.append("lăm")  # after any tens: "mười lăm", "hai mươi lăm"
    elif unit == 1 and tens >= 2:
        words.append("mốt")  # "hai mươi mốt", but "mười một"
    elif unit:
        words.append(_DIGITS[unit])
    return words


def _words(number: int) -> list[str]:
    """Words for a positive integer, most significant part first; empty groups are not read."""
    above, below = divmod(number, _TY)
    words = [*_words(above), "tỷ"] if above else []
    for scale, value in (("triệu", below // 1_000_000), ("nghìn", below // 1000 % 1000), ("", below % 1000)):
        if value:
            words += _group(value, leading=not words)
            if scale:
                words.append(scale)
    return words


def vnd_words(amount: int) -> str:
    """1015 -> 'Một nghìn không trăm mười lăm đồng': the amount in words for contracts and decisions.

    Groups of three digits with nghìn/triệu/tỷ (then "nghìn tỷ", "triệu tỷ"), zero groups skipped,
    "không trăm" and "linh" keeping place value inside a group: 1.000.000.015 is
    "Một tỷ không trăm mười lăm đồng", 10.005 is "Mười nghìn không trăm linh năm đồng".

    Not num2words (0.5.14, lang='vi'): it reads the southern way and drops the hundreds place,
    105 -> "một trăm lẻ năm", 1015 -> "một nghìn lẻ mười lăm" (ours: "một trăm linh năm",
    "một nghìn không trăm mười lăm"), and it is wrong outright elsewhere: 2024 -> "hai nghìn lẻ hai
    mươi bốn", 10^15 -> "một trăm nghìn tỷ", -5 -> "mười lăm", and it reads 1.5 as a number.
    A document that states an amount in words must not disagree with the figures.
    """
    # bool is an int subclass and a float or Decimal means someone computed money outside integer đồng;
    # both would otherwise be read out silently.
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"money is integer đồng, got {type(amount).__name__}: {amount!r}")
    if amount == 0:
        return "Không đồng"
    words = _words(abs(amount))
    if amount < 0:
        words.insert(0, "âm")
    text = " ".join([*words, "đồng"])
    return text[0].upper() + text[1:]
