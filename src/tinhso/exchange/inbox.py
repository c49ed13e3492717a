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
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from tinhso.core import sql
from tinhso.exchange import edxml, messagelog, node
from tinhso.exchange.edxml import DocumentPackage, EdxmlError, ErrorCode
from tinhso.exchange.edxml.errors import TITLES
from tinhso.exchange.models import InboxMessage, OutboxMessage, Peer, hash_key
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


def _refuse(
    code: ErrorCode,
    message: str,
    *,
    element: str = "",
    peer: Peer | None,
    data: bytes | None = None,
    size: int | None = None,
    facts: dict[str, Any] | None = None,
) -> Answer:
    """Answer a refusal and log it (in its own transaction: nothing of the package is kept
    but the log entry, with the bytes when they were read)."""
    logger.warning("exchange inbox refused (%s, peer %s): %s", int(code), peer, message)
    detail = f"{message} ({element})" if element else message
    with transaction.atomic():
        messagelog.append(
            direction=messagelog.Direction.REFUSED,
            peer=peer.name if peer else "",
            data=data,
            size=size,
            code=int(code),
            detail=detail,
            package_in=messagelog.Where.LOG if data is not None else messagelog.Where.NONE,
            **(facts or {}),
        )
    return Answer(code, message, element)


def refuse_unread(*, peer: Peer | None, size: int) -> Answer:
    """Refuse a package too large to be read (by its announced or read size), and log it
    without its bytes."""
    return _refuse(ErrorCode.INVALID_FILE, "package too large", peer=peer, size=size)


def _duplicate(
    first: InboxMessage, data: bytes, peer: Peer | None, facts: dict[str, Any]
) -> Answer:
    with transaction.atomic():
        messagelog.append(
            direction=messagelog.Direction.DUPLICATE,
            peer=peer.name if peer else "",
            package_sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            detail=f"answered with the first result, received {first.received_at.isoformat()}",
            **facts,
        )
    return Answer(ErrorCode.OK, "duplicate", body=first.answer(), duplicate=True)


def receive(*, data: bytes, peer: Peer | None) -> Answer:
    """Accept `data`, a signed package from `peer` (None: from this node itself, checked
    against its own certificate): verified, logged with its bytes and written as an
    `accepted` inbox row in one transaction, then answered; the apply worker hands it to its
    handler later (`exchange.applying`). Nothing is stored unless it is accepted; a message
    received before is answered with its first row and not accepted again (also when two
    copies arrive at once: the unique message id decides)."""
    certificate = node.identity().certificate if peer is None else node.peer_certificate(peer)
    limits = edxml.LIMITS
    if len(data) > limits.max_package_bytes:
        return refuse_unread(peer=peer, size=len(data))
    try:
        package = edxml.read(data, certificate=certificate, limits=limits)
    except EdxmlError as error:
        return _refuse(error.code, error.message, element=error.element, peer=peer, data=data)
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
        return _refuse(
            ErrorCode.SENDER_NOT_REGISTERED,
            f"the sending organ {sender} is not served by peer {peer.name}",
            peer=peer,
            data=data,
            facts=facts,
        )
    local = node.local_among(targets)
    if not local:
        locked = [organ_id for organ_id in targets if node.is_locked(organ_id)]
        if locked:  # organs this node knew, now closed (abolished, merged): 23, not 18
            return _refuse(
                ErrorCode.RECEIVER_LOCKED,
                f"the receiving organ no longer receives: {', '.join(locked)}",
                peer=peer,
                data=data,
                facts=facts,
            )
        return _refuse(
            ErrorCode.UNKNOWN_RECEIVER,
            f"no receiving organ of this node among {', '.join(targets)}",
            peer=peer,
            data=data,
            facts=facts,
        )
    message_id = message_id_of(package, local[0] if kind == OutboxMessage.Kind.DOCUMENT else "")
    facts.update(message_id=message_id, recipient_id=",".join(local))
    try:  # a repeat fails on the unique message id, and its log entry is rolled back
        with transaction.atomic():
            entry = messagelog.append(
                direction=messagelog.Direction.RECEIVED,
                peer=peer.name if peer else "",
                data=data,
                detail="accepted",
                package_in=messagelog.Where.LOG,
                **facts,
            )
            row = InboxMessage(
                message_id=message_id,
                kind=kind,
                sender_id=sender,
                peer=peer,
                document_id=document_id,
                recipient_id=facts["recipient_id"],
                sha256=entry.package_sha256,
                log_seq=entry.seq,
                next_attempt_at=entry.at,
            )
            sql.insert([row])  # fixed SQL: the hot path of every package received
    except IntegrityError:
        first = InboxMessage.objects.filter(message_id=message_id).first()
        if first is None:  # not the unique id (cannot happen while the log head is locked)
            logger.exception("exchange inbox: integrity error accepting %s", message_id)
            return _refuse(
                ErrorCode.SYSTEM_ERROR,
                "could not accept the package",
                peer=peer,
                data=data,
                facts=facts,
            )
        return _duplicate(first, data, peer, facts)
    return Answer(ErrorCode.OK, "accepted", body=row.answer())
