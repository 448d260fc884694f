"""A reusable check that nothing private reached what the public can fetch.

`assert_nothing_private(strings, responses)` looks for each string in every response body, as written and
in the forms a page or a file may carry it: HTML-escaped, JSON-escaped (\\u1ea1), URL-encoded, without
diacritics, in decomposed Unicode, and for digits with the separators people type (0987 654 321,
0987.654.321). Use it for any public page or download: transparency, news, products, advice.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import quote, quote_plus

from django.http import HttpResponse, StreamingHttpResponse

from khuyencong.core.text import fold


def body_of(response: HttpResponse | StreamingHttpResponse) -> str:
    if isinstance(response, StreamingHttpResponse):
        content = b"".join(response.streaming_content)  # type: ignore[arg-type]
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def variants(secret: str) -> set[str]:
    """The ways `secret` may appear in a page or a file."""
    forms = {
        secret,
        html.escape(secret),
        html.escape(secret, quote=False),
        json.dumps(secret)[1:-1],
        quote(secret),
        quote_plus(secret),
        unicodedata.normalize("NFD", secret),
        unicodedata.normalize("NFC", secret),
    }
    folded = fold(secret)
    if folded:
        forms.add(folded)
    digits = re.sub(r"\D", "", secret)
    if len(digits) >= 6 and len(digits) >= len(secret) - 3:
        forms.add(digits)
    return {form for form in forms if form}


def _normalised(text: str) -> str:
    """The body once more without diacritics and with digit groups joined, to catch '0987 654 321'."""
    folded = fold(unicodedata.normalize("NFC", html.unescape(text)))
    return re.sub(r"(?<=\d)[\s.\-](?=\d)", "", folded)


def leaks(
    secrets: Iterable[str], responses: Sequence[tuple[str, HttpResponse | StreamingHttpResponse]]
) -> list[str]:
    """`label: secret` for each secret found in each (label, response) pair."""
    found = []
    secrets = [s for s in secrets if s]
    for label, response in responses:
        text = body_of(response)
        plain = _normalised(text)
        for secret in secrets:
            if any(form in text for form in variants(secret)) or _normalised(secret) in plain:
                found.append(f"{label}: {secret}")
    return found


def assert_nothing_private(
    secrets: Iterable[str], responses: Sequence[tuple[str, HttpResponse | StreamingHttpResponse]]
) -> None:
    """Fail naming each private string and where it appeared; also fail on an empty list (nothing read)."""
    assert responses, "no public response was checked"
    for label, response in responses:
        assert response.status_code == 200, f"{label} answered {response.status_code}"
    found = leaks(secrets, responses)
    assert not found, "private data on public pages: " + "; ".join(found)
