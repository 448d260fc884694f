from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@require_POST
def keepalive(request: HttpRequest) -> JsonResponse:
    """The 'stay signed in' button. The idle middleware has already renewed the session on the way in."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "expired", "errors": []}, status=401)
    return JsonResponse({"remaining": settings.KHUYENCONG_IDLE_TIMEOUT_SECONDS})
