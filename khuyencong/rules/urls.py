from django.urls import path

from khuyencong.rules import views

app_name = "rules"
urlpatterns = [
    path("", views.ruleset_list, name="list"),
    path("tinh-muc-ho-tro/", views.calculator, name="calculator"),
    path("them/", views.ruleset_create, name="create"),
    path("<int:pk>/", views.ruleset_detail, name="detail"),
    path("<int:pk>/sua/", views.ruleset_update, name="update"),
    path("<int:pk>/xoa/", views.ruleset_delete, name="delete"),
    path("<int:pk>/them-muc/", views.caprule_create, name="caprule_create"),
    path("muc/<int:pk>/sua/", views.caprule_update, name="caprule_update"),
    path("muc/<int:pk>/xoa/", views.caprule_delete, name="caprule_delete"),
]
