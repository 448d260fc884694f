from django.urls import path

from khuyencong.geo import views

app_name = "geo"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:pk>/uu-tien/them/", views.priority_create, name="priority_create"),
    path("uu-tien/<int:pk>/sua/", views.priority_update, name="priority_update"),
    path("uu-tien/<int:pk>/ket-thuc/", views.priority_end, name="priority_end"),
    path("uu-tien/<int:pk>/xoa/", views.priority_delete, name="priority_delete"),
]
