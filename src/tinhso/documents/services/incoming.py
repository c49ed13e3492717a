"""Incoming documents: arrival (internal, exchange, paper), registration, assignment,
handling, completion, refusal and reply. Every step writes its QCVN 102 status (01–06) to the
history, to the sender's recipient line when the sender is an organ of this platform, and to
the status listeners (the exchange) once committed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tinhso.core import sql
from tinhso.core.codes import CodeError, validate_qcvn102
from tinhso.directory.models import Official, Organ
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can
from tinhso.documents import hooks
from tinhso.documents.models import Document, DocumentFile, IncomingDocument, Recipient
from tinhso.documents.search import indexing
from tinhso.documents.services.common import (
    DocumentError,
    calendar,
    check_upload,
    lock,
    now,
    record,
    refuse_classified,
    require,
    store_file,
    take_number,
)
from tinhso.documents.services.drafting import RecipientSpec, draft_create
from tinhso.documents.states import (
    IncomingAction,
    IncomingState,
    incoming_next,
    status_code,
)
from tinhso.documents.types import Confidentiality, Urgency

A = IncomingAction
MAX_DEADLINE_DAYS = 365


def _announce(incoming: IncomingDocument, at: datetime) -> None:
    """Report the incoming document's status: on the sender's recipient line (an organ of this
    platform) now, to the status listeners (the exchange) on commit."""
    code = status_code(IncomingState(incoming.state))
    if incoming.origin_recipient_id:
        Recipient.objects.filter(pk=incoming.origin_recipient_id).update(
            status_code=code, status_at=at
        )
    hooks.announce_status(incoming.pk, code)


def _step(
    incoming: IncomingDocument,
    action: str,
    actor: Any,
    at: datetime,
    *,
    from_state: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    index: bool = True,
) -> None:
    record(
        incoming,
        action=action,
        from_state=from_state,
        actor=actor,
        at=at,
        note=note,
        data=data,
        index=index,
    )
    _announce(incoming, at)


def _not_revoked(incoming: IncomingDocument) -> None:
    """A document its sender took back (revoked or replaced) takes no further step."""
    if incoming.revoked_at is not None:
        raise DocumentError(
            {
                "incoming": [
                    _("Văn bản đến đã bị cơ quan gửi thu hồi: %(r)s")
                    % {"r": incoming.revocation_reason}
                ]
            }
        )


def _check_files(files: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes, str]]:
    checked = []
    for i, (name, data) in enumerate(files):
        checked.append((name, data, check_upload(name, data, field=f"files.{i}").content_type))
    return checked


def _store_files(
    incoming: IncomingDocument,
    checked: list[tuple[str, bytes, str]],
    actor: Any,
    *,
    index: bool = True,
) -> None:
    """Store the checked files of `incoming`, a document that has just arrived (so these are
    all its files); the search entry is rewritten once, after the last, without reading them
    back (unless `index` is False: a step that follows in the transaction indexes it)."""
    stored = [
        store_file(
            owner=incoming,
            kind=DocumentFile.Kind.RECEIVED,
            name=name,
            data=data,
            content_type=content_type,
            actor=actor,
            index=False,
        )
        for name, data, content_type in checked
    ]
    if checked and index:
        indexing.index(incoming, received=stored)


def arrive_internal(*, recipient: Recipient, actor: Any, at: datetime) -> IncomingDocument:
    """The issued document reaches an organ of this platform (call inside the distribution):
    an incoming document in state 01 arrived, pointing at its origin; the files are the
    origin's, not copied."""
    document = recipient.document
    signer = document.signer
    incoming = IncomingDocument(
        organ=recipient.organ,
        source=IncomingDocument.Source.INTERNAL,
        origin=document,
        origin_recipient=recipient,
        sender_name=document.organ.name,
        sender_identifier=document.organ.identifier(),
        sender_notation=document.notation,
        sender_date=document.issued_on,
        type_name=document.type_name,
        summary=document.summary,
        signer_name=(signer.user.full_name or str(signer.user)) if signer else "",
        urgency=document.urgency,
        arrived_at=at,
    )
    _step(incoming, "arrive", actor, at, from_state="")
    return incoming


