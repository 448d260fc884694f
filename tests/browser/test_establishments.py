"""An officer signs in, finds an establishment by typing without diacritics, and opens it."""

from __future__ import annotations

from conftest import PASSWORD


def test_an_officer_finds_hung_long_without_diacritics_and_opens_it(
    live_server, page, officer, hung_long, ba_son_coop
):
    page.goto(live_server.url + "/co-so/")
    # not signed in yet: sent to the sign-in page, then back
    assert "/tai-khoan/dang-nhap/" in page.url
    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/co-so/")

    page.get_by_label("Tìm kiếm").fill("hung long")
    # htmx swaps the results in place as the officer types
    page.wait_for_function(
        "() => !document.querySelector('#results').textContent.includes('Hợp tác xã chế biến lâm sản Ba Sơn')"
    )
    results = page.locator("#results")
    assert results.get_by_role("link", name="Công ty TNHH thương mại Hưng Long").count() == 1
    assert "q=hung%20long" in page.url  # the filter is kept in the address

    results.get_by_role("link", name="Công ty TNHH thương mại Hưng Long").click()
    page.wait_for_url(live_server.url + hung_long.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == "Công ty TNHH thương mại Hưng Long"
    assert page.get_by_text("0100109106").count() == 1
    assert page.js_errors == []


def test_a_duplicate_warning_is_shown_and_can_be_confirmed(live_server, page, officer, hung_long):
    page.goto(live_server.url + "/tai-khoan/dang-nhap/?next=/co-so/them/")
    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/co-so/them/")
    page.get_by_label("Tên cơ sở").fill("Cty TNHH TM Hưng Long")
    page.get_by_label("Loại hình").select_option("small_enterprise")
    page.get_by_label("Xã/phường").select_option(label="Phường Tam Thanh")
    page.get_by_label("Ngành nghề").select_option("chemicals_plastics")
    page.get_by_role("button", name="Lưu").click()
    assert page.get_by_role("heading", name="Có thể trùng hồ sơ").is_visible()
    page.get_by_label("Tôi đã kiểm tra").check()
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/co-so/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Cty TNHH TM Hưng Long"
