"""The national payment platform (Nền tảng thanh toán trực tuyến quốc gia, PayGov).

PayGov's merchant specification is not public; this adapter speaks a protocol designed after
its published behaviour (redirect, callback, query, refund; amounts in whole đồng), which the
repository's `PayGovSimulator` implements. Every message carries `checksum`, an HMAC-SHA256
(hex) with the partner's secret over its fields joined by `|` in the order listed below;
callbacks carry a one-time `requestId` and their `sentTime`, so a replayed or stale callback
is recognised. Replace the field lists, not the services, when the real specification arrives.

The reconciliation list (`transactions`, PayGov's đối soát): `POST …/transactions` with the
day (`date`, `yyyyMMdd`) and `page`; the answer's `transactions` rows carry the query
answer's fields and are signed through `dataHash`, the SHA-256 of the rows as canonical JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from tinhso.payments.gateways.base import (
    BadSignature,
    Gateway,
    GatewayError,
    Malformed,
    Notice,
    Order,
    Outcome,
    rows_digest,
)
from tinhso.payments.gateways.card import parse_vn_time, vn_time

REQUEST_FIELDS = [
    "version",
    "partnerCode",
    "orderId",
    "amount",
    "currency",
    "orderInfo",
    "returnUrl",
    "callbackUrl",
    "requestTime",
    "expireTime",
]
NOTIFY_FIELDS = [
    "partnerCode",
    "orderId",
    "transactionId",
    "amount",
    "status",
    "payTime",
    "requestId",
    "sentTime",
]
QUERY_FIELDS = ["partnerCode", "orderId", "requestId", "requestTime"]
REFUND_FIELDS = ["partnerCode", "orderId", "transactionId", "amount", "requestId", "requestTime"]
ANSWER_FIELDS = ["code", "partnerCode", "orderId", "transactionId", "amount", "status", "payTime"]
LIST_FIELDS = ["partnerCode", "date", "page", "requestId", "requestTime"]
LIST_ANSWER_FIELDS = ["code", "partnerCode", "date", "page", "totalPages", "dataHash"]
STATUS = {"00": "paid", "01": "failed", "02": "pending"}
ANSWERS = {
    Outcome.ACCEPTED: ("00", "Thành công"),
    Outcome.DUPLICATE: ("00", "Đã ghi nhận trước đó"),
    Outcome.REPLAY: ("08", "Thông báo đã được gửi trước đó"),
    Outcome.UNKNOWN_ORDER: ("02", "Không tìm thấy đơn hàng"),
    Outcome.WRONG_AMOUNT: ("03", "Số tiền không khớp"),
    Outcome.BAD_SIGNATURE: ("01", "Sai chữ ký"),
    Outcome.EXPIRED: ("04", "Đơn hàng đã hết hạn"),
    Outcome.MALFORMED: ("05", "Thiếu hoặc sai trường dữ liệu"),
}


def checksum(values: Mapping[str, Any], fields: list[str], secret: str) -> str:
    text = "|".join(str(values.get(f, "")) for f in fields)
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def valid(values: Mapping[str, Any], fields: list[str], secret: str) -> bool:
    given = str(values.get("checksum", ""))
    return bool(given) and hmac.compare_digest(given, checksum(values, fields, secret))


def _notice(values: Mapping[str, Any], *, issued: bool) -> Notice:
    try:
        status = STATUS[str(values["status"])]
        amount = int(values["amount"])
        pay_time = str(values.get("payTime") or "")
        sent = parse_vn_time(str(values["sentTime"])) if issued else None
        txn_ref = str(values["orderId"])
    except (KeyError, ValueError) as error:
        raise Malformed(str(error)) from error
    return Notice(
        txn_ref=txn_ref,
        status=status,
        amount=amount,
        gateway_txn_no=str(values.get("transactionId") or ""),
        paid_at=parse_vn_time(pay_time) if pay_time else None,
        issued_at=sent,
        digest=hashlib.sha256(str(values.get("requestId", "")).encode()).hexdigest()
        if issued
        else "",
    )


class PayGovGateway(Gateway):
    """Adapter of the PayGov protocol as simulated here (see the module docstring)."""

    name = "paygov"
    one_time_notices = True
    label = "Nền tảng thanh toán quốc gia (PayGov)"

    @property
    def secret(self) -> str:
        return str(self.config["SECRET"])

    def redirect_url(self, order: Order) -> str:
        values = {
            "version": "1.0",
            "partnerCode": self.config["PARTNER_CODE"],
            "orderId": order.txn_ref,
            "amount": str(order.amount),
            "currency": "VND",
            "orderInfo": order.description,
            "returnUrl": order.return_url,
            "callbackUrl": order.notify_url,
            "requestTime": vn_time(order.created_at),
            "expireTime": vn_time(order.expires_at),
        }
        values["checksum"] = checksum(values, REQUEST_FIELDS, self.secret)
        return f"{self.config['PAY_URL']}?{urlencode(values)}"

    def parse_notification(self, params: Mapping[str, str], body: bytes) -> Notice:
        try:
            values = json.loads(body or b"{}")
        except ValueError as error:
            raise Malformed("body") from error
        if not isinstance(values, dict):
            raise Malformed("body")
        if not valid(values, NOTIFY_FIELDS, self.secret):
            raise BadSignature("checksum")
        if values.get("partnerCode") != self.config["PARTNER_CODE"]:
            raise Malformed("partnerCode")
        return _notice(values, issued=True)

    def parse_return(self, params: Mapping[str, str]) -> Notice:
        if not valid(params, ANSWER_FIELDS, self.secret):
            raise BadSignature("checksum")
        return _notice(params, issued=False)

    def _call(self, path: str, values: dict[str, str], fields: list[str]) -> dict[str, Any]:
        values["checksum"] = checksum(values, fields, self.secret)
        answer = self.post_json(f"{self.config['API_URL'].rstrip('/')}/{path}", values)
        if answer.get("code") == "02":  # order not found
            return {}
        if not valid(answer, ANSWER_FIELDS, self.secret):
            raise GatewayError(f"{path}: bad signature on the answer")
        if answer.get("code") != "00":
            raise GatewayError(f"{path}: {answer.get('code')}")
        return answer

    def _base(self, txn_ref: str) -> dict[str, str]:
        return {
            "partnerCode": str(self.config["PARTNER_CODE"]),
            "orderId": txn_ref,
            "requestId": secrets.token_hex(16),
            "requestTime": vn_time(datetime.now().astimezone()),
        }

    def query(self, *, txn_ref: str, created_at: datetime) -> Notice:
        answer = self._call("query", self._base(txn_ref), QUERY_FIELDS)
        if not answer:  # PayGov never saw it: the applicant did not reach it
            return Notice(txn_ref=txn_ref, status="pending", amount=None)
        return _notice(answer, issued=False)

    def transactions(self, *, day: date) -> list[Notice]:
        notices: list[Notice] = []
        page, pages = 1, 1
        while page <= pages:
            values = self._base("")
            del values["orderId"]
            values.update(date=f"{day:%Y%m%d}", page=str(page))
            values["checksum"] = checksum(values, LIST_FIELDS, self.secret)
            answer = self.post_json(f"{self.config['API_URL'].rstrip('/')}/transactions", values)
            if not valid(answer, LIST_ANSWER_FIELDS, self.secret):
                raise GatewayError(f"transactions {day}: bad signature on the answer")
            rows = answer.get("transactions")
            if answer.get("code") != "00" or not isinstance(rows, list):
                raise GatewayError(f"transactions {day}: {answer.get('code')}")
            if answer.get("dataHash") != rows_digest(rows):
                raise GatewayError(f"transactions {day}: the rows do not match dataHash")
            try:
                pages = int(answer["totalPages"])
            except (KeyError, ValueError) as error:
                raise Malformed("totalPages") from error
            notices.extend(_notice(row, issued=False) for row in rows)
            page += 1
        return notices

    def refund(self, *, notice: Notice, created_at: datetime) -> None:
        values = self._base(notice.txn_ref)
        values.update(transactionId=notice.gateway_txn_no, amount=str(notice.amount or 0))
        if not self._call("refund", values, REFUND_FIELDS):
            raise GatewayError(f"refund {notice.txn_ref}: not found")

    def answer(self, outcome: Outcome) -> dict[str, str]:
        code, message = ANSWERS[outcome]
        return {"code": code, "message": message}