def _check_sender(sender_name: str, sender_identifier: str, summary: str) -> None:
    errors: dict[str, list[str]] = {}
    if not sender_name.strip():
        errors["sender_name"] = [_("Cần ghi cơ quan gửi.")]
    if sender_identifier:
        try:
            validate_qcvn102(sender_identifier)
        except CodeError:
            errors["sender_identifier"] = [_("Mã định danh cơ quan gửi không đúng QCVN 102.")]
    if not summary.strip():
        errors["summary"] = [_("Trích yếu nội dung không được để trống.")]
    if errors:
        raise DocumentError(errors)


def receive_from_exchange(
    *,
    organ: Organ,
    exchange_ref: str,
    sender_name: str,
    summary: str,
    sender_identifier: str = "",
    sender_notation: str = "",
    sender_date: date | None = None,
    type_name: str = "",
    signer_name: str = "",
    urgency: str = Urgency.NORMAL,
    confidentiality: str = Confidentiality.NONE,
    files: Sequence[tuple[str, bytes]] = (),
) -> tuple[IncomingDocument, bool]:
    """A document from the national exchange arrives (status 01). Idempotent on
    (`organ`, `exchange_ref`): a package received twice, even at once, gives the first
    document and False. Raises DocumentError (classified content, bad sender, refused file)
    before writing anything."""
    refuse_classified(confidentiality, field="confidentiality")
    existing = sql.fetch_one(  # fixed SQL: asked for every package applied
        f"SELECT id FROM {sql.table(IncomingDocument)} WHERE organ_id = %s AND exchange_ref = %s",  # noqa: S608
        [organ.pk, exchange_ref],
    )
    if existing is not None:
        return IncomingDocument.objects.get(pk=existing[0]), False
    if not exchange_ref.strip():
        raise DocumentError({"exchange_ref": [_("Thiếu mã gói tin.")]})
    _check_sender(sender_name, sender_identifier, summary)
    checked = _check_files(files)
    try:
        with transaction.atomic():
            at = now()
            incoming = IncomingDocument(
                organ=organ,
                source=IncomingDocument.Source.EXCHANGE,
                exchange_ref=exchange_ref,
                sender_name=sender_name.strip(),
                sender_identifier=sender_identifier,
                sender_notation=sender_notation.strip(),
                sender_date=sender_date,
                type_name=type_name.strip(),
                summary=summary.strip(),
                signer_name=signer_name.strip(),
                urgency=urgency,
                arrived_at=at,
            )
            _step(incoming, "arrive", None, at, from_state="", index=not checked)
            _store_files(incoming, checked, None)  # indexed once, with the files' text
    except IntegrityError:
        return IncomingDocument.objects.get(organ=organ, exchange_ref=exchange_ref), False
    return incoming, True


@transaction.atomic
def receive_paper(
    *,
    organ: Organ,
    actor: Any,
    sender_name: str,
    summary: str,
    sender_identifier: str = "",
    sender_notation: str = "",
    sender_date: date | None = None,
    type_name: str = "",
    signer_name: str = "",
    urgency: str = Urgency.NORMAL,
    confidentiality: str = Confidentiality.NONE,
    files: Sequence[tuple[str, bytes]] = (),
    register: bool = True,
) -> IncomingDocument:
    """The clerk records a document that arrived on paper, with its scan (DOCX/PDF), and by
    default registers it at once (status 03). A classified one is a register entry only: a
    file for it is refused. Raises PermissionError, DocumentError by field; writes nothing
    then."""
    require(actor, Permission.REGISTER_DOCUMENT, organ)
    if confidentiality not in {c.value for c in Confidentiality}:
        raise DocumentError({"confidentiality": [_("Độ mật không hợp lệ.")]})
    if urgency not in {u.value for u in Urgency}:
        raise DocumentError({"urgency": [_("Độ khẩn không hợp lệ.")]})
    if files:
        refuse_classified(confidentiality, field="files")
    _check_sender(sender_name, sender_identifier, summary)
    checked = _check_files(files)
    at = now()
    incoming = IncomingDocument(
        organ=organ,
        source=IncomingDocument.Source.SCAN,
        sender_name=sender_name.strip(),
        sender_identifier=sender_identifier,
        sender_notation=sender_notation.strip(),
        sender_date=sender_date,
        type_name=type_name.strip(),
        summary=summary.strip(),
        signer_name=signer_name.strip(),
        urgency=urgency,
        confidentiality=confidentiality,
        arrived_at=at,
    )
    # The search entry written once, by the last write of the transaction.
    _step(incoming, "arrive", actor, at, from_state="", index=not (checked or register))
    _store_files(incoming, checked, actor, index=not register)
    if register:
        _register(incoming, actor, at)
    return incoming


