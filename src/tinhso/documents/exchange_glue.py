"""Documents on the exchange: how the documents app plugs into the LGSP node (documents sits
above exchange, so it may import it; the exchange never imports documents).

- At distribution, every outside recipient line gets an edXML document package in the
  exchange's outbox, in the distributing transaction (`write_outbox`).
- The outbox's delivery outcome marks the line sent or failed (`on_delivery`).
- A document package for an organ of this platform becomes an incoming document
  (`receive_document`); a status package updates the sender's recipient line
  (`receive_status`).
- Each step of an incoming document that came by the exchange writes a status package back
  to its sender, in the step's transaction (`write_status`).
- Decree 30 corrections: taking a sent document back writes a revoke package per outside
  line (`write_take_back`); a document that replaces an earlier one is sent as a replacement
  (`document_package`); revoke, update and replace packages received are applied by
  `exchange_corrections`, whose answers 15/16 land on the sender's line (`receive_status`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core import sql
from tinhso.directory.models import Organ, OrganScheme
from tinhso.directory.selectors import organ_label, organ_with_identifier
from tinhso.documents import exchange_corrections, hooks
from tinhso.documents.models import (
    CorrectionKind,
    Document,
    DocumentFile,
    IncomingDocument,
    Recipient,
)
from tinhso.documents.search import indexing
from tinhso.documents.services import (
    DocumentError,
    ExchangeArrival,
    IncomingItem,
    receive_from_exchange,
    receive_many_from_exchange,
    recipient_status_update,
    recipients_delivered,
    take_back_answer,
)
from tinhso.documents.services.common import read_file
from tinhso.documents.states import STATUS_CODES
from tinhso.documents.types import Urgency
from tinhso.exchange import edxml, outbox, registry
from tinhso.exchange.edxml import ErrorCode, Priority
from tinhso.exchange.selectors import received_document_ids

SOURCE = "documents.recipient:"
TAKE_BACK_SOURCE = "documents.takeback:"
TAKE_BACK_CODES = (
    edxml.StatusCode.TAKE_BACK_AGREED.value,
    edxml.StatusCode.TAKE_BACK_REFUSED.value,
)
PRIORITY = {
    Urgency.NORMAL: Priority.NORMAL,
    Urgency.URGENT: Priority.URGENT,
    Urgency.VERY_URGENT: Priority.VERY_URGENT,
    Urgency.EXPRESS: Priority.FLASH,
}
URGENCY = {p: u for u, p in PRIORITY.items()} | {Priority.FLASH_TIMED: Urgency.EXPRESS}
ATTACHMENT_KINDS = (DocumentFile.Kind.ISSUED, DocumentFile.Kind.SIGNED, DocumentFile.Kind.DRAFT)


def _split_notation(document: Document) -> tuple[str, str]:
    number, _sep, notation = document.notation.partition("/")
    return (number or str(document.number)), (notation or document.notation)


def _required(identifier: str, organ_name: str) -> str:
    """`identifier`, the organ's QCVN 102 identifier; DocumentError when it has none."""
    if not identifier:
        raise DocumentError(
            {"organ": [_("Cơ quan «%(organ)s» chưa có mã định danh.") % {"organ": organ_name}]}
        )
    return identifier


def organ_id_of(organ: Organ) -> str:
    return _required(organ.identifier(), organ.name)


def document_id_of(document: Document) -> edxml.DocumentId:
    """The DocumentId of an issued document: `<OrganId>,<yyyy/MM/dd>,<Number>/<Notation>`."""
    if document.issued_on is None:
        raise DocumentError({"document": [_("Văn bản chưa được phát hành.")]})
    number, notation = _split_notation(document)
    return edxml.DocumentId(organ_id_of(document.organ), document.issued_on, number, notation)


def _business(document: Document, line: Recipient) -> edxml.Business:
    """New (0), or replace (3) for a document that replaces an earlier issued one: the
    replacement names the earlier DocumentId for this recipient, the reason is the new
    document's summary (its trích yếu says what it replaces and why)."""
    earlier = document.corrects
    if earlier is None or document.correction_kind != CorrectionKind.REPLACE:
        return edxml.Business()
    return edxml.Business(
        doc_type=edxml.BusinessDocType.REPLACE,
        reason=document.summary,
        replacements=(edxml.Replacement(document_id_of(earlier), (line.identifier,)),),
    )


