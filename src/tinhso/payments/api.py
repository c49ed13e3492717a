"""Gateway notifications under /api/v1/payments/notify/… Thin: `services` decides.

These endpoints take no API key: the gateway signs each notification, and the services refuse
(and log) whatever fails its signature, amount, order, freshness or expiry.
"""

from django.http import HttpRequest
from ninja import Router, Schema

from tinhso.core.ratelimit import client_ip
from tinhso.payments import services

router = Router()


class CardAnswer(Schema):
    RspCode: str
    Message: str


class PayGovAnswer(Schema):
    code: str
    message: str


@router.get(
    "/payments/notify/card",
    response=CardAnswer,
    url_name="payment_notify_card",
    summary="Thông báo kết quả thanh toán (IPN) của cổng thẻ/QR",
    description=(
        "Server-to-server notification of the signed-redirect card/QR protocol: the vnp_* "
        "query parameters signed with HMAC-SHA512 (vnp_SecureHash). Always HTTP 200; RspCode "
        "00 accepted, 02 already confirmed, 01 unknown order, 04 wrong amount, 97 bad "
        "signature, 99 expired or malformed."
    ),
)
def notify_card(request: HttpRequest) -> dict[str, str]:
    _outcome, answer = services.notification_receive(
        gateway="card", params=request.GET.dict(), remote_addr=client_ip(request)
    )
    return answer


@router.post(
    "/payments/notify/paygov",
    response=PayGovAnswer,
    url_name="payment_notify_paygov",
    summary="Thông báo kết quả thanh toán của Nền tảng thanh toán quốc gia (PayGov)",
    description=(
        "JSON callback with checksum (HMAC-SHA256), a one-time requestId and sentTime. Always "
        "HTTP 200; code 00 accepted, 01 bad checksum, 02 unknown order, 03 wrong amount, "
        "04 expired, 05 malformed, 08 replay."
    ),
)
def notify_paygov(request: HttpRequest) -> dict[str, str]:
    _outcome, answer = services.notification_receive(
        gateway="paygov", params={}, body=request.body, remote_addr=client_ip(request)
    )
    return answer
