from __future__ import annotations

import pytest
from django.urls import reverse


def test_the_language_links_switch_and_return_to_the_page(client):
    page = "/tin-tuc/?q=hoi+cho&page=2"
    response = client.get(reverse("core:language", args=["en"]), {"next": page})
    assert response.status_code == 302
    assert response["Location"] == page
    assert response.cookies["django_language"].value == "en"
    assert response.cookies["django_language"]["samesite"] == "Lax"
    assert "no-store" in response["Cache-Control"]
    assert '<html lang="en">' in client.get(reverse("accounts:login")).content.decode()
    client.get(reverse("core:language", args=["vi"]), {"next": "/"})
    assert '<html lang="vi">' in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", ""]
)
def test_the_language_switch_never_sends_the_reader_to_another_site(client, target):
    response = client.get(reverse("core:language", args=["en"]), {"next": target})
    assert response["Location"] == "/"


def test_an_unknown_language_is_404(client):
    assert client.get(reverse("core:language", args=["fr"])).status_code == 404


@pytest.mark.django_db
def test_the_switch_is_a_plain_link_in_every_page(client):
    html = client.get(reverse("portal:list")).content.decode()
    assert f'href="{reverse("core:language", args=["en"])}?next=/tin-tuc/"' in html
    assert "csrfmiddlewaretoken" not in html


@pytest.mark.django_db
def test_each_language_is_named_in_itself_in_composed_unicode(client):
    import unicodedata

    html = client.get(reverse("portal:list")).content.decode()
    assert ">English</a>" in html
    assert ">Tiếng Việt</strong>" in html
    assert unicodedata.is_normalized("NFC", html)
