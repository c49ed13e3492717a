"""The node's message log: every package sent, received, received again or refused, in a
hash chain, so that any alteration is found (`tinhso exchange verify-log`).

Entry n's chain hash is SHA-256 over (entry n-1's chain hash, the canonical JSON of entry n's
fields, the package's SHA-256). Appending locks the one-row head (`MessageLogHead`) inside
the caller's transaction, so writers in several processes take turns (a row lock on
PostgreSQL; SQLite's IMMEDIATE transactions serialise writers anyway), a rolled-back send or
receipt leaves no entry, and the unique sequence number forbids a fork even if a lock failed.

Retention (`prune`, periodic job `exchange.log_retention`) deletes the oldest entries as a
prefix and moves the head's anchor to the last deleted entry, so verification starts from
the oldest kept entry; a prefix whose chain is broken is not deleted (the evidence stays).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tinhso.core import sql
from tinhso.core.services import audit_record
from tinhso.exchange.models import InboxMessage, MessageLog, MessageLogHead, OutboxMessage

# Inbox rows whose package is no longer needed: any other (accepted, failed, dead, to be
# replayed) keeps its log entry, and everything after it, from retention.
FINISHED = (InboxMessage.State.APPLIED, InboxMessage.State.REFUSED)

Direction = MessageLog.Direction
Where = MessageLog.Where
DETAIL_MAX = 1000
BATCH = 100  # entries verified per query (their packages are loaded a batch at a time)
FIELDS = (
    "seq",
    "at",
    "direction",
    "message_id",
    "kind",
    "sender_id",
    "recipient_id",
    "peer",
    "document_id",
    "package_sha256",
    "size",
    "code",
    "detail",
    "package_in",
)


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry: MessageLog) -> bytes:
    """The entry's fields as the chain hashes them: JSON, sorted keys, no spaces, UTF-8."""
    values: dict[str, Any] = {}
    for name in FIELDS:
        value = getattr(entry, name)
        if name == "at":
            value = _timestamp(value)
        elif name == "message_id":
            value = str(value) if value else ""
        values[name] = value
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, entry: MessageLog) -> str:
    """SHA-256 over the previous chain hash, the canonical fields and the package hash."""
    digest = hashlib.sha256()
    for part in (prev_hash.encode(), canonical(entry), entry.package_sha256.encode()):
        digest.update(part)
        digest.update(b"\n")
    return digest.hexdigest()


def _lock_head() -> MessageLogHead:
    """The head row, locked until the end of the caller's transaction (fixed SQL: every
    package sent or received takes it)."""
    lock = " FOR UPDATE" if transaction.get_connection().features.has_select_for_update else ""
    found = sql.select(MessageLogHead, "WHERE id = 1" + lock, [])
    head = found[0] if found else None
    if head is None:  # a database flushed since the migration made it
        try:
            with transaction.atomic():
                MessageLogHead.objects.create(pk=1)
        except IntegrityError:  # another writer made it first
            pass
        head = MessageLogHead.objects.select_for_update().get(pk=1)
    return head


def entry(
    *,
    direction: str,
    message_id: uuid.UUID | str | None = None,
    kind: str = "",
    sender_id: str = "",
    recipient_id: str = "",
    peer: str = "",
    document_id: str = "",
    data: bytes | None = None,
    package_sha256: str = "",
    size: int | None = None,
    code: int = 0,
    detail: str = "",
    package_in: str = Where.NONE,
) -> MessageLog:
    """An entry not yet in the chain: its time, sequence number and hashes are set when
    `append_all` appends it. With `data` the package's hash and size are computed from it,
    and with `package_in` "log" the bytes are kept in the entry."""
    if data is not None:
        package_sha256, size = hashlib.sha256(data).hexdigest(), len(data)
    return MessageLog(
        direction=direction,
        message_id=uuid.UUID(str(message_id)) if message_id else None,
        kind=kind,
        sender_id=sender_id[:35],
        recipient_id=recipient_id[:400],
        peer=peer[:60],
        document_id=document_id[:300],
        package_sha256=package_sha256,
        size=size or 0,
        code=int(code),
        detail=detail[:DETAIL_MAX],
        package_in=package_in,
        data=data if package_in == Where.LOG else None,
    )


