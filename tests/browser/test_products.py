"""A reader on a phone browses the typical products, opens one and scan-tests its QR label."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import Browser, Page, ViewportSize

from khuyencong.products import services

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def products(settings, tmp_path, officer, hung_long, geo):
    """Two recognised products (one with a photo) and one not yet recognised."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KHUYENCONG_PUBLIC_BASE_URL = ""
    pipe = services.product_create(
        actor=officer,
        data={
            "name": "Ống nhựa HDPE Hưng Long",
            "group": "machinery",
            "producer": hung_long,
            "description": "Ống nhựa chịu áp lực cho nước sạch nông thôn.",
        },
    )
    services.recognition_add(
        actor=officer, product=pipe, level="province", year=2024, decided_on=dt.date(2024, 10, 1)
    )
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(out, format="PNG")
    services.photo_add(
        actor=officer, product=pipe, upload=SimpleUploadedFile("ong.png", out.getvalue()), caption="Ống nhựa"
    )
    basket = services.product_create(
        actor=officer, data={"name": "Làn mây Tam Thanh", "group": "handicrafts", "producer": hung_long}
    )
    services.recognition_add(
        actor=officer, product=basket, level="region", year=2023, decided_on=dt.date(2023, 9, 1)
    )
    services.product_create(
        actor=officer, data={"name": "Tấm nhựa chưa công nhận", "group": "other", "producer": hung_long}
    )
    return pipe


def decode(png: bytes) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1
    return found[0].text


def test_a_reader_on_a_phone_opens_a_product_and_its_qr_code_leads_back_to_it(
    live_server, page: Page, products
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/san-pham/")
    assert page.get_by_role("heading", level=1).inner_text() == "Sản phẩm công nghiệp nông thôn tiêu biểu"
    assert page.get_by_role("link", name="Tấm nhựa chưa công nhận").count() == 0

    # Filter by group, typed search without diacritics, then open the product.
    page.get_by_label("Nhóm sản phẩm").select_option("machinery")
    page.get_by_label("Tìm sản phẩm").fill("ong nhua")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url("**/san-pham/?q=ong+nhua&group=machinery*")
    assert page.get_by_role("link", name="Làn mây Tam Thanh").count() == 0
    page.get_by_role("link", name="Ống nhựa HDPE Hưng Long").click()
    page.wait_for_url(live_server.url + products.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == "Ống nhựa HDPE Hưng Long"
    assert (
        page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    )  # nothing wider than the phone

    # The PNG a producer prints on the label.
    href = page.get_by_role("link", name="Tải mã QR (PNG) để in nhãn").get_attribute("href")
    assert href
    png = page.request.get(live_server.url + href)
    assert png.status == 200 and png.headers["content-type"] == "image/png"
    link = decode(png.body())
    assert link == live_server.url + products.get_absolute_url()

    # The code shown on the page, as a phone camera would see it.
    shown = page.get_by_role("img", name="Mã QR dẫn tới")
    shown.scroll_into_view_if_needed()
    assert decode(shown.screenshot()) == link

    page.goto(live_server.url + "/san-pham/")
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Ống nhựa HDPE Hưng Long"
    assert page.get_by_role("img", name="Ống nhựa").first.evaluate("img => img.naturalWidth") == 64


def test_the_catalogue_works_without_javascript(live_server, browser: Browser, products):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="vi-VN")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/san-pham/")
        page.get_by_label("Cấp công nhận").select_option("region")
        page.get_by_role("button", name="Lọc").click()
        page.wait_for_url("**level=region*")
        assert page.get_by_role("link", name="Ống nhựa HDPE Hưng Long").count() == 0
        page.get_by_role("link", name="Làn mây Tam Thanh").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Làn mây Tam Thanh"
        assert page.get_by_text("Cấp khu vực").count() >= 1
    finally:
        context.close()
