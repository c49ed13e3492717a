"""CardGatewaySimulator: a fake bank card/QR gateway speaking the signed-redirect protocol of
`gateways/card.py` over HTTP, for the demo and the tests. Enabled by PAYMENT_SIMULATORS.

The merchant API answers `querydr`, `refund` and `reconcile` (the day's reconciliation list).
The payment page offers: pay (notification, then the browser's return), pay and close the
tab (money taken, no notification and no return: only the reconciliation finds it), cancel.
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

from tinhso.payments.gateways import card
from tinhso.payments.gateways.base import rows_digest
from tinhso.payments.models import SimulatedTransaction
from tinhso.payments.simulators.common import require_enabled, send

NAME = "card"
PAGE_SIZE = 5000
FIELDS = {
    "querydr": card.QUERY_FIELDS,
    "refund": card.REFUND_FIELDS,
    "reconcile": card.LIST_FIELDS,
}


def _config() -> dict[str, Any]:
    config: dict[str, Any] = settings.PAYMENT_GATEWAYS[NAME]
    return config


def _result_params(txn: SimulatedTransaction, code: str) -> dict[str, str]:
    """The signed parameters of the return and of the notification (the same, as in VNPAY)."""
    config = _config()
    params = {
        "vnp_TmnCode": config["TMN_CODE"],
        "vnp_Amount": str(txn.amount * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": f"VNP{txn.transaction_no}",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": txn.request.get("vnp_OrderInfo", ""),
        "vnp_PayDate": card.vn_time(txn.paid_at or timezone.now()),
        "vnp_ResponseCode": code,
        "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionStatus": "00" if code == "00" else "02",
        "vnp_TxnRef": txn.txn_ref,
    }
    params["vnp_SecureHash"] = card.sign(params, config["SECRET"])
    return params


@csrf_exempt
def pay(request: HttpRequest) -> HttpResponse:
    require_enabled()
    config = _config()
    if request.method == "POST":
        return _decide(request, config)
    params = {k: v for k, v in request.GET.items()}
    if params.get("vnp_TmnCode") != config["TMN_CODE"] or not card.verify(params, config["SECRET"]):
        return HttpResponseBadRequest("Sai chữ ký (vnp_SecureHash) hoặc mã website.")
    try:
        amount = int(params["vnp_Amount"]) // 100
        expires = card.parse_vn_time(params["vnp_ExpireDate"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest("Thiếu hoặc sai vnp_Amount / vnp_ExpireDate.")
    if expires < timezone.now():
        return HttpResponseBadRequest("Giao dịch đã quá thời gian chờ thanh toán.")
    txn, _created = SimulatedTransaction.objects.get_or_create(
        gateway=NAME,
        txn_ref=params["vnp_TxnRef"],
        defaults={"amount": amount, "request": params},
    )
    return render(
        request,
        "payments/simulators/pay.html",
        {"gateway": "CardGatewaySimulator", "txn": txn, "action": reverse("simulators:card-pay")},
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
            return HttpResponseBadRequest("Giao dịch không còn chờ thanh toán.")
        txn.status = "failed" if choice == "cancel" else "paid"
        txn.transaction_no = str(10_000_000 + secrets.randbelow(89_999_999))
        txn.paid_at = timezone.now()
        txn.save()
    params = _result_params(txn, "24" if choice == "cancel" else "00")
    if choice == "pay_close":  # the applicant closed the tab; the IPN was lost too
        return render(request, "payments/simulators/closed.html", {"txn": txn})
    ipn = config.get("IPN_URL") or request.build_absolute_uri(reverse("api-v1:payment_notify_card"))
    send(f"{ipn}?{urlencode(params)}")
    return redirect(f"{txn.request['vnp_ReturnUrl']}?{urlencode(params)}")


def _status(txn: SimulatedTransaction) -> str:
    """vnp_TransactionStatus as the query tells it: 00 paid (refunded ones too), 01 open."""
    return {"paid": "00", "pending": "01"}.get(txn.status, "02")


def _reconcile(body: dict[str, Any], config: dict[str, Any]) -> JsonResponse:
    """The day's reconciliation list (the project's transport of the merchant's daily
    reconciliation file, see `gateways/card.py`), PAGE_SIZE rows a page."""
    try:
        day = datetime.strptime(str(body["vnp_TransactionDate"]), "%Y%m%d").date()
        page = int(body.get("vnp_PageNo") or 1)
    except (KeyError, ValueError):
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid format"})
    start = datetime.combine(day, time.min, tzinfo=card.VN)
    seen = SimulatedTransaction.objects.filter(
        gateway=NAME, created_at__gte=start, created_at__lt=start + timedelta(days=1)
    ).order_by("pk")
    pages = max(1, -(-seen.count() // PAGE_SIZE))
    rows = [
        {
            "vnp_TxnRef": txn.txn_ref,
            "vnp_Amount": str(txn.amount * 100),
            "vnp_BankCode": "NCB" if txn.paid_at else "",
            "vnp_PayDate": card.vn_time(txn.paid_at) if txn.paid_at else "",
            "vnp_TransactionNo": txn.transaction_no,
            "vnp_ResponseCode": "00" if txn.status != "failed" else "24",
            "vnp_TransactionStatus": _status(txn),
        }
        for txn in seen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ]
    answer: dict[str, Any] = {
        "vnp_ResponseId": secrets.token_hex(16),
        "vnp_Command": "reconcile",
        "vnp_ResponseCode": "00",
        "vnp_Message": "Success",
        "vnp_TmnCode": config["TMN_CODE"],
        "vnp_TransactionDate": body["vnp_TransactionDate"],
        "vnp_PageNo": str(page),
        "vnp_TotalPages": str(pages),
        "vnp_DataHash": rows_digest(rows),
        "vnp_Data": rows,
    }
    answer["vnp_SecureHash"] = card.sign_fields(answer, card.LIST_ANSWER_FIELDS, config["SECRET"])
    return JsonResponse(answer)


@csrf_exempt
def api(request: HttpRequest) -> JsonResponse:
    """The merchant web API: `querydr`, `refund` and `reconcile`, JSON signed over
    `|`-joined fields."""
    require_enabled()
    config = _config()
    try:
        body = json.loads(request.body)
        command = body["vnp_Command"]
        fields = FIELDS[command]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid format"})
    if body.get("vnp_SecureHash") != card.sign_fields(body, fields, config["SECRET"]):
        return JsonResponse({"vnp_ResponseCode": "97", "vnp_Message": "Invalid signature"})
    if command == "reconcile":
        return _reconcile(body, config)
    txn = SimulatedTransaction.objects.filter(gateway=NAME, txn_ref=body["vnp_TxnRef"]).first()
    if txn is None:
        return JsonResponse({"vnp_ResponseCode": "91", "vnp_Message": "Not found"})
    if command == "refund":
        amount = int(body.get("vnp_Amount", 0))
        if txn.status != "paid" or txn.refunded or amount != txn.amount * 100:
            return JsonResponse({"vnp_ResponseCode": "94", "vnp_Message": "Refund refused"})
        txn.refunded = txn.amount
        txn.save(update_fields=["refunded"])
    status = _status(txn)
    answer = {
        "vnp_ResponseId": secrets.token_hex(16),
        "vnp_Command": command,
        "vnp_ResponseCode": "00",
        "vnp_Message": "Success",
        "vnp_TmnCode": config["TMN_CODE"],
        "vnp_TxnRef": txn.txn_ref,
        "vnp_Amount": str(txn.amount * 100),
        "vnp_BankCode": "NCB",
        "vnp_PayDate": card.vn_time(txn.paid_at) if txn.paid_at else "",
        "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionType": "02" if command == "refund" else "01",
        "vnp_TransactionStatus": "05" if txn.refunded else status,
        "vnp_OrderInfo": txn.request.get("vnp_OrderInfo", ""),
        "vnp_PromotionCode": "",
        "vnp_PromotionAmount": "",
    }
    if txn.refunded and command == "querydr":
        answer["vnp_TransactionStatus"] = "00"  # paid, then refunded: still "paid" here
    answer["vnp_SecureHash"] = card.sign_fields(answer, card.QUERY_ANSWER_FIELDS, config["SECRET"])
    return JsonResponse(answer)