def _register(incoming: IncomingDocument, actor: Any, at: datetime) -> None:
    from_state = incoming.state
    incoming.state = incoming_next(IncomingState(from_state), A.REGISTER)
    register, number = take_number(
        organ=incoming.organ, kind="incoming", classified=incoming.classified, at=at
    )
    incoming.register, incoming.number = register, number
    incoming.registered_at, incoming.registered_by = at, actor
    _step(incoming, A.REGISTER, actor, at, from_state=from_state, data={"number": number})


@transaction.atomic
def register_incoming(
    *, incoming: IncomingDocument, actor: Any, version: int | None = None
) -> IncomingDocument:
    """The clerk registers an arrived document: the next number of the organ's incoming
    register for the year (classified ones in their own series), status 03. Raises
    IllegalTransition unless arrived, PermissionError for anyone but the organ's clerk."""
    incoming = lock(incoming, version)
    _not_revoked(incoming)
    incoming_next(IncomingState(incoming.state), A.REGISTER)
    require(actor, Permission.REGISTER_DOCUMENT, incoming.organ)
    _register(incoming, actor, now())
    return incoming


@transaction.atomic
def assign(
    *,
    incoming: IncomingDocument,
    actor: Any,
    assignee: Official,
    deadline_days: int | None = None,
    note: str = "",
    version: int | None = None,
) -> IncomingDocument:
    """A leader assigns a registered document (or reassigns it) to an official who handles
    documents of the organ, with a deadline of `deadline_days` working days on the organ's
    calendar (none when None), status 04. Raises IllegalTransition, PermissionError,
    DocumentError naming `assignee` or `deadline_days`."""
    incoming = lock(incoming, version)
    _not_revoked(incoming)
    from_state = incoming.state
    new_state = incoming_next(IncomingState(from_state), A.ASSIGN)
    require(actor, Permission.ASSIGN_DOCUMENT, incoming.organ)
    errors: dict[str, list[str]] = {}
    if not assignee.is_active or not can(assignee.user, Permission.HANDLE_DOCUMENT, incoming.organ):
        errors["assignee"] = [_("Người được phân công phải là người xử lý văn bản của cơ quan.")]
    if deadline_days is not None and not 1 <= deadline_days <= MAX_DEADLINE_DAYS:
        errors["deadline_days"] = [
            _("Thời hạn xử lý từ 1 đến %(n)s ngày làm việc.") % {"n": MAX_DEADLINE_DAYS}
        ]
    if errors:
        raise DocumentError(errors)
    at = now()
    incoming.assignee, incoming.assigned_by, incoming.assigned_at = assignee, actor, at
    incoming.deadline_days = deadline_days
    incoming.handling_deadline = (
        calendar(incoming.organ, at).due(at, working_days=deadline_days) if deadline_days else None
    )
    incoming.state = new_state
    _step(
        incoming,
        A.ASSIGN,
        actor,
        at,
        from_state=from_state,
        note=note,
        data={"assignee": assignee.pk, "deadline_days": deadline_days},
    )
    return incoming


