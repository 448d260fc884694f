from django.urls import URLPattern, path

from khuyencong.results import views, views_dashboard

app_name = "results"
urlpatterns: list[URLPattern] = [
    path("", views_dashboard.dashboard_view, name="dashboard"),
    path("chi-tieu/", views.catalogue_view, name="catalogue"),
    path("theo-doi/", views.follow_ups_view, name="follow_ups"),
    path("de-an/<str:code>/", views.project_results_view, name="project"),
    path("de-an/<str:code>/theo-doi/<int:months>/", views.follow_up_record_view, name="follow_up"),
]
