"""Taking issued documents back, as Decree 30 allows: an issued document never changes, so it
is revoked (thu hồi) or replaced (thay thế) by a newer one; on the exchange a sender may also
update (cập nhật) what it sent of the same document.

Sender side: `take_back` asks every recipient that received the document to take it back
(organs of this platform at once; outside organs through the take-back writers, i.e. the
exchange's revoke package) and `take_back_answer` records a receiver's answer (QCVN 102 15
agreed, 16 refused) on the recipient line. A replacing document revokes, on distribution,
what its predecessor delivered to the same organ (`replace_delivered`).

Receiving side: `revoke_incoming` marks an incoming document revoked (or replaced); it keeps
its number and its place in the register and leaves the work queues; `update_incoming`
applies a sender's corrected metadata and files as new versions, with the previous values in
the history. Nothing is ever deleted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tinhso.core.services import audit_record
from tinhso.directory.models import Organ
from tinhso.directory.permissions import Action as Permission
from tinhso.documents import hooks
from tinhso.documents.models import (
    CorrectionKind,
    Document,
    DocumentFile,
    IncomingDocument,
    Recipient,
)
from tinhso.documents.services.common import (
    DocumentError,
    check_upload,
    lock,
    now,
    record,
    require,
    store_file,
)
from tinhso.documents.states import OutgoingState
from tinhso.documents.types import Urgency

Channel, Status = Recipient.Channel, Recipient.Status
ASKED, AGREED, REFUSED = "13", "15", "16"  # QCVN 102 status codes of a take-back
TAKE_BACK = "take_back"  # the outgoing document's history entry
REVOKED, REPLACED, UPDATED = "revoked", "replaced", "update_received"  # incoming entries
UPDATABLE = ("summary", "type_name", "signer_name", "urgency")


def revoke_incoming(
    *,
    incoming: IncomingDocument,
    reason: str,
    at: datetime,
    actor: Any = None,
    replaced_by: IncomingDocument | None = None,
) -> bool:
    """Mark `incoming` revoked by its sender (replaced by `replaced_by` when given), in the
    caller's transaction, with a history entry. It keeps its number and state; the work
    queues and the steps leave it. Returns False, writing nothing, when it was revoked
    already (a repeat)."""
    incoming = IncomingDocument.objects.select_for_update().get(pk=incoming.pk)
    if incoming.revoked_at is not None:
        return False
    reason = reason.strip() or _("Cơ quan gửi thu hồi văn bản.")
    incoming.revoked_at, incoming.revocation_reason = at, reason
    incoming.replaced_by = replaced_by
    record(
        incoming,
        action=REPLACED if replaced_by is not None else REVOKED,
        from_state=incoming.state,
        actor=actor,
        at=at,
        note=reason,
        data={"replaced_by": replaced_by.pk} if replaced_by is not None else {},
    )
    return True


def received_as(*, organ: Organ, organ_id: str, on: date, notation: str) -> list[IncomingDocument]:
    """The incoming documents of `organ` that are the document `notation` of `on` issued by
    the organ `organ_id` (how a DocumentId names it), oldest first."""
    return list(
        IncomingDocument.objects.filter(
            organ=organ, sender_identifier=organ_id, sender_date=on, sender_notation=notation[:60]
        ).order_by("pk")
    )


def update_incoming(
    *,
    incoming: IncomingDocument,
    changes: Mapping[str, str],
    files: Sequence[tuple[str, bytes]],
    reason: str,
    at: datetime,
) -> IncomingDocument:
    """Apply its sender's update to `incoming`, in the caller's transaction: the metadata of
    `UPDATABLE` that changed (blank values are ignored) and each file as a new received
    version (earlier files stay). The history entry keeps the previous values and the new
    files. Raises DocumentError for a revoked document or a refused file (nothing written)."""
    incoming = lock(incoming, None)
    if incoming.revoked_at is not None:
        raise DocumentError({"incoming": [_("Văn bản đến đã bị thu hồi, không cập nhật được.")]})
    checked = [
        (name, data, check_upload(name, data, field=f"files.{i}").content_type)
        for i, (name, data) in enumerate(files)
    ]
    before: dict[str, str] = {}
    for name in UPDATABLE:
        value = (changes.get(name) or "").strip()
        if name == "urgency" and value not in {u.value for u in Urgency}:
            continue
        if value and getattr(incoming, name) != value:
            before[name] = getattr(incoming, name)
            setattr(incoming, name, value)
    stored = [
        store_file(
            owner=incoming,
            kind=DocumentFile.Kind.RECEIVED,
            name=name,
            data=data,
            content_type=content_type,
            actor=None,
        ).pk
        for name, data, content_type in checked
    ]
    record(
        incoming,
        action=UPDATED,
        from_state=incoming.state,
        actor=None,
        at=at,
        note=reason.strip(),
        data={"before": before, "files": stored},
    )
    return incoming


@transaction.atomic
def take_back(
    *, document: Document, actor: Any, reason: str, version: int | None = None
) -> Document:
    """The issuing organ's clerk revokes a sent document: every recipient that received it
    and was not asked yet is asked to take it back, with `reason`, in this transaction. An
    organ of this platform does it at once (its incoming document is revoked, the line says
    15); an outside organ gets the exchange's revoke package (the take-back writers; the
    line says 13 until its answer). The document itself never changes; its history says
    who asked and why. A repeat, once every line was asked, changes nothing.

    Raises PermissionError for anyone but the organ's clerk, DocumentError naming `reason`
    (required) or `document` (not issued, not sent) or `recipients` (nobody received it),
    Conflict when `version` is stale."""
    document = lock(document, version)
    require(actor, Permission.REGISTER_DOCUMENT, document.organ)
    if document.state != OutgoingState.ISSUED or document.distributed_at is None:
        raise DocumentError({"document": [_("Chỉ thu hồi được văn bản đã ban hành và đã gửi đi.")]})
    reason = reason.strip()
    if not reason:
        raise DocumentError({"reason": [_("Cần ghi rõ lý do thu hồi văn bản.")]})
    received = list(
        document.recipients.filter(
            Q(channel=Channel.EXCHANGE, status=Status.SENT)
            | Q(channel=Channel.INTERNAL, status=Status.DELIVERED)
        ).order_by("order", "pk")
    )
    if not received:
        raise DocumentError(
            {"recipients": [_("Văn bản chưa đến nơi nhận nào nên không có gì để thu hồi.")]}
        )
    todo = [line for line in received if not line.take_back_code]
    if not todo:
        return document
    at = now()
    counts = {Channel.INTERNAL.value: 0, Channel.EXCHANGE.value: 0}
    for line in todo:
        if line.channel == Channel.INTERNAL:
            for incoming in IncomingDocument.objects.filter(origin_recipient=line):
                revoke_incoming(incoming=incoming, reason=reason, at=at, actor=actor)
            code = AGREED
        else:
            hooks.queue_take_back(line.pk, reason)
            code = ASKED
        Recipient.objects.filter(pk=line.pk).update(
            take_back_code=code, take_back_at=at, take_back_note=reason
        )
        counts[line.channel] += 1
    record(
        document,
        action=TAKE_BACK,
        from_state=document.state,
        actor=actor,
        at=at,
        note=reason,
        data=counts,
    )
    return document


def replace_delivered(
    *, document: Document, line: Recipient, incoming: IncomingDocument, actor: Any, at: datetime
) -> None:
    """On the distribution of `document` that replaces an earlier one, the earlier one's
    deliveries to the same organ of this platform are revoked, pointing at `incoming` (the
    new delivery), and the earlier document's line says 15 (the receiver agreed)."""
    earlier = document.corrects
    if earlier is None or document.correction_kind != CorrectionKind.REPLACE:
        return
    reason = _("Được thay thế bởi văn bản %(n)s: %(s)s") % {
        "n": document.notation,
        "s": document.summary,
    }
    previous = IncomingDocument.objects.filter(origin=earlier, organ_id=line.organ_id)
    for delivered in previous.exclude(pk=incoming.pk):
        revoke_incoming(incoming=delivered, reason=reason, at=at, actor=actor, replaced_by=incoming)
        if delivered.origin_recipient_id:
            Recipient.objects.filter(pk=delivered.origin_recipient_id).update(
                take_back_code=AGREED, take_back_at=at, take_back_note=reason
            )


@transaction.atomic
def take_back_answer(
    *, recipient: Recipient, code: str, at: datetime | None = None, note: str = ""
) -> Recipient:
    """An outside receiver answered a take-back (revoke, replacement or update) of the
    document on `recipient`: 15 agreed, 16 refused (with its description in `note`).
    Raises DocumentError for another code."""
    if code not in (AGREED, REFUSED):
        raise DocumentError({"code": [_("Mã trạng thái thu hồi phải là 15 hoặc 16.")]})
    line = Recipient.objects.select_for_update().get(pk=recipient.pk)
    line.take_back_code, line.take_back_at = code, at or now()
    line.take_back_note = note.strip() or line.take_back_note
    Recipient.objects.filter(pk=line.pk).update(
        take_back_code=code, take_back_at=line.take_back_at, take_back_note=line.take_back_note
    )
    audit_record(
        action="document.recipient_take_back", obj=line, actor="exchange", data={"code": code}
    )
    return line
