from django.urls import path

from khuyencong.establishments import views

app_name = "establishments"
urlpatterns = [
    path("", views.establishment_list_view, name="list"),
    path("them/", views.establishment_create_view, name="create"),
    path("xuat.csv", views.establishment_export_view, name="export"),
    path("<int:pk>/", views.establishment_detail_view, name="detail"),
    path("<int:pk>/sua/", views.establishment_edit_view, name="edit"),
    path("<int:pk>/gop/", views.establishment_merge_view, name="merge"),
]
