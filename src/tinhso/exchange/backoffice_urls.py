from django.urls import path

from tinhso.exchange import views

app_name = "exchange-backoffice"

urlpatterns = [
    path("nhat-ky/", views.message_log, name="log"),
]
