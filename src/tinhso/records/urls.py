from django.urls import path

from tinhso.records import views

app_name = "records"

urlpatterns = [
    path("backoffice/ho-so-cong-viec/", views.index, name="index"),
    path("backoffice/ho-so-cong-viec/danh-muc/moi/", views.plan_new, name="plan_new"),
    path("backoffice/ho-so-cong-viec/danh-muc/<int:pk>/", views.plan, name="plan"),
    path("backoffice/ho-so-cong-viec/danh-muc/<int:pk>/thao-tac/", views.plan_act, name="plan_act"),
    path("backoffice/ho-so-cong-viec/moi/", views.record_new, name="record_new"),
    path("backoffice/ho-so-cong-viec/het-han/", views.expired, name="expired"),
    path("backoffice/ho-so-cong-viec/<int:pk>/", views.record, name="record"),
    path("backoffice/ho-so-cong-viec/<int:pk>/thao-tac/", views.record_act, name="record_act"),
    path("backoffice/ho-so-cong-viec/<int:pk>/goi-luu-tru/", views.package, name="package"),
    path("backoffice/ho-so-cong-viec/tep/<int:pk>/", views.attachment, name="attachment"),
]
