from django.urls import URLPattern, path

from khuyencong.appraisal import views

app_name = "appraisal"
urlpatterns: list[URLPattern] = [
    path("", views.council_list_view, name="list"),
    path("them/", views.council_create_view, name="create"),
    path("<int:pk>/", views.council_detail_view, name="detail"),
    path("<int:pk>/sua/", views.council_edit_view, name="edit"),
    path("<int:pk>/ket-thuc/", views.close_view, name="close"),
    path("<int:pk>/bien-ban.xlsx", views.minutes_view, name="minutes"),
    path("<int:pk>/bien-ban.<str:fmt>", views.minutes_document_view, name="minutes_document"),
    path("<int:pk>/thanh-vien/", views.member_add_view, name="member_add"),
    path("<int:pk>/thanh-vien/<int:member>/rut/", views.member_remove_view, name="member_remove"),
    path("<int:pk>/de-an/", views.assign_view, name="assign"),
    path("<int:pk>/de-an/<int:assignment>/", views.sheet_view, name="sheet"),
    path("<int:pk>/de-an/<int:assignment>/rut/", views.unassign_view, name="unassign"),
    path("<int:pk>/de-an/<int:assignment>/khai-bao/", views.declare_view, name="declare"),
    path("<int:pk>/de-an/<int:assignment>/tong-diem/", views.sheet_total_view, name="sheet_total"),
    path("<int:pk>/de-an/<int:assignment>/ket-luan/", views.conclude_view, name="conclude"),
]
