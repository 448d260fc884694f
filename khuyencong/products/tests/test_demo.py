"""The demo's typical products: illustrative, marked so, with no invented certificate, and nothing
private on any of their public pages."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from khuyencong.core.demo import load_demo
from khuyencong.establishments.models import Establishment
from khuyencong.products import demo, selectors
from khuyencong.products.choices import RoundStatus
from khuyencong.products.models import Product, Recognition, ScoreSheet, SelectionRound


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        call_command("load_geography", province="20", stdout=io.StringIO())
        load_demo(province="20")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_data(loaded: None, db: None) -> None:
    """The loaded demo, inside this test's own savepoint."""


def test_the_demo_has_recognised_products_one_failed_entry_and_a_round_being_scored(demo_data: None) -> None:
    assert Product.objects.filter(is_demo=True).count() == len(demo.PRODUCTS)
    public = set(selectors.public_products().values_list("name", flat=True))
    assert public == {p.name for p in demo.PRODUCTS[:4]}
    closed = SelectionRound.objects.get(name=demo.ROUND_2024)
    assert closed.status == RoundStatus.CLOSED and closed.is_demo
    assert [e.passed for e in closed.entries.order_by("created_at", "id")] == [True, True, True, True, False]
    current = SelectionRound.objects.get(name=demo.ROUND_2025)
    assert current.status == RoundStatus.SCORING
    assert ScoreSheet.objects.filter(entry__round=current).count() == 1
    assert not ScoreSheet.objects.filter(entry__round=current, member__user__username="hoidong").exists()


def test_no_demo_certificate_or_decision_number_is_invented(demo_data: None) -> None:
    recognitions = Recognition.objects.all()
    assert recognitions.count() == 5  # four from the 2024 round, one pre-reform district recognition
    assert all(r.is_demo for r in recognitions)
    assert set(recognitions.values_list("certificate_number", flat=True)) == {""}
    assert set(SelectionRound.objects.values_list("decision_reference", flat=True)) == {""}


def test_demo_pages_are_marked_illustrative_and_show_nothing_private(demo_data: None) -> None:
    client = Client()
    private: set[str] = set()
    for est in Establishment.objects.all():
        private |= {v for v in (est.representative, est.phone, est.tax_code) if v}
        if est.legal_form == "household_business":
            private |= {est.address} - {""}
    private |= {"khuyencong-demo-2025"}
    urls = [reverse("products:list")]
    for product in selectors.public_products():
        urls += [product.get_absolute_url(), reverse("products:qr_svg", args=[product.slug])]
        html = client.get(product.get_absolute_url()).content.decode()
        assert "Dữ liệu minh hoạ" in html, product.name
        assert "Minh hoạ, không có giấy chứng nhận" in html, product.name
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for value in private:
            assert value not in text, (url, value)


def test_the_demo_is_idempotent(demo_data: None) -> None:
    before = (Product.objects.count(), Recognition.objects.count(), SelectionRound.objects.count())
    assert demo.build_demo_products() == 0
    assert (Product.objects.count(), Recognition.objects.count(), SelectionRound.objects.count()) == before
