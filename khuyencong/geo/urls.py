from django.urls import path

from khuyencong.geo import views

app_name = "geo"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
]
