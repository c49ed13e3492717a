"""Where other capabilities plug into documents, without documents importing them.

- **Signing.** A `SigningBackend` (`documents.signing.PadesBackend` on the `signatures`
  app, registered in `DocumentsConfig.ready()` with `register_signing_backend`) signs a
  document's PDF as the signer at the `sign` step and as the organ at `issue`, where the
  number, notation and date are known (`IssueFacts`). Services also take a backend as a
  parameter (tests, a one-off run). With no backend, `sign` records who signed and when,
  with no digital signature (`signature_kind = "recorded"`); nothing is ever presented as
  signed that was not.
- **Exchange.** Distribution marks each outside recipient "queued" in the distributing
  transaction and, on commit, calls every registered dispatcher with the recipient's id; the
  exchange app (or a glue module) registers one with `register_exchange_dispatcher`, and can
  also poll `selectors.exchange_queue()`. It reports back through the services
  `recipient_mark_sent`, `recipient_mark_failed`, `recipient_status_update` and
  `receive_from_exchange`. A *writer* registered with `register_exchange_writer` is called
  instead inside the distributing transaction (the exchange's transactional outbox: the
  message exists exactly when the distribution committed); a writer that raises rolls the
  distribution back.
- **Taking back.** Revoking an issued document (`services.take_back`) calls every writer
  registered with `register_take_back_writer` with each sent outside recipient line and the
  reason, inside the service's transaction (the exchange's revoke package).
- **Status reports.** Each step of an incoming document (QCVN 102 status 01–06) calls, on
  commit, every listener registered with `register_status_listener` with the incoming
  document's id and the status code, so the exchange can send the `MessageStatus` package;
  `register_status_writer` does the same inside the step's transaction, and may say how
  it writes many statuses at once, for a batch that announces them together
  (`announce_statuses`: the exchange's apply worker receiving a batch of packages).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from django.db import transaction

logger = logging.getLogger("tinhso.documents")


@dataclass(frozen=True)
class IssueFacts:
    """What the organ's signature at issue must show and cover (Decree 30: the number and
    date are written when the clerk issues, under the organ's digital signature)."""

    document_id: int
    organ_name: str
    number: int
    notation: str
    issued_on: date
    issued_at: datetime
    place_date_line: str


class SigningBackend(Protocol):
    """Makes real digital signatures (PAdES) on PDFs. Every method returns the signed PDF or
    raises ValueError with a message for the user; a raise rolls back the whole action (an
    issue gives its number back)."""

    def sign_as_signer(
        self, *, document: Any, pdf: bytes, user: Any, passphrase: str | None
    ) -> bytes:
        """The personal signature of `user`, the document's signer, with the key that
        `passphrase` unlocks."""
        ...

    def verify_signer(self, *, document: Any, pdf: bytes, user: Any) -> None:
        """Check a PDF the signer signed elsewhere (a USB token): raise ValueError unless it
        carries a valid signature of `user` over the document."""
        ...

    def sign_as_organ(
        self, *, document: Any, pdf: bytes, facts: IssueFacts, actor: Any, passphrase: str | None
    ) -> bytes:
        """The organ's signature at issue by `actor` (the clerk), showing and covering
        `facts`, with the organ's key that `passphrase` unlocks."""
        ...


_signing_backend: SigningBackend | None = None
_exchange_dispatchers: list[Callable[[int], None]] = []
_status_listeners: list[Callable[[int, str], None]] = []
_exchange_writers: list[Callable[[int], None]] = []
_status_writers: list[Callable[[int, str], None]] = []
# A status writer's own way of writing many statuses at once (`announce_statuses`).
_status_batch_writers: dict[
    Callable[[int, str], None], Callable[[list[tuple[int, str]]], None]
] = {}
_take_back_writers: list[Callable[[int, str], None]] = []


def register_signing_backend(backend: SigningBackend | None) -> None:
    """Use `backend` for signing from now on (None removes it)."""
    global _signing_backend
    _signing_backend = backend


def signing_backend() -> SigningBackend | None:
    return _signing_backend


def register_exchange_dispatcher(dispatcher: Callable[[int], None]) -> None:
    """Call `dispatcher(recipient_id)` after each distribution that queued an outside
    recipient has committed. Registering the same callable twice has no effect."""
    if dispatcher not in _exchange_dispatchers:
        _exchange_dispatchers.append(dispatcher)


def register_status_listener(listener: Callable[[int, str], None]) -> None:
    """Call `listener(incoming_id, status_code)` after each incoming step has committed."""
    if listener not in _status_listeners:
        _status_listeners.append(listener)


def register_exchange_writer(writer: Callable[[int], None]) -> None:
    """Call `writer(recipient_id)` inside each distributing transaction, for every outside
    recipient queued; what it raises rolls the distribution back."""
    if writer not in _exchange_writers:
        _exchange_writers.append(writer)


def register_status_writer(
    writer: Callable[[int, str], None],
    *,
    many: Callable[[list[tuple[int, str]]], None] | None = None,
) -> None:
    """Call `writer(incoming_id, status_code)` inside each incoming step's transaction; with
    `many`, `many([(incoming_id, status_code), …])` once for the steps a batch writes
    together (`announce_statuses`), instead of `writer` for each."""
    if writer not in _status_writers:
        _status_writers.append(writer)
    if many is not None:
        _status_batch_writers[writer] = many


def register_take_back_writer(writer: Callable[[int, str], None]) -> None:
    """Call `writer(recipient_id, reason)` inside each take-back transaction, for every
    outside recipient line the document was sent to; what it raises rolls it back."""
    if writer not in _take_back_writers:
        _take_back_writers.append(writer)


def take_back_writers() -> list[Callable[[int, str], None]]:
    return list(_take_back_writers)


def unregister(callback: Callable[..., None]) -> None:
    """Remove a dispatcher, listener or writer (tests, reconfiguration)."""
    for registry in (
        _exchange_dispatchers,
        _status_listeners,
        _exchange_writers,
        _status_writers,
        _take_back_writers,
    ):
        while callback in registry:
            registry.remove(callback)
    _status_batch_writers.pop(callback, None)  # type: ignore[arg-type]


def _call_each(callbacks: list[Callable[..., None]], *args: Any) -> None:
    for callback in list(callbacks):
        try:
            callback(*args)
        except Exception:  # one failing subscriber must not stop the others
            logger.exception("document hook %r failed for %r", callback, args)


def queue_for_exchange(recipient_id: int) -> None:
    """Hand `recipient_id` to the writers now and to the dispatchers once the current
    transaction commits."""
    for writer in list(_exchange_writers):
        writer(recipient_id)
    transaction.on_commit(lambda: _call_each(_exchange_dispatchers, recipient_id))


def queue_take_back(recipient_id: int, reason: str) -> None:
    """Hand an outside recipient line to the take-back writers, now (in the transaction)."""
    for writer in list(_take_back_writers):
        writer(recipient_id, reason)


def announce_status(incoming_id: int, code: str) -> None:
    """Tell the writers the new status of an incoming document now, and the listeners once
    it is committed."""
    announce_statuses([(incoming_id, code)])


def announce_statuses(statuses: list[tuple[int, str]]) -> None:
    """`announce_status` of many steps a batch wrote together, in order: each writer called
    once with all of them when it writes many at once, else once for each."""
    for writer in list(_status_writers):
        many = _status_batch_writers.get(writer)
        if many is not None and len(statuses) > 1:
            many(statuses)
            continue
        for incoming_id, code in statuses:
            writer(incoming_id, code)
    for incoming_id, code in statuses:
        transaction.on_commit(functools.partial(_call_each, _status_listeners, incoming_id, code))
