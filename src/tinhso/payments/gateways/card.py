"""Bank card / QR gateway with the widespread signed-redirect protocol (VNPAY 2.1.0 fields).

Facts of the protocol: amounts travel in hundredths (`vnp_Amount` = đồng × 100); times are
`yyyyMMddHHmmss` in Vietnam time; the redirect and the return/notification parameters are
signed with HMAC-SHA512 over the `vnp_*` parameters sorted by name and URL-encoded
(`vnp_SecureHash`, hex); the notification (IPN) is a GET from the gateway's servers answered
with `{"RspCode", "Message"}`; the query (`querydr`) and refund APIs take JSON signed over
fields joined by `|` in a fixed order.

The reconciliation list (`transactions`): gateways of this kind give merchants a daily
reconciliation file of the day's transactions (from the merchant portal or by SFTP). Here it
is fetched over the same merchant API with the same envelope: command `reconcile`, the day as
`vnp_TransactionDate` (`yyyyMMdd`) and `vnp_PageNo`; the answer carries `vnp_TotalPages` and
the rows in `vnp_Data` (each with the query answer's fields), signed through
`vnp_DataHash`, the SHA-256 of the rows as canonical JSON. This transport is the project's
(named so in the simulator); the rows are the query's.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import quote_plus, urlencode
from zoneinfo import ZoneInfo

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

VN = ZoneInfo("Asia/Ho_Chi_Minh")
VERSION = "2.1.0"
UNSIGNED = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})
QUERY_FIELDS = [
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
]
QUERY_ANSWER_FIELDS = [
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
]
REFUND_FIELDS = [
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
]
LIST_FIELDS = [
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionDate",
    "vnp_PageNo",
    "vnp_CreateDate",
    "vnp_IpAddr",
]
LIST_ANSWER_FIELDS = [
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_TmnCode",
    "vnp_TransactionDate",
    "vnp_PageNo",
    "vnp_TotalPages",
    "vnp_DataHash",
]
ANSWERS = {
    Outcome.ACCEPTED: ("00", "Confirm Success"),
    Outcome.DUPLICATE: ("02", "Order already confirmed"),
    Outcome.REPLAY: ("02", "Order already confirmed"),
    Outcome.UNKNOWN_ORDER: ("01", "Order not found"),
    Outcome.WRONG_AMOUNT: ("04", "Invalid amount"),
    Outcome.BAD_SIGNATURE: ("97", "Invalid signature"),
    Outcome.EXPIRED: ("99", "Order expired"),
    Outcome.MALFORMED: ("99", "Input data required"),
}


def vn_time(at: datetime) -> str:
    return at.astimezone(VN).strftime("%Y%m%d%H%M%S")


def parse_vn_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=VN)


def hash_data(params: Mapping[str, str]) -> str:
    """The signed text: `vnp_*` parameters sorted by name, URL-encoded, joined by `&`."""
    return "&".join(
        f"{k}={quote_plus(str(v))}"
        for k, v in sorted(params.items())
        if k.startswith("vnp_") and k not in UNSIGNED and v not in (None, "")
    )


def hmac512(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac512(secret, hash_data(params))


def verify(params: Mapping[str, str], secret: str) -> bool:
    given = str(params.get("vnp_SecureHash", "")).lower()
    return bool(given) and hmac.compare_digest(given, sign(params, secret))


def signed_url(base: str, params: Mapping[str, str], secret: str) -> str:
    query = urlencode(sorted((k, str(v)) for k, v in params.items() if v not in (None, "")))
    return f"{base}?{query}&vnp_SecureHash={sign(params, secret)}"


def sign_fields(values: Mapping[str, str], fields: list[str], secret: str) -> str:
    return hmac512(secret, "|".join(str(values.get(f, "")) for f in fields))


def _notice(params: Mapping[str, str], *, status_field: str) -> Notice:
    try:
        code, status = params["vnp_ResponseCode"], params[status_field]
        amount = int(params["vnp_Amount"])
        paid_at = parse_vn_time(params["vnp_PayDate"]) if params.get("vnp_PayDate") else None
        txn_ref = params["vnp_TxnRef"]
    except (KeyError, ValueError) as error:
        raise Malformed(str(error)) from error
    if amount % 100:
        raise Malformed("vnp_Amount")
    if code == "00" and status == "00":
        state = "paid"
    elif status == "01":
        state = "pending"
    else:
        state = "failed"
    return Notice(
        txn_ref=txn_ref,
        status=state,
        amount=amount // 100,
        gateway_txn_no=params.get("vnp_TransactionNo", ""),
        bank_code=params.get("vnp_BankCode", ""),
        paid_at=paid_at,
        digest=hashlib.sha256(hash_data(params).encode()).hexdigest(),
    )


class CardGateway(Gateway):
    """Adapter of the signed-redirect card/QR protocol (see the module docstring)."""

    name = "card"
    label = "Thẻ ngân hàng / QR"

    @property
    def secret(self) -> str:
        return str(self.config["SECRET"])

    def redirect_url(self, order: Order) -> str:
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.config["TMN_CODE"],
            "vnp_Amount": str(order.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": order.txn_ref,
            "vnp_OrderInfo": order.description,
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": order.return_url,
            "vnp_IpAddr": order.client_ip,
            "vnp_CreateDate": vn_time(order.created_at),
            "vnp_ExpireDate": vn_time(order.expires_at),
        }
        return signed_url(self.config["PAY_URL"], params, self.secret)

    def parse_notification(self, params: Mapping[str, str], body: bytes) -> Notice:
        if not verify(params, self.secret):
            raise BadSignature("vnp_SecureHash")
        if params.get("vnp_TmnCode") != self.config["TMN_CODE"]:
            raise Malformed("vnp_TmnCode")
        return _notice(params, status_field="vnp_TransactionStatus")

    def _call(self, payload: dict[str, str], fields: list[str]) -> dict[str, str]:
        payload["vnp_SecureHash"] = sign_fields(payload, fields, self.secret)
        answer = self.post_json(self.config["API_URL"], payload)
        if answer.get("vnp_ResponseCode") == "91":  # transaction not found
            return {}
        if answer.get("vnp_ResponseCode") != "00":
            raise GatewayError(f"{payload['vnp_Command']}: {answer.get('vnp_ResponseCode')}")
        if not hmac.compare_digest(
            str(answer.get("vnp_SecureHash", "")),
            sign_fields(answer, QUERY_ANSWER_FIELDS, self.secret),
        ):
            raise GatewayError(f"{payload['vnp_Command']}: bad signature on the answer")
        return {k: str(v) for k, v in answer.items()}

    def _base(self, command: str, txn_ref: str, created_at: datetime) -> dict[str, str]:
        return {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": VERSION,
            "vnp_Command": command,
            "vnp_TmnCode": str(self.config["TMN_CODE"]),
            "vnp_TxnRef": txn_ref,
            "vnp_OrderInfo": f"{command} {txn_ref}",
            "vnp_TransactionDate": vn_time(created_at),
            "vnp_CreateDate": vn_time(datetime.now(tz=VN)),
            "vnp_IpAddr": "127.0.0.1",
        }

    def query(self, *, txn_ref: str, created_at: datetime) -> Notice:
        answer = self._call(self._base("querydr", txn_ref, created_at), QUERY_FIELDS)
        if not answer:  # the gateway never saw it: the applicant did not reach it
            return Notice(txn_ref=txn_ref, status="pending", amount=None)
        return _notice(answer, status_field="vnp_TransactionStatus")

    def transactions(self, *, day: date) -> list[Notice]:
        notices: list[Notice] = []
        page, pages = 1, 1
        while page <= pages:
            answer = self._list_page(day, page)
            pages = int(answer["vnp_TotalPages"])
            notices.extend(
                _notice(row, status_field="vnp_TransactionStatus") for row in answer["vnp_Data"]
            )
            page += 1
        return notices

    def _list_page(self, day: date, page: int) -> dict[str, Any]:
        payload = {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": VERSION,
            "vnp_Command": "reconcile",
            "vnp_TmnCode": str(self.config["TMN_CODE"]),
            "vnp_TransactionDate": f"{day:%Y%m%d}",
            "vnp_PageNo": str(page),
            "vnp_CreateDate": vn_time(datetime.now(tz=VN)),
            "vnp_IpAddr": "127.0.0.1",
        }
        payload["vnp_SecureHash"] = sign_fields(payload, LIST_FIELDS, self.secret)
        answer = self.post_json(self.config["API_URL"], payload)
        if answer.get("vnp_ResponseCode") != "00":
            raise GatewayError(f"reconcile {day}: {answer.get('vnp_ResponseCode')}")
        rows = answer.get("vnp_Data")
        if not isinstance(rows, list) or answer.get("vnp_DataHash") != rows_digest(rows):
            raise GatewayError(f"reconcile {day}: the rows do not match vnp_DataHash")
        if not hmac.compare_digest(
            str(answer.get("vnp_SecureHash", "")),
            sign_fields(answer, LIST_ANSWER_FIELDS, self.secret),
        ):
            raise GatewayError(f"reconcile {day}: bad signature on the answer")
        try:
            if int(answer["vnp_TotalPages"]) < page:
                raise GatewayError(f"reconcile {day}: page {page} past the last")
        except (KeyError, ValueError) as error:
            raise Malformed("vnp_TotalPages") from error
        return answer

    def refund(self, *, notice: Notice, created_at: datetime) -> None:
        payload = self._base("refund", notice.txn_ref, created_at)
        payload.update(
            vnp_TransactionType="02",  # full refund
            vnp_Amount=str((notice.amount or 0) * 100),
            vnp_TransactionNo=notice.gateway_txn_no,
            vnp_CreateBy="tinhso",
        )
        if not self._call(payload, REFUND_FIELDS):
            raise GatewayError(f"refund {notice.txn_ref}: not found")

    def answer(self, outcome: Outcome) -> dict[str, str]:
        code, message = ANSWERS[outcome]
        return {"RspCode": code, "Message": message}
