"""The site loads in a real browser with its own front-end assets served locally."""

from __future__ import annotations


def test_the_sign_in_page_loads_with_htmx_and_pico(live_server, page):
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on(
        "response",
        lambda response: response.status >= 400
        and not response.url.endswith("/favicon.ico")
        and failed.append(response.url),
    )

    page.goto(live_server.url + "/tai-khoan/dang-nhap/")

    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    page.wait_for_function("typeof window.htmx === 'object'")
    assert page.evaluate("typeof htmx") == "object"
    # Pico's stylesheet applied: it sets a non-default font stack on the body.
    assert "system-ui" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert failed == []
    assert page.js_errors == []
