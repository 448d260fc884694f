"""The anonymous page cache (core.public_cache) on the public pages that use it: news and advice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.advice import services as advice_services
from khuyencong.core import public_cache
from khuyencong.portal import services
from khuyencong.portal.choices import CommentStatus
from khuyencong.portal.models import Article
from khuyencong.portal.text import DISPLAY_ZONE

pytestmark = pytest.mark.django_db

AT = dt.datetime(2024, 3, 5, 9, 15, tzinfo=DISPLAY_ZONE)


@pytest.fixture
def article(officer) -> Article:
    return services.article_save(
        actor=officer,
        data={
            "title": "Hỗ trợ máy sấy chè",
            "summary": "Tóm tắt tin",
            "body": "Nội dung.",
            "published_at": AT,
        },
    )


def _get(client: Client, url: str, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    response.queries = len(queries)  # type: ignore[attr-defined]
    return response


def public_urls(article: Article) -> list[str]:
    return [reverse("portal:list"), reverse("portal:detail", args=[article.slug]), reverse("advice:ask")]


def test_a_second_anonymous_visit_is_served_from_the_cache_without_a_query(client, article):
    for url in public_urls(article):
        first = _get(client, url)
        assert first.status_code == 200
        assert first["X-Cache"] == "MISS"
        second = _get(Client(), url)
        assert second["X-Cache"] == "HIT"
        assert second.queries == 0
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]
        assert second["ETag"] == first["ETag"]
        assert "Cookie" in second["Vary"]
        assert "no-cache" in second["Cache-Control"]


def test_an_unchanged_page_answers_304_and_head_is_served(client, article):
    url = reverse("portal:detail", args=[article.slug])
    etag = client.get(url)["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    head = client.head(url)
    assert head.status_code == 200
    assert head["X-Cache"] == "HIT"


def test_anonymous_pages_set_no_cookie_create_no_session_and_hold_no_csrf_token(client, article):
    _request, token = advice_services.request_submit(
        business_name="Cơ sở A", topic="other", question="Hỏi", contact_name="Anh A", email="a@example.vn"
    )
    urls = [*public_urls(article), reverse("advice:track", args=[token])]
    for url in urls:
        for _ in range(2):  # the miss and the hit alike
            response = client.get(url)
            assert response.status_code == 200, url
            assert not response.cookies, (url, response.cookies)
            assert "Set-Cookie" not in response, url
            html = response.content.decode()
            assert "csrfmiddlewaretoken" not in html, url
            assert "X-CSRFToken" not in html, url
    assert Session.objects.count() == 0
    assert not client.cookies


def test_signed_in_readers_never_get_a_cached_page(client, article, officer):
    url = reverse("portal:detail", args=[article.slug])
    assert client.get(url)["X-Cache"] == "MISS"
    staff = Client()
    staff.force_login(officer)
    for _ in range(2):
        response = staff.get(url)
        assert response["X-Cache"] == "BYPASS"
        assert "Sửa bài" in response.content.decode()  # the staff link the cached page does not have
    anonymous = client.get(url)
    assert anonymous["X-Cache"] == "HIT"
    assert "Sửa bài" not in anonymous.content.decode()
    assert "Đăng xuất" not in anonymous.content.decode()


def test_publishing_rating_and_approving_show_at_once(client, article, make_later_article, officer):
    list_url = reverse("portal:list")
    detail_url = reverse("portal:detail", args=[article.slug])
    client.get(list_url)
    client.get(detail_url)
    assert client.get(list_url)["X-Cache"] == "HIT"

    later = make_later_article()
    listed = client.get(list_url)
    assert listed["X-Cache"] == "MISS"
    assert later.title in listed.content.decode()

    assert "0 trong 0 đánh giá" in client.get(detail_url).content.decode()
    assert Client().post(reverse("portal:rate", args=[article.slug]), {"score": "4"}).status_code == 302
    assert "4 trong 1 đánh giá" in Client().get(detail_url).content.decode()

    comment = services.comment_submit(
        article=article, name="Bạn đọc", email="b@example.vn", text="Ý kiến chờ duyệt", ip_address=None
    )
    assert "Ý kiến chờ duyệt" not in Client().get(detail_url).content.decode()
    services.comment_moderate(actor=officer, comment=comment, to_status=CommentStatus.APPROVED)
    shown = Client().get(detail_url)
    assert shown["X-Cache"] == "MISS"
    assert "Ý kiến chờ duyệt" in shown.content.decode()


@pytest.fixture
def make_later_article(officer):
    def make() -> Article:
        return services.article_save(
            actor=officer,
            data={
                "title": "Hội chợ hàng nông thôn 2024",
                "summary": "s",
                "body": "b",
                "published_at": AT + dt.timedelta(days=1),
            },
        )

    return make


def test_a_thank_you_message_is_shown_fresh_and_never_cached(client, article):
    url = reverse("portal:detail", args=[article.slug])
    client.get(url)  # cached without a message
    client.post(reverse("portal:rate", args=[article.slug]), {"score": "5"})
    with_message = client.get(url)
    assert with_message["X-Cache"] == "BYPASS"
    assert "Cảm ơn bạn đã đánh giá" in with_message.content.decode()
    later = Client().get(url)
    # The rating made the page stale, and the page with the message was not kept.
    assert later["X-Cache"] == "MISS"
    assert "Cảm ơn bạn đã đánh giá" not in later.content.decode()
    assert "5 trong 1 đánh giá" in later.content.decode()


def test_each_language_has_its_own_cached_page(client, article):
    url = reverse("portal:list")
    assert "Tin tức và chính sách" in client.get(url).content.decode()
    english = Client()
    english.cookies["django_language"] = "en"
    page = english.get(url)
    assert page["X-Cache"] == "MISS"
    assert '<html lang="en">' in page.content.decode()
    assert english.get(url)["X-Cache"] == "HIT"
    assert '<html lang="vi">' in Client().get(url).content.decode()


def test_the_query_string_is_part_of_the_key(client, make_later_article, article):
    make_later_article()
    url = reverse("portal:list")
    everything = client.get(url).content.decode()
    found = client.get(url, {"q": "hoi cho"})
    assert found["X-Cache"] == "MISS"
    assert "Hội chợ hàng nông thôn" in found.content.decode()
    assert "Hỗ trợ máy sấy chè" not in found.content.decode()
    assert "Hỗ trợ máy sấy chè" in everything


def test_a_page_that_uses_the_csrf_token_is_not_stored(rf):
    from django.middleware.csrf import get_token

    @public_cache.public_page("test")
    def view(request):
        from django.http import HttpResponse

        return HttpResponse(get_token(request))

    request = rf.get("/x/")
    request.COOKIES = {}
    assert view(request)["X-Cache"] == "SKIP"
    assert view(rf.get("/x/"))["X-Cache"] == "SKIP"


def test_file_caches_are_shared_between_processes(settings, tmp_path, client, article):
    """What gunicorn's workers rely on: a page stored and a version bumped by one cache object are
    seen by another one on the same directory (another process)."""
    from django.core.cache.backends.filebased import FileBasedCache

    settings.CACHES = {
        **settings.CACHES,
        "public_pages": {
            "BACKEND": "khuyencong.core.public_cache.PageFileCache",
            "LOCATION": str(tmp_path / "pages"),
        },
        "public_versions": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "versions"),
            "TIMEOUT": None,
        },
    }
    url = reverse("portal:detail", args=[article.slug])
    assert client.get(url)["X-Cache"] == "MISS"
    hit = _get(Client(), url)
    assert hit["X-Cache"] == "HIT"
    assert hit.queries == 0
    other_worker = FileBasedCache(str(tmp_path / "versions"), {"TIMEOUT": None})
    before = other_worker.get("public-version:news")
    assert before
    public_cache.bump("news")
    assert other_worker.get("public-version:news") not in (None, before)
    assert Client().get(url)["X-Cache"] == "MISS"
    assert len(list((tmp_path / "pages").glob("*.djcache"))) == 2
    caches["public_pages"].clear()


def test_forms_on_cached_pages_post_without_a_token_but_only_from_this_site(article):
    strict = Client(enforce_csrf_checks=True)
    rate = reverse("portal:rate", args=[article.slug])
    comment = reverse("portal:comment", args=[article.slug])
    ask = reverse("advice:ask")
    comment_data = {"name": "A", "email": "a@example.vn", "text": "Hay", "website": ""}
    ask_data = {
        "business_name": "Cơ sở B",
        "topic": "other",
        "question": "Hỏi",
        "contact_name": "Chị B",
        "phone": "0912345678",
        "website": "",
    }
    foreign = {"HTTP_ORIGIN": "https://evil.example"}
    assert strict.post(rate, {"score": "3"}, **foreign).status_code == 403
    assert strict.post(comment, comment_data, **foreign).status_code == 403
    assert strict.post(ask, ask_data, **foreign).status_code == 403
    assert strict.post(rate, {"score": "3"}, HTTP_REFERER="https://evil.example/page").status_code == 403
    assert strict.post(rate, {"score": "3"}, HTTP_ORIGIN="null").status_code == 403
    assert article.ratings.count() == 0 and article.comments.count() == 0

    own = {"HTTP_ORIGIN": "http://testserver"}
    assert strict.post(rate, {"score": "3"}, **own).status_code == 302
    assert strict.post(comment, comment_data, **own).status_code == 302
    assert strict.post(ask, ask_data, **own).status_code == 302
    assert article.ratings.count() == 1 and article.comments.count() == 1
    # Signed-in pages keep Django's CSRF check: a moderation POST without a token is refused.
    moderate = reverse("portal:comment_moderate", args=[article.comments.get().pk])
    assert strict.post(moderate, {"status": "approved"}, **own).status_code == 403


def test_a_bump_is_repeated_when_the_transaction_commits(django_capture_on_commit_callbacks):
    before = public_cache.versions(["news"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        public_cache.bump("news")
    during = public_cache.versions(["news"])
    assert during != before  # at once
    assert len(callbacks) == 1
    callbacks[0]()
    assert public_cache.versions(["news"]) not in (before, during)  # and again after the commit
