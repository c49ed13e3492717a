"""The API under /api/v1: one NinjaAPI, one router per app."""

from ninja import NinjaAPI

from tinhso.config import gateway
from tinhso.core.api import Utf8JSONRenderer, install_problem_handlers
from tinhso.core.gateway.api import router as gateway_router
from tinhso.directory.api import router as directory_router
from tinhso.documents.api import router as documents_router
from tinhso.documents.stats_api import router as documents_stats_router
from tinhso.dossiers.api import router as dossiers_router
from tinhso.dossiers.postal_api import router as postal_router
from tinhso.dossiers.stats_api import router as stats_router
from tinhso.exchange.api import install_exchange_handlers
from tinhso.exchange.api import router as exchange_router
from tinhso.payments.api import router as payments_router
from tinhso.procedures.api import router as procedures_router
from tinhso.records.api import router as records_router
from tinhso.workcalendar.api import router as calendar_router

api = NinjaAPI(
    title="Tỉnh Số API",
    version="1",
    description=(
        "API của nền tảng Tỉnh Số / the Tỉnh Số platform API. Errors are RFC 9457 problem "
        "details with a Vietnamese title. Integration clients send their key in X-API-Key."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=Utf8JSONRenderer(),
)
install_problem_handlers(api)
install_exchange_handlers(api)
api.add_router("/", directory_router, tags=["directory"])
api.add_router("/", calendar_router, tags=["calendar"])
api.add_router("/", procedures_router, tags=["services"])
api.add_router("/", dossiers_router, tags=["applications"])
api.add_router("/", stats_router, tags=["statistics"])
api.add_router("/", documents_router, tags=["documents"])
api.add_router("/", documents_stats_router, tags=["statistics"])
api.add_router("/", records_router, tags=["records"])
api.add_router("/", payments_router, tags=["payments"])
api.add_router("/", exchange_router, tags=["exchange"])
api.add_router("/", postal_router, tags=["postal"])
api.add_router("/", gateway_router, tags=["gateway"])
gateway.install(api)
