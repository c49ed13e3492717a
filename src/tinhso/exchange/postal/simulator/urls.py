"""The postal simulator under /simulators/buu-chinh/ (only when POSTAL_SIMULATOR is on)."""

from django.urls import path

from tinhso.exchange.postal.simulator import views

app_name = "postal_simulator"

urlpatterns = [
    path("buu-chinh/", views.page, name="page"),
    path("buu-chinh/<str:number>/chuyen-trang-thai", views.move, name="move"),
    path("buu-chinh/api/shipments", views.shipments, name="shipments"),
    path("buu-chinh/api/shipments/<str:number>", views.shipment, name="shipment"),
    path("buu-chinh/api/shipments/<str:number>/cancel", views.cancel, name="cancel"),
]
