"""Rich text that anyone may read: a small, fixed set of tags, cleaned with nh3 (ammonia).

What a writer may use: paragraphs, line breaks, bold and italics, lists, two heading levels, quotes,
links (http, https, mailto or a path on this site; every link gets rel="noopener nofollow"), images
from this site only, and basic tables. Everything else loses its tag and keeps its text, except
script and style, which go with their content. Attributes other than a's href and img's src/alt are
dropped, so no event handler, style or class survives.

Where it runs: services clean on save (what is stored, and what the audit trail shows, is what
readers get), and templates clean again on output through `rich_text`. The second pass is a guard
for rows written around the services (the shell, a bulk load, a future import); it costs tens of
microseconds per article, and anonymous pages are served from the page cache (core.public_cache),
so readers do not pay it on every request.
"""

from __future__ import annotations

import re

import nh3
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "b",
        "i",
        "ul",
        "ol",
        "li",
        "a",
        "h2",
        "h3",
        "blockquote",
        "img",
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

# A path on this site: one leading slash (two would be another host), no backslash (some browsers
# read it as a slash), no scheme.
_LOCAL_PATH = re.compile(r"^/(?![/\\])[^\\\s]*$")
# nh3 leaves an <img> whose src was refused; an image with nothing to show is dropped afterwards.
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def image_prefixes() -> tuple[str, ...]:
    """Where body images may come from: this site's media and its article image routes."""
    return tuple(getattr(settings, "KHUYENCONG_RICH_TEXT_IMAGE_PREFIXES", (settings.MEDIA_URL, "/tin-tuc/")))


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        if _LOCAL_PATH.match(value) and value.startswith(image_prefixes()):
            return value
        return None
    return value


def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        link_rel="noopener nofollow",
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
    )


_CLEANER = _cleaner()


def sanitise(html: str) -> str:
    """The allowed subset of `html`, as well-formed markup."""
    cleaned = _CLEANER.clean(html)
    return _IMG_WITHOUT_SRC.sub("", cleaned).strip()


def paragraphs_to_html(text: str) -> str:
    """Plain text as paragraphs: a blank line starts a new one, a single newline is a line break;
    every character is escaped, so `<` in plain text stays a `<` for the reader."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]
    return "".join(
        "<p>" + "<br>".join(escape(" ".join(line.split())) for line in block.split("\n")) + "</p>"
        for block in blocks
    )


def _wrap_paragraphs(html: str) -> str:
    """Markup typed without block tags: blank lines still start paragraphs, as in plain text."""
    text = html.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]
    return "".join("<p>" + "<br>".join(block.split("\n")) + "</p>" for block in blocks)


_BLOCK_TAG = re.compile(r"<(p|ul|ol|h2|h3|blockquote|table)[\s>/]", re.IGNORECASE)


def to_rich_text(text: str) -> str:
    """What a writer typed, as stored rich text: markup is sanitised, plain text becomes paragraphs."""
    if not text.strip():
        return ""
    if not nh3.is_html(text):
        return paragraphs_to_html(text)
    if not _BLOCK_TAG.search(text):
        text = _wrap_paragraphs(text)
    return sanitise(text)


def render(html: str) -> SafeString:
    """Stored rich text for a template, cleaned once more on the way out (see the module's note)."""
    return mark_safe(sanitise(html))  # sanitised by nh3 in the same expression
