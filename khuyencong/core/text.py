"""Vietnamese text helpers: the one place that folds diacritics and builds search keys."""

from __future__ import annotations

import re
import unicodedata

# Abbreviations that officers type in names and queries. Both the stored key and the query pass
# through the same expansion, so "Cty TNHH TM Hưng Long" and "công ty tnhh thương mại hưng long"
# meet in the middle. Long legal phrases fold *into* their abbreviation for the same reason.
_EXPANSIONS: dict[str, str] = {
    "cty": "cong ty",
    "tm": "thuong mai",
    "dv": "dich vu",
    "tmdv": "thuong mai dich vu",
    "sx": "san xuat",
    "xd": "xay dung",
    "htx": "hop tac xa",
    "dn": "doanh nghiep",
    "dntn": "doanh nghiep tu nhan",
    "cp": "co phan",
    "tp": "thanh pho",
    "hkd": "ho kinh doanh",
}
_CONTRACTIONS: list[tuple[str, str]] = [
    ("trach nhiem huu han", "tnhh"),
    ("mot thanh vien", "mtv"),
]
_TOKEN = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case ASCII form: diacritics removed, đ → d, NFD or NFC input alike."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.lower()


def normalise_spaces(text: str) -> str:
    """NFC with single spaces: how names are stored, whatever keyboard or file they came from."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def search_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for token in _TOKEN.findall(fold(text)):
        tokens.extend(_EXPANSIONS.get(token, token).split())
    joined = " ".join(tokens)
    for long_form, short in _CONTRACTIONS:
        joined = re.sub(rf"\b{long_form}\b", short, joined)
    return joined.split()


def search_key(*parts: str | None) -> str:
    """'Công ty TNHH TM Hưng Long' -> 'cong ty tnhh thuong mai hung long'."""
    return " ".join(token for part in parts if part for token in search_tokens(part))
