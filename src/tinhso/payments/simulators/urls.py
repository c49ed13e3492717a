"""The gateway simulators under /simulators/ (only when PAYMENT_SIMULATORS is on)."""

from django.urls import path

from tinhso.payments.simulators import card, paygov

app_name = "simulators"

urlpatterns = [
    path("the/thanh-toan/", card.pay, name="card-pay"),
    path("the/api/transaction", card.api, name="card-api"),
    path("paygov/thanh-toan/", paygov.pay, name="paygov-pay"),
    path("paygov/api/<str:command>", paygov.api, name="paygov-api"),
]
