"""Where the capabilities above the exchange plug in (documents, later dossiers): the exchange
never imports them. Each registers in its `AppConfig.ready`:

- a **document handler** `(package, message_id, organ_ids) -> dict`: apply a document package
  for the local organs `organ_ids`, in the caller's transaction; the dict is the result the
  inbox keeps and answers with;
- a **status handler** `(package, message_id) -> dict`: apply a status package about a
  document this node sent;
- **delivery listeners** `(deliveries)`: told, in the worker's transaction, of each outbox
  message with a source reference whether it was delivered (ok) or failed an attempt: a
  list of `Delivery`, all the outcomes the worker records together (one batch it claimed).

A handler refuses a package by raising `Refused` with an LGSP code; anything else it raises is
a system error (20). Either way nothing of the package is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tinhso.exchange.edxml import DocumentPackage, ErrorCode, StatusPackage

DocumentHandler = Callable[[DocumentPackage, str, list[str]], dict[str, Any]]
StatusHandler = Callable[[StatusPackage, str], dict[str, Any]]


@dataclass(frozen=True)
class Delivery:
    """An outbox message's attempt, told to the delivery listeners."""

    source_ref: str
    message_id: str
    ok: bool
    error: str


DeliveryListener = Callable[[Sequence[Delivery]], None]


class Refused(Exception):
    """A handler's refusal of a package, with the LGSP code to answer."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


_handlers: dict[str, Any] = {"document": None, "status": None}
_listeners: list[DeliveryListener] = []


def register_document_handler(handler: DocumentHandler | None) -> None:
    _handlers["document"] = handler


def register_status_handler(handler: StatusHandler | None) -> None:
    _handlers["status"] = handler


def document_handler() -> DocumentHandler | None:
    handler: DocumentHandler | None = _handlers["document"]
    return handler


def status_handler() -> StatusHandler | None:
    handler: StatusHandler | None = _handlers["status"]
    return handler


def register_delivery_listener(listener: DeliveryListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def unregister_delivery_listener(listener: DeliveryListener) -> None:
    while listener in _listeners:
        _listeners.remove(listener)


def delivery_listeners() -> list[DeliveryListener]:
    return list(_listeners)
