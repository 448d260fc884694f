from django.urls import path

from khuyencong.accounts import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", views.SignOutView.as_view(), name="logout"),
    path("duy-tri/", views.keepalive, name="keepalive"),
]
