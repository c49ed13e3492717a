from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from tinhso.config.api import api
from tinhso.core.gateway import views as gateway_views
from tinhso.web.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", gateway_views.metrics_view, name="metrics"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("thu-tuc/", include("tinhso.procedures.urls")),
    path("backoffice/thu-tuc/", include("tinhso.procedures.backoffice_urls")),
    path("backoffice/lien-thong/", include("tinhso.exchange.backoffice_urls")),
    path("backoffice/cong-ket-noi/", gateway_views.services, name="gateway-services"),
    path("dich-vu-cong/thanh-toan/", include("tinhso.payments.urls")),
    path("backoffice/thanh-toan/", include("tinhso.payments.backoffice_urls")),
    path("dich-vu-cong/", include("tinhso.dossiers.citizen_urls")),
    path("", include("tinhso.dossiers.urls")),
    path("", include("tinhso.documents.urls")),
    path("", include("tinhso.records.urls")),
    path("", include("tinhso.web.urls")),
]

if settings.PAYMENT_SIMULATORS:
    urlpatterns.insert(0, path("simulators/", include("tinhso.payments.simulators.urls")))
if settings.NATIONAL_SIMULATORS:
    urlpatterns.insert(0, path("simulators/", include("tinhso.exchange.national.simulator.urls")))
if settings.POSTAL_SIMULATOR:
    urlpatterns.insert(0, path("simulators/", include("tinhso.exchange.postal.simulator.urls")))

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
