"""Notifications through the API (Django test client): each bad input, idempotency, refunds,
timeouts. The full round trip through the simulators over HTTP is in test_simulators.py."""

import json
import re
import socket
import threading
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from tinhso.core.models import AuditEntry
from tinhso.payments import services
from tinhso.payments.gateways import card, paygov
from tinhso.payments.gateways.card import CardGateway
from tinhso.payments.models import GatewayNotification, Payment, PaymentEvent, PaymentRequest

CARD_URL = "/api/v1/payments/notify/card"
PAYGOV_URL = "/api/v1/payments/notify/paygov"


def start(req, gateway="card"):
    payment, _url = services.payment_start(
        request=req,
        gateway=gateway,
        client_ip="127.0.0.1",
        return_url="http://t/r",
        notify_url="http://t/n",
    )
    return payment


def card_params(payment, *, amount=None, code="00", txn_no="555", secret="card-simulator-secret"):  # noqa: S107
    params = {
        "vnp_TmnCode": "TINHSO01",
        "vnp_Amount": str((amount or payment.amount) * 100),
        "vnp_ResponseCode": code,
        "vnp_TransactionStatus": "00" if code == "00" else "02",
        "vnp_TxnRef": payment.txn_ref,
        "vnp_PayDate": card.vn_time(timezone.now()),
        "vnp_TransactionNo": txn_no,
        "vnp_BankCode": "NCB",
    }
    params["vnp_SecureHash"] = card.sign(params, secret)
    return params


def paygov_body(payment, *, request_id="r1", sent=None):
    values = {
        "partnerCode": "TINHSO",
        "orderId": payment.txn_ref,
        "transactionId": "PG1",
        "amount": str(payment.amount),
        "status": "00",
        "payTime": card.vn_time(timezone.now()),
        "requestId": request_id,
        "sentTime": card.vn_time(sent or timezone.now()),
    }
    values["checksum"] = paygov.checksum(values, paygov.NOTIFY_FIELDS, "paygov-simulator-secret")
    return values


def outcomes():
    return list(GatewayNotification.objects.order_by("pk").values_list("outcome", flat=True))


def test_accepted_then_idempotent(client, make_request, paid_calls):
    req = make_request()
    payment = start(req)
    params = card_params(payment)
    assert client.get(CARD_URL, params).json() == {"RspCode": "00", "Message": "Confirm Success"}
    assert client.get(CARD_URL, params).json()["RspCode"] == "02"
    payment.refresh_from_db()
    req.refresh_from_db()
    assert payment.state == "paid" and req.paid_at is not None
    assert list(payment.events.values_list("action", "from_state", "to_state")) == [
        ("start", "", "pending"),
        ("confirm", "pending", "paid"),
    ]
    assert [r.pk for r in paid_calls] == [req.pk]
    assert outcomes() == ["accepted", "duplicate"]
    assert AuditEntry.objects.filter(action="payment.confirm").count() == 1


@pytest.mark.parametrize(
    ("tamper", "code", "outcome"),
    [
        (lambda p, pay: {**p, "vnp_Amount": "100"}, "97", "bad_signature"),
        (lambda p, pay: card_params(pay, secret="wrong"), "97", "bad_signature"),
        (lambda p, pay: card_params(pay, amount=1000), "04", "wrong_amount"),
        (lambda p, pay: {k: v for k, v in p.items() if k != "vnp_TxnRef"}, "97", "bad_signature"),
    ],
)
def test_refused_notifications_change_nothing(
    client, make_request, paid_calls, tamper, code, outcome
):
    req = make_request()
    payment = start(req)
    answer = client.get(CARD_URL, tamper(card_params(payment), payment)).json()
    assert answer["RspCode"] == code
    payment.refresh_from_db()
    assert payment.state == "pending" and paid_calls == []
    assert PaymentRequest.objects.get(pk=req.pk).paid_at is None
    assert outcomes() == [outcome]
    assert PaymentEvent.objects.filter(payment=payment).count() == 1


def test_unknown_order(client, make_request):
    payment = start(make_request())
    payment.txn_ref = "TSNOSUCH"
    assert client.get(CARD_URL, card_params(payment)).json()["RspCode"] == "01"
    assert outcomes() == ["unknown_order"]


def test_expired_request_is_refused(client, make_request, paid_calls):
    req = make_request()
    payment = start(req)
    PaymentRequest.objects.filter(pk=req.pk).update(expires_at=timezone.now() - timedelta(1))
    assert client.get(CARD_URL, card_params(payment)).json()["RspCode"] == "99"
    assert Payment.objects.get(pk=payment.pk).state == "pending" and paid_calls == []
    assert outcomes() == ["expired"]


