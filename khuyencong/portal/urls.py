from django.urls import path

from khuyencong.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("viet-bai/", views.article_edit, name="create"),
    path("duyet-y-kien/", views.moderation, name="moderation"),
    path("duyet-y-kien/<int:pk>/", views.comment_moderate, name="comment_moderate"),
    path("<slug:slug>/", views.article_detail, name="detail"),
    path("<slug:slug>/danh-gia/", views.article_rate, name="rate"),
    path("<slug:slug>/y-kien/", views.article_comment, name="comment"),
    path("<slug:slug>/anh/", views.article_image, name="image"),
    path("<slug:slug>/sua/", views.article_edit, name="update"),
]
