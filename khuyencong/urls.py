from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from khuyencong.api.api import api
from khuyencong.results.api import router as reports_router

# The results app's API (summary contract of issue 5 §6); mounted here until api.py lists it.
api.add_router("/reports", reports_router, tags=["reports"])

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("khuyencong.core.urls")),
    path("tai-khoan/", include("khuyencong.accounts.urls")),
    path("dia-gioi/", include("khuyencong.geo.urls")),
    path("co-so/", include("khuyencong.establishments.urls")),
    path("muc-ho-tro/", include("khuyencong.rules.urls")),
    path("de-an/", include("khuyencong.projects.urls")),
    path("dot-xet-chon/", include("khuyencong.projects.urls_calls")),
    path("ket-qua/", include("khuyencong.results.urls")),
    path("bao-cao/", include("khuyencong.results.urls_reports")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
]

# Uploaded documents are never served from MEDIA_URL: they go through views that check the reader's scope.
