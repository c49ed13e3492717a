"""The payments left pending, settled from the gateways' reconciliation lists: over HTTP
against both simulators (live server), and the lists that cannot be trusted (a row changed
after signing, a bad signature, a timeout), which change nothing."""

import json
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone

from tinhso.payments import pending, services
from tinhso.payments.gateways import card, get_gateway
from tinhso.payments.gateways.base import GatewayTimeout, Notice
from tinhso.payments.models import Payment, PaymentEvent, SimulatedTransaction
from tinhso.payments.tests.test_notifications import start
from tinhso.payments.tests.test_simulators import gateways, pay  # noqa: F401 (fixture)


def _past_expiry(*payments):
    past = timezone.now() - timedelta(hours=2)
    Payment.objects.filter(pk__in=[p.pk for p in payments]).update(expires_at=past)


def _state(payment):
    return Payment.objects.get(pk=payment.pk).state


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("gateway", ["card", "paygov"])
def test_the_list_settles_the_paid_and_expires_the_abandoned(
    gateways,  # noqa: F811
    make_request,
    paid_calls,
    gateway,
):
    closed, _l, _p = pay(gateways, make_request(), gateway, "pay_close")  # paid, never told
    never = start(make_request(), gateway)  # the applicant never reached the gateway
    opened, url = services.payment_start(
        request=make_request(),
        gateway=gateway,
        client_ip="127.0.0.1",
        return_url="http://t/r",
        notify_url="http://t/n",
    )
    urllib.request.urlopen(url).read()  # noqa: S310 (reached the page, then left)
    fresh = start(make_request(), gateway)  # left pending, its time not over yet
    _past_expiry(never, opened)
    report = services.reconcile_pending(min_age_seconds=0)
    assert report.counts == {"paid": 1, "expired": 2, "pending": 1}
    assert [_state(p) for p in (closed, never, opened, fresh)] == [
        "paid",
        "expired",
        "expired",
        "pending",
    ]
    assert len(paid_calls) == 1
    causes = PaymentEvent.objects.exclude(action="start").values_list("action", "cause")
    assert sorted(causes) == [
        ("confirm", "reconciliation"),
        ("expire", "reconciliation"),
        ("expire", "reconciliation"),
    ]
    assert services.reconcile_pending(min_age_seconds=0).counts == {"pending": 1}  # idempotent


@pytest.mark.django_db(transaction=True)
def test_two_payments_of_one_request_in_one_list(gateways, make_request, paid_calls):  # noqa: F811
    req = make_request()
    first, _l, _p = pay(gateways, req, "card", "pay_close")
    second, _l2, _p2 = pay(gateways, req, "card", "pay_close")
    report = services.reconcile_pending(min_age_seconds=0)
    assert report.counts == {"paid": 1, "refunded": 1}
    assert sorted([_state(first), _state(second)]) == ["paid", "refunded"]
    refunded = first if _state(first) == "refunded" else second
    assert SimulatedTransaction.objects.get(txn_ref=refunded.txn_ref).refunded == req.amount
    assert len(paid_calls) == 1


@pytest.mark.django_db(transaction=True)
def test_the_list_is_paged(gateways, make_request, paid_calls, monkeypatch):  # noqa: F811
    from tinhso.payments.simulators import card as card_simulator

    monkeypatch.setattr(card_simulator, "PAGE_SIZE", 2)
    payments = [pay(gateways, make_request(), "card", "pay_close")[0] for _ in range(5)]
    assert len(get_gateway("card").transactions(day=timezone.localdate())) == 5
    assert services.reconcile_pending(min_age_seconds=0).counts == {"paid": 5}
    assert {_state(p) for p in payments} == {"paid"}


class Tampered(card.CardGateway):
    """The real card adapter, its HTTP answer replaced by a test: what a man in the middle or
    a broken gateway would send."""

    answer_json: dict = {}

    def post_json(self, url, payload):
        return self.answer_json


def _signed_list(secret, rows):
    answer = {
        "vnp_ResponseId": "x",
        "vnp_Command": "reconcile",
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": "TINHSO01",
        "vnp_TransactionDate": f"{timezone.localdate():%Y%m%d}",
        "vnp_PageNo": "1",
        "vnp_TotalPages": "1",
        "vnp_DataHash": card.rows_digest(rows),
        "vnp_Data": rows,
    }
    answer["vnp_SecureHash"] = card.sign_fields(answer, card.LIST_ANSWER_FIELDS, secret)
    return answer


def _row(payment):
    return {
        "vnp_TxnRef": payment.txn_ref,
        "vnp_Amount": str(payment.amount * 100),
        "vnp_BankCode": "NCB",
        "vnp_PayDate": card.vn_time(timezone.now()),
        "vnp_TransactionNo": "777",
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
    }


