"""Article bodies are sanitised rich text; comments stay plain text."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from khuyencong.core import richtext
from khuyencong.portal import services
from khuyencong.portal.models import Article
from khuyencong.portal.text import DISPLAY_ZONE

pytestmark = pytest.mark.django_db

AT = dt.datetime(2024, 6, 1, 8, 0, tzinfo=DISPLAY_ZONE)


def _body_of(client, article: Article) -> str:
    page = client.get(reverse("portal:detail", args=[article.slug])).content.decode()
    return page.split('<div class="news-body">', 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("<p>Xin <strong>chào</strong> <em>bạn</em></p>", "<p>Xin <strong>chào</strong> <em>bạn</em></p>"),
        ("<script>alert(1)</script><p>ok</p>", "<p>ok</p>"),
        ("<p>a<style>p{color:red}</style>b</p>", "<p>ab</p>"),
        ('<p onclick="steal()" class="x" style="color:red">ok</p>', "<p>ok</p>"),
        ('<p><img src="x" onerror="alert(1)">ok</p>', "<p>ok</p>"),
        ('<p><a href="javascript:alert(1)">bấm</a></p>', '<p><a rel="noopener nofollow">bấm</a></p>'),
        ('<p><a href="JaVaScRiPt:alert(1)">bấm</a></p>', '<p><a rel="noopener nofollow">bấm</a></p>'),
        (
            '<p><a href="https://baolangson.vn/a" target="_blank" rel="opener">nguồn</a></p>',
            '<p><a href="https://baolangson.vn/a" rel="noopener nofollow">nguồn</a></p>',
        ),
        ('<p><img src="https://evil.example/x.png" alt="x">ok</p>', "<p>ok</p>"),
        ('<p><img src="//evil.example/x.png" alt="x">ok</p>', "<p>ok</p>"),
        ('<p><img src="/\\evil.example/x.png" alt="x">ok</p>', "<p>ok</p>"),
        ('<p><img src="data:image/png;base64,AAAA" alt="x">ok</p>', "<p>ok</p>"),
        (
            '<p><img src="/tin-tuc/hoi-cho/anh/" alt="Hội chợ" width="9000">ok</p>',
            '<p><img src="/tin-tuc/hoi-cho/anh/" alt="Hội chợ">ok</p>',
        ),
        ('<iframe src="https://evil.example"></iframe><p>ok</p>', "<p>ok</p>"),
        ("<h1>To</h1><h2>Vừa</h2><h3>Nhỏ</h3>", "To<h2>Vừa</h2><h3>Nhỏ</h3>"),
        (
            "<table><tr><td>1</td></tr></table>",
            "<table><tbody><tr><td>1</td></tr></tbody></table>",
        ),
        ("<ul><li>một</li><li>hai</li></ul>", "<ul><li>một</li><li>hai</li></ul>"),
        ("<p>chưa đóng thẻ <strong>đậm", "<p>chưa đóng thẻ <strong>đậm</strong></p>"),
        ("<!-- ghi chú --><p>ok</p>", "<p>ok</p>"),
    ],
)
def test_markup_keeps_only_the_allowed_tags_and_attributes(typed, stored):
    assert richtext.to_rich_text(typed) == stored


def test_plain_text_becomes_escaped_paragraphs():
    assert richtext.to_rich_text("Dòng một\ndòng hai\n\n  a < b & c > d  \n\n\n") == (
        "<p>Dòng một<br>dòng hai</p><p>a &lt; b &amp; c &gt; d</p>"
    )
    # Markup without block tags still gets its paragraphs from blank lines.
    assert richtext.to_rich_text("Một <b>đậm</b>\n\nHai") == "<p>Một <b>đậm</b></p><p>Hai</p>"


def test_the_service_stores_the_body_clean_and_the_page_shows_it(client, officer):
    article = services.article_save(
        actor=officer,
        data={
            "title": "Tin có định dạng",
            "summary": "Tóm tắt",
            "body": (
                '<h2>Mục một</h2><p>Đoạn <strong>đậm</strong> <a href="https://congthuong.langson.gov.vn">link</a>'
                '<img src=x onerror="alert(1)"></p><script>document.location="https://evil"</script>'
                '<p><a href="javascript:alert(document.cookie)">bẫy</a></p>'
            ),
            "published_at": AT,
        },
    )
    assert "script" not in article.body and "onerror" not in article.body and "javascript" not in article.body
    body = _body_of(client, article)
    assert "<h2>Mục một</h2>" in body
    assert "<strong>đậm</strong>" in body
    assert '<a href="https://congthuong.langson.gov.vn" rel="noopener nofollow">link</a>' in body
    for bad in ("<script", "onerror", "javascript:", "evil"):
        assert bad not in body


def test_a_body_written_around_the_service_is_cleaned_on_the_way_out(client, officer):
    article = services.article_save(
        actor=officer, data={"title": "Tin", "summary": "s", "body": "ok", "published_at": AT}
    )
    Article.objects.filter(pk=article.pk).update(
        body='<p>ok</p><script>alert(1)</script><img src="x" onerror="alert(2)"><a href="javascript:x()">a</a>'
    )
    body = _body_of(client, article)
    assert body == '<p>ok</p><a rel="noopener nofollow">a</a>'


def test_comments_stay_plain_text(client, officer):
    article = services.article_save(
        actor=officer, data={"title": "Tin", "summary": "s", "body": "ok", "published_at": AT}
    )
    comment = services.comment_submit(
        article=article, name="<b>Tên</b>", email="a@example.vn", text="a <i>nghiêng</i> < b", ip_address=None
    )
    services.comment_moderate(actor=officer, comment=comment, to_status="approved")
    page = client.get(reverse("portal:detail", args=[article.slug])).content.decode()
    assert "<i>nghiêng" not in page and "<b>Tên" not in page
    assert "a nghiêng &lt; b" in page


def test_the_migration_turns_plain_bodies_into_escaped_paragraphs(officer):
    migration = importlib.import_module("khuyencong.portal.migrations.0003_rich_text_bodies")
    article = services.article_save(
        actor=officer, data={"title": "Cũ", "summary": "s", "body": "x", "published_at": AT}
    )
    plain = "Đoạn một\ncòn tiếp.\n\n<b>không phải thẻ</b> & a < b"
    Article.objects.filter(pk=article.pk).update(body=plain)
    migration.to_paragraphs(apps, None)
    article.refresh_from_db()
    assert article.body == "<p>Đoạn một còn tiếp.</p><p>&lt;b&gt;không phải thẻ&lt;/b&gt; &amp; a &lt; b</p>"
    migration.to_paragraphs(apps, None)  # a second run leaves converted bodies alone
    article.refresh_from_db()
    assert article.body.startswith("<p>Đoạn một")
    migration.to_plain_text(apps, None)
    article.refresh_from_db()
    assert article.body == "Đoạn một còn tiếp.\n\n<b>không phải thẻ</b> & a < b"
