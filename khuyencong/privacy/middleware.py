"""Writes the personal data a request revealed, once its response exists (see privacy.policy)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from khuyencong.privacy import policy


class PersonalDataLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return policy.finish(request, self.get_response(request))
