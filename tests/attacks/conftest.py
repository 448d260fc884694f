"""The programme the attack tests act on: the API tests' small world (a draft, a proposal, a plan, an
accepted project with a recorded value, a call), plus a news article, all made through real services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps

from khuyencong.api.tests.conftest import world  # noqa: F401  (the fixture, re-exported here)


def row_counts() -> dict[str, int]:
    """Rows in every table of ours: a refused request must leave each count as it was."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("khuyencong.")
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def article(officer):
    from khuyencong.portal import services
    from khuyencong.portal.text import DISPLAY_ZONE

    return services.article_save(
        actor=officer,
        data={
            "title": "Hỗ trợ máy móc cho cơ sở chế biến",
            "summary": "Tóm tắt",
            "body": "Đoạn một.",
            "published_at": dt.datetime(2024, 3, 5, 9, 15, tzinfo=DISPLAY_ZONE),
        },
    )
