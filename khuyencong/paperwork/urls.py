from django.urls import URLPattern, re_path

from khuyencong.paperwork import views

app_name = "paperwork"
urlpatterns: list[URLPattern] = [
    # /de-an/<code>/van-ban/quyet-dinh-phe-duyet.pdf (mounted under the projects' prefix)
    re_path(
        r"^(?P<code>[^/]+)/van-ban/(?P<kind>[a-z-]+)\.(?P<fmt>pdf|docx)$",
        views.project_paperwork_view,
        name="download",
    ),
]
