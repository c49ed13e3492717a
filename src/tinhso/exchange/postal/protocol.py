"""The wire format of the VNPost-like postal API, shared by the client and the simulator.

The real partner specification is not public; this is a plain JSON API after the published
behaviour of such services: a token header, shipments created with the sender's reference
(`orderCode`, idempotent), S10 item codes, status callbacks signed with HMAC-SHA256 over the
body. Replace this module, not the services, when the real specification arrives.

    POST {base}/shipments                   create  → 201 shipment (200 for a known orderCode)
    GET  {base}/shipments/{itemCode}        status  → 200 shipment
    POST {base}/shipments/{itemCode}/cancel cancel  → 200 shipment
    errors → 4xx {"errorCode", "message", "errors": [{"field", "message"}]}
    callback → POST callbackUrl, X-Postal-Signature: hex HMAC-SHA256(body, webhook secret),
               {"eventId", "itemCode", "orderCode", "status", "time", "note"}
"""

from __future__ import annotations

from typing import Any

from tinhso.exchange.postal.base import (
    PostalStatus,
    Recipient,
    Shipment,
    ShipmentRequest,
    StatusEvent,
)

TOKEN_HEADER = "Token"  # noqa: S105 (a header name, not a secret)

# Our field → the API's field, for requests and for the errors it names.
RECIPIENT_FIELDS = {
    "name": "receiverName",
    "phone": "receiverPhone",
    "address": "receiverAddress",
    "ward": "receiverWard",
    "province": "receiverProvince",
}
OUR_FIELD = {wire: ours for ours, wire in RECIPIENT_FIELDS.items()}


def request_body(request: ShipmentRequest) -> dict[str, Any]:
    r = request.recipient
    return {
        "orderCode": request.reference,
        "senderName": request.sender_organ,
        "senderAddress": request.sender_address,
        "senderPhone": request.sender_phone,
        **{wire: getattr(r, ours) for ours, wire in RECIPIENT_FIELDS.items()},
        "content": request.description,
        "declaredValue": request.declared_value,
        "codAmount": request.cod_amount,
        "callbackUrl": request.callback_url,
    }


def recipient_of(body: dict[str, Any]) -> Recipient:
    return Recipient(**{ours: str(body.get(wire) or "") for ours, wire in RECIPIENT_FIELDS.items()})


def shipment_of(body: dict[str, Any]) -> Shipment:
    """Read a shipment answer; raises KeyError/ValueError when it is not one."""
    return Shipment(
        tracking_number=str(body["itemCode"]),
        status=PostalStatus(body["status"]),
        fee=int(body.get("fee") or 0),
        history=tuple(
            StatusEvent(
                status=PostalStatus(e["status"]), at=str(e["time"]), note=str(e.get("note", ""))
            )
            for e in body.get("history", [])
        ),
    )
