from django.urls import path

from tinhso.procedures import backoffice

app_name = "procedures-backoffice"

urlpatterns = [
    path("", backoffice.catalogue, name="catalogue"),
    path("xuat.json", backoffice.export, {"kind": "json"}, name="export-json"),
    path("xuat.xlsx", backoffice.export, {"kind": "xlsx"}, name="export-xlsx"),
    path("nhap/", backoffice.import_file, name="import"),
]
