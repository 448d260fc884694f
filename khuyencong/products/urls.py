from django.urls import URLPattern, path

from khuyencong.products import views

app_name = "products"
urlpatterns: list[URLPattern] = [
    path("", views.product_list, name="list"),
    # Staff pages sit under words that services.RESERVED_SLUGS keeps out of product slugs.
    path("quan-ly/", views.manage_list, name="manage_list"),
    path("quan-ly/them/", views.manage_create, name="manage_create"),
    path("quan-ly/<int:pk>/", views.manage_detail, name="manage_detail"),
    path("quan-ly/<int:pk>/anh/", views.photo_add, name="photo_add"),
    path("quan-ly/<int:pk>/anh/<int:photo>/", views.staff_photo, name="staff_photo"),
    path("quan-ly/<int:pk>/anh/<int:photo>/xoa/", views.photo_remove, name="photo_remove"),
    path("quan-ly/<int:pk>/cong-nhan/", views.recognition_add, name="recognition_add"),
    path("quan-ly/cong-nhan/<int:pk>/", views.certificate_edit, name="certificate_edit"),
    path("quan-ly/cong-nhan/<int:pk>/giay-chung-nhan/", views.certificate_file, name="certificate_file"),
    path("binh-chon/", views.round_list, name="round_list"),
    path("binh-chon/them/", views.round_create, name="round_create"),
    path("binh-chon/<int:pk>/", views.round_detail, name="round_detail"),
    path("binh-chon/<int:pk>/sua/", views.round_edit, name="round_edit"),
    path("binh-chon/<int:pk>/thanh-vien/", views.member_add, name="member_add"),
    path("binh-chon/<int:pk>/thanh-vien/<int:member>/rut/", views.member_remove, name="member_remove"),
    path("binh-chon/<int:pk>/san-pham/", views.entry_add, name="entry_add"),
    path("binh-chon/<int:pk>/san-pham/<int:entry>/", views.sheet, name="sheet"),
    path("binh-chon/<int:pk>/san-pham/<int:entry>/rut/", views.entry_remove, name="entry_remove"),
    path("binh-chon/<int:pk>/san-pham/<int:entry>/xung-dot/", views.conflict_declare, name="conflict"),
    path("binh-chon/<int:pk>/chuyen/<str:to>/", views.round_transition, name="transition"),
    path("binh-chon/<int:pk>/ket-qua/", views.round_close, name="close"),
    path("<slug:slug>/", views.product_detail, name="detail"),
    path("<slug:slug>/anh/<int:pk>/", views.product_photo, name="photo"),
    path("<slug:slug>/ma-qr.svg", views.product_qr_svg, name="qr_svg"),
    path("<slug:slug>/ma-qr.png", views.product_qr_png, name="qr_png"),
]
