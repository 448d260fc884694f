"""Request types for views behind @login_required (as django-htmx recommends for typing)."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from khuyencong.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
