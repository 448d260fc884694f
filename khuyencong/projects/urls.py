from django.urls import URLPattern, path

from khuyencong.projects import views, views_lifecycle

app_name = "projects"
urlpatterns: list[URLPattern] = [
    path("", views.project_list_view, name="list"),
    path("them/", views.project_create_view, name="create"),
    path("muc-toi-da/", views.project_limit_view, name="limit"),
    path("<str:code>/", views.project_detail_view, name="detail"),
    path("<str:code>/sua/", views.project_edit_view, name="edit"),
    path("<str:code>/phe-duyet/", views.project_approve_view, name="approve"),
    path("<str:code>/hop-dong/", views.project_contract_view, name="contract"),
    path("<str:code>/tam-ung/", views.project_advance_view, name="advance"),
    path("<str:code>/quyet-toan/", views.project_settle_view, name="settle"),
    path("<str:code>/chuyen/<str:to>/", views.project_transition_view, name="transition"),
]
urlpatterns += [
    path("<str:code>/tai-lieu/them/", views.project_document_upload_view, name="document_upload"),
    path("<str:code>/tai-lieu/<int:pk>/", views.project_document_download_view, name="document"),
]
urlpatterns += [
    path("<str:code>/nghiem-thu/", views_lifecycle.project_acceptance_view, name="acceptance"),
    path("<str:code>/dieu-chinh/", views_lifecycle.amendment_request_view, name="amendment_request"),
    path("<str:code>/dieu-chinh/<int:pk>/", views_lifecycle.amendment_decide_view, name="amendment_decide"),
]
