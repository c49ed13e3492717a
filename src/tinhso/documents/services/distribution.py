"""Distribution of issued documents, and the exchange's reports about outside recipients."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.core import sql
from tinhso.core.services import audit_record
from tinhso.directory.permissions import Action as Permission
from tinhso.documents import hooks
from tinhso.documents.models import Document, Recipient
from tinhso.documents.services.common import DocumentError, lock, now, record, require
from tinhso.documents.services.incoming import arrive_internal
from tinhso.documents.services.takeback import replace_delivered
from tinhso.documents.states import STATUS_CODES, OutgoingAction, OutgoingState, outgoing_next

Channel, Status = Recipient.Channel, Recipient.Status


@transaction.atomic
def distribute(*, document: Document, actor: Any, version: int | None = None) -> Document:
    """Send an issued document to every recipient line not yet served, in this transaction:
    an organ of this platform receives it as incoming at once (status 01); an outside organ is
    queued for the exchange (status "queued"; the registered dispatchers are called on commit);
    a paper-only recipient is marked for the post. A document that replaces an earlier one
    revokes what the earlier one delivered to the same organs of this platform.

    Raises IllegalTransition unless issued, PermissionError for anyone but the organ's clerk,
    DocumentError when every recipient was served already."""
    document = lock(document, version)
    from_state = document.state
    outgoing_next(OutgoingState(from_state), OutgoingAction.DISTRIBUTE)
    require(actor, Permission.REGISTER_DOCUMENT, document.organ)
    pending = list(
        document.recipients.filter(status=Status.PENDING).select_related("organ", "document")
    )
    if not pending:
        raise DocumentError({"recipients": [_("Văn bản đã được gửi đến mọi nơi nhận.")]})
    at = now()
    counts = {Channel.INTERNAL: 0, Channel.EXCHANGE: 0, Channel.PAPER: 0}
    for line in pending:
        counts[Channel(line.channel)] += 1
        changes: dict[str, Any] = {"status_at": at}
        if line.channel == Channel.INTERNAL:
            line.document = document
            incoming = arrive_internal(recipient=line, actor=actor, at=at)
            replace_delivered(document=document, line=line, incoming=incoming, actor=actor, at=at)
            changes.update(status=Status.DELIVERED, status_code=STATUS_CODES["arrived"])
        elif line.channel == Channel.EXCHANGE:
            changes["status"] = Status.QUEUED
            hooks.queue_for_exchange(line.pk)
        else:
            changes["status"] = Status.PAPER
        # Only delivery fields change: the line's content is frozen with the document.
        Recipient.objects.filter(pk=line.pk).update(**changes)
    document.distributed_at = document.distributed_at or at
    record(
        document,
        action=OutgoingAction.DISTRIBUTE,
        from_state=from_state,
        actor=actor,
        at=at,
        data={channel.value: n for channel, n in counts.items()},
    )
    return document


def _lock_line(recipient: Recipient) -> Recipient:
    line = Recipient.objects.select_for_update().get(pk=recipient.pk)
    if line.channel != Channel.EXCHANGE:
        raise DocumentError({"recipient": [_("Nơi nhận này không gửi qua trục liên thông.")]})
    return line


_WAITING = (Status.QUEUED, Status.FAILED)


def _delivery_outcome(
    recipient_id: int, *, ok: bool, exchange_ref: str, error: str, at: datetime | None, actor: Any
) -> Recipient | None:
    """The exchange's outcome written on the exchange line `recipient_id` if it still waits
    for one (queued or failed), with its audit entry; None when it does not (nothing
    written). One conditional UPDATE of the delivery fields only (the line's content is
    frozen with the document), in the caller's transaction: the outbox records every
    delivery through here."""
    line = Recipient(pk=recipient_id)
    if ok:
        line.status, line.exchange_ref, line.error = Status.SENT, exchange_ref, ""
        fields = ["status", "exchange_ref", "error", "status_at"]
    else:
        line.status, line.error = Status.FAILED, error[:2000]
        fields = ["status", "error", "status_at"]
    line.status_at = at or now()
    waiting, params = sql.in_list("status", _WAITING)
    if not sql.update(
        line, fields, where=f"channel = %s AND {waiting}", params=[Channel.EXCHANGE, *params]
    ):
        return None
    if ok:
        audit_record(action="document.recipient_sent", obj=line, actor=actor or "exchange")
    else:
        audit_record(
            action="document.recipient_failed", obj=line, actor=actor, data={"error": error}
        )
    return line


def recipient_delivered(*, recipient_id: int, exchange_ref: str, ok: bool, error: str) -> bool:
    """The exchange's delivery listener: its outcome on an exchange line that waits for one;
    False, nothing written, for a line that no longer waits (already reported on)."""
    written = _delivery_outcome(
        recipient_id, ok=ok, exchange_ref=exchange_ref, error=error, at=None, actor=None
    )
    return written is not None


def _delivered_or_refuse(line: Recipient | None, recipient: Recipient) -> Recipient:
    if line is not None:
        return Recipient.objects.get(pk=line.pk)
    _lock_line(recipient)  # refuses a line of another channel
    raise DocumentError({"recipient": [_("Nơi nhận này không chờ gửi.")]})


@transaction.atomic
def recipient_mark_sent(
    *, recipient: Recipient, exchange_ref: str, at: datetime | None = None, actor: Any = None
) -> Recipient:
    """The exchange sent the package to an outside recipient (queued or failed before)."""
    line = _delivery_outcome(
        recipient.pk, ok=True, exchange_ref=exchange_ref, error="", at=at, actor=actor
    )
    return _delivered_or_refuse(line, recipient)


@transaction.atomic
def recipient_mark_failed(*, recipient: Recipient, error: str, actor: Any = None) -> Recipient:
    """The exchange could not send to an outside recipient; it stays to be retried."""
    line = _delivery_outcome(
        recipient.pk, ok=False, exchange_ref="", error=error, at=None, actor=actor
    )
    return _delivered_or_refuse(line, recipient)


@transaction.atomic
def recipient_status_update(
    *,
    recipient: Recipient,
    code: str,
    at: datetime | None = None,
    actor: Any = None,
    note: str = "",
) -> Recipient:
    """An outside receiver reported its handling status (QCVN 102 code 01–06), with its
    description (`note`: a refusal's reason), which replaces the previous status's."""
    line = _lock_line(recipient)
    if code not in STATUS_CODES.values():
        raise DocumentError({"code": [_("Mã trạng thái không hợp lệ.")]})
    line.status_code, line.status_at, line.status_note = code, at or now(), note.strip()
    Recipient.objects.filter(pk=line.pk).update(
        status_code=code, status_at=line.status_at, status_note=line.status_note
    )
    audit_record(action="document.recipient_status", obj=line, actor=actor, data={"code": code})
    return line
