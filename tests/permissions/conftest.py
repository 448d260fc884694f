"""The permission sweep's world, built once per test module (and worker) inside a transaction that is
rolled back at the end: each test then runs in a savepoint of it, so a write one test lets through can
never be seen by the next."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import override_settings

from tests.permissions import world as world_module


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[SimpleNamespace]:
    media = tmp_path_factory.mktemp("permissions-media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        ),
    ):
        outer = transaction.atomic()
        # Marked as a test case's block, so that a service's durable atomic block may still open inside.
        outer._from_testcase = True  # type: ignore[attr-defined]
        outer.__enter__()
        try:
            yield world_module.build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
