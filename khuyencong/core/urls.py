from django.urls import path

from khuyencong.core import views
from khuyencong.projects import views_calls

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("viec-can-lam/", views_calls.todo_view, name="todo"),
]
