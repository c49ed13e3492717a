"""The application's URLs plus baselines that go through the same middleware stack:

- /bench/bare: a bare Django view returning a constant JSON body (no database);
- /bench/pk: one primary-key read of an administrative unit (one SQLite query);
- /bench/ninja/units/{code}: django-ninja with the application's own UnitOut schema and
  `on` query parameter, answering a constant unit without touching the database (used by
  bench/profile_views.py to separate the framework's cost from the queries').
"""

from datetime import date

from django.http import HttpRequest, JsonResponse
from django.urls import path
from ninja import NinjaAPI, Query

from tinhso.config.urls import urlpatterns as app_urlpatterns
from tinhso.directory.api import OnQuery, UnitOut
from tinhso.directory.models import AdministrativeUnit


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


def pk_read(request: HttpRequest) -> JsonResponse:
    unit = AdministrativeUnit.objects.get(pk=int(request.GET.get("id", "1")))
    return JsonResponse({"ok": True, "code": unit.code})


ninja_api = NinjaAPI(urls_namespace="bench-ninja", docs_url=None, openapi_url=None)
_REF = {"code": "899", "name": "Thành phố Rạch Giá", "level": "district", "valid_from": None,
        "valid_to": date(2025, 6, 30)}  # fmt: skip


@ninja_api.get("/units/{code}", response=UnitOut)
def ninja_constant_unit(
    request: HttpRequest, code: str, query: Query[OnQuery]
) -> dict[str, object]:
    return {**_REF, "code": code, "parent": _REF, "children": [], "successors": [_REF],
            "predecessors": []}  # fmt: skip


urlpatterns = [
    path("bench/bare", bare),
    path("bench/pk", pk_read),
    path("bench/ninja/", ninja_api.urls),
    *app_urlpatterns,
]
