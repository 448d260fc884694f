"""The public catalogue: filters, search without diacritics, what is public and what never is."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from khuyencong.products.models import Product
from khuyencong.products.tests.conftest import (
    OWNER,
    OWNER_ADDRESS,
    OWNER_ID,
    OWNER_PHONE,
    png_bytes,
    png_upload,
)

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [card["product"].name for card in response.context["cards"]]


def test_the_catalogue_lists_recognised_products_only(client, banh_khao, ong_nhua, unrecognised):
    response = client.get(reverse("products:list"))
    assert response.status_code == 200
    assert names(response) == ["Bánh khảo nếp cái hoa vàng", "Ống nhựa HDPE Hưng Long"]
    assert client.get(unrecognised.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"group": "machinery"}, ["Ống nhựa HDPE Hưng Long"]),
        ({"group": "processed_food"}, ["Bánh khảo nếp cái hoa vàng"]),
        ({"level": "region"}, ["Ống nhựa HDPE Hưng Long"]),
        ({"level": "district"}, ["Giỏ mây Vĩnh Trại"]),
        ({"year": "2024"}, ["Bánh khảo nếp cái hoa vàng"]),
        ({"level": "region", "year": "2024"}, []),  # level and year of the same recognition
        (
            {"group": "nonsense", "year": "abc"},
            ["Bánh khảo nếp cái hoa vàng", "Giỏ mây Vĩnh Trại", "Ống nhựa HDPE Hưng Long"],
        ),
    ],
)
def test_the_catalogue_filters(client, banh_khao, ong_nhua, old_commune_product, query, expected):
    assert names(client.get(reverse("products:list"), query)) == expected


def test_a_commune_filter_also_finds_products_of_the_old_communes_it_took_over(
    client, geo, banh_khao, ong_nhua, old_commune_product
):
    # Lương Văn Tri took over part of the old Vĩnh Trại; Tam Thanh took over the old Tam Thanh and part of Vĩnh Trại.
    assert names(client.get(reverse("products:list"), {"commune": geo.luong_van_tri.pk})) == [
        "Giỏ mây Vĩnh Trại"
    ]
    assert names(client.get(reverse("products:list"), {"commune": geo.tam_thanh.pk})) == [
        "Giỏ mây Vĩnh Trại",
        "Ống nhựa HDPE Hưng Long",
    ]
    assert names(client.get(reverse("products:list"), {"commune": geo.ba_son.pk})) == [
        "Bánh khảo nếp cái hoa vàng"
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("banh khao", ["Bánh khảo nếp cái hoa vàng"]),
        ("BÁNH KHẢO", ["Bánh khảo nếp cái hoa vàng"]),
        ("ong nhua hdpe", ["Ống nhựa HDPE Hưng Long"]),
        ("hung lo", ["Ống nhựa HDPE Hưng Long"]),  # the producer's name, last word still being typed
        ("ba son", ["Bánh khảo nếp cái hoa vàng"]),  # the commune
        ("khảo nhựa", []),
        ("!!!", []),
    ],
)
def test_search_without_diacritics(client, banh_khao, ong_nhua, q, expected):
    assert names(client.get(reverse("products:list"), {"q": q})) == expected


def test_search_does_not_match_the_owner_of_a_household_business(client, banh_khao):
    assert names(client.get(reverse("products:list"), {"q": "nong thi bich hanh"})) == []


def test_the_detail_page_shows_the_product_and_its_recognitions(client, banh_khao):
    response = client.get(banh_khao.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Bánh khảo nếp cái hoa vàng</h1>" in html
    assert "Hộ kinh doanh bánh khảo Bích Hạnh" in html
    assert "Cấp tỉnh" in html and "2024" in html
    assert reverse("products:qr_svg", args=[banh_khao.slug]) in html
    assert reverse("products:qr_png", args=[banh_khao.slug]) in html


def test_pages_carry_share_metadata_and_og_image_only_with_a_photo(client, officer, banh_khao):
    from khuyencong.products import services

    html = client.get(banh_khao.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="Bánh khảo nếp cái hoa vàng">' in html
    assert '<meta property="og:description" content="Bánh khảo truyền thống.">' in html
    assert f'<meta property="og:url" content="http://testserver{banh_khao.get_absolute_url()}">' in html
    assert "og:image" not in html
    photo = services.photo_add(actor=officer, product=banh_khao, upload=png_upload(), caption="Hộp bánh")
    html = client.get(banh_khao.get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="http://testserver{photo.get_absolute_url()}">' in html
    listing = client.get(reverse("products:list")).content.decode()
    assert '<meta property="og:title" content="Sản phẩm công nghiệp nông thôn tiêu biểu">' in listing


def test_nothing_private_appears_on_public_pages(client, officer, banh_khao):
    from khuyencong.products import services

    photo = services.photo_add(actor=officer, product=banh_khao, upload=png_upload(), caption="Hộp bánh")
    pages = [
        reverse("products:list"),
        reverse("products:list") + "?q=banh",
        banh_khao.get_absolute_url(),
        reverse("products:qr_svg", args=[banh_khao.slug]),
        photo.get_absolute_url(),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        for private in (OWNER, OWNER_PHONE, OWNER_ID, OWNER_ADDRESS, "Hoàng Văn Long", "0912345678"):
            assert private not in text, (url, private)


def test_an_artisan_is_not_named_on_public_pages(client, officer, geo):
    from khuyencong.establishments.models import Establishment
    from khuyencong.products.tests.conftest import make_product, recognise

    artisan = Establishment(
        name="Hoàng Văn Tài", legal_form="artisan", commune=geo.tam_thanh, sector="handicrafts", workers=1
    )
    artisan.full_clean()
    artisan.save()
    product = make_product(officer, artisan, "Khèn lá")
    recognise(officer, product)
    html = (
        client.get(product.get_absolute_url()).content.decode()
        + client.get(reverse("products:list")).content.decode()
    )
    assert "Khèn lá" in html
    assert "Hoàng Văn Tài" not in html
    assert "Nghệ nhân (tên không công khai)" in html


def test_the_public_pages_work_without_javascript_and_without_forms_of_their_own(client, banh_khao):
    for url in (reverse("products:list"), banh_khao.get_absolute_url()):
        html = client.get(url).content.decode()
        main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
        assert "<script" not in main
        assert 'method="post"' not in main
        assert "hx-" not in main
    listing = client.get(reverse("products:list")).content.decode()
    assert re.search(r'<form method="get" role="search"', listing)


def test_the_slug_never_changes_when_the_name_does(officer, banh_khao):
    from khuyencong.products import services

    slug = banh_khao.slug
    services.product_update(actor=officer, product=banh_khao, data={"name": "Bánh khảo Bích Hạnh"})
    banh_khao.refresh_from_db()
    assert banh_khao.name == "Bánh khảo Bích Hạnh"
    assert banh_khao.slug == slug == "banh-khao-nep-cai-hoa-vang"


def test_a_product_name_that_would_take_a_staff_path_gets_another_slug(officer, hung_long):
    from khuyencong.products.tests.conftest import make_product

    assert make_product(officer, hung_long, "Quản lý").slug == "quan-ly-2"
    assert make_product(officer, hung_long, "Quản lý").slug == "quan-ly-3"
    assert Product.objects.filter(slug="quan-ly").count() == 0


def test_the_list_and_detail_pages_make_a_fixed_number_of_queries(client, officer, hung_long, banh_khao):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from khuyencong.products import services
    from khuyencong.products.tests.conftest import make_product, recognise

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    services.photo_add(actor=officer, product=banh_khao, upload=png_upload(), caption="Hộp bánh")
    few_list, few_detail = queries(reverse("products:list")), queries(banh_khao.get_absolute_url())
    for i in range(12):
        product = make_product(officer, hung_long, f"Sản phẩm số {i}")
        recognise(officer, product, year=2020 + i % 5)
        services.photo_add(actor=officer, product=product, upload=png_upload(data=png_bytes(color=(i, 0, 0))))
    assert queries(reverse("products:list")) == few_list
    assert queries(banh_khao.get_absolute_url()) == few_detail
