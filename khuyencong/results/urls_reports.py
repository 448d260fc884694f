from django.urls import URLPattern, path

from khuyencong.results import views_reports

app_name = "reports"
urlpatterns: list[URLPattern] = [
    path("", views_reports.report_index_view, name="index"),
    path("<int:pk>/", views_reports.report_run_view, name="run"),
    path("<int:pk>/tai-ve/", views_reports.report_download_view, name="download"),
]
