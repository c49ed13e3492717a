from django.urls import path

from tinhso.payments import backoffice_views as views

app_name = "payments-backoffice"

urlpatterns = [
    path("", views.payment_list, name="list"),
    path("doi-soat/", views.report, name="report"),
    path("doi-soat/excel/", views.report_excel, name="report_excel"),
    path("bien-lai/<int:pk>/", views.receipt_download, name="receipt"),
    path("<str:reference>/", views.payment_detail, name="detail"),
]
