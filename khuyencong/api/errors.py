"""Errors the API answers with a status of their own (the handlers live in khuyencong.api.api)."""

from __future__ import annotations


class Conflict(Exception):
    """409: the request was sound, but the record's current state allows it to nobody (a merged record,
    a locked period, a plan already submitted). Nothing was changed."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
