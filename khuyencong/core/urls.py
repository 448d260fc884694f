from django.urls import path

from khuyencong.core import language, views
from khuyencong.projects import views_calls

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("viec-can-lam/", views_calls.todo_view, name="todo"),
    path("ngon-ngu/<str:code>/", language.switch_language, name="language"),
]