def _require_handler(actor: Any, incoming: IncomingDocument) -> None:
    """The assignee, or a leader who assigns the organ's documents."""
    assignee = incoming.assignee
    if assignee is not None and assignee.user_id == getattr(actor, "pk", None):
        require(actor, Permission.HANDLE_DOCUMENT, incoming.organ)
        return
    if not can(actor, Permission.ASSIGN_DOCUMENT, incoming.organ):
        raise PermissionError(_("Văn bản này được giao cho người khác xử lý."))


@transaction.atomic
def start_handling(
    *, incoming: IncomingDocument, actor: Any, version: int | None = None
) -> IncomingDocument:
    """The assignee starts handling (status 05)."""
    incoming = lock(incoming, version)
    _not_revoked(incoming)
    from_state = incoming.state
    incoming.state = incoming_next(IncomingState(from_state), A.START)
    _require_handler(actor, incoming)
    _step(incoming, A.START, actor, now(), from_state=from_state)
    return incoming


@transaction.atomic
def complete(
    *, incoming: IncomingDocument, actor: Any, note: str = "", version: int | None = None
) -> IncomingDocument:
    """The assignee completes the handling (status 06), with what was done (`note`)."""
    incoming = lock(incoming, version)
    _not_revoked(incoming)
    from_state = incoming.state
    incoming.state = incoming_next(IncomingState(from_state), A.COMPLETE)
    _require_handler(actor, incoming)
    at = now()
    incoming.completed_at, incoming.result_note = at, note.strip()
    _step(incoming, A.COMPLETE, actor, at, from_state=from_state, note=note)
    return incoming


@transaction.atomic
def refuse(
    *, incoming: IncomingDocument, actor: Any, reason: str, version: int | None = None
) -> IncomingDocument:
    """The clerk (or a leader) refuses a document sent to the wrong organ or unfit to
    receive (status 02); the reason is required and reported to the sender."""
    incoming = lock(incoming, version)
    _not_revoked(incoming)
    from_state = incoming.state
    incoming.state = incoming_next(IncomingState(from_state), A.REFUSE)
    if not can(actor, Permission.ASSIGN_DOCUMENT, incoming.organ):
        require(actor, Permission.REGISTER_DOCUMENT, incoming.organ)
    if not reason.strip():  # the reason goes back to the sender with status 02
        raise DocumentError({"reason": [_("Cần ghi rõ lý do từ chối.")]})
    incoming.refusal_reason = reason.strip()
    _step(incoming, A.REFUSE, actor, now(), from_state=from_state, note=reason)
    return incoming


@transaction.atomic
def reply(
    *,
    incoming: IncomingDocument,
    actor: Any,
    summary: str,
    doc_type: str = "official_letter",
    drafting_unit: Organ | None = None,
    body: str = "",
    upload: tuple[str, bytes] | None = None,
    compose_now: bool = False,
    version: int | None = None,
) -> Document:
    """The assignee drafts the answer: an outgoing draft of the receiving organ linked to the
    incoming document (`in_reply_to` / `replies`), addressed to its sender; the incoming one
    is now being handled (05). Raises IllegalTransition before assignment or after the end,
    PermissionError, DocumentError by field."""
    incoming = lock(incoming, version)
    _not_revoked(incoming)
    from_state = incoming.state
    incoming.state = incoming_next(IncomingState(from_state), A.REPLY)
    _require_handler(actor, incoming)
    if incoming.origin is not None:
        to = RecipientSpec(organ=incoming.origin.organ)
    elif incoming.sender_identifier:
        to = RecipientSpec(name=incoming.sender_name, identifier=incoming.sender_identifier)
    else:
        to = RecipientSpec(name=incoming.sender_name, paper=True)
    document = draft_create(
        organ=incoming.organ,
        actor=actor,
        doc_type=doc_type,
        summary=summary,
        drafting_unit=drafting_unit,
        body=body,
        urgency=incoming.urgency,
        recipients=[to],
        upload=upload,
        compose_now=compose_now,
        in_reply_to=incoming,
    )
    _step(incoming, A.REPLY, actor, now(), from_state=from_state, data={"reply": document.pk})
    return document
