"""Receiving packages: authenticate the peer, read and verify the package, check the sender
and the recipient, and accept it once: its message-log entry (with the bytes) and its
InboxMessage row in one transaction, before the answer. Applying it through the registered
handler is the apply worker's (`exchange.applying`). Every refusal here carries an LGSP error
code (domain.md §9).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from tinhso.core import sql
from tinhso.exchange import edxml, messagelog, node
from tinhso.exchange.edxml import DocumentPackage, EdxmlError, ErrorCode
from tinhso.exchange.edxml.errors import TITLES
from tinhso.exchange.models import InboxMessage, MessageLog, OutboxMessage, Peer, hash_key
from tinhso.exchange.outbox import message_id_of

logger = logging.getLogger("tinhso.exchange")


@dataclass(frozen=True)
class Answer:
    """What the inbox answers: the LGSP code, a message, and the body to send back."""

    code: ErrorCode
    message: str = ""
    element: str = ""
    body: dict[str, Any] = field(default_factory=dict)
    duplicate: bool = False

    @property
    def title(self) -> str:
        return TITLES[self.code]


def authenticate(raw_key: str | None) -> Peer | None:
    """The active peer whose API key `raw_key` is, or None."""
    if not raw_key:
        return None
    wanted = hash_key(raw_key)
    # Fixed SQL: every package received asks it (bench/README.md §8).
    found = sql.select(Peer, "WHERE key_hash = %s AND active = %s LIMIT 1", [wanted, True])
    peer = found[0] if found else None
    if peer is None or not hmac.compare_digest(peer.key_hash, wanted):
        return None
    return peer


@dataclass
class Arrival:
    """A package read and checked, before what becomes of it is written: refused (`refusal`)
    or to be accepted (`row`, not yet saved). `facts` are its message-log fields."""

    data: bytes | None
    facts: dict[str, Any]
    refusal: Answer | None = None
    row: InboxMessage | None = None
    size: int | None = None


def _refusal_entry(arrival: Arrival, peer: Peer | None) -> MessageLog:
    refusal = arrival.refusal
    assert refusal is not None
    logger.warning(
        "exchange inbox refused (%s, peer %s): %s", int(refusal.code), peer, refusal.message
    )
    detail = f"{refusal.message} ({refusal.element})" if refusal.element else refusal.message
    return messagelog.entry(
        direction=messagelog.Direction.REFUSED,
        peer=peer.name if peer else "",
        data=arrival.data,
        size=arrival.size,
        code=int(refusal.code),
        detail=detail,
        package_in=messagelog.Where.LOG if arrival.data is not None else messagelog.Where.NONE,
        **arrival.facts,
    )


def _received_entry(arrival: Arrival, peer: Peer | None) -> MessageLog:
    return messagelog.entry(
        direction=messagelog.Direction.RECEIVED,
        peer=peer.name if peer else "",
        data=arrival.data,
        detail="accepted",
        package_in=messagelog.Where.LOG,
        **arrival.facts,
    )


def _duplicate_entry(arrival: Arrival, peer: Peer | None, first: str) -> MessageLog:
    data = arrival.data or b""
    return messagelog.entry(
        direction=messagelog.Direction.DUPLICATE,
        peer=peer.name if peer else "",
        package_sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        detail=f"answered with the first result, received {first}",
        **arrival.facts,
    )


def _refused(
    refusal: Answer, *, data: bytes | None, facts: dict[str, Any] | None = None
) -> Arrival:
    return Arrival(data, facts or {}, refusal=refusal)


def _too_large(size: int) -> Arrival:
    """A package refused unread for its size: logged without its bytes."""
    return Arrival(None, {}, refusal=Answer(ErrorCode.INVALID_FILE, "package too large"), size=size)


def refuse_unread(*, peer: Peer | None, size: int) -> Answer:
    """Refuse a package too large to be read (by its announced or read size), and log it
    without its bytes (in its own transaction)."""
    return settle(_too_large(size), peer=peer)


def examine(data: bytes, *, peer: Peer | None) -> Arrival:
    """Read and check `data`, a signed package from `peer` (None: from this node itself,
    checked against its own certificate), writing nothing: its signature, its form, its
    sender (served by `peer`) and its recipients (organs of this node)."""
    certificate = node.identity().certificate if peer is None else node.peer_certificate(peer)
    limits = edxml.LIMITS
    if len(data) > limits.max_package_bytes:
        return _too_large(len(data))
    try:
        package = edxml.read(data, certificate=certificate, limits=limits)
    except EdxmlError as error:
        return _refused(Answer(error.code, error.message, error.element), data=data)
    if isinstance(package, DocumentPackage):
        kind = OutboxMessage.Kind.DOCUMENT
        sender = package.header.from_.organ_id
        targets = [to.organ_id for to in package.header.to]
        document_id = str(package.header.document_id)
    else:
        kind = OutboxMessage.Kind.STATUS
        sender = package.from_.organ_id
        targets = [package.response_for.document_id.organ_id]
        document_id = str(package.response_for.document_id)
    facts: dict[str, Any] = {
        "message_id": message_id_of(package, targets[0] if kind == "document" else ""),
        "kind": kind,
        "sender_id": sender,
        "recipient_id": ",".join(targets),
        "document_id": document_id,
    }
    if peer is not None and not peer.serves(sender):
        return _refused(
            Answer(
                ErrorCode.SENDER_NOT_REGISTERED,
                f"the sending organ {sender} is not served by peer {peer.name}",
            ),
            data=data,
            facts=facts,
        )
    local = node.local_among(targets)
    if not local:
        locked = [organ_id for organ_id in targets if node.is_locked(organ_id)]
        if locked:  # organs this node knew, now closed (abolished, merged): 23, not 18
            refusal = Answer(
                ErrorCode.RECEIVER_LOCKED,
                f"the receiving organ no longer receives: {', '.join(locked)}",
            )
        else:
            refusal = Answer(
                ErrorCode.UNKNOWN_RECEIVER,
                f"no receiving organ of this node among {', '.join(targets)}",
            )
        return _refused(refusal, data=data, facts=facts)
    message_id = message_id_of(package, local[0] if kind == OutboxMessage.Kind.DOCUMENT else "")
    facts.update(message_id=message_id, recipient_id=",".join(local))
    row = InboxMessage(
        message_id=message_id,
        kind=kind,
        sender_id=sender,
        peer=peer,
        document_id=document_id,
        recipient_id=facts["recipient_id"],
    )
    return Arrival(data, facts, row=row)


def _accepted(row: InboxMessage, entry: MessageLog) -> Answer:
    row.sha256, row.log_seq, row.next_attempt_at = entry.package_sha256, entry.seq, entry.at
    return Answer(ErrorCode.OK, "accepted", body=row.answer())


def settle(arrival: Arrival, *, peer: Peer | None) -> Answer:
    """Write what becomes of one examined package, then answer: a refusal's log entry in its
    own transaction (nothing else of the package is kept), or its acceptance, its log entry
    with the bytes and its inbox row in one transaction. A message received before is
    answered with its first row and not accepted again (also when two copies arrive at once:
    the unique message id decides)."""
    if arrival.refusal is not None:
        with transaction.atomic():
            messagelog.append_all([_refusal_entry(arrival, peer)])
        return arrival.refusal
    row = arrival.row
    assert row is not None
    try:  # a repeat fails on the unique message id, and its log entry is rolled back
        with transaction.atomic():
            entry = messagelog.append_all([_received_entry(arrival, peer)])[0]
            answer = _accepted(row, entry)
            sql.insert([row])  # fixed SQL: the hot path of every package received
    except IntegrityError:
        first = InboxMessage.objects.filter(message_id=row.message_id).first()
        if first is None:  # not the unique id (cannot happen while the log head is locked)
            logger.exception("exchange inbox: integrity error accepting %s", row.message_id)
            failed = Answer(ErrorCode.SYSTEM_ERROR, "could not accept the package")
            return settle(_refused(failed, data=arrival.data, facts=arrival.facts), peer=peer)
        with transaction.atomic():
            messagelog.append_all([_duplicate_entry(arrival, peer, first.received_at.isoformat())])
        return Answer(ErrorCode.OK, "duplicate", body=first.answer(), duplicate=True)
    return answer


def receive(*, data: bytes, peer: Peer | None) -> Answer:
    """Accept `data`, a signed package from `peer` (None: from this node itself): verified,
    logged with its bytes and written as an `accepted` inbox row in one transaction, then
    answered; the apply worker hands it to its handler later (`exchange.applying`). Nothing
    is stored unless it is accepted but the refusal's log entry; a repeat is answered with
    the first result."""
    return settle(examine(data, peer=peer), peer=peer)


def _settle_together(arrivals: Sequence[Arrival], peer: Peer | None) -> list[Answer]:
    """One transaction for all of `arrivals`: the repeats found first (rows received before,
    or earlier in the same batch), then every log entry under one lock of the log head, and
    the accepted rows by one insert. Raises IntegrityError if a copy was accepted meanwhile
    by another request (the caller settles each on its own then)."""
    wanted = [a.row.message_id for a in arrivals if a.row is not None]
    firsts = InboxMessage.objects.in_bulk(wanted, field_name="message_id") if wanted else {}
    entries: list[MessageLog] = []
    accepted: dict[Any, InboxMessage] = {}
    for arrival in arrivals:
        row = arrival.row
        if arrival.refusal is not None or row is None:
            entries.append(_refusal_entry(arrival, peer))
        elif row.message_id in firsts or row.message_id in accepted:
            first = firsts.get(row.message_id)
            when = first.received_at.isoformat() if first else "earlier in the same batch"
            entries.append(_duplicate_entry(arrival, peer, when))
        else:
            accepted[row.message_id] = row
            entries.append(_received_entry(arrival, peer))
    messagelog.append_all(entries)
    answers: list[Answer] = []
    for arrival, entry in zip(arrivals, entries, strict=True):
        row = arrival.row
        if arrival.refusal is not None or row is None:
            answers.append(arrival.refusal or Answer(ErrorCode.SYSTEM_ERROR))
        elif entry.direction == messagelog.Direction.DUPLICATE:
            first = firsts.get(row.message_id) or accepted[row.message_id]
            answers.append(Answer(ErrorCode.OK, "duplicate", body=first.answer(), duplicate=True))
        else:
            answers.append(_accepted(row, entry))
    sql.insert(list(accepted.values()))
    return answers


def receive_many(datas: Sequence[bytes], *, peer: Peer) -> list[Answer]:
    """`receive` for several packages from `peer` at once (a Tỉnh Số peer's batch), answered
    in their order: each is read and checked on its own, then what becomes of all of them
    is written in one transaction (one lock of the log head for all), or, if that fails on a
    copy accepted meanwhile, each in its own as `receive` writes it."""
    arrivals = [examine(data, peer=peer) for data in datas]
    try:
        with transaction.atomic():
            return _settle_together(arrivals, peer)
    except IntegrityError:
        logger.info("exchange inbox: a batch met a copy accepted meanwhile, settled one by one")
        for arrival in arrivals:
            if arrival.row is not None:  # back to unsaved, as `examine` made it
                arrival.row.pk = None
        return [settle(arrival, peer=peer) for arrival in arrivals]
