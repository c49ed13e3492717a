import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from tinhso.payments.gateways import card, paygov
from tinhso.payments.gateways.base import BadSignature, Order

CONFIG = {
    "TMN_CODE": "TINHSO01",
    "SECRET": "s3cret",
    "PAY_URL": "https://pay.example/vpcpay.html",
    "API_URL": "https://pay.example/api",
    "PARTNER_CODE": "TINHSO",
}
AT = datetime(2025, 3, 1, 1, 2, 3, tzinfo=UTC)
ORDER = Order(
    txn_ref="TS1",
    amount=200_000,
    description="Thanh toan YC1",
    created_at=AT,
    expires_at=AT + timedelta(minutes=15),
    client_ip="10.0.0.1",
    return_url="https://tinhso.example/ket-qua/",
    notify_url="https://x/notify",
)


def test_card_redirect_is_sorted_and_signed_with_hmac_sha512():
    url = card.CardGateway(CONFIG).redirect_url(ORDER)
    pairs = parse_qsl(urlsplit(url).query)
    names = [k for k, _v in pairs]
    assert names[:-1] == sorted(names[:-1]) and names[-1] == "vnp_SecureHash"
    params = dict(pairs)
    assert params["vnp_Amount"] == "20000000"  # hundredths
    assert params["vnp_CreateDate"] == "20250301080203"  # Vietnam time
    text = (
        "vnp_Amount=20000000&vnp_Command=pay&vnp_CreateDate=20250301080203&vnp_CurrCode=VND"
        "&vnp_ExpireDate=20250301081703&vnp_IpAddr=10.0.0.1&vnp_Locale=vn"
        "&vnp_OrderInfo=Thanh+toan+YC1&vnp_OrderType=other"
        "&vnp_ReturnUrl=https%3A%2F%2Ftinhso.example%2Fket-qua%2F&vnp_TmnCode=TINHSO01"
        "&vnp_TxnRef=TS1&vnp_Version=2.1.0"
    )
    assert (
        params["vnp_SecureHash"] == hmac.new(b"s3cret", text.encode(), hashlib.sha512).hexdigest()
    )
    assert card.verify(params, "s3cret")
    assert not card.verify({**params, "vnp_Amount": "100"}, "s3cret")
    assert not card.verify(params, "other")


def test_card_notification_refuses_tampering():
    params = {
        "vnp_TmnCode": "TINHSO01",
        "vnp_Amount": "20000000",
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": "TS1",
        "vnp_PayDate": "20250301080500",
        "vnp_TransactionNo": "123",
    }
    params["vnp_SecureHash"] = card.sign(params, "s3cret")
    notice = card.CardGateway(CONFIG).parse_notification(params, b"")
    assert (notice.status, notice.amount, notice.gateway_txn_no) == ("paid", 200_000, "123")
    with pytest.raises(BadSignature):
        card.CardGateway(CONFIG).parse_notification({**params, "vnp_TxnRef": "TS2"}, b"")


def test_paygov_redirect_checksum():
    url = paygov.PayGovGateway(CONFIG).redirect_url(ORDER)
    values = dict(parse_qsl(urlsplit(url).query))
    assert values["amount"] == "200000" and values["callbackUrl"] == "https://x/notify"
    assert paygov.valid(values, paygov.REQUEST_FIELDS, "s3cret")
    assert not paygov.valid({**values, "amount": "1"}, paygov.REQUEST_FIELDS, "s3cret")
