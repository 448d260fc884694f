"""Every staff page renders for the centre, and the forms reach the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from khuyencong.products import services
from khuyencong.products.models import Entry, Product, RoundMember, SelectionRound
from khuyencong.products.tests.conftest import sheet

pytestmark = pytest.mark.django_db


def test_the_staff_pages_render(client, officer, selection_round, entry, banh_khao):
    client.force_login(officer)
    recognition = banh_khao.recognitions.get()
    for url in [
        reverse("products:manage_list"),
        reverse("products:manage_list") + "?q=banh",
        reverse("products:manage_create"),
        banh_khao.get_manage_url(),
        reverse("products:certificate_edit", args=[recognition.pk]),
        reverse("products:round_list"),
        reverse("products:round_create"),
        selection_round.get_absolute_url(),
        reverse("products:round_edit", args=[selection_round.pk]),
        reverse("products:sheet", args=[selection_round.pk, entry.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_an_officer_creates_a_product_from_the_page_and_it_takes_the_producers_commune(
    client, officer, hung_long, geo
):
    client.force_login(officer)
    response = client.post(
        reverse("products:manage_create"),
        {
            "name": "Chậu nhựa",
            "group": "other",
            "producer": str(hung_long.pk),
            "commune": "",
            "description": "",
        },
    )
    assert response.status_code == 302
    product = Product.objects.get(name="Chậu nhựa")
    assert product.commune == geo.tam_thanh
    bad = client.post(
        reverse("products:manage_create"), {"name": "X", "group": "other", "producer": "999999"}
    )
    assert "Không có cơ sở CNNT nào mang mã này." in bad.content.decode()


def test_an_officer_sets_up_and_runs_a_round_from_the_pages(client, officer, judges, unrecognised):
    client.force_login(officer)
    response = client.post(
        reverse("products:round_create"),
        {
            "name": "Bình chọn 2026",
            "year": "2026",
            "level": "province",
            "held_on": "15/03/2026",
            "pass_mark": "75",
        },
    )
    assert response.status_code == 302
    r = SelectionRound.objects.get(name="Bình chọn 2026")
    assert r.pass_mark == 75
    district = client.post(
        reverse("products:round_create"),
        {
            "name": "Cấp huyện 2026",
            "year": "2026",
            "level": "district",
            "held_on": "15/03/2026",
            "pass_mark": "70",
        },
    )
    assert "Cấp huyện chỉ áp dụng cho đợt bình chọn trước ngày 01/07/2025" in district.content.decode()
    for user in judges:
        assert (
            client.post(
                reverse("products:member_add", args=[r.pk]), {"user": user.pk, "position": "member"}
            ).status_code
            == 302
        )
    assert RoundMember.objects.filter(round=r).count() == 3
    assert (
        client.post(reverse("products:entry_add", args=[r.pk]), {"product": unrecognised.pk}).status_code
        == 302
    )
    item = Entry.objects.get(round=r)
    assert client.post(reverse("products:transition", args=[r.pk, "scoring"])).status_code == 302
    for user in judges:
        services.sheet_submit(actor=user, entry=item, points=sheet(76))
    page = client.get(reverse("products:close", args=[r.pk]))
    assert f"cert_{item.pk}_number" in page.content.decode()
    assert client.post(reverse("products:close", args=[r.pk]), {"decision_reference": ""}).status_code == 302
    r.refresh_from_db()
    assert r.status == "closed"
    assert unrecognised.recognitions.get().year == 2026
    assert "Đạt" in client.get(r.get_absolute_url()).content.decode()


def test_a_member_declares_a_conflict_from_the_sheet_page(client, scoring, entry, judges):
    client.force_login(judges[1])
    url = reverse("products:conflict", args=[scoring.pk, entry.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Là cổ đông của cơ sở"}).status_code == 302
    page = client.get(reverse("products:sheet", args=[scoring.pk, entry.pk])).content.decode()
    assert "Là cổ đông của cơ sở" in page
    assert 'name="market"' not in page


def test_an_officer_records_a_national_recognition_with_its_certificate(client, officer, banh_khao):
    client.force_login(officer)
    response = client.post(
        reverse("products:recognition_add", args=[banh_khao.pk]),
        {
            "level": "national",
            "year": "2025",
            "decided_on": "01/12/2025",
            "certificate_number": "5/GCN-BCT",
            "certificate_date": "05/12/2025",
        },
    )
    assert response.status_code == 302
    national = banh_khao.recognitions.get(level="national")
    assert (national.certificate_number, national.certificate_date) == ("5/GCN-BCT", dt.date(2025, 12, 5))
    html = client.get(banh_khao.get_absolute_url()).content.decode()
    assert "Sản phẩm CNNT tiêu biểu cấp quốc gia 2025" in html
