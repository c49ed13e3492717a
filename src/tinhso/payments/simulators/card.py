"""CardGatewaySimulator: a fake bank card/QR gateway speaking the signed-redirect protocol of
`gateways/card.py` over HTTP, for the demo and the tests. Enabled by PAYMENT_SIMULATORS.

The payment page offers: pay (notification, then the browser's return), pay and close the
tab (money taken, no notification and no return: only the reconciliation finds it), cancel.
"""

from __future__ import annotations

import json
import secrets
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
from tinhso.payments.models import SimulatedTransaction
from tinhso.payments.simulators.common import require_enabled, send

NAME = "card"


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


@csrf_exempt
def api(request: HttpRequest) -> JsonResponse:
    """The merchant web API: `querydr` and `refund`, JSON signed over `|`-joined fields."""
    require_enabled()
    config = _config()
    try:
        body = json.loads(request.body)
        command = body["vnp_Command"]
        fields = card.QUERY_FIELDS if command == "querydr" else card.REFUND_FIELDS
    except (ValueError, KeyError):
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid format"})
    if body.get("vnp_SecureHash") != card.sign_fields(body, fields, config["SECRET"]):
        return JsonResponse({"vnp_ResponseCode": "97", "vnp_Message": "Invalid signature"})
    txn = SimulatedTransaction.objects.filter(gateway=NAME, txn_ref=body["vnp_TxnRef"]).first()
    if txn is None:
        return JsonResponse({"vnp_ResponseCode": "91", "vnp_Message": "Not found"})
    if command == "refund":
        amount = int(body.get("vnp_Amount", 0))
        if txn.status != "paid" or txn.refunded or amount != txn.amount * 100:
            return JsonResponse({"vnp_ResponseCode": "94", "vnp_Message": "Refund refused"})
        txn.refunded = txn.amount
        txn.save(update_fields=["refunded"])
    status = {"paid": "00", "pending": "01"}.get(txn.status, "02")
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
