"""The apply worker: hands each package the inbox accepted to its registered handler, once.

The inbox answers as soon as a package is verified and durably stored (`inbox.receive`); this
worker applies it afterwards, so that a peer's delivery costs the checks and three inserts,
not the incoming document, its file, its index entry and the status written back (ADR 0017).

- A row is claimed like an outbox message (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL,
  a lease on its next attempt), so several workers share the inbox, and a worker that dies
  leaves its rows due again when the lease ends.
- The handler runs in a savepoint of the transaction that records the outcome under the
  row's lock: applied (the result kept on the row), or nothing of it kept.
- New document packages of a claimed batch are applied together (`apply_batch`), by the
  documents' batch handler: one transaction, one statement per table for all of them, their
  outcomes recorded in it. What they share with other workers' batches (an attachment's
  text) is written before, in a transaction of its own, so that workers never wait on each
  other's batch. If the batch raises, none of it is kept and each row is applied on its
  own, so that one package's refusal or error holds back no other.
- A handler's refusal (`registry.Refused`) is final: the row is `refused` with the LGSP code,
  a `refused` entry goes to the message log, and the sender is told by a status package from
  each local recipient: 02 (refused, the code and reason as its description) for a new or
  replacing document, 16 (take-back or update refused) for a revoke or an update. A status
  package is never answered with another one.
- Any other exception is a system error: retried with the outbox's backoff, `dead` after
  `EXCHANGE_MAX_ATTEMPTS`, replayed by an administrator (`replay`).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence
from datetime import datetime
from math import inf
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tinhso.core import sql
from tinhso.core.services import audit_entry, audit_record
from tinhso.exchange import edxml, messagelog, outbox, queues, registry
from tinhso.exchange.edxml import BusinessDocType, DocumentPackage, ErrorCode, StatusCode
from tinhso.exchange.inbox import Answer, receive
from tinhso.exchange.models import InboxMessage, MessageLog, OutboxMessage, Peer

logger = logging.getLogger("tinhso.exchange")

State = InboxMessage.State
LEASE_SECONDS = 60.0  # a batch's applications, with a wide margin
# A package larger than this is applied on its own: a batch reads its packages at once.
BATCH_PACKAGE_BYTES = 2 * 1024 * 1024
# Fields an outcome changes (never the message id, the hash or the log entry).
_OUTCOME_FIELDS = ("state", "attempts", "next_attempt_at", "last_error", "applied_at", "result")


def due(at: datetime | None = None) -> Any:
    """Accepted rows, and failed ones whose next attempt has come, oldest first."""
    return InboxMessage.objects.filter(
        Q(state__in=[State.ACCEPTED, State.FAILED]),
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=at or timezone.now()),
    ).order_by("next_attempt_at", "pk")


def claim(*, limit: int = 1, at: datetime | None = None) -> list[InboxMessage]:
    """Take up to `limit` due rows for this worker, their next attempt moved a lease ahead
    (`LEASE_SECONDS`), rows being claimed by another worker skipped. A lease only spares
    work: a row another worker applies meanwhile is found applied under its lock and left."""
    return queues.lease(due(at).only("pk"), limit=limit, seconds=LEASE_SECONDS)


def _local(row: InboxMessage) -> list[str]:
    """The organs of this node the row's package is for."""
    return [o for o in row.recipient_id.split(",") if o]


def _handle(package: edxml.Package, message_id: str, local: list[str]) -> dict[str, Any]:
    if isinstance(package, DocumentPackage):
        document_handler = registry.document_handler()
        if document_handler is None:
            raise RuntimeError("no document handler registered")
        return document_handler(package, message_id, local)
    status_handler = registry.status_handler()
    if status_handler is None:
        raise RuntimeError("no status handler registered")
    return status_handler(package, message_id)


def tell_refusal(package: edxml.Package, local: list[str], refusal: registry.Refused) -> int:
    """Write to the outbox, in the caller's transaction, the status packages that tell the
    sender its document was refused here after it had been accepted: one per local recipient.
    Returns how many (none for a status package)."""
    if not isinstance(package, DocumentPackage):
        return 0
    header = package.header
    if package.business.doc_type in (BusinessDocType.REVOKE, BusinessDocType.UPDATE):
        if not header.response_for:
            return 0
        about, code = header.response_for[0].document_id, StatusCode.TAKE_BACK_REFUSED
    else:
        about, code = header.document_id, StatusCode.REFUSED
    names = {to.organ_id: to.organ_name for to in header.to}
    why = f"{int(refusal.code)}: {refusal.message}"[:1000]
    for organ_id in local:
        status = edxml.StatusPackage(
            response_for=edxml.ResponseFor(about),
            from_=edxml.Organization(organ_id=organ_id, organ_name=names.get(organ_id, organ_id)),
            status_code=code,
            timestamp=outbox.timestamp_now(),
            description=why,
        )
        outbox.enqueue(package=status, recipient_id=about.organ_id)
    return len(local)


