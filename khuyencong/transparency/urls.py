from django.urls import path

from khuyencong.transparency import views

app_name = "transparency"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("tai-ve/de-an.csv", views.download_csv, name="csv"),
    path("tai-ve/de-an.json", views.download_json, name="json"),
    path("tai-ve/iati-activities.xml", views.download_iati, name="iati"),
    path("<str:code>/", views.project_detail, name="detail"),
    path("<str:code>/anh/<int:pk>.jpg", views.photo, name="photo"),
]
