"""Public project pages come from the anonymous page cache and show any change at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from khuyencong.transparency import services

pytestmark = pytest.mark.django_db


def test_a_project_page_is_cached_and_a_policy_change_shows_at_once(client, settled, administrator):
    url = reverse("transparency:detail", kwargs={"code": settled.code_key})
    assert client.get(url)["X-Cache"] == "MISS"
    cached = client.get(url)
    assert cached["X-Cache"] == "HIT"
    assert settled.title in cached.content.decode()
    services.policy_set(field="title", public=False, actor=administrator)
    fresh = client.get(url)
    assert fresh["X-Cache"] == "MISS"
    assert settled.title not in fresh.content.decode()


def test_the_list_shows_a_changed_project_at_once(client, settled):
    list_url = reverse("transparency:list")
    client.get(list_url)
    assert client.get(list_url)["X-Cache"] == "HIT"
    settled.title = "Tên mới của đề án trình diễn"
    settled.save(update_fields=["title"])
    fresh = client.get(list_url)
    assert fresh["X-Cache"] == "MISS"
    assert "Tên mới của đề án trình diễn" in fresh.content.decode()
