"""`GET /api/v1/gateway/services`: the catalogue of services, for integration clients."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from tinhso.core.api import AUTH_PROBLEMS, ApiKeyAuth, ProblemOut
from tinhso.core.gateway import catalogue

router = Router()


class OperationOut(Schema):
    method: str
    path: str
    access: str
    scope: str


class OfferedOut(Schema):
    code: str
    title: str
    scopes: list[str]
    operations: list[OperationOut]


class ConsumedOut(Schema):
    code: str
    title: str
    kind: str
    configured: bool
    simulator: bool
    active: bool


class CatalogueOut(Schema):
    offered: list[OfferedOut]
    consumed: list[ConsumedOut]


@router.get(
    "/gateway/services",
    response={200: CatalogueOut, 429: ProblemOut, **AUTH_PROBLEMS},
    auth=ApiKeyAuth("gateway:read"),
    summary="Danh mục dịch vụ của nút / the node's service catalogue",
)
def gateway_services(request: HttpRequest) -> dict:
    """The services this node offers (one per OpenAPI tag: its operations, who may call each —
    `public`, `key` with the `scope` a key must hold, `session` for signed-in people, `peer`
    for other LGSP nodes) and the outside services it consumes (national portal, population
    database, payment gateways, postal service, peer nodes: whether each is configured and
    whether the repository's simulator answers for it; addresses are not disclosed). Needs a
    key with the scope `gateway:read`."""
    return {
        "offered": [
            {
                "code": s.code,
                "title": s.title,
                "scopes": s.scopes,
                "operations": [vars(op) for op in s.operations],
            }
            for s in catalogue.offered()
        ],
        "consumed": [
            {
                "code": s.code,
                "title": s.title,
                "kind": s.kind,
                "configured": s.configured,
                "simulator": s.simulator,
                "active": s.active,
            }
            for s in catalogue.consumed()
        ],
    }
