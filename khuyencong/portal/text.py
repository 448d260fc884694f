"""Plain-text cleaning and the Vietnamese news date line."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

# Script and style elements go with their content: stripping the tags alone would leave the code as text.
_DANGEROUS_BLOCKS = re.compile(
    r"<(script|style|iframe|object|embed)\b.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DISPLAY_ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def clean_text(text: str) -> str:
    """Markup removed, paragraphs kept: what a comment or an article body is stored as.

    Templates escape on output as well, so a fragment strip_tags misses is still shown as text.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _DANGEROUS_BLOCKS.sub("", text)
    text = strip_tags(text)
    text = _CONTROL.sub("", text)
    blocks = ["\n".join(" ".join(line.split()) for line in b.split("\n")).strip() for b in text.split("\n\n")]
    return "\n\n".join(b for b in blocks if b)


def weekday_name(day: dt.date) -> str:
    names = [_("Thứ hai"), _("Thứ ba"), _("Thứ tư"), _("Thứ năm"), _("Thứ sáu"), _("Thứ bảy"), _("Chủ nhật")]
    return names[day.weekday()]


def news_datetime(moment: dt.datetime) -> str:
    """'Thứ ba - 07/08/2012 07:42', in Vietnam's time whatever the server's zone."""
    local = moment.astimezone(DISPLAY_ZONE)
    return f"{weekday_name(local.date())} - {local:%d/%m/%Y %H:%M}"
