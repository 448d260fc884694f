"""What a news page tells a site that shares it (Open Graph and description)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khuyencong.portal import services
from khuyencong.portal.text import DISPLAY_ZONE

pytestmark = pytest.mark.django_db

GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


def test_the_article_page_carries_share_metadata(client, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    article = services.article_save(
        actor=officer,
        data={
            "title": 'Hội chợ "Sản phẩm CNNT" 2024',
            "summary": "Hơn 100 gian hàng <b>của</b> các cơ sở công nghiệp nông thôn.",
            "body": "Nội dung.",
            "image": SimpleUploadedFile("anh.gif", GIF, content_type="image/gif"),
            "image_caption": "Gian hàng mây tre đan",
            "published_at": dt.datetime(2024, 9, 20, 8, 30, tzinfo=DISPLAY_ZONE),
        },
    )
    html = client.get(reverse("portal:detail", args=[article.slug])).content.decode()
    url = f"http://testserver/tin-tuc/{article.slug}/"
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Hội chợ &quot;Sản phẩm CNNT&quot; 2024">' in html
    assert (
        '<meta property="og:description" content="Hơn 100 gian hàng của các cơ sở công nghiệp nông thôn.">'
        in html
    )
    assert '<meta name="description" content="Hơn 100 gian hàng của các cơ sở' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:image" content="http://testserver/tin-tuc/{article.slug}/anh/">' in html
    assert '<meta property="og:locale" content="vi_VN">' in html
    assert '<meta property="article:published_time" content="2024-09-20T08:30:00+07:00">' in html
    assert html.count('name="description"') == 1  # the page's own replaces the site's


def test_other_pages_keep_the_sites_description(client):
    html = client.get(reverse("portal:list")).content.decode()
    assert html.count('<meta name="description" content="Chương trình khuyến công') == 1
    english = client.get(reverse("portal:list"), HTTP_COOKIE="django_language=en").content.decode()
    assert '<html lang="en">' in english
