"""Where the capabilities above the exchange plug in (documents, later dossiers): the exchange
never imports them. Each registers in its `AppConfig.ready`:

- a **document handler** `(package, message_id, organ_ids) -> dict`: apply a document package
  for the local organs `organ_ids`, in the caller's transaction; the dict is the result the
  inbox keeps and answers with;
- a **document batch handler** `(items) -> [dict]`, optional: apply many new document
  packages (BussinessDocType 0), each `(package, message_id, organ_ids)`, at once in the
  caller's transaction, the results in order, each as the document handler would give it.
  Anything it raises (a refusal too) rolls the batch back, and the caller applies each
  package on its own with the document handler. Its `prepare(packages)`, if any, runs
  before the batch's transaction and writes, in a transaction of its own, what the
  packages' applications share with other workers' (the text of an attachment sent to
  several organs), so that the batch holds no lock another worker waits for;
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
DocumentItem = tuple[DocumentPackage, str, list[str]]
DocumentBatchHandler = Callable[[Sequence[DocumentItem]], list[dict[str, Any]]]
DocumentPreparer = Callable[[Sequence[DocumentPackage]], None]


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
# The batch handler (and its preparer) that goes with a document handler: replacing the
# document handler (a test's) leaves none, registering it again brings its batch back.
_batches: dict[Any, tuple[DocumentBatchHandler, DocumentPreparer | None]] = {}
_listeners: list[DeliveryListener] = []


def register_document_handler(
    handler: DocumentHandler | None,
    *,
    batch: DocumentBatchHandler | None = None,
    prepare: DocumentPreparer | None = None,
) -> None:
    """Use `handler` for document packages, and `batch` (with `prepare`) for many new ones
    at once; without `batch`, whatever batch `handler` was registered with before."""
    _handlers["document"] = handler
    if handler is not None and batch is not None:
        _batches[handler] = (batch, prepare)


def register_status_handler(handler: StatusHandler | None) -> None:
    _handlers["status"] = handler


def document_handler() -> DocumentHandler | None:
    handler: DocumentHandler | None = _handlers["document"]
    return handler


def document_batch_handler() -> tuple[DocumentBatchHandler | None, DocumentPreparer | None]:
    """The batch handler and preparer of the document handler in use, or (None, None)."""
    return _batches.get(_handlers["document"], (None, None))


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
