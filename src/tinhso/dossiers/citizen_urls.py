from django.urls import path

from tinhso.dossiers import citizen_views, result_views

app_name = "citizen"

urlpatterns = [
    path("nop/<str:code>/", citizen_views.file_online, name="file"),
    path("ho-so/", citizen_views.my_dossiers, name="dossiers"),
    path("ho-so/<int:pk>/", citizen_views.my_dossier, name="dossier"),
    path("ho-so/<int:pk>/giay-tiep-nhan.pdf", citizen_views.receipt, name="receipt"),
    path("ho-so/<int:pk>/ket-qua/<int:result_pk>/", result_views.my_result, name="result"),
    path("ho-so/<int:pk>/bo-sung/", citizen_views.supplement, name="supplement"),
    path("ho-so/<int:pk>/rut/", citizen_views.withdraw, name="withdraw"),
    path("ho-so/<int:pk>/danh-gia/", citizen_views.rate, name="rate"),
]