@pytest.mark.parametrize("tamper", ["row_changed", "bad_signature", "error_code", "bad_pages"])
def test_a_list_that_cannot_be_trusted_changes_nothing(make_request, settings, monkeypatch, tamper):
    paid, abandoned = start(make_request()), start(make_request())
    _past_expiry(abandoned)
    secret = settings.PAYMENT_GATEWAYS["card"]["SECRET"]
    answer = _signed_list(secret, [_row(paid)])
    if tamper == "row_changed":  # the amount altered after the gateway signed the list
        answer["vnp_Data"] = [{**_row(paid), "vnp_Amount": "1"}]
    elif tamper == "bad_signature":
        answer["vnp_SecureHash"] = card.sign_fields(answer, card.LIST_ANSWER_FIELDS, "wrong")
    elif tamper == "error_code":
        answer["vnp_ResponseCode"] = "99"
    else:
        answer["vnp_TotalPages"] = "many"
        answer["vnp_SecureHash"] = card.sign_fields(answer, card.LIST_ANSWER_FIELDS, secret)
    gw = Tampered(settings.PAYMENT_GATEWAYS["card"])
    gw.answer_json = answer
    monkeypatch.setattr(pending, "get_gateway", lambda name: gw)
    assert services.reconcile_pending(min_age_seconds=0).counts == {"error": 2}
    assert [_state(paid), _state(abandoned)] == ["pending", "pending"]  # nothing on a guess


def test_a_trusted_list_answer_is_applied(make_request, settings, monkeypatch):
    paid, abandoned = start(make_request()), start(make_request())
    _past_expiry(abandoned)
    gw = Tampered(settings.PAYMENT_GATEWAYS["card"])
    gw.answer_json = _signed_list(settings.PAYMENT_GATEWAYS["card"]["SECRET"], [_row(paid)])
    monkeypatch.setattr(pending, "get_gateway", lambda name: gw)
    assert services.reconcile_pending(min_age_seconds=0).counts == {"paid": 1, "expired": 1}
    assert Payment.objects.get(pk=paid.pk).gateway_txn_no == "777"


def test_a_timeout_leaves_everything_pending(make_request, settings, monkeypatch):
    payment = start(make_request())
    _past_expiry(payment)

    class Slow(card.CardGateway):
        def post_json(self, url, payload):
            raise GatewayTimeout(url)

    monkeypatch.setattr(
        pending, "get_gateway", lambda name: Slow(settings.PAYMENT_GATEWAYS["card"])
    )
    assert services.reconcile_pending(min_age_seconds=0).counts == {"timeout": 1}
    assert _state(payment) == "pending"


def test_a_gateway_without_a_list_is_asked_payment_by_payment(make_request, settings, monkeypatch):
    paid, abandoned = start(make_request()), start(make_request())
    _past_expiry(abandoned)
    asked = []

    class Listless(card.CardGateway):
        def transactions(self, *, day):
            raise NotImplementedError

        def query(self, *, txn_ref, created_at):
            asked.append(txn_ref)
            if txn_ref == paid.txn_ref:
                return Notice(txn_ref=txn_ref, status="paid", amount=paid.amount)
            return Notice(txn_ref=txn_ref, status="pending", amount=None)

    gw = Listless(settings.PAYMENT_GATEWAYS["card"])
    monkeypatch.setattr(pending, "get_gateway", lambda name: gw)
    assert services.reconcile_pending(min_age_seconds=0).counts == {"paid": 1, "expired": 1}
    assert sorted(asked) == sorted([paid.txn_ref, abandoned.txn_ref])


def test_the_simulator_refuses_a_list_request_with_a_bad_signature(client, settings, db):
    body = {
        "vnp_RequestId": "1",
        "vnp_Version": "2.1.0",
        "vnp_Command": "reconcile",
        "vnp_TmnCode": "TINHSO01",
        "vnp_TransactionDate": f"{timezone.localdate():%Y%m%d}",
        "vnp_PageNo": "1",
        "vnp_CreateDate": card.vn_time(timezone.now()),
        "vnp_IpAddr": "127.0.0.1",
        "vnp_SecureHash": "0" * 128,
    }
    url = "/simulators/the/api/transaction"
    answer = client.post(url, json.dumps(body), content_type="application/json").json()
    assert answer["vnp_ResponseCode"] == "97"
    body["vnp_SecureHash"] = card.sign_fields(
        body, card.LIST_FIELDS, settings.PAYMENT_GATEWAYS["card"]["SECRET"]
    )
    answer = client.post(url, json.dumps(body), content_type="application/json").json()
    assert answer["vnp_ResponseCode"] == "00" and answer["vnp_Data"] == []
