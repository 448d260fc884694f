from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from khuyencong.api.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("khuyencong.core.urls")),
    path("tai-khoan/", include("khuyencong.accounts.urls")),
    path("dia-gioi/", include("khuyencong.geo.urls")),
    path("co-so/", include("khuyencong.establishments.urls")),
    path("muc-ho-tro/", include("khuyencong.rules.urls")),
    path("de-an/", include("khuyencong.projects.urls")),
    path("de-an/", include("khuyencong.paperwork.urls")),
    path("dot-xet-chon/", include("khuyencong.projects.urls_calls")),
    path("tham-dinh/", include("khuyencong.appraisal.urls")),
    path("ke-hoach/", include("khuyencong.plans.urls")),
    path("ket-qua/", include("khuyencong.results.urls")),
    path("bao-cao/", include("khuyencong.results.urls_reports")),
    path("tin-tuc/", include("khuyencong.portal.urls")),
    path("tu-van/", include("khuyencong.advice.urls")),
    path("san-pham/", include("khuyencong.products.urls")),
    path("cong-khai/", include("khuyencong.transparency.urls")),
    path("nhap-du-lieu/", include("khuyencong.imports.urls")),
    path("nhat-ky-du-lieu-ca-nhan/", include("khuyencong.privacy.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
]

# Uploaded documents are never served from MEDIA_URL: they go through views that check the reader's scope.