def _refused(
    row: InboxMessage, package: edxml.Package, local: list[str], refusal: registry.Refused
) -> MessageLog:
    """Set `row` refused, tell the sender, and return its `refused` log entry, to append."""
    row.state, row.next_attempt_at = State.REFUSED, None
    row.applied_at = timezone.now()
    told = tell_refusal(package, local, refusal)
    row.result = {"code": int(refusal.code), "message": refusal.message, "told": told}
    return messagelog.entry(
        direction=messagelog.Direction.REFUSED,
        message_id=row.message_id,
        kind=row.kind,
        sender_id=row.sender_id,
        recipient_id=row.recipient_id,
        peer=row.peer.name if row.peer else "",
        document_id=row.document_id,
        package_sha256=row.sha256,
        code=int(refusal.code),
        detail=f"refused when applied (accepted as #{row.log_seq}): {refusal.message}",
        package_in=messagelog.Where.NONE,
    )


def _apply(row: InboxMessage, *, max_attempts: int, refusals: list[MessageLog]) -> None:
    """Apply `row` (locked, due): its package read back from the log, its handler in a
    savepoint; the outcome set on the row, not yet written; a refusal's log entry added to
    `refusals`."""
    row.attempts += 1
    # Fixed SQL: every package received passes here. One package at a time (up to 64 MiB).
    entry = sql.fetch_one(
        f"SELECT data FROM {sql.table(MessageLog)} WHERE seq = %s",  # noqa: S608 (our name)
        [row.log_seq],
    )
    local = _local(row)
    try:
        if entry is None or entry[0] is None:
            raise LookupError(f"the package of log entry #{row.log_seq} is not in the log")
        # Read back from the node's own hash-chained log, verified when it was accepted.
        package = edxml.parse(bytes(entry[0]))
        with transaction.atomic():
            result = _handle(package, str(row.message_id), local)
    except registry.Refused as refusal:
        refusals.append(_refused(row, package, local, refusal))
    except Exception as error:
        logger.exception("exchange: applying %s failed", row.message_id)
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        queues.retry_or_give_up(row, max_attempts=max_attempts, now=timezone.now())
    else:
        row.state, row.next_attempt_at, row.last_error = State.APPLIED, None, ""
        row.applied_at, row.result = timezone.now(), {"code": 0, **result}


@transaction.atomic
def apply_one(pk: int, *, max_attempts: int | None = None) -> InboxMessage:
    """Apply the inbox row `pk` once, under its lock, and record the outcome, in one
    transaction of its own: a batch in one transaction would hold the rows its handlers
    share with other workers' (the extracted text of an attachment sent to several organs)
    for the whole batch, and workers would deadlock on them (seen in session 12). A row
    already applied, refused or dead is returned as it is."""
    row = sql.locked(InboxMessage, pk)  # fixed SQL: every package received passes here
    if row is None:
        raise InboxMessage.DoesNotExist(pk)
    if row.state not in (State.ACCEPTED, State.FAILED):
        return row
    refusals: list[MessageLog] = []
    _apply(row, max_attempts=max_attempts or settings.EXCHANGE_MAX_ATTEMPTS, refusals=refusals)
    sql.update(row, _OUTCOME_FIELDS)
    audit_record(
        action=f"exchange.{row.state}",
        obj=row,
        actor="exchange",
        data={"attempts": row.attempts, **row.result, "error": row.last_error[:500]},
    )
    messagelog.append_all(refusals)  # the log head's lock, last: held until the commit
    return row


def _together(pks: Sequence[int]) -> dict[int, DocumentPackage]:
    """The new document packages among the due rows `pks` (read without a lock: the batch
    locks them), to apply together; rows that are not, or whose package cannot be read
    here, are left to `apply_one`."""
    rows = InboxMessage.objects.filter(
        pk__in=pks, state__in=[State.ACCEPTED, State.FAILED], kind=OutboxMessage.Kind.DOCUMENT
    ).values_list("pk", "log_seq")
    seqs = {seq: pk for pk, seq in rows if seq is not None}
    if len(seqs) < 2:
        return {}
    among, params = sql.in_list("seq", list(seqs))
    found = sql.fetch_all(  # fixed SQL: every batch of packages applied
        f"SELECT seq, data FROM {sql.table(MessageLog)} WHERE {among} AND size <= %s",  # noqa: S608
        [*params, BATCH_PACKAGE_BYTES],
    )
    packages = {}
    for seq, data in found:
        try:
            package = edxml.parse(bytes(data))
        except edxml.EdxmlError:
            continue  # `apply_one` records why
        if (
            isinstance(package, DocumentPackage)
            and package.business.doc_type == BusinessDocType.NEW
        ):
            packages[seqs[seq]] = package
    return packages


