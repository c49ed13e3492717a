"""The postal adapter's interface, its data types and the checks both sides share.

Field names of errors are those of `Recipient`, messages in Vietnamese (the callers show them
beside their fields). Only translation is taken from Django.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _


class PostalError(Exception):
    """The postal service answered with an error we cannot act on."""


class PostalUnavailable(PostalError):
    """The postal service could not be reached (network, timeout, 5xx): try again later."""


class PostalRefused(PostalError):
    """The postal service refused the request's content; `errors` maps field → message."""

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


class NotFound(PostalError):
    """No shipment with this tracking number."""


class PostalStatus(StrEnum):
    """A shipment's status as the postal service reports it."""

    ACCEPTED = "accepted"  # đã nhận gửi
    IN_TRANSIT = "in_transit"  # đang vận chuyển / phát
    DELIVERED = "delivered"  # phát thành công
    RETURNED = "returned"  # chuyển hoàn về người gửi
    CANCELLED = "cancelled"  # hủy trước khi nhận gửi


FINAL = frozenset({PostalStatus.DELIVERED, PostalStatus.RETURNED, PostalStatus.CANCELLED})
# Which status may follow which (a callback out of order is recorded, never applied backwards).
NEXT: dict[PostalStatus, frozenset[PostalStatus]] = {
    PostalStatus.ACCEPTED: frozenset(
        {PostalStatus.IN_TRANSIT, PostalStatus.CANCELLED, PostalStatus.RETURNED}
    ),
    PostalStatus.IN_TRANSIT: frozenset({PostalStatus.DELIVERED, PostalStatus.RETURNED}),
    PostalStatus.DELIVERED: frozenset(),
    PostalStatus.RETURNED: frozenset(),
    PostalStatus.CANCELLED: frozenset(),
}


@dataclass(frozen=True)
class Recipient:
    name: str
    phone: str
    address: str  # house number, street, hamlet
    ward: str  # xã / phường / đặc khu
    province: str  # tỉnh / thành phố


@dataclass(frozen=True)
class ShipmentRequest:
    """What the platform asks the postal service to carry. `reference` is ours and unique:
    the service answers a repeated reference with the shipment it already made (idempotent)."""

    reference: str
    sender_organ: str
    sender_address: str
    sender_phone: str
    recipient: Recipient
    description: str
    declared_value: int = 0  # đồng
    cod_amount: int = 0  # đồng collected from the recipient on delivery (fees), 0 when none
    callback_url: str = ""


@dataclass(frozen=True)
class StatusEvent:
    status: PostalStatus
    at: str  # ISO 8601 with offset, as the service wrote it
    note: str = ""


@dataclass(frozen=True)
class Shipment:
    tracking_number: str
    status: PostalStatus
    fee: int = 0  # đồng charged to the sender
    history: tuple[StatusEvent, ...] = field(default_factory=tuple)


class PostalService(ABC):
    """Create, follow and cancel shipments. Every method raises PostalUnavailable when the
    service cannot be reached, PostalRefused for content it refuses, NotFound for an unknown
    tracking number."""

    @abstractmethod
    def create_shipment(self, request: ShipmentRequest) -> Shipment: ...

    @abstractmethod
    def get_status(self, tracking_number: str) -> Shipment: ...

    @abstractmethod
    def cancel(self, tracking_number: str) -> Shipment: ...


# --- Checks ---------------------------------------------------------------------------------

_PHONE = re.compile(r"^(?:\+?84|0)([35789]\d{8}|2\d{9})$")
_SEPARATORS = re.compile(r"[\s.\-()]")


def normalize_phone(phone: str) -> str | None:
    """A Vietnamese mobile or landline number as 0XXXXXXXXX(X), or None when it is not one."""
    match = _PHONE.match(_SEPARATORS.sub("", phone or ""))
    return f"0{match.group(1)}" if match else None


def check_recipient(recipient: Recipient) -> dict[str, str]:
    """The recipient's faults by field (empty when it can be carried)."""
    errors: dict[str, str] = {}
    if len(recipient.name.strip()) < 2:
        errors["name"] = _("Cần ghi họ tên người nhận.")
    if normalize_phone(recipient.phone) is None:
        errors["phone"] = _("Số điện thoại người nhận không hợp lệ (10 chữ số, bắt đầu bằng 0).")
    if len(recipient.address.strip()) < 3:
        errors["address"] = _("Cần ghi địa chỉ nhận (số nhà, đường, thôn/ấp).")
    if not recipient.ward.strip():
        errors["ward"] = _("Cần ghi xã/phường nhận.")
    if not recipient.province.strip():
        errors["province"] = _("Cần ghi tỉnh/thành phố nhận.")
    return errors


# UPU S10 item identifiers as VNPost prints them: two letters, eight digits, a check digit,
# the country code "VN" (e.g. EB123456785VN).
_TRACKING = re.compile(r"^[A-Z]{2}\d{9}VN$")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial: str) -> int:
    """The S10 check digit of an 8-digit serial number."""
    rest = 11 - sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(rest, rest)


def tracking_number(prefix: str, serial: int) -> str:
    digits = f"{serial % 100_000_000:08d}"
    return f"{prefix}{digits}{s10_check_digit(digits)}VN"


def valid_tracking_number(value: str) -> bool:
    """An S10 identifier of VNPost with the right check digit."""
    value = (value or "").strip().upper()
    return bool(_TRACKING.match(value)) and int(value[10]) == s10_check_digit(value[2:10])


# --- Status callbacks --------------------------------------------------------------------

SIGNATURE_HEADER = "X-Postal-Signature"


def sign(body: bytes, secret: str) -> str:
    """HMAC-SHA256 (hex) of a callback's exact body."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, signature: str, secret: str) -> bool:
    return bool(signature and secret) and hmac.compare_digest(signature, sign(body, secret))
