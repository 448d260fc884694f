"""The administrator's reading of the personal data log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from khuyencong.accounts.scope import is_administrator
from khuyencong.core.http import AuthedRequest
from khuyencong.privacy.models import PersonalDataAccess, Route

PAGE_SIZE = 50


@require_GET
@login_required
def access_log_view(request: AuthedRequest) -> HttpResponse:
    """Administrators only: the log says who read whose numbers, which is itself sensitive."""
    if not is_administrator(request.user):
        raise PermissionDenied
    qs = PersonalDataAccess.objects.select_related("user", "content_type")
    user = request.GET.get("user", "").strip()
    if user:
        qs = qs.filter(user__username=user)
    route = request.GET.get("route", "")
    if route in Route.values:
        qs = qs.filter(route=route)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/log.html",
        {"page": page, "routes": Route.choices, "chosen_user": user, "chosen_route": route},
    )
