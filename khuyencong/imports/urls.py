from django.urls import URLPattern, path

from khuyencong.imports import views

app_name = "imports"
urlpatterns: list[URLPattern] = [
    path("", views.index_view, name="index"),
    path("hoc-vien/", views.trainee_list_view, name="trainees"),
    path("mau/<str:kind>.xlsx", views.template_view, name="template"),
    path("<int:pk>/", views.run_view, name="run"),
    path("<int:pk>/trang-thai/", views.status_view, name="status"),
    path("<int:pk>/nhap/", views.confirm_view, name="confirm"),
    path("<int:pk>/tep-chu-thich-loi.xlsx", views.annotated_view, name="annotated"),
]
