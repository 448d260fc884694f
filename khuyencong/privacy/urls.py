from django.urls import URLPattern, path

from khuyencong.privacy import views

app_name = "privacy"
urlpatterns: list[URLPattern] = [
    path("", views.access_log_view, name="log"),
]
