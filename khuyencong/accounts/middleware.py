"""End a signed-in session after a period of inactivity (KHUYENCONG_IDLE_TIMEOUT_MINUTES)."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

SESSION_KEY = "khuyencong_last_activity"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(SESSION_KEY)
            if last is not None and now - float(last) > settings.KHUYENCONG_IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(
                    request, _("Phiên làm việc đã hết hạn vì không thao tác. Vui lòng đăng nhập lại.")
                )
                login_url = reverse(settings.LOGIN_URL)
                if (
                    request.path == login_url
                    or request.method != "GET"
                    or request.headers.get("HX-Request")
                    or request.path.startswith("/api/")
                ):
                    # The sign-in page itself, scripts and API clients get the view's own answer for an
                    # anonymous caller (the form, 401 or 403) instead of a redirect.
                    return self.get_response(request)
                return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
            request.session[SESSION_KEY] = now
        return self.get_response(request)
