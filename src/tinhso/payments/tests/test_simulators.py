"""The round trip over HTTP on loopback: platform ⇄ simulator (live server, both sides)."""

import re
import urllib.request
from urllib.parse import urlencode

import pytest
from django.test import override_settings

from tinhso.payments import services
from tinhso.payments.models import Payment, SimulatedTransaction

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gateways(live_server, settings):
    config = {name: dict(value) for name, value in settings.PAYMENT_GATEWAYS.items()}
    config["card"].update(
        PAY_URL=f"{live_server.url}/simulators/the/thanh-toan/",
        API_URL=f"{live_server.url}/simulators/the/api/transaction",
    )
    config["paygov"].update(
        PAY_URL=f"{live_server.url}/simulators/paygov/thanh-toan/",
        API_URL=f"{live_server.url}/simulators/paygov/api",
    )
    with override_settings(PAYMENT_GATEWAYS=config):
        yield live_server


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def pay(live_server, req, gateway, choice):
    payment, url = services.payment_start(
        request=req,
        gateway=gateway,
        client_ip="127.0.0.1",
        return_url=f"{live_server.url}/dich-vu-cong/thanh-toan/ket-qua/{gateway}/",
        notify_url=f"{live_server.url}/api/v1/payments/notify/paygov",
    )
    page = urllib.request.urlopen(url).read().decode()  # noqa: S310
    assert "Simulator" in page and re.search(r"200\.000 đ", page)
    action = url.split("?")[0]
    data = urlencode({"txn_ref": payment.txn_ref, "choice": choice}).encode()
    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(action, data=data)
        return payment, None, response.read().decode()
    except urllib.error.HTTPError as error:  # the 302 back to the platform
        assert error.code == 302
        return payment, error.headers["Location"], ""


@pytest.mark.parametrize("gateway", ["card", "paygov"])
def test_pay_notify_and_return(gateways, make_request, paid_calls, gateway):
    req = make_request()
    payment, location, _page = pay(gateways, req, gateway, "pay")
    assert Payment.objects.get(pk=payment.pk).state == "paid"  # by the notification
    assert len(paid_calls) == 1
    back = urllib.request.urlopen(location).read().decode()  # noqa: S310
    assert "Đã thanh toán" in back and payment.txn_ref in back


def test_closed_tab_is_found_by_reconciliation(gateways, make_request, paid_calls):
    req = make_request()
    payment, location, page = pay(gateways, req, "card", "pay_close")
    assert location is None and "đối soát" in page
    assert Payment.objects.get(pk=payment.pk).state == "pending"
    report = services.reconcile_pending(min_age_seconds=0)
    assert report.counts == {"paid": 1}
    assert Payment.objects.get(pk=payment.pk).state == "paid" and len(paid_calls) == 1
    assert services.reconcile_pending(min_age_seconds=0).counts == {}  # idempotent


def test_second_payment_is_refunded_at_the_gateway(gateways, make_request, paid_calls):
    req = make_request()
    first, _l, _p = pay(gateways, req, "card", "pay_close")
    second, _l2, _p2 = pay(gateways, req, "card", "pay")
    assert Payment.objects.get(pk=second.pk).state == "paid"
    assert services.reconcile_pending(min_age_seconds=0).counts == {"refunded": 1}
    assert Payment.objects.get(pk=first.pk).state == "refunded"
    assert SimulatedTransaction.objects.get(txn_ref=first.txn_ref).refunded == req.amount
    assert len(paid_calls) == 1


def test_cancel_fails_the_payment(gateways, make_request):
    payment, _location, _page = pay(gateways, make_request(), "paygov", "cancel")
    assert Payment.objects.get(pk=payment.pk).state == "failed"
