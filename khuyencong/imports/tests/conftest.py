from __future__ import annotations

import pytest

from khuyencong.results.tests.conftest import indicator_catalogue, make_project  # noqa: F401


@pytest.fixture
def immediate_tasks(settings):
    """Background tasks run in the request (no db_worker in tests)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