def test_paygov_replay_and_stale_callbacks_are_refused(client, make_request, paid_calls):
    req = make_request()
    payment = start(req, "paygov")
    stale = paygov_body(payment, request_id="old", sent=timezone.now() - timedelta(hours=1))

    def post(body):
        return client.post(
            PAYGOV_URL,
            json.dumps(body),
            content_type="application/json",
        ).json()["code"]

    assert post(stale) == "08"
    assert Payment.objects.get(pk=payment.pk).state == "pending"
    body = paygov_body(payment)
    assert post(body) == "00"
    assert post(body) == "08"  # the same one-time requestId again: a replay
    assert post({**body, "checksum": "0" * 64}) == "01"
    assert outcomes() == ["replay", "accepted", "replay", "bad_signature"]
    assert len(paid_calls) == 1


def test_double_payment_is_refunded(client, make_request, paid_calls, monkeypatch):
    refunds = []
    monkeypatch.setattr(
        CardGateway,
        "refund",
        lambda self, notice, created_at: refunds.append((notice.txn_ref, notice.amount)),
    )
    req = make_request()
    first, second = start(req), start(req)
    assert client.get(CARD_URL, card_params(first, txn_no="1")).json()["RspCode"] == "00"
    assert client.get(CARD_URL, card_params(second, txn_no="2")).json()["RspCode"] == "00"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("paid", "refunded")
    assert refunds == [(second.txn_ref, req.amount)]
    assert len(paid_calls) == 1
    assert services.payment_start  # a paid request takes no new attempt:
    with pytest.raises(services.PaymentError):
        start(req)


def test_failed_refund_leaves_the_duplicate_pending(client, make_request, monkeypatch):
    from tinhso.payments.gateways.base import GatewayTimeout

    def boom(self, notice, created_at):
        raise GatewayTimeout("x")

    monkeypatch.setattr(CardGateway, "refund", boom)
    req = make_request()
    first, second = start(req), start(req)
    client.get(CARD_URL, card_params(first, txn_no="1"))
    client.get(CARD_URL, card_params(second, txn_no="2"))
    assert Payment.objects.get(pk=second.pk).state == "pending"


def test_gateway_timeout_leaves_the_payment_pending(make_request, settings):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    accepted = []
    threading.Thread(target=lambda: accepted.append(silent.accept()), daemon=True).start()
    gateways = {**settings.PAYMENT_GATEWAYS}
    gateways["card"] = {
        **gateways["card"],
        "TIMEOUT": 0.3,
        "API_URL": f"http://127.0.0.1:{silent.getsockname()[1]}/api",
    }
    payment = start(make_request())
    with override_settings(PAYMENT_GATEWAYS=gateways):
        assert services.payment_reconcile(payment=payment) == "timeout"
    silent.close()
    assert Payment.objects.get(pk=payment.pk).state == "pending"
    assert PaymentEvent.objects.filter(payment=payment).count() == 1


def test_payment_events_are_append_only(make_request):
    event = start(make_request()).events.get()
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_an_accepted_notification_is_one_transaction_of_nine_statements(
    client, make_request, paid_calls, django_assert_max_num_queries
):
    """Looked up, checked for a replay, the request and the payment locked, both updated, the
    event, the audit entry and the notification's log written: nothing else before the
    commit (the receipt is the queued task's: bench/README.md section 7a)."""
    payment = start(make_request())
    with django_assert_max_num_queries(9 + 2):  # and the test's savepoint and its release
        assert client.get(CARD_URL, card_params(payment)).json()["RspCode"] == "00"
    assert Payment.objects.get(pk=payment.pk).state == "paid" and len(paid_calls) == 1


def test_references_carry_enough_random_bits_to_stay_unique(make_request):
    """A request's reference is 24 characters (the column), 64 random bits a day; an attempt's
    gateway order id 48 bits a second: 32 and 24 bits collided at the benchmark's volume."""
    request = make_request()
    payment = start(request)
    assert re.fullmatch(r"YC\d{6}[0-9A-F]{16}", request.reference)
    assert len(request.reference) == PaymentRequest._meta.get_field("reference").max_length
    assert re.fullmatch(r"TS\d{12}[0-9A-F]{12}", payment.txn_ref)
    assert len({make_request().reference for _ in range(50)}) == 50
