from django.urls import path

app_name = "establishments"
urlpatterns: list = []