def append_all(entries: Sequence[MessageLog]) -> list[MessageLog]:
    """Chain `entries` (made by `entry`) after the head, in their order, and insert them in
    one statement, in the caller's transaction (a rollback removes them): one lock of the
    head and one update of it however many there are (fixed SQL: every package sent or
    received passes here). Raises IntegrityError only if the head lock was bypassed."""
    if not entries:
        return []
    # No savepoint of its own: a failure here fails the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        now = timezone.now()  # under the lock: the entries' times follow their order
        for new in entries:
            new.at, new.seq, new.prev_hash = now, head.last_seq + 1, head.last_hash
            new.chain_hash = chain_hash(head.last_hash, new)
            head.last_seq, head.last_hash = new.seq, new.chain_hash
        sql.insert(entries)  # their pks are not read
        sql.update(head, ["last_seq", "last_hash"])
    return list(entries)


def append(**fields: Any) -> MessageLog:
    """Append one entry (the keyword arguments of `entry`), in the caller's transaction."""
    return append_all([entry(**fields)])[0]


def sent_entry(
    message: OutboxMessage, answer: dict[str, Any] | None = None, *, size: int | None = None
) -> MessageLog:
    """The entry logging `message` as delivered (append it in the transaction that marks it
    sent); its bytes stay on the outbox row. `size`: their length when the caller has it
    (the row's bytes are then not loaded again)."""
    return entry(
        direction=Direction.SENT,
        message_id=message.message_id,
        kind=message.kind,
        sender_id=message.sender_id,
        recipient_id=message.recipient_id,
        peer=message.peer.name if message.peer else "",
        document_id=message.document_id,
        package_sha256=message.sha256,
        size=len(bytes(message.data)) if size is None else size,
        detail=json.dumps(answer or {}, sort_keys=True, ensure_ascii=False, default=str),
        package_in=Where.OUTBOX,
    )


# --- Verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    seq: int
    what: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.what}"


@dataclass
class Verification:
    """What `verify` found: entries checked, the range, and every problem (the first broken
    link first)."""

    checked: int = 0
    first: int | None = None
    last: int | None = None
    packages: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _links(
    entries: Iterable[MessageLog], expected_seq: int, expected_prev: str
) -> Iterator[tuple[MessageLog, list[str]]]:
    """Each entry with what is wrong with its link (empty when it is sound). After a break
    the check goes on from the entry's own stored hash, so that later breaks are found too."""
    for entry in entries:
        wrong: list[str] = []
        if entry.seq != expected_seq:
            wrong.append(f"expected entry #{expected_seq} here: entries are missing")
        if entry.prev_hash != expected_prev:
            wrong.append(
                f"previous hash {entry.prev_hash[:16]}… differs from the chain's "
                f"{expected_prev[:16]}…"
            )
        computed = chain_hash(entry.prev_hash, entry)
        if computed != entry.chain_hash:
            wrong.append(
                f"its fields do not give its chain hash ({computed[:16]}… computed, "
                f"{entry.chain_hash[:16]}… stored): a field was changed"
            )
        yield entry, wrong
        expected_seq, expected_prev = entry.seq + 1, entry.chain_hash


def _package_problems(batch: list[MessageLog]) -> Iterator[Problem]:
    in_log = [e.pk for e in batch if e.package_in == Where.LOG]
    kept = dict(MessageLog.objects.filter(pk__in=in_log).values_list("pk", "data"))
    sent_ids = [e.message_id for e in batch if e.package_in == Where.OUTBOX]
    outbox = dict(
        OutboxMessage.objects.filter(message_id__in=sent_ids).values_list("message_id", "data")
    )
    for entry in batch:
        if entry.package_in == Where.LOG:
            data, where = kept.get(entry.pk), "kept in the log"
        elif entry.package_in == Where.OUTBOX:
            data, where = outbox.get(entry.message_id), "on the outbox row"
        else:
            continue
        if data is None:
            yield Problem(entry.seq, f"the package {where} is missing")
            continue
        digest = hashlib.sha256(bytes(data)).hexdigest()
        if digest != entry.package_sha256:
            yield Problem(
                entry.seq,
                f"the package {where} was altered (SHA-256 {digest[:16]}…, logged "
                f"{entry.package_sha256[:16]}…)",
            )


