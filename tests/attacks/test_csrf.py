"""CSRF: every route of the site, posted to without a token by a signed-in officer, is refused by
Django's CSRF check (403) and changes nothing. The only routes without that check are the public forms
on cached pages, listed below with why, and they refuse a POST from a foreign page (Origin).

Routes are read from the URL resolver, so a new route is swept as soon as it exists; a new route
without the CSRF check fails `test_only_the_listed_public_forms_skip_the_csrf_check` until it is
classified here with its reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from khuyencong.portal.models import Comment, Rating

from .conftest import row_counts

# Public POST views on cached pages (no CSRF token in the page): guarded by `same_origin_post`
# (khuyencong/core/public_cache.py) instead. Each needs no credentials (anyone may rate, comment or
# ask), the cookies are SameSite=Lax so a cross-site POST arrives anonymous, and a foreign Origin or
# Referer is refused with 403.
SAME_ORIGIN_POSTS: dict[str, str] = {
    "portal:rate": "an anonymous reader's rating of a news article",
    "portal:comment": "an anonymous reader's comment, held for moderation",
    "advice:ask": "an anonymous request for advice",
}
# The API (django-ninja) does its own check: session-authenticated writes need the token (tested
# below); bearer-token clients need none, since no foreign page can set an Authorization header.
API_PREFIX = "api/v1/"


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "projects:approve"
    path: str  # the pattern, for messages
    pattern: URLPattern


def routes(patterns: list[Any] | None = None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name, prefix + str(entry.pattern), entry)


def site_routes() -> list[Route]:
    return [r for r in routes() if not r.path.startswith(API_PREFIX)]


def kwargs_for(route: Route, world: Any, slug: str) -> dict[str, Any]:
    """Real objects where the route names one, so a missing check would act on something."""
    pk_by_namespace = {"plans": world.plan.pk, "projects_calls": world.call.pk, "calls": world.call.pk}
    values: dict[str, Any] = {
        "pk": pk_by_namespace.get(route.name.split(":")[0], 1),
        "code": world.proposed.code,
        "slug": slug,
        "to": "submitted",
        "kind": "quyet-dinh",
        "fmt": "pdf",
        "months": 6,
        "token": "t" * 32,
        "member": 1,
        "assignment": 1,
        "project": world.proposed.pk,
        "scenario": 1,
        "photo": 1,
        "entry": 1,
        # the admin's own routes
        "app_label": "projects",
        "object_id": "1",
        "content_type_id": 1,
        "url": "x",
        "id": "1",
    }
    names = route.pattern.pattern.regex.groupindex
    unknown = set(names) - set(values)
    assert not unknown, f"{route.name} ({route.path}) has a parameter the CSRF sweep cannot fill: {unknown}"
    return {name: values[name] for name in names}


def test_only_the_listed_public_forms_skip_the_csrf_check():
    exempt = {r.name for r in site_routes() if getattr(r.pattern.callback, "csrf_exempt", False)}
    assert exempt == set(SAME_ORIGIN_POSTS), (
        "a route without Django's CSRF check must be classified (with its reason) in SAME_ORIGIN_POSTS"
    )


def test_a_post_without_a_token_is_refused_on_every_route_and_changes_nothing(
    world, officer, article, caplog
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    swept = [r for r in site_routes() if r.name not in SAME_ORIGIN_POSTS]
    # The site has well over a hundred routes of its own plus the admin's: an empty sweep proves nothing.
    assert len(swept) > 200
    before = row_counts()
    refused: list[str] = []
    caplog.set_level(logging.WARNING, logger="django.security.csrf")
    for route in swept:
        url = reverse(route.name, kwargs=kwargs_for(route, world, article.slug))
        caplog.clear()
        response = client.post(url, {"reason": "x", "title": "x", "decision_number": "1/QĐ"})
        csrf_refusals = [r for r in caplog.records if r.name == "django.security.csrf"]
        if response.status_code == 403 and csrf_refusals:
            refused.append(route.name)
        else:
            pytest.fail(f"{route.name} {url}: POST without a CSRF token answered {response.status_code}")
    assert len(refused) == len(swept)
    assert row_counts() == before


def test_the_same_form_post_with_its_token_is_taken(officer, geo):
    """The sweep's 403 is the CSRF check and nothing else: with the page's token the form saves."""
    from khuyencong.establishments.models import Establishment

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    url = reverse("establishments:create")
    data = {
        "name": "Hợp tác xã mây tre đan Tam Thanh",
        "legal_form": "cooperative",
        "commune": geo.tam_thanh.pk,
        "sector": "forest_products",
        "workers": "12",
        "women_workers": "5",
        "ethnic_minority_workers": "3",
    }
    assert client.post(url, data).status_code == 403
    assert not Establishment.objects.exists()
    client.get(url)
    response = client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    assert Establishment.objects.get().name == data["name"]


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://127.0.0.1.evil.example"])
def test_the_public_forms_refuse_a_post_from_a_foreign_page(client, article, origin):
    before = row_counts()
    posts = {
        "portal:rate": (reverse("portal:rate", kwargs={"slug": article.slug}), {"score": "5"}),
        "portal:comment": (
            reverse("portal:comment", kwargs={"slug": article.slug}),
            {"name": "Lan", "email": "lan@example.vn", "text": "Bài viết hay."},
        ),
        "advice:ask": (
            reverse("advice:ask"),
            {
                "business_name": "HTX Ba Sơn",
                "topic": "technology",
                "question": "Hỗ trợ máy chẻ nan?",
                "contact_name": "Lan",
                "email": "lan@example.vn",
            },
        ),
    }
    assert set(posts) == set(SAME_ORIGIN_POSTS)
    for name, (url, data) in posts.items():
        assert client.post(url, data, HTTP_ORIGIN=origin).status_code == 403, name
        referer = f"{origin}/trang" if origin != "null" else "https://evil.example/trang"
        assert client.post(url, data, HTTP_REFERER=referer).status_code == 403, name
    assert row_counts() == before
    assert not Rating.objects.exists() and not Comment.objects.exists()


def test_the_same_public_form_from_this_site_is_taken(client, article):
    """The guard refuses by origin, not everything: the site's own page gets through."""
    url = reverse("portal:comment", kwargs={"slug": article.slug})
    data = {"name": "Lan", "email": "lan@example.vn", "text": "Bài viết hay."}
    response = client.post(url, data, HTTP_ORIGIN="http://testserver")
    assert response.status_code in (200, 302)
    assert Comment.objects.count() == 1


def test_an_api_write_with_the_session_but_no_token_is_refused(world, officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    before = row_counts()
    body = {
        "name": "Cơ sở mới",
        "legal_form": "cooperative",
        "commune": world.geo.tam_thanh.pk,
        "sector": "forest_products",
    }
    response = client.post(
        "/api/v1/establishments",
        body,
        content_type="application/json",
    )
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert row_counts() == before
    client.get(reverse("core:home"))
    token = client.cookies["csrftoken"].value
    taken = client.post(
        "/api/v1/establishments", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert taken.status_code == 201
