"""The site loads in a real browser with its own front-end assets, and the idle-session warning works."""

from __future__ import annotations

from playwright.sync_api import Page, Response

from conftest import PASSWORD

LOGIN_PATH = "/tai-khoan/dang-nhap/"


def sign_in(page: Page, live_server, user) -> None:
    page.goto(live_server.url + LOGIN_PATH)
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")


def test_the_sign_in_page_loads_with_htmx_and_pico(live_server, page: Page) -> None:
    failed: list[str] = []

    def record_failure(response: Response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            failed.append(f"{response.status} {response.url}")

    page.on("requestfailed", lambda request: failed.append(f"failed {request.url}"))
    page.on("response", record_failure)

    page.goto(live_server.url + LOGIN_PATH)

    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    page.wait_for_function("typeof window.htmx === 'object'")
    assert page.evaluate("typeof htmx") == "object"
    # Pico's stylesheet applied: it sets its own font stack on the body.
    assert "system-ui" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert failed == []


def test_the_idle_warning_counts_down_and_activity_renews_the_session(live_server, page, settings, officer):
    settings.KHUYENCONG_IDLE_TIMEOUT_SECONDS = 63  # the warning (60 s) opens about 3 s after load
    sign_in(page, live_server, officer)

    dialog = page.locator("#idle-warning")
    dialog.wait_for(state="visible", timeout=8_000)
    assert 50 <= int(page.locator("#idle-countdown").inner_text()) <= 60

    with page.expect_response(lambda response: "/duy-tri/" in response.url) as keepalive:
        page.click("#idle-stay")
    assert keepalive.value.status == 200
    dialog.wait_for(state="hidden", timeout=2_000)

    # Any htmx request also renews the session, and so the page's clock.
    dialog.wait_for(state="visible", timeout=8_000)
    page.evaluate("htmx.ajax('GET', window.location.pathname, {target: 'body', swap: 'none'})")
    dialog.wait_for(state="hidden", timeout=3_000)


def test_an_idle_session_ends_on_the_sign_in_page_with_the_way_back(live_server, page, settings, officer):
    settings.KHUYENCONG_IDLE_TIMEOUT_SECONDS = 3
    settings.KHUYENCONG_IDLE_WARNING_SECONDS = 2
    sign_in(page, live_server, officer)

    page.wait_for_url(live_server.url + LOGIN_PATH + "?next=%2F", timeout=10_000)
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    assert page.locator(".message", has_text="hết hạn").is_visible()
    assert page.locator("body[data-idle-timeout]").count() == 0
