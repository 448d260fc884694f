from django.urls import URLPattern, path

from khuyencong.plans import views

app_name = "plans"
urlpatterns: list[URLPattern] = [
    path("", views.plan_list_view, name="list"),
    path("<int:pk>/", views.plan_detail_view, name="detail"),
    path("<int:pk>/rang-buoc/", views.plan_rules_view, name="rules"),
    path("<int:pk>/de-an/<int:project>/", views.plan_setting_view, name="setting"),
    path("<int:pk>/toi-uu/", views.plan_run_view, name="run"),
    path("<int:pk>/phuong-an/<int:scenario>/", views.scenario_view, name="scenario"),
    path("<int:pk>/so-sanh/", views.compare_view, name="compare"),
    path("<int:pk>/trinh/", views.plan_submit_view, name="submit"),
    path("<int:pk>/phe-duyet/", views.plan_approve_view, name="approve"),
    path("<int:pk>/dieu-chinh/", views.plan_revise_view, name="revise"),
    path("<int:pk>/phu-luc.xlsx", views.plan_annex_view, name="annex"),
    path("<int:pk>/phu-luc.<str:fmt>", views.plan_annex_view, name="annex_as"),
]
