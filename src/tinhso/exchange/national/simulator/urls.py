"""The national simulators under /simulators/ (only when NATIONAL_SIMULATORS is on)."""

from django.urls import path

from tinhso.exchange.national.simulator import dvcqg, population

app_name = "national_simulators"

urlpatterns = [
    path("dvcqg/", dvcqg.dossiers, name="dvcqg-dossiers"),
    path("dvcqg/ho-so/<str:code>/", dvcqg.dossier, name="dvcqg-dossier"),
    path("dvcqg/oauth/token", dvcqg.token, name="dvcqg-token"),
    path("dvcqg/su-co", dvcqg.outage, name="dvcqg-outage"),
    path("dvcqg/api/<str:service>", dvcqg.push, name="dvcqg-push"),
    path("csdlqgdc/api/TraCuuCongDan", population.lookup, name="population-lookup"),
]
