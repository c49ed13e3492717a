from django.urls import path

from tinhso.dossiers import result_views, stats_views, views

app_name = "dossiers"

urlpatterns = [
    path("backoffice/ho-so/", views.queue, name="queue"),
    path("backoffice/ho-so/<int:pk>/", views.detail, name="detail"),
    path("backoffice/ho-so/<int:pk>/thao-tac/", views.act, name="act"),
    path(
        "backoffice/ho-so/<int:pk>/buu-gui/<int:shipment_pk>/",
        views.shipment_correct,
        name="shipment_correct",
    ),
    path("backoffice/ho-so/<int:pk>/giay-tiep-nhan.pdf", views.receipt, name="receipt"),
    path("backoffice/ho-so/<int:pk>/ky-ket-qua/", result_views.result_sign, name="result_sign"),
    path(
        "backoffice/ho-so/<int:pk>/ket-qua/<int:result_pk>/",
        result_views.result_file,
        name="result_file",
    ),
    path("backoffice/tiep-nhan/", views.intake, name="intake"),
    path("tra-cuu-ho-so/", views.status, name="status"),
    path("backoffice/thong-ke/", stats_views.dashboard, name="stats"),
    path("backoffice/thong-ke/ho-so/", stats_views.counted_list, name="stats_list"),
    path("backoffice/thong-ke/excel/", stats_views.export, name="stats_excel"),
]