def document_package(line: Recipient) -> edxml.DocumentPackage:
    """The edXML package of an issued document for one exchange recipient line: the header
    from the register entry, the issued (else signed) file as the attachment; a replacement
    (BussinessDocType 3) when the document replaces an earlier one."""
    document = line.document
    organ_id = organ_id_of(document.organ)
    if document.issued_on is None:
        raise DocumentError({"document": [_("Văn bản chưa được phát hành.")]})
    number, notation = _split_notation(document)
    signer = document.signer
    files = list(document.files.filter(kind__in=ATTACHMENT_KINDS).order_by("-pk"))
    files.sort(key=lambda f: ATTACHMENT_KINDS.index(f.kind))
    attachments = tuple(
        edxml.Attachment(name=f.original_name, content=read_file(f), content_type=f.content_type)
        for f in files[:1]
    )
    sender = edxml.Organization(organ_id=organ_id, organ_name=document.organ.name)
    return edxml.DocumentPackage(
        header=edxml.MessageHeader(
            from_=sender,
            to=(edxml.Organization(organ_id=line.identifier, organ_name=line.name),),
            code=edxml.Code(number, notation),
            promulgation_info=edxml.PromulgationInfo(
                place=document.place or document.organ.name, date=document.issued_on
            ),
            document_type=edxml.DocumentType(
                type=1 if document.legal_normative else 2,
                type_detail=0,
                type_name=str(document.type_name),
            ),
            subject=document.summary,
            content=document.body,
            signer_info=edxml.SignerInfo(
                full_name=(signer.user.full_name if signer else "") or document.organ.name,
                position=document.signer_title,
                competence=f"{document.signing_marker} {document.on_behalf_of}".strip(),
            ),
            document_id=edxml.DocumentId(organ_id, document.issued_on, number, notation),
            to_places=tuple(r.name for r in document.recipients.all()),
            other_info=edxml.OtherInfo(
                priority=PRIORITY.get(Urgency(document.urgency), Priority.NORMAL),
                promulgation_amount=document.copies or 0,
            ),
        ),
        traces=(edxml.TraceHeader(organ_id, outbox.timestamp_now()),),
        business=_business(document, line),
        attachments=attachments,
    )


def write_outbox(recipient_id: int) -> None:
    """Hook writer: the package for an outside recipient into the outbox, in the
    distributing transaction."""
    line = Recipient.objects.select_related("document__organ", "document__signer__user").get(
        pk=recipient_id
    )
    try:
        package = document_package(line)
    except ValueError as error:  # a field edXML cannot carry: refuse the distribution
        raise DocumentError({"recipients": [str(error)]}) from None
    outbox.enqueue(package=package, recipient_id=line.identifier, source_ref=f"{SOURCE}{line.pk}")


def write_take_back(recipient_id: int, reason: str) -> None:
    """Take-back writer: the revoke package (BussinessDocType 1, ResponseFor the document's
    DocumentId, the reason) for an outside recipient line into the outbox, in the take-back
    transaction. Its message id is derived from (DocumentId, recipient, 1), so a repeat is
    the same message: once per document and recipient."""
    line = Recipient.objects.select_related("document__organ", "document__signer__user").get(
        pk=recipient_id
    )
    try:
        sent = document_package(line)
        package = dataclasses.replace(
            sent,
            header=dataclasses.replace(
                sent.header, response_for=(edxml.ResponseFor(sent.header.document_id),)
            ),
            business=edxml.Business(
                doc_type=edxml.BusinessDocType.REVOKE, reason=reason, receivers=(line.identifier,)
            ),
            attachments=(),
        )
    except ValueError as error:
        raise DocumentError({"reason": [str(error)]}) from None
    outbox.enqueue(
        package=package, recipient_id=line.identifier, source_ref=f"{TAKE_BACK_SOURCE}{line.pk}"
    )


def on_delivery(deliveries: Sequence[registry.Delivery]) -> None:
    """Delivery listener: the outbox's outcomes on the recipient lines that still wait for
    one (in the outbox's transaction)."""
    outcomes = [
        (int(d.source_ref[len(SOURCE) :]), d.message_id, d.ok, d.error)
        for d in deliveries
        if d.source_ref.startswith(SOURCE)
    ]
    if outcomes:
        recipients_delivered(outcomes)


