from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from khuyencong.accounts.choices import Role
from khuyencong.core.http import AuthedRequest
from khuyencong.establishments.selectors import establishment_list
from khuyencong.geo.choices import Generation, Level
from khuyencong.geo.selectors import unit_counts


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    counts = unit_counts()
    user = request.user
    sees_registry = user.is_superuser or user.role not in {Role.PUBLIC, Role.COUNCIL_MEMBER}
    return render(
        request,
        "core/home.html",
        {
            "establishment_count": establishment_list(user=user).count() if sees_registry else None,
            "legacy_communes": counts.get(f"{Generation.LEGACY}:{Level.COMMUNE}", 0),
            "current_communes": counts.get(f"{Generation.CURRENT}:{Level.COMMUNE}", 0),
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
