from django.urls import URLPattern, path

from khuyencong.projects import views_calls

app_name = "calls"
urlpatterns: list[URLPattern] = [
    path("", views_calls.call_list_view, name="list"),
    path("them/", views_calls.call_create_view, name="create"),
    path("<int:pk>/", views_calls.call_detail_view, name="detail"),
    path("<int:pk>/sua/", views_calls.call_edit_view, name="edit"),
    path("<int:pk>/dang-ky/", views_calls.call_attach_view, name="attach"),
]