def refused(error: DocumentError) -> registry.Refused:
    fields = set(getattr(error, "message_dict", {}))
    code = ErrorCode.FILE_PROCESSING if "files" in " ".join(fields) else ErrorCode.NOT_CONFORMANT
    return registry.Refused(code, "; ".join(error.messages))


def _organ(organ_id: str) -> Organ:
    organ = organ_with_identifier(scheme=OrganScheme.QCVN102, value=organ_id)
    if organ is None:
        raise registry.Refused(ErrorCode.UNKNOWN_RECEIVER, organ_id)
    return organ


def _item(package: edxml.DocumentPackage) -> IncomingItem:
    """What an incoming document records of a document package."""
    header = package.header
    return IncomingItem(
        sender_name=header.from_.organ_name,
        sender_identifier=header.from_.organ_id,
        sender_notation=f"{header.code.number}/{header.code.notation}"[:60],
        sender_date=header.promulgation_info.date,
        summary=header.subject[:500],
        type_name=header.document_type.type_name[:100],
        signer_name=header.signer_info.full_name,
        urgency=URGENCY.get(header.other_info.priority, Urgency.NORMAL),
        files=[(a.name, a.content) for a in package.attachments],
    )


def receive_document(
    package: edxml.DocumentPackage, message_id: str, organ_ids: list[str]
) -> dict[str, Any]:
    """Document handler: the package becomes an incoming document (status 01) of each local
    organ it is addressed to; a replacement (3) then revokes the documents it replaces
    there. Revocations (1) and updates (2) apply to the documents they name
    (`exchange_corrections`); each correction is answered 15 or 16."""
    kind = package.business.doc_type
    if kind == edxml.BusinessDocType.REVOKE:
        return exchange_corrections.receive_revoke(package, organ_ids)
    if kind == edxml.BusinessDocType.UPDATE:
        return exchange_corrections.receive_update(package, organ_ids)
    item = _item(package)
    incoming: list[int] = []
    received: list[tuple[str, IncomingDocument]] = []
    for organ_id in organ_ids:
        try:
            document, _created = receive_from_exchange(
                organ=_organ(organ_id), exchange_ref=message_id, **vars(item)
            )
        except DocumentError as error:
            raise refused(error) from None
        incoming.append(document.pk)
        received.append((organ_id, document))
    if kind == edxml.BusinessDocType.REPLACE:
        return {"incoming": incoming, **exchange_corrections.apply_replacements(package, received)}
    return {"incoming": incoming}


def receive_documents(items: Sequence[registry.DocumentItem]) -> list[dict[str, Any]]:
    """Batch document handler: many new document packages (0), each becoming an incoming
    document of each local organ it names, as `receive_document` does, written together
    (`receive_many_from_exchange`). Raises for any package it cannot take (the exchange
    then applies each on its own, and refuses the one at fault)."""
    organs: dict[str, Organ] = {}
    arrivals, owners = [], []
    for index, (package, message_id, organ_ids) in enumerate(items):
        if package.business.doc_type != edxml.BusinessDocType.NEW:
            raise ValueError(f"package {message_id} is not a new document")
        item = _item(package)
        for organ_id in organ_ids:
            if organ_id not in organs:
                organs[organ_id] = _organ(organ_id)
            arrivals.append(ExchangeArrival(organs[organ_id], message_id, item))
            owners.append(index)
    results: list[dict[str, Any]] = [{"incoming": []} for _item in items]
    for index, (document, _created) in zip(
        owners, receive_many_from_exchange(arrivals), strict=True
    ):
        results[index]["incoming"].append(document.pk)
    return results


def prepare_documents(packages: Sequence[edxml.DocumentPackage]) -> None:
    """Batch preparer: the texts of the packages' attachments extracted and written in a
    transaction of their own, before the batch's (one attachment sent to several organs is
    one text, which the batches of two workers would otherwise both write and wait on)."""
    contents = {
        hashlib.sha256(a.content).hexdigest(): a.content for p in packages for a in p.attachments
    }
    with transaction.atomic():
        indexing.extract_batch(contents)


