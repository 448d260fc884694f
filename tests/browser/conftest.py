"""Real-browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

Every test under tests/browser is marked `browser` (`make test` runs them in their own stage, not in
parallel, on SQLite). A missing or broken Chromium is an error, never a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

# Playwright's sync API runs an asyncio event loop in this thread; Django would otherwise refuse ORM
# calls from the test body ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("KHUYENCONG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        raise RuntimeError(
            f"Chromium not found at {CHROMIUM}: browser tests need Debian's chromium "
            "(apt-get install chromium; `make test` installs it)."
        )
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile per test: no cookies or storage carried over."""
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def js_errors() -> list[str]:
    """Uncaught JavaScript errors seen by `page`; any left at the end of a test fails it."""
    return []


@pytest.fixture
def page(context: BrowserContext, js_errors: list[str]) -> Iterator[Page]:
    page = context.new_page()
    page.on("pageerror", lambda error: js_errors.append(str(error)))
    page.js_errors = js_errors  # type: ignore[attr-defined]  # tests may also assert on it directly
    yield page
    if js_errors:
        pytest.fail("JavaScript errors on the page:\n" + "\n".join(js_errors))
