from django.urls import path

from khuyencong.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list_view, name="list"),
    path("<str:code>/", views.project_detail_view, name="detail"),
    path("<str:code>/chuyen/<str:to>/", views.project_transition_view, name="transition"),
]
