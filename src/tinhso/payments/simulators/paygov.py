"""PayGovSimulator: a fake national payment platform speaking the protocol of
`gateways/paygov.py` over HTTP, for the demo and the tests. Enabled by PAYMENT_SIMULATORS.

Same choices as the card simulator: pay, pay and close the tab, cancel.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from tinhso.payments.gateways import paygov
from tinhso.payments.gateways.base import rows_digest
from tinhso.payments.gateways.card import VN, parse_vn_time, vn_time
from tinhso.payments.models import SimulatedTransaction
from tinhso.payments.simulators.common import require_enabled, send

NAME = "paygov"
PAGE_SIZE = 5000
FIELDS = {
    "query": paygov.QUERY_FIELDS,
    "refund": paygov.REFUND_FIELDS,
    "transactions": paygov.LIST_FIELDS,
}


def _config() -> dict[str, Any]:
    config: dict[str, Any] = settings.PAYMENT_GATEWAYS[NAME]
    return config


def _answer(txn: SimulatedTransaction | None, code: str, order_id: str = "") -> dict[str, str]:
    config = _config()
    values = {
        "code": code,
        "partnerCode": config["PARTNER_CODE"],
        "orderId": txn.txn_ref if txn else order_id,
        "transactionId": txn.transaction_no if txn else "",
        "amount": str(txn.amount) if txn else "",
        "status": {"paid": "00", "failed": "01"}.get(txn.status, "02") if txn else "",
        "payTime": vn_time(txn.paid_at) if txn and txn.paid_at else "",
    }
    values["checksum"] = paygov.checksum(values, paygov.ANSWER_FIELDS, config["SECRET"])
    return values


@csrf_exempt
def pay(request: HttpRequest) -> HttpResponse:
    require_enabled()
    config = _config()
    if request.method == "POST":
        return _decide(request, config)
    values = {k: v for k, v in request.GET.items()}
    if values.get("partnerCode") != config["PARTNER_CODE"] or not paygov.valid(
        values, paygov.REQUEST_FIELDS, config["SECRET"]
    ):
        return HttpResponseBadRequest("Sai checksum hoặc mã đối tác.")
    try:
        amount = int(values["amount"])
        expires = parse_vn_time(values["expireTime"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest("Thiếu hoặc sai amount / expireTime.")
    if expires < timezone.now():
        return HttpResponseBadRequest("Đơn hàng đã quá thời gian chờ thanh toán.")
    txn, _created = SimulatedTransaction.objects.get_or_create(
        gateway=NAME, txn_ref=values["orderId"], defaults={"amount": amount, "request": values}
    )
    return render(
        request,
        "payments/simulators/pay.html",
        {"gateway": "PayGovSimulator", "txn": txn, "action": reverse("simulators:paygov-pay")},
    )


def _decide(request: HttpRequest, config: dict[str, Any]) -> HttpResponse:
    choice = request.POST.get("choice", "")
    with transaction.atomic():
        txn = (
            SimulatedTransaction.objects.select_for_update()
            .filter(gateway=NAME, txn_ref=request.POST.get("txn_ref", ""), status="pending")
            .first()
        )
        if txn is None or choice not in ("pay", "pay_close", "cancel"):
            return HttpResponseBadRequest("Đơn hàng không còn chờ thanh toán.")
        txn.status = "failed" if choice == "cancel" else "paid"
        txn.transaction_no = f"PG{secrets.token_hex(6).upper()}"
        txn.paid_at = timezone.now()
        txn.save()
    if choice == "pay_close":
        return render(request, "payments/simulators/closed.html", {"txn": txn})
    send(txn.request["callbackUrl"], body=notification(txn))
    return redirect(f"{txn.request['returnUrl']}?{urlencode(_answer(txn, '00'))}")


def notification(txn: SimulatedTransaction) -> dict[str, str]:
    """A callback as PayGov sends it: one-time requestId, sentTime, checksum."""
    config = _config()
    values = {
        "partnerCode": config["PARTNER_CODE"],
        "orderId": txn.txn_ref,
        "transactionId": txn.transaction_no,
        "amount": str(txn.amount),
        "status": "00" if txn.status == "paid" else "01",
        "payTime": vn_time(txn.paid_at or timezone.now()),
        "requestId": secrets.token_hex(16),
        "sentTime": vn_time(timezone.now()),
    }
    values["checksum"] = paygov.checksum(values, paygov.NOTIFY_FIELDS, config["SECRET"])
    return values


def _transactions(body: dict[str, Any], config: dict[str, Any]) -> JsonResponse:
    """The day's reconciliation list, PAGE_SIZE rows a page (see `gateways/paygov.py`)."""
    try:
        day = datetime.strptime(str(body["date"]), "%Y%m%d").date()
        page = int(body.get("page") or 1)
    except (KeyError, ValueError):
        return JsonResponse(_answer(None, "05"))
    start = datetime.combine(day, time.min, tzinfo=VN)
    seen = SimulatedTransaction.objects.filter(
        gateway=NAME, created_at__gte=start, created_at__lt=start + timedelta(days=1)
    ).order_by("pk")
    rows = [
        {
            "orderId": txn.txn_ref,
            "transactionId": txn.transaction_no,
            "amount": str(txn.amount),
            "status": {"paid": "00", "failed": "01"}.get(txn.status, "02"),
            "payTime": vn_time(txn.paid_at) if txn.paid_at else "",
        }
        for txn in seen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ]
    answer: dict[str, Any] = {
        "code": "00",
        "partnerCode": config["PARTNER_CODE"],
        "date": body["date"],
        "page": str(page),
        "totalPages": str(max(1, -(-seen.count() // PAGE_SIZE))),
        "dataHash": rows_digest(rows),
        "transactions": rows,
    }
    answer["checksum"] = paygov.checksum(answer, paygov.LIST_ANSWER_FIELDS, config["SECRET"])
    return JsonResponse(answer)


@csrf_exempt
def api(request: HttpRequest, command: str) -> JsonResponse:
    """`query`, `refund` and `transactions` (the day's reconciliation list), JSON with
    checksum."""
    require_enabled()
    config = _config()
    try:
        body = json.loads(request.body)
        fields = FIELDS[command]
    except (ValueError, KeyError):
        return JsonResponse(_answer(None, "05"))
    if not isinstance(body, dict) or not paygov.valid(body, fields, config["SECRET"]):
        order_id = body.get("orderId", "") if isinstance(body, dict) else ""
        return JsonResponse(_answer(None, "01", str(order_id)))
    if command == "transactions":
        return _transactions(body, config)
    txn = SimulatedTransaction.objects.filter(gateway=NAME, txn_ref=body.get("orderId")).first()
    if txn is None:
        return JsonResponse(_answer(None, "02", str(body.get("orderId", ""))))
    if command == "refund":
        if txn.status != "paid" or txn.refunded or str(body.get("amount")) != str(txn.amount):
            return JsonResponse(_answer(txn, "06"))
        txn.refunded = txn.amount
        txn.save(update_fields=["refunded"])
    return JsonResponse(_answer(txn, "00"))
