from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "idle_timeout_seconds": settings.KHUYENCONG_IDLE_TIMEOUT_SECONDS
        if user and user.is_authenticated
        else 0,
        "idle_warning_seconds": settings.KHUYENCONG_IDLE_WARNING_SECONDS,
    }
