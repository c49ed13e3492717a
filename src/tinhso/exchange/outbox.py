"""The transactional outbox: enqueue signed packages in the caller's transaction, send them
with retries (exponential backoff with jitter), dead letters and replay.

Delivery is at least once; the receiver's inbox makes it exactly once in effect (a repeat is
acknowledged with the first result). The bytes are signed once, at enqueue, and never change.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Sequence
from datetime import datetime
from math import inf
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tinhso.core import sql
from tinhso.core.services import audit_entry
from tinhso.exchange import edxml, messagelog, node, queues, registry, transport
from tinhso.exchange.edxml import DocumentPackage, ErrorCode, Package, StatusPackage
from tinhso.exchange.models import OutboxMessage
from tinhso.exchange.queues import together_or_each
from tinhso.exchange.transport import Attempt

logger = logging.getLogger("tinhso.exchange")

State = OutboxMessage.State
# Refusals that no retry can change: the message goes to the dead letters at once (an
# administrator fixes the cause, a peer's certificate or key, a route, and replays it).
PERMANENT = {10, 15, 18, 19, 21, 22, 23}


def message_id_of(package: Package, recipient_id: str = "") -> uuid.UUID:
    """The message id both sides derive from what was signed, so that a receiver never
    trusts an unsigned header for idempotency: a document to one recipient organ for one
    Bussiness type, or one status report of one organ at one moment."""
    namespace = uuid.UUID("6f1d3c2e-5b0a-4c8e-9d2f-1a7b3e5c9d41")
    if isinstance(package, DocumentPackage):
        key = "|".join(
            (
                "document",
                str(package.header.document_id),
                recipient_id,
                str(int(package.business.doc_type)),
            )
        )
    else:
        key = "|".join(
            (
                "status",
                str(package.response_for.document_id),
                package.from_.organ_id,
                package.status_code.value,
                edxml.model.format_timestamp(package.timestamp),
            )
        )
    return uuid.uuid5(namespace, key)


def timestamp_now() -> datetime:
    """Now as edXML writes a moment (TraceHeader, a status's Timestamp): local time, no zone,
    to the second. The wall clock, never a story's (`core.clock.acting_at`): a status's
    message id includes its timestamp."""
    return timezone.localtime().replace(tzinfo=None, microsecond=0)


def enqueue(*, package: Package, recipient_id: str, source_ref: str = "") -> OutboxMessage:
    """Sign `package` for `recipient_id` and write it to the outbox, in the caller's
    transaction (a rollback leaves no message). A document package should name only this
    recipient in To. Routing is decided now (a peer that names the organ, else this node);
    with no route the message waits and is retried, as for a peer that is down.

    Idempotent: the same package for the same recipient gives the existing message.
    Raises EdxmlError when the package cannot be built or signed (nothing written)."""
    return enqueue_many([(package, recipient_id)], source_ref=source_ref)[0]


def _existing(message_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """The outbox rows of these message ids that exist: one fixed statement."""
    db = transaction.get_connection()
    field = OutboxMessage._meta.get_field("message_id")
    among, params = sql.in_list(
        "message_id", [field.get_db_prep_value(m, db) for m in dict.fromkeys(message_ids)]
    )
    rows = sql.fetch_all(
        f"SELECT message_id, id FROM {sql.table(OutboxMessage)} WHERE {among}",  # noqa: S608
        params,
    )
    return {m if isinstance(m, uuid.UUID) else uuid.UUID(str(m)): pk for m, pk in rows}


def enqueue_many(
    items: Sequence[tuple[Package, str]], *, source_ref: str = ""
) -> list[OutboxMessage]:
    """`enqueue` of many (package, recipient id) pairs at once, in the caller's transaction
    (the status 01 of each document a batch received): one query for those enqueued
    already, each other signed and routed (once per recipient), then one insert of the
    messages and one of their audit entries. The messages in order; a pair given twice, or
    enqueued already, gives the same message."""
    if not items:
        return []
    ids = [message_id_of(package, recipient_id) for package, recipient_id in items]
    existing = _existing(ids)  # fixed SQL: every package enqueued asks it
    me = node.identity()
    routes: dict[str, Any] = {}
    new: dict[uuid.UUID, OutboxMessage] = {}
    for (package, recipient_id), message_id in zip(items, ids, strict=True):
        if message_id in existing or message_id in new:
            continue
        data = edxml.sign(edxml.build(package), key=me.key, certificate=me.certificate)
        if isinstance(package, DocumentPackage):
            kind, sender = OutboxMessage.Kind.DOCUMENT, package.header.from_.organ_id
            document_id = str(package.header.document_id)
        else:
            kind, sender = OutboxMessage.Kind.STATUS, package.from_.organ_id
            document_id = str(package.response_for.document_id)
        if recipient_id not in routes:
            routes[recipient_id] = node.route(recipient_id)[1]
        new[message_id] = OutboxMessage(
            message_id=message_id,
            kind=kind,
            sender_id=sender,
            recipient_id=recipient_id,
            peer=routes[recipient_id],
            source_ref=source_ref,
            document_id=document_id,
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            next_attempt_at=timezone.now(),
        )
    created = list(new.values())
    if len(created) == 1:
        sql.create(created[0])  # fixed SQL: a package enqueued on its own (a document's line)
    elif created:
        OutboxMessage.objects.bulk_create(created)  # primary keys come back (PG, SQLite)
    sql.insert([audit_entry(action="exchange.enqueued", obj=m, actor="exchange") for m in created])
    found = OutboxMessage.objects.in_bulk(list(existing.values())) if existing else {}
    return [new[m] if m in new else found[existing[m]] for m in ids]


def _deliver_locally(message: OutboxMessage) -> Attempt:
    from tinhso.exchange.applying import receive_and_apply

    answer = receive_and_apply(data=bytes(message.data))
    if answer.code == ErrorCode.OK:
        return Attempt(True, 0, answer=answer.body)
    return Attempt(False, int(answer.code), f"{int(answer.code)}: {answer.message}", answer.body)


def _route(message: OutboxMessage) -> Attempt | None:
    """Route `message` again (a route added since enqueue is used): None once its peer is
    set on it (None too for this node), or the failed attempt when there is no route."""
    routed, peer = node.route(message.recipient_id)
    if not routed:
        if node.is_locked(message.recipient_id):
            return Attempt(
                False, int(ErrorCode.RECEIVER_LOCKED), "the recipient organ no longer receives"
            )
        return Attempt(False, int(ErrorCode.UNKNOWN_RECEIVER), "no route to the recipient")
    if (peer.pk if peer else None) != message.peer_id:
        OutboxMessage.objects.filter(pk=message.pk).update(peer=peer)
    message.peer = peer  # the route's row, not read again
    return None


def attempt(message: OutboxMessage) -> Attempt:
    """One delivery attempt of `message`, outside any transaction (never holds a lock over
    the network), routed again first."""
    if (unrouted := _route(message)) is not None:
        return unrouted
    if message.peer is None:
        return _deliver_locally(message)
    return transport.post_one(message)


def _notify(done: Sequence[tuple[OutboxMessage, Attempt]]) -> None:
    deliveries = [
        registry.Delivery(message.source_ref, str(message.message_id), result.ok, result.error)
        for message, result in done
        if message.source_ref
    ]
    if deliveries:
        for listener in registry.delivery_listeners():
            listener(deliveries)


# What recording an outcome changes on the row: never the signed bytes, which stay as they
# were enqueued (and are neither read again nor written back here).
_OUTCOME_FIELDS = ("state", "attempts", "sent_at", "next_attempt_at", "last_error", "last_code")


def _outcome(message: OutboxMessage, result: Attempt, *, max_attempts: int, now: datetime) -> None:
    message.attempts += 1
    if result.ok:
        message.state, message.sent_at, message.next_attempt_at = State.SENT, now, None
        message.last_error, message.last_code = "", 0
    else:
        message.last_error, message.last_code = result.error[:2000], result.code
        queues.retry_or_give_up(
            message, max_attempts=max_attempts, now=now, final=result.code in PERMANENT
        )


@transaction.atomic
def _record(done: Sequence[tuple[OutboxMessage, Attempt]], *, max_attempts: int) -> None:
    """Record the results of attempts on claimed messages (their bytes are neither read
    again nor written back), in one transaction: their rows locked (in id order) and their
    states read again first, since a worker whose lease ran out may have been overtaken
    (a message another worker finished meanwhile is left as it is); then one update of
    the rows, the audit entries, the delivery listeners and, last, the message-log
    entries of those sent. Fixed SQL throughout, a few statements however many messages: every
    message sent passes here (bench/README.md §8)."""
    db = transaction.get_connection()
    lock = " FOR UPDATE" if db.features.has_select_for_update else ""
    among, ids = sql.in_list("id", [message.pk for message, _ in done])
    found = {
        pk: (state, attempts)
        for pk, state, attempts in sql.fetch_all(
            f"SELECT id, state, attempts FROM {sql.table(OutboxMessage)} "  # noqa: S608
            f"WHERE {among} ORDER BY id{lock}",
            ids,
        )
    }
    now = timezone.now()
    changed = []
    for message, result in done:
        if message.pk not in found:
            raise OutboxMessage.DoesNotExist(message.pk)
        message.state, message.attempts = found[message.pk]
        if message.state in (State.SENT, State.DEAD):  # another worker finished it meanwhile
            continue
        _outcome(message, result, max_attempts=max_attempts, now=now)
        changed.append((message, result))
    if not changed:
        return
    sql.update_all([message for message, _ in changed], _OUTCOME_FIELDS)
    sql.insert(
        [
            audit_entry(
                action=f"exchange.{message.state}",
                obj=message,
                actor="exchange",
                data={
                    "attempts": message.attempts,
                    "code": result.code,
                    "error": result.error[:500],
                },
            )
            for message, result in changed
        ]
    )
    _notify(changed)
    # Logged in this transaction (a rolled-back outcome leaves no entry), and last: the
    # log head's lock, which every package sent or received takes, is held only to the commit.
    messagelog.append_all(
        [
            messagelog.sent_entry(message, result.answer, size=len(message.data))
            for message, result in changed
            if result.ok
        ]
    )


def record(
    done: Sequence[tuple[OutboxMessage, Attempt]], *, max_attempts: int | None = None
) -> list[OutboxMessage]:
    """Record the results `done` of attempts on claimed messages (`_record`), all in one
    transaction, or each in its own if that fails (`queues.together_or_each`): a message
    whose outcome could not be recorded comes due again when its lease ends, and is sent
    again, which its receiver acknowledges as a repeat."""
    limit = max_attempts or settings.EXCHANGE_MAX_ATTEMPTS

    def run(some: Sequence[tuple[OutboxMessage, Attempt]]) -> list[OutboxMessage]:
        _record(some, max_attempts=limit)
        return [message for message, _ in some]

    return together_or_each(run, done, what="recording outcomes")


def due(at: datetime | None = None) -> Any:
    """Messages due for an attempt now (or at `at`), oldest first."""
    return OutboxMessage.objects.filter(
        Q(state__in=[State.PENDING, State.FAILED]),
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=at or timezone.now()),
    ).order_by("next_attempt_at", "pk")


def send(
    messages: Sequence[OutboxMessage], *, max_attempts: int | None = None, until: float = inf
) -> list[OutboxMessage]:
    """Attempt each of the claimed `messages` once, none starting after the monotonic
    clock's `until`, then record the outcomes together (`record`): sent, failed with the
    next attempt's time, or dead, the delivery listeners told in the same transaction.
    Messages to a peer whose `batch_size` is over 1 go in batches of up to that many (and
    `transport.BATCH_MAX_BYTES`), one POST each; to a peer without a batch inbox, one by one
    after all. Returns the messages attempted, as recorded."""
    done: list[tuple[OutboxMessage, Attempt]] = []
    batches: dict[int, list[OutboxMessage]] = {}  # by peer, for peers that take batches

    def post(batch: list[OutboxMessage]) -> None:
        if time.monotonic() > until:
            return  # left to come due again when the lease ends
        peer = batch[0].peer
        assert peer is not None
        try:
            results = transport.post_batch(peer, batch)
        except transport.NoBatchInbox as error:
            logger.warning("exchange: peer %s: %s; posting one by one", peer.name, error)
            results = [transport.post_one(message) for message in batch]
        done.extend(zip(batch, results, strict=True))

    for message in messages:
        if time.monotonic() > until:
            break
        result = _route(message)
        peer = message.peer
        if result is None and peer is not None and peer.batch_size > 1:
            batch = batches.setdefault(peer.pk, [])
            size = sum(len(queued.data) for queued in batch) + len(message.data)
            if batch and size > transport.BATCH_MAX_BYTES:
                post(batches.pop(peer.pk))
                batch = batches.setdefault(peer.pk, [])
            batch.append(message)
            if len(batch) >= peer.batch_size:
                post(batches.pop(peer.pk))
            continue
        if result is None:
            result = _deliver_locally(message) if peer is None else transport.post_one(message)
        done.append((message, result))
    for batch in batches.values():
        post(batch)
    for message, result in done:
        if not result.ok:
            logger.warning(
                "exchange: %s to %s failed: %s",
                message.message_id,
                message.recipient_id,
                result.error,
            )
    return record(done, max_attempts=max_attempts)


def send_one(message: OutboxMessage, *, max_attempts: int | None = None) -> OutboxMessage:
    """Attempt `message` once and record the outcome (`send`)."""
    return send([message], max_attempts=max_attempts)[0]


def lease_seconds() -> float:
    """How long claimed messages are left to the worker that claimed them: one attempt's
    HTTP timeout and a margin for recording its outcome."""
    return float(settings.EXCHANGE_HTTP_TIMEOUT) + 10.0


def claim(*, limit: int = 1, at: datetime | None = None) -> list[OutboxMessage]:
    """Take up to `limit` messages due at `at` (now by default; oldest first) for this
    worker: their next attempt moves a lease ahead (`lease_seconds`), so other workers leave
    them alone while this one sends them (`send_due` attempts no claimed message once its
    lease is nearly over, so a slow peer never makes two workers send one); a worker
    that dies leaves them due again when the lease ends. On PostgreSQL rows another worker
    is claiming at the same moment are skipped, never waited for (SKIP LOCKED); SQLite
    serialises writers anyway. Several workers thus share one outbox without sending a
    message twice (the receiver would acknowledge a repeat, at the cost of a second
    delivery)."""
    return queues.lease(due(at), limit=limit, seconds=lease_seconds())


def send_due(*, limit: int = 500, batch: int = 10) -> dict[str, int]:
    """The worker's round: attempt every due message once (up to `limit`), claimed `batch`
    at a time (each claim a lease, so that several workers can run side by side), each
    batch's outcomes recorded together. What becomes due during the round (a message
    enqueued meanwhile, a retry) waits for the next round: a claimed or failed message's
    next attempt lies after the round's start. Returns counts by resulting state."""
    started = timezone.now()
    # No attempt starts that could outlast the lease (its HTTP timeout and 10 s): at most
    # 5 s after the batch was taken, leaving a margin for recording.
    counts = queues.work_through(
        lambda n: claim(limit=n, at=started),
        lambda rows, until: send(rows, until=until),
        limit=limit,
        batch=batch,
        window=5.0,
    )
    return {str(s): counts.get(str(s), 0) for s in (State.SENT, State.FAILED, State.DEAD)}


def replay(*, message: OutboxMessage, actor: Any = None) -> OutboxMessage:
    """Put a dead (or failed) message back in the queue for an attempt now, attempts reset.
    Raises ValueError for a message that was sent or is pending."""
    return queues.requeue(
        message, waiting=State.PENDING, action="exchange.replay", actor=actor or "exchange"
    )


def package_of(message: OutboxMessage) -> StatusPackage | DocumentPackage:
    """The package a message carries (for the back office and `tinhso exchange status`)."""
    return edxml.parse(bytes(message.data))
