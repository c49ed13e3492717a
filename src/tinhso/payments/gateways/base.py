"""The one interface every payment gateway adapter implements, and its data types.

An adapter speaks its gateway's protocol and nothing else: it builds the redirect URL, checks
and reads notifications and return parameters, queries a transaction, asks for a refund, and
words the answer the gateway expects. The services decide what a notice means for a payment.
"""

from __future__ import annotations

import hashlib
import json
import socket
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar


class GatewayError(Exception):
    """The gateway answered with an error, or could not be reached."""


class GatewayTimeout(GatewayError):
    """No answer in time: nothing is known, the payment stays as it was."""


class BadSignature(Exception):
    """The message's signature does not match its content."""


class Malformed(Exception):
    """A field is missing or unreadable."""


class Outcome(StrEnum):
    """What the platform made of a notification (worded for the gateway by `answer`)."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    BAD_SIGNATURE = "bad_signature"
    WRONG_AMOUNT = "wrong_amount"
    UNKNOWN_ORDER = "unknown_order"
    REPLAY = "replay"
    EXPIRED = "expired"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class Order:
    txn_ref: str
    amount: int  # đồng
    description: str
    created_at: datetime
    expires_at: datetime
    client_ip: str
    return_url: str
    notify_url: str
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Notice:
    """A gateway's word on one transaction (notification, return or query answer)."""

    txn_ref: str
    status: str  # "paid", "failed" or "pending"
    amount: int | None  # đồng
    gateway_txn_no: str = ""
    bank_code: str = ""
    paid_at: datetime | None = None
    issued_at: datetime | None = None  # when the gateway wrote the message, if it says
    digest: str = ""  # identifies this very message, to recognise it when replayed


def rows_digest(rows: Any) -> str:
    """SHA-256 (hex) of a list's rows as canonical JSON: what a signed reconciliation list
    signs instead of the rows themselves."""
    text = json.dumps(rows, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class Gateway(ABC):
    name: ClassVar[str]
    label: ClassVar[str]
    # Whether each notification carries a one-time id (a resent one is then a replay, refused)
    # or the gateway resends the very same message until answered (then it is a duplicate).
    one_time_notices: ClassVar[bool] = False

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.timeout = float(config.get("TIMEOUT", 10))

    @abstractmethod
    def redirect_url(self, order: Order) -> str:
        """Where to send the applicant's browser to pay `order`."""

    @abstractmethod
    def parse_notification(self, params: Mapping[str, str], body: bytes) -> Notice:
        """Read a server-to-server notification; raises BadSignature or Malformed."""

    def parse_return(self, params: Mapping[str, str]) -> Notice:
        """Read the parameters of the browser's return; raises BadSignature or Malformed."""
        return self.parse_notification(params, b"")

    @abstractmethod
    def query(self, *, txn_ref: str, created_at: datetime) -> Notice:
        """Ask the gateway what became of a transaction; raises GatewayTimeout/GatewayError."""

    def transactions(self, *, day: date) -> list[Notice]:
        """The gateway's reconciliation list of `day` (Vietnam time): its word on every
        transaction of this merchant it saw begin that day, paid, failed or still open.
        Raises GatewayTimeout/GatewayError or Malformed; NotImplementedError for a gateway
        without such a list (the reconciliation then queries payments one by one)."""
        raise NotImplementedError

    @abstractmethod
    def refund(self, *, notice: Notice, created_at: datetime) -> None:
        """Give back a paid transaction in full; raises GatewayTimeout/GatewayError."""

    @abstractmethod
    def answer(self, outcome: Outcome) -> dict[str, str]:
        """The JSON body the gateway expects in reply to a notification."""

    def post_json(self, url: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """POST JSON and read JSON back, within the adapter's timeout."""
        data = json.dumps(payload).encode()
        req = urllib.request.Request(  # noqa: S310 (configured https/http URL)
            url, data=data, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:  # noqa: S310
                result: dict[str, Any] = json.loads(response.read())
                return result
        except TimeoutError as error:
            raise GatewayTimeout(url) from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, (TimeoutError, socket.timeout)):
                raise GatewayTimeout(url) from error
            raise GatewayError(str(error)) from error
        except ValueError as error:
            raise GatewayError(f"{url}: not JSON") from error
