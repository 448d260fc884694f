"""The public portal on a phone (390×844), without signing in: read the 2012 demo article, rate it,
comment and see the comment only once an officer (in a second browser) approves it; ask the centre
for advice and read the answer through the private link."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.browser.test_project_lifecycle import sign_in

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser, js_errors: list[str]) -> Iterator[Page]:
    """A reader's phone: its own browser profile, a small touch screen."""
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("pageerror", lambda error: js_errors.append(str(error)))
    yield page
    context.close()
    if js_errors:
        pytest.fail("JavaScript errors on the page:\n" + "\n".join(js_errors))


@pytest.fixture
def officer_page(browser: Browser) -> Iterator[Page]:
    """The officer works in a second browser, with a session of their own."""
    context: BrowserContext = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def fits_the_screen(page: Page) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_reader_rates_and_comments_and_sees_the_comment_once_approved(
    live_server, phone: Page, officer_page: Page, officer, administrator
) -> None:
    from khuyencong.portal.demo import DEMO_ARTICLE, build_demo_news

    build_demo_news(actor=administrator)
    title = str(DEMO_ARTICLE["title"])

    first = phone.goto(live_server.url + "/")
    assert first is not None
    phone.get_by_role("link", name="Tin tức", exact=True).click()
    expect(phone.get_by_role("heading", name="Tin tức và chính sách")).to_be_visible()
    fits_the_screen(phone)
    phone.get_by_role("link", name=title).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    expect(phone.locator(".news-date")).to_have_text("Thứ ba - 07/08/2012 07:42")
    expect(phone.locator(".news-body")).to_contain_text("1.286 lao động")
    expect(phone.locator(".news-source")).to_contain_text("Báo Lạng Sơn")
    fits_the_screen(phone)
    article_url = phone.url
    # Shared pages say what they are: the share card's title and description.
    assert phone.locator('meta[property="og:title"]').get_attribute("content") == title
    assert phone.locator('meta[property="og:url"]').get_attribute("content") == article_url

    phone.locator("input[name=score][value='4']").check()
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(phone.get_by_text("Cảm ơn bạn đã đánh giá bài viết.")).to_be_visible()
    expect(phone.locator(".news-rating-total")).to_have_text(
        "Tổng số điểm của bài viết là: 4 trong 1 đánh giá"
    )

    phone.get_by_label("Họ tên").fill("Nguyễn Văn Bình")
    phone.get_by_label("Thư điện tử (không hiển thị)").fill("binh.nv@example.vn")
    phone.get_by_label("Ý kiến", exact=True).fill("Mô hình sấy gỗ <b>rất</b> hữu ích cho bà con.")
    phone.get_by_role("button", name="Gửi ý kiến").click()
    expect(phone.get_by_text("ý kiến sẽ hiển thị sau khi được Trung tâm duyệt")).to_be_visible()
    expect(phone.get_by_text("Mô hình sấy gỗ rất hữu ích")).to_have_count(0)
    phone.reload()
    expect(phone.get_by_text("Mô hình sấy gỗ rất hữu ích")).to_have_count(0)

    sign_in(officer_page, live_server, officer, "/tin-tuc/duyet-y-kien/")
    expect(officer_page.get_by_text("Mô hình sấy gỗ rất hữu ích cho bà con.")).to_be_visible()
    officer_page.get_by_role("button", name="Duyệt", exact=True).click()
    expect(officer_page.get_by_text("Đã cập nhật ý kiến.")).to_be_visible()

    again = phone.goto(article_url)
    assert again is not None
    comment = phone.locator(".news-comment")
    expect(comment).to_contain_text("Mô hình sấy gỗ rất hữu ích cho bà con.")
    expect(comment).to_contain_text("Nguyễn Văn Bình")
    assert "binh.nv@example.vn" not in phone.content()
    # The next reader gets the same page from the cache, with the approved comment.
    cached = phone.goto(article_url)
    assert cached is not None and cached.headers["x-cache"] == "HIT"
    expect(phone.locator(".news-comment")).to_contain_text("Mô hình sấy gỗ")

    # English for an anonymous reader: a plain link, no form, no sign-in.
    phone.get_by_role("link", name="English").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    assert phone.url == article_url
    phone.get_by_role("link", name="Tiếng Việt").click()
    expect(phone.locator("html")).to_have_attribute("lang", "vi")


def test_a_business_asks_for_advice_and_reads_the_answer(
    live_server, phone: Page, officer_page: Page, officer
) -> None:
    phone.goto(live_server.url + "/tin-tuc/")
    phone.get_by_role("link", name="Hỏi tư vấn").click()
    expect(phone.get_by_role("heading", name="Hỏi tư vấn")).to_be_visible()
    fits_the_screen(phone)
    phone.get_by_label("Tên cơ sở, doanh nghiệp").fill("HTX Mây tre đan Ba Sơn")
    phone.get_by_label("Lĩnh vực cần tư vấn").select_option(label="Đổi mới công nghệ, máy móc thiết bị")
    phone.get_by_label("Nội dung cần tư vấn").fill(
        "Chúng tôi muốn mua máy chẻ nan <script>alert(1)</script>; hồ sơ cần những gì?"
    )
    phone.get_by_label("Người liên hệ").fill("Hoàng Thị Lan")
    phone.get_by_label("Điện thoại").fill("0912 345 678")
    phone.get_by_role("button", name="Gửi câu hỏi").click()
    expect(phone.get_by_text("Trung tâm đã nhận câu hỏi của bạn.")).to_be_visible()
    expect(phone.locator(".advice-status")).to_have_text("Mới, chờ trả lời")
    expect(phone.locator(".advice-question")).to_contain_text("<script>alert(1)</script>")  # shown as text
    private_url = phone.locator("#private-url").input_value()  # what the requester keeps
    assert private_url == phone.url
    assert "0912" not in phone.content() and "Hoàng Thị Lan" not in phone.content()
    fits_the_screen(phone)

    sign_in(officer_page, live_server, officer, "/viec-can-lam/")
    group = officer_page.locator("#todo-advice_requests")
    expect(group).to_contain_text("HTX Mây tre đan Ba Sơn")
    group.get_by_role("link", name="TV-").click()
    expect(officer_page.get_by_role("link", name="0912345678")).to_be_visible()
    officer_page.locator("#id_answer").fill(
        "Hồ sơ gồm đơn đề nghị và báo giá máy.\nTrung tâm hỗ trợ tối đa 50% chi phí máy."
    )
    officer_page.get_by_role("button", name="Gửi trả lời").click()
    expect(officer_page.locator(".advice-status")).to_have_text("Đã trả lời")

    phone.context.clear_cookies()  # the requester comes back later, with only the link
    phone.goto(private_url)
    expect(phone.locator(".advice-status")).to_have_text("Đã trả lời")
    expect(phone.locator(".advice-answer")).to_contain_text("Hồ sơ gồm đơn đề nghị và báo giá máy.")
    expect(phone.locator(".advice-answer")).to_contain_text("Trung tâm hỗ trợ tối đa 50% chi phí máy.")
    fits_the_screen(phone)
