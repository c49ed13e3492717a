"""What the postal simulator does: take shipments, refuse bad ones in the API's error shape,
move them along (accepted → in transit → delivered, or returned to the sender) and push each
status to the sender's callback URL signed with HMAC-SHA256."""

from __future__ import annotations

import json
import logging
import secrets
import urllib.request
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tinhso.exchange.postal import protocol
from tinhso.exchange.postal.base import (
    NEXT,
    SIGNATURE_HEADER,
    PostalStatus,
    normalize_phone,
    sign,
    tracking_number,
)
from tinhso.exchange.postal.models import SimulatedShipment

logger = logging.getLogger(__name__)

PREFIX = "EB"  # the simulator's S10 service indicator
NOTES = {
    PostalStatus.ACCEPTED: "Bưu cục đã nhận bưu gửi",
    PostalStatus.IN_TRANSIT: "Đang vận chuyển, phát đến người nhận",
    PostalStatus.DELIVERED: "Phát thành công",
    PostalStatus.RETURNED: "Không phát được, chuyển hoàn người gửi",
    PostalStatus.CANCELLED: "Bên gửi hủy bưu gửi",
}
# The demo's periodic step: the next status on the usual path.
USUAL_NEXT = {
    PostalStatus.ACCEPTED: PostalStatus.IN_TRANSIT,
    PostalStatus.IN_TRANSIT: PostalStatus.DELIVERED,
}


class Refused(Exception):
    """An API error: HTTP status, errorCode, message, field errors (wire field names)."""

    def __init__(
        self, status: int, code: str, message: str, errors: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors or []

    def body(self) -> dict[str, Any]:
        return {"errorCode": self.code, "message": self.message, "errors": self.errors}


def _now() -> str:
    return timezone.localtime().isoformat(timespec="seconds")


def answer(shipment: SimulatedShipment) -> dict[str, Any]:
    return {
        "itemCode": shipment.tracking_number,
        "orderCode": shipment.order_code,
        "status": shipment.status,
        "fee": shipment.fee,
        "history": shipment.history,
    }


def _check(body: dict[str, Any]) -> list[dict[str, str]]:
    errors = []

    def missing(field: str, message: str) -> None:
        if not str(body.get(field) or "").strip():
            errors.append({"field": field, "message": message})

    missing("orderCode", "Thiếu mã đơn hàng.")
    missing("senderName", "Thiếu tên người gửi.")
    missing("receiverName", "Thiếu tên người nhận.")
    missing("receiverAddress", "Thiếu địa chỉ người nhận.")
    missing("receiverWard", "Thiếu xã/phường người nhận.")
    missing("receiverProvince", "Thiếu tỉnh/thành phố người nhận.")
    if normalize_phone(str(body.get("receiverPhone") or "")) is None:
        errors.append({"field": "receiverPhone", "message": "Số điện thoại không hợp lệ."})
    for field in ("declaredValue", "codAmount"):
        value = body.get(field, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors.append({"field": field, "message": "Phải là số nguyên không âm (đồng)."})
    return errors


def create(body: Any) -> tuple[SimulatedShipment, bool]:
    """Take a shipment; a repeated orderCode returns the one already taken (created=False)."""
    if not isinstance(body, dict):
        raise Refused(400, "INVALID_INPUT", "Dữ liệu không phải đối tượng JSON.")
    known = SimulatedShipment.objects.filter(order_code=str(body.get("orderCode") or "")).first()
    if known is not None:
        return known, False
    errors = _check(body)
    if errors:
        raise Refused(400, "INVALID_INPUT", "Dữ liệu không hợp lệ.", errors)
    history = [
        {
            "status": PostalStatus.ACCEPTED.value,
            "time": _now(),
            "note": NOTES[PostalStatus.ACCEPTED],
        }
    ]
    for _attempt in range(5):
        try:
            with transaction.atomic():
                shipment = SimulatedShipment.objects.create(
                    tracking_number=tracking_number(PREFIX, secrets.randbelow(100_000_000)),
                    order_code=str(body["orderCode"]),
                    request=body,
                    history=history,
                    fee=25_000 + (int(body.get("codAmount") or 0) // 100),
                    callback_url=str(body.get("callbackUrl") or ""),
                )
            return shipment, True
        except IntegrityError:  # a tracking number drawn twice, or the same order at once
            known = SimulatedShipment.objects.filter(order_code=str(body["orderCode"])).first()
            if known is not None:
                return known, False
    raise Refused(503, "BUSY", "Không cấp được số hiệu, thử lại sau.")


def get(number: str) -> SimulatedShipment:
    shipment = SimulatedShipment.objects.filter(tracking_number=number).first()
    if shipment is None:
        raise Refused(404, "NOT_FOUND", "Không tìm thấy bưu gửi.")
    return shipment


def advance(shipment: SimulatedShipment, to: PostalStatus, note: str = "") -> SimulatedShipment:
    """Move the shipment to `to` (refused when that status cannot follow) and push the
    callback after the commit."""
    with transaction.atomic():
        shipment = SimulatedShipment.objects.select_for_update().get(pk=shipment.pk)
        if to not in NEXT[PostalStatus(shipment.status)]:
            raise Refused(409, "INVALID_STATUS", "Bưu gửi không thể chuyển sang trạng thái này.")
        event = {"status": to.value, "time": _now(), "note": note or NOTES[to]}
        shipment.status = to.value
        shipment.history = [*shipment.history, event]
        shipment.save(update_fields=["status", "history", "updated_at"])
        transaction.on_commit(lambda: push(shipment, event))
    return shipment


def push(shipment: SimulatedShipment, event: dict[str, str]) -> bool:
    """POST the status callback as the postal service does; False when it was not taken
    (the simulator does not retry: the platform can ask for the status)."""
    if not shipment.callback_url:
        return False
    body = json.dumps(
        {
            "eventId": str(uuid.uuid4()),
            "itemCode": shipment.tracking_number,
            "orderCode": shipment.order_code,
            **event,
        },
        ensure_ascii=False,
    ).encode()
    req = urllib.request.Request(  # noqa: S310 (the sender's callback URL)
        shipment.callback_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(body, settings.POSTAL_WEBHOOK_SECRET),
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=10):  # noqa: S310
            return True
    except OSError as error:
        logger.warning("postal simulator: callback to %s failed: %s", shipment.callback_url, error)
        return False


def step_all(*, older_than_seconds: int = 60) -> str:
    """The demo's clock: every shipment on the usual path untouched for a while moves one
    status on (accepted → in transit → delivered). A one-line summary."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    moved = 0
    for shipment in SimulatedShipment.objects.filter(
        status__in=[s.value for s in USUAL_NEXT], updated_at__lte=cutoff
    ):
        advance(shipment, USUAL_NEXT[PostalStatus(shipment.status)])
        moved += 1
    return f"{moved} simulated shipment(s) moved on"


def recipient_line(shipment: SimulatedShipment) -> str:
    r = protocol.recipient_of(shipment.request)
    return f"{r.name} · {r.phone} · {r.address}, {r.ward}, {r.province}"
