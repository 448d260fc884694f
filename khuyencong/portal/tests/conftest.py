from __future__ import annotations

import datetime as dt

import pytest

from khuyencong.portal import services
from khuyencong.portal.models import Article
from khuyencong.portal.text import DISPLAY_ZONE


@pytest.fixture
def make_article(officer):
    def make(title: str, at: dt.datetime | None, **extra: object) -> Article:
        data: dict[str, object] = {
            "title": title,
            "summary": f"Tóm tắt: {title}",
            "body": "Đoạn một.\n\nĐoạn hai.",
            "published_at": at,
        }
        data.update(extra)
        return services.article_save(actor=officer, data=data)

    return make


@pytest.fixture
def article(make_article) -> Article:
    return make_article(
        "Hỗ trợ máy móc cho cơ sở chế biến", dt.datetime(2024, 3, 5, 9, 15, tzinfo=DISPLAY_ZONE)
    )
