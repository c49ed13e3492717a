from django.urls import path

from tinhso.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("backoffice/ho-so/", views.queue, name="queue"),
    path("backoffice/ho-so/<int:pk>/", views.detail, name="detail"),
    path("backoffice/ho-so/<int:pk>/thao-tac/", views.act, name="act"),
    path("backoffice/ho-so/<int:pk>/giay-tiep-nhan.pdf", views.receipt, name="receipt"),
    path("backoffice/tiep-nhan/", views.intake, name="intake"),
    path("tra-cuu-ho-so/", views.status, name="status"),
]
