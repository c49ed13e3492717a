"""`POST /api/v1/postal/status`: status callbacks of the public postal service. Thin:
`services.postal.status_receive` verifies, applies once and logs refusals.

No API key: the postal service signs each callback (HMAC-SHA256 of the body with
POSTAL_WEBHOOK_SECRET in X-Postal-Signature); an unsigned or badly signed one is refused 401.
"""

from django.http import HttpRequest
from ninja import Router, Schema

from tinhso.core.api import Problem, ProblemOut
from tinhso.core.ratelimit import client_ip
from tinhso.dossiers.services import postal
from tinhso.exchange.postal.base import SIGNATURE_HEADER

router = Router()


class StatusTaken(Schema):
    trackingNumber: str  # the postal service's naming
    state: str
    changed: bool


@router.post(
    "/postal/status",
    response={200: StatusTaken, 401: ProblemOut, 404: ProblemOut, 422: ProblemOut},
    url_name="postal_status",
    summary="Thông báo trạng thái bưu gửi của bưu chính công ích",
    description=(
        "Callback of the postal service: JSON {eventId, itemCode, orderCode, status, time, "
        "note} signed with HMAC-SHA256 of the exact body (hex) in X-Postal-Signature. "
        "Idempotent by eventId (a repeat answers 200, changed false); a status out of order is "
        "recorded, never applied backwards. 401 bad signature, 404 unknown tracking number, "
        "422 malformed body, as problem details."
    ),
)
def postal_status(request: HttpRequest) -> dict[str, object]:
    try:
        shipment, changed = postal.status_receive(
            body=request.body,
            signature=request.headers.get(SIGNATURE_HEADER, ""),
            remote_addr=client_ip(request),
        )
    except postal.CallbackRefused as error:
        raise Problem(
            error.status,
            error.slug,
            error.title,
            error.detail,
            [{"field": error.field, "message": error.detail}] if error.field else None,
        ) from error
    return {"trackingNumber": shipment.tracking_number, "state": shipment.state, "changed": changed}