def verify(
    *,
    start: int | None = None,
    packages: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Verification:
    """Recompute the chain from the anchor (the oldest kept entry), or from entry `start`
    trusting its stored previous hash, to the head; with `packages`, hash the kept package
    bytes again; `progress` is told the count every 10,000 entries. Reads only; never raises
    on a broken chain, it reports it."""
    head = MessageLogHead.objects.filter(pk=1).first() or MessageLogHead(pk=1)
    result = Verification()
    entries = MessageLog.objects.order_by("seq").defer("data")
    if start is not None:
        entries = entries.filter(seq__gte=start)
        first = entries.first()
        expected_seq = first.seq if first else start
        expected_prev = first.prev_hash if first else ""
    else:
        expected_seq, expected_prev = head.anchor_seq + 1, head.anchor_hash
    last: MessageLog | None = None
    batch: list[MessageLog] = []
    for entry, wrong in _links(entries.iterator(chunk_size=2000), expected_seq, expected_prev):
        result.checked += 1
        if progress and result.checked % 10_000 == 0:
            progress(result.checked)
        result.first = entry.seq if result.first is None else result.first
        result.problems.extend(Problem(entry.seq, what) for what in wrong)
        last = entry
        if packages and entry.package_in:
            batch.append(entry)
            if len(batch) >= BATCH:
                result.packages += len(batch)
                result.problems.extend(_package_problems(batch))
                batch = []
    if batch:
        result.packages += len(batch)
        result.problems.extend(_package_problems(batch))
    result.last = last.seq if last else None
    if last is None:
        if start is None and head.last_seq != head.anchor_seq:
            result.problems.append(
                Problem(head.last_seq, "the log is empty but the head names this entry")
            )
    elif (last.seq, last.chain_hash) != (head.last_seq, head.last_hash):
        result.problems.append(
            Problem(
                head.last_seq,
                f"the head names entry #{head.last_seq} ({head.last_hash[:16]}…), the last "
                f"entry is #{last.seq} ({last.chain_hash[:16]}…): entries at the end are "
                "missing or the head was changed",
            )
        )
    result.problems.sort(key=lambda p: p.seq)
    return result


# --- Retention ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pruned:
    deleted: int
    anchor_seq: int
    refused: str = ""


def prune(*, days: int | None = None, now: datetime | None = None) -> Pruned:
    """Delete the entries older than `days` (`EXCHANGE_LOG_RETENTION_DAYS`) as a prefix of
    the chain, keeping the last deleted entry's sequence number and hash as the anchor.
    An entry newer than the cutoff is never deleted, nor anything after it, nor the entry
    of a package the inbox has not finished applying (accepted, failed or dead: its bytes are
    only there), nor anything after that. A prefix whose
    chain does not verify is kept, and the refusal is returned and audited."""
    days = settings.EXCHANGE_LOG_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        head = _lock_head()
        first_kept = MessageLog.objects.filter(at__gte=cutoff).order_by("seq").values("seq").first()
        end = first_kept["seq"] - 1 if first_kept else head.last_seq
        waiting = (  # the package of an inbox row not applied yet is read from its entry
            InboxMessage.objects.exclude(state__in=FINISHED)
            .filter(log_seq__isnull=False)
            .order_by("log_seq")
            .values_list("log_seq", flat=True)
            .first()
        )
        if waiting is not None:
            end = min(end, waiting - 1)
        doomed = MessageLog.objects.filter(seq__lte=end).order_by("seq").defer("data")
        last: MessageLog | None = None
        for entry, wrong in _links(doomed.iterator(), head.anchor_seq + 1, head.anchor_hash):
            if wrong:
                refused = f"#{entry.seq}: {'; '.join(wrong)}"
                audit_record(
                    action="exchange.log_prune_refused",
                    obj=head,
                    actor="exchange",
                    data={"problem": refused},
                )
                return Pruned(0, head.anchor_seq, refused)
            last = entry
        if last is None:
            return Pruned(0, head.anchor_seq)
        deleted, _ = MessageLog.objects.filter(seq__lte=last.seq).delete()
        head.anchor_seq, head.anchor_hash = last.seq, last.chain_hash
        head.pruned_at = now or timezone.now()
        head.save(update_fields=["anchor_seq", "anchor_hash", "pruned_at"])
        audit_record(
            action="exchange.log_pruned",
            obj=head,
            actor="exchange",
            data={"deleted": deleted, "anchor_seq": last.seq, "days": days},
        )
    return Pruned(deleted, last.seq)
