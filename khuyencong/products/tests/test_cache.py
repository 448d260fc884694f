"""Public product pages come from the anonymous page cache and show any change at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from khuyencong.products import services
from khuyencong.products.choices import RecognitionLevel

pytestmark = pytest.mark.django_db


def test_a_product_page_is_cached_and_an_edit_shows_at_once(client, officer, ong_nhua):
    url = ong_nhua.get_absolute_url()
    assert client.get(url)["X-Cache"] == "MISS"
    assert client.get(url)["X-Cache"] == "HIT"
    services.product_update(actor=officer, product=ong_nhua, data={"description": "Mô tả mới của sản phẩm."})
    fresh = client.get(url)
    assert fresh["X-Cache"] == "MISS"
    assert "Mô tả mới của sản phẩm." in fresh.content.decode()


def test_a_new_recognition_shows_in_the_list_at_once(client, officer, ong_nhua, unrecognised):
    url = reverse("products:list")
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT"
    assert unrecognised.name not in client.get(url).content.decode()
    services.recognition_add(
        actor=officer,
        product=unrecognised,
        level=RecognitionLevel.PROVINCE,
        year=2024,
        decided_on=dt.date(2024, 10, 1),
    )
    fresh = client.get(url)
    assert fresh["X-Cache"] == "MISS"
    assert unrecognised.name in fresh.content.decode()