@transaction.atomic
def _apply_together(
    packages: dict[int, DocumentPackage], handler: registry.DocumentBatchHandler
) -> dict[int, InboxMessage]:
    """Apply `packages` (by inbox row) with the batch handler in one transaction, under the
    rows' locks (taken in order: two workers never wait on each other in a circle), and
    record their outcomes: applied, each with its result. Rows applied meanwhile by another
    worker are left out. Raises what the handler raises (nothing is kept then)."""
    among, params = sql.in_list("id", sorted(packages))
    lock = " FOR UPDATE" if transaction.get_connection().features.has_select_for_update else ""
    rows = sql.select(
        InboxMessage,
        f"WHERE {among} AND state IN (%s, %s) ORDER BY id{lock}",
        [*params, State.ACCEPTED, State.FAILED],
    )
    if not rows:
        return {}
    results = handler([(packages[row.pk], str(row.message_id), _local(row)) for row in rows])
    if len(results) != len(rows):
        raise RuntimeError(f"the batch handler gave {len(results)} results for {len(rows)}")
    at = timezone.now()
    for row, result in zip(rows, results, strict=True):
        row.attempts += 1
        row.state, row.next_attempt_at, row.last_error = State.APPLIED, None, ""
        row.applied_at, row.result = at, {"code": 0, **result}
    sql.update_all(rows, _OUTCOME_FIELDS)
    sql.insert(
        [
            audit_entry(
                action=f"exchange.{row.state}",
                obj=row,
                actor="exchange",
                data={"attempts": row.attempts, **row.result, "error": ""},
            )
            for row in rows
        ]
    )
    return {row.pk: row for row in rows}


def apply_batch(
    pks: Sequence[int], *, max_attempts: int | None = None, until: float = inf
) -> list[InboxMessage]:
    """Apply the inbox rows `pks` (claimed by this worker): the new document packages among
    them together (`_apply_together`, after the batch handler's `prepare`), every other row,
    and all of them if the batch raises, each on its own (`apply_one`); nothing is started
    after the monotonic clock's `until`. The rows acted on, in order."""
    handler, prepare = registry.document_batch_handler()
    done: dict[int, InboxMessage] = {}
    packages = _together(pks) if handler is not None and len(pks) > 1 else {}
    if handler is not None and len(packages) > 1:
        try:
            if prepare is not None:
                prepare(list(packages.values()))
            done = _apply_together(packages, handler)
        except Exception:
            logger.exception("exchange: applying %d packages together failed", len(packages))
    acted = []
    for pk in pks:
        if pk not in done and time.monotonic() > until:
            break
        acted.append(done.get(pk) or apply_one(pk, max_attempts=max_attempts))
    return acted


def receive_and_apply(*, data: bytes, peer: Peer | None = None) -> Answer:
    """Accept `data` through the inbox and apply it at once: this node's own delivery in
    process, by a worker that is already working (what fails to apply stays in the inbox
    for the worker's retries). The answer carries the row as applied."""
    answer = receive(data=data, peer=peer)
    if answer.code != ErrorCode.OK:
        return answer
    row = InboxMessage.objects.only("pk").get(message_id=answer.body["message_id"])
    return dataclasses.replace(answer, body=apply_one(row.pk).answer())


def apply_due(*, limit: int = 500, batch: int = 10) -> dict[str, int]:
    """The worker's round: apply every due row once (up to `limit`), claimed `batch` at a
    time. What is accepted during the round, or fails in it, waits for the next round (a
    claimed or failed row's next attempt lies after the round's start). Counts by outcome."""
    started = timezone.now()
    counts = queues.work_through(
        lambda n: claim(limit=n, at=started),
        lambda rows, until: apply_batch([row.pk for row in rows], until=until),
        limit=limit,
        batch=batch,
        window=LEASE_SECONDS / 2,
    )
    outcomes = (State.APPLIED, State.REFUSED, State.FAILED, State.DEAD)
    return {str(s): counts.get(str(s), 0) for s in outcomes}


def replay(*, row: InboxMessage, actor: Any = None) -> InboxMessage:
    """Put a dead (or failed) inbox row back for an attempt now, attempts reset. Raises
    ValueError for a row that was applied, refused or is waiting already."""
    return queues.requeue(
        row, waiting=State.ACCEPTED, action="exchange.apply_replay", actor=actor or "exchange"
    )
