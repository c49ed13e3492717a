from django.urls import path

from tinhso.payments import views

app_name = "payments"

urlpatterns = [
    path("ket-qua/<str:gateway>/", views.gateway_return, name="return"),
    path("<str:reference>/", views.request_detail, name="request"),
    path("<str:reference>/thanh-toan/", views.start, name="start"),
    path("<str:reference>/bien-lai/", views.receipt, name="receipt"),
]