def receive_status(package: edxml.StatusPackage, message_id: str) -> dict[str, Any]:
    """Status handler: the receiver's status (01–06) on the sender's recipient line, its
    answer to a take-back (15 agreed, 16 refused, with its description) on the line's
    take-back fields; 13 (a request, which a receiver never sends) is kept in the inbox
    only."""
    doc_id = package.response_for.document_id
    line = (
        Recipient.objects.filter(
            channel=Recipient.Channel.EXCHANGE,
            identifier=package.from_.organ_id,
            document__issued_on=doc_id.date,
            document__notation=f"{doc_id.number}/{doc_id.notation}",
            document__organ__identifiers__value=doc_id.organ_id,
        )
        .select_related("document")
        .first()
    )
    if line is None:
        raise registry.Refused(
            ErrorCode.NOT_CONFORMANT, f"no document {doc_id} sent to {package.from_.organ_id}"
        )
    code = package.status_code.value
    at = timezone.make_aware(package.timestamp)
    if code in TAKE_BACK_CODES:
        take_back_answer(recipient=line, code=code, at=at, note=package.description)
        return {"recipient": line.pk, "take_back": code}
    if code not in STATUS_CODES.values():
        return {"recipient": line.pk, "ignored": code}
    recipient_status_update(recipient=line, code=code, at=at, actor=None, note=package.description)
    return {"recipient": line.pk, "status": code}


def write_status(incoming_id: int, code: str) -> None:
    """Hook writer: the status of an incoming document that came by the exchange, back to
    its sender through the outbox, in the step's transaction (`write_statuses`)."""
    write_statuses([(incoming_id, code)])


def write_statuses(statuses: list[tuple[int, str]]) -> None:
    """Hook writer of many statuses (a batch of documents received together): each back to
    its sender through the outbox, in the step's transaction, as `write_status` writes one.
    Fixed SQL for what it reads, one statement each whatever the count (the documents, the
    DocumentIds received, their organs' names and identifiers): every document received is
    answered 01 through here (bench/README.md §8). Documents that did not come by the
    exchange are left out."""
    ids, params = sql.in_list("id", sorted({pk for pk, _code in statuses}))
    rows = sql.fetch_all(
        f"SELECT id, exchange_ref, refusal_reason, organ_id FROM {sql.table(IncomingDocument)} "  # noqa: S608 (our names)
        f"WHERE {ids} AND source = %s AND exchange_ref <> ''",
        [*params, IncomingDocument.Source.EXCHANGE],
    )
    found = {row[0]: row[1:] for row in rows}
    document_ids = received_document_ids([row[1] for row in rows])
    today, labels = timezone.localdate(), {}
    packages = []
    for incoming_id, code in statuses:
        if incoming_id not in found:
            continue
        exchange_ref, refusal_reason, organ_pk = found[incoming_id]
        document_id = document_ids.get(exchange_ref)
        if not document_id:
            continue  # received before the node kept DocumentIds (seeded demo data)
        if organ_pk not in labels:
            labels[organ_pk] = organ_label(
                organ_id=organ_pk, scheme=OrganScheme.QCVN102, on=today
            ) or ("", "")
        organ_name, identifier = labels[organ_pk]
        status = edxml.StatusCode(code)
        package = edxml.StatusPackage(
            response_for=edxml.ResponseFor(edxml.DocumentId.parse(document_id)),
            from_=edxml.Organization(
                organ_id=_required(identifier, organ_name), organ_name=organ_name
            ),
            status_code=status,
            timestamp=outbox.timestamp_now(),
            description=(refusal_reason or _("Từ chối tiếp nhận."))
            if status == edxml.StatusCode.REFUSED
            else "",
        )
        packages.append((package, package.response_for.document_id.organ_id))
    outbox.enqueue_many(packages)


def connect() -> None:
    """Register the documents side with the exchange and the document hooks (AppConfig)."""
    hooks.register_exchange_writer(write_outbox)
    hooks.register_status_writer(write_status, many=write_statuses)
    hooks.register_take_back_writer(write_take_back)
    registry.register_document_handler(
        receive_document, batch=receive_documents, prepare=prepare_documents
    )
    registry.register_status_handler(receive_status)
    registry.register_delivery_listener(on_delivery)
