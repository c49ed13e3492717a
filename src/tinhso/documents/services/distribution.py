"""Distribution of issued documents, and the exchange's reports about outside recipients."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.core import sql
from tinhso.core.services import audit_entry, audit_record
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


# An exchange line's delivery outcome: (recipient line id, exchange reference, ok, error).
Outcome = tuple[int, str, bool, str]


def _outcome_audit(line: Recipient, actor: Any) -> Any:
    if line.status == Status.SENT:
        return audit_entry(action="document.recipient_sent", obj=line, actor=actor or "exchange")
    return audit_entry(
        action="document.recipient_failed", obj=line, actor=actor, data={"error": line.error}
    )


def _delivery_outcomes(
    outcomes: Sequence[Outcome], *, at: datetime | None, actor: Any
) -> dict[int, Recipient]:
    """The exchange's outcomes written, in order, on the exchange lines that still wait for
    one (queued or failed), each with its audit entry; the lines written, by id (a line
    that no longer waits is left as it is). A few statements however many outcomes: one
    conditional UPDATE of the delivery fields only (the line's content is frozen with the
    document) for the lines sent and one for those failed, in the caller's transaction. The
    outbox records every delivery through here."""
    at = at or now()
    waiting, params = sql.in_list("status", _WAITING)
    where, where_params = f"channel = %s AND {waiting}", [Channel.EXCHANGE, *params]
    written: dict[int, Recipient] = {}
    pending = list(outcomes)
    while pending:  # a line told twice is written in the order told: a round each time
        seen: set[int] = set()
        this_round: list[Outcome] = []
        later: list[Outcome] = []
        for outcome in pending:
            (later if outcome[0] in seen else this_round).append(outcome)
            seen.add(outcome[0])
        sent = [
            Recipient(pk=pk, status=Status.SENT, exchange_ref=ref, error="", status_at=at)
            for pk, ref, ok, _error in this_round
            if ok
        ]
        failed = [
            Recipient(pk=pk, status=Status.FAILED, error=error[:2000], status_at=at)
            for pk, _ref, ok, error in this_round
            if not ok
        ]
        entries = []
        for lines, fields in (
            (sent, ["status", "exchange_ref", "error", "status_at"]),
            (failed, ["status", "error", "status_at"]),
        ):
            updated = set(sql.update_all(lines, fields, where=where, params=where_params))
            for line in lines:
                if line.pk in updated:
                    written[line.pk] = line
                    entries.append(_outcome_audit(line, actor))
        sql.insert(entries)
        pending = later
    return written


def _delivery_outcome(
    recipient_id: int, *, ok: bool, exchange_ref: str, error: str, at: datetime | None, actor: Any
) -> Recipient | None:
    """One outcome (`_delivery_outcomes`): the line written, or None when it no longer
    waits for one."""
    written = _delivery_outcomes([(recipient_id, exchange_ref, ok, error)], at=at, actor=actor)
    return written.get(recipient_id)


def recipients_delivered(outcomes: Sequence[Outcome]) -> list[int]:
    """The exchange's delivery listener: its outcomes, in order, on the exchange lines that
    wait for one; the ids of the lines written (a line that no longer waits, already
    reported on, is left as it is)."""
    return list(_delivery_outcomes(outcomes, at=None, actor=None))


def recipient_delivered(*, recipient_id: int, exchange_ref: str, ok: bool, error: str) -> bool:
    """One outcome (`recipients_delivered`): False, nothing written, for a line that no
    longer waits for one."""
    return bool(recipients_delivered([(recipient_id, exchange_ref, ok, error)]))


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
