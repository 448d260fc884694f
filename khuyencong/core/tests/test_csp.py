"""Content-Security-Policy: scripts only from our own files, and no template relies on inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import khuyencong

TEMPLATES = sorted(Path(khuyencong.__file__).parent.rglob("templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']\s*javascript:", re.I)


@pytest.mark.django_db
def test_every_page_sends_a_policy_without_inline_script(client):
    response = client.get("/tin-tuc/")
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_the_templates_are_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p).split("khuyencong/")[-1])
def test_no_template_has_inline_script_handlers_or_javascript_urls(template):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script> (blocked by the policy)"
    assert not EVENT_HANDLER.search(text), "inline event handler (blocked by the policy)"
    assert not JAVASCRIPT_URL.search(text), "javascript: URL (blocked by the policy)"
