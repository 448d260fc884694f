from django.urls import path

from khuyencong.advice import views

app_name = "advice"
urlpatterns = [
    path("", views.ask, name="ask"),
    path("theo-doi/<str:token>/", views.track, name="track"),
    path("hop-thu/", views.inbox, name="inbox"),
    path("hop-thu/<int:pk>/", views.detail, name="detail"),
    path("hop-thu/<int:pk>/tra-loi/", views.answer, name="answer"),
    path("hop-thu/<int:pk>/trang-thai/", views.transition, name="transition"),
]
