"""Decree 30 corrections arriving by the exchange (BussinessDocType 1 revoke, 2 update,
3 replace), applied to the incoming documents of the local organs, each answered to the
sender with a status package through the outbox in the inbox's transaction: 15 (take-back or
update agreed) or 16 (refused, with the reason in Description).

The document a correction names (ResponseFor for revoke and update, ReplacementInfo for
replace) is found among the organ's incoming documents by its DocumentId: the sender's organ
identifier, the promulgation date and the number/notation, as `receive_from_exchange` kept
them. A document that is not there is answered 16 "not found" rather than refused with an
LGSP error code: the package itself is conformant, and the sender's line then says why
(ADR 0012).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.directory.models import Organ, OrganIdentifier, OrganScheme
from tinhso.documents.models import IncomingDocument
from tinhso.documents.services import DocumentError, revoke_incoming, update_incoming
from tinhso.documents.services.takeback import received_as
from tinhso.exchange import edxml, outbox, registry
from tinhso.exchange.edxml import ErrorCode, StatusCode


def local_organ(organ_id: str) -> Organ:
    """The organ of this platform with the QCVN 102 identifier `organ_id` (else refused 18)."""
    ident = OrganIdentifier.objects.filter(scheme=OrganScheme.QCVN102, value=organ_id)
    found = ident.select_related("organ").first()
    if found is None:
        raise registry.Refused(ErrorCode.UNKNOWN_RECEIVER, organ_id)
    return found.organ


def find(organ: Organ, document_id: edxml.DocumentId) -> list[IncomingDocument]:
    """The incoming documents of `organ` that are the document `document_id` names."""
    return received_as(
        organ=organ,
        organ_id=document_id.organ_id,
        on=document_id.date,
        notation=f"{document_id.number}/{document_id.notation}",
    )


def answer(
    organ_id: str, organ: Organ, document_id: edxml.DocumentId, code: StatusCode, why: str = ""
) -> None:
    """The status package (15 or 16) about `document_id`, from the local organ back to the
    organ that issued it, into the outbox in the caller's transaction."""
    package = edxml.StatusPackage(
        response_for=edxml.ResponseFor(document_id),
        from_=edxml.Organization(organ_id=organ_id, organ_name=organ.name),
        status_code=code,
        timestamp=outbox.timestamp_now(),
        description=why,
    )
    outbox.enqueue(package=package, recipient_id=document_id.organ_id)


def _not_found(document_id: edxml.DocumentId) -> str:
    return _("Không tìm thấy văn bản %(id)s tại cơ quan nhận.") % {"id": str(document_id)}


def receive_revoke(package: edxml.DocumentPackage, organ_ids: list[str]) -> dict[str, Any]:
    """Revoke (1): each local organ's incoming copies of the document are marked revoked
    (kept in the register, out of the queues) and 15 goes back; none there: 16."""
    document_id = package.header.response_for[0].document_id
    reason = package.business.reason
    result: dict[str, Any] = {"revoked": [], "not_found": []}
    for organ_id in organ_ids:
        organ = local_organ(organ_id)
        found = find(organ, document_id)
        if not found:
            answer(
                organ_id, organ, document_id, StatusCode.TAKE_BACK_REFUSED, _not_found(document_id)
            )
            result["not_found"].append(organ_id)
            continue
        at = timezone.now()
        for incoming in found:
            revoke_incoming(incoming=incoming, reason=reason, at=at)
            result["revoked"].append(incoming.pk)
        answer(organ_id, organ, document_id, StatusCode.TAKE_BACK_AGREED)
    return result


def receive_update(package: edxml.DocumentPackage, organ_ids: list[str]) -> dict[str, Any]:
    """Update (2): the corrected metadata (summary, type name, signer, urgency) and the
    attachments as new file versions are applied to each local organ's copy, with the
    previous values in its history, and 15 goes back; not there or revoked: 16. A file the
    platform refuses refuses the package (21)."""
    from tinhso.documents.exchange_glue import URGENCY, refused  # (imports this module)

    header = package.header
    document_id = header.response_for[0].document_id
    changes = {
        "summary": header.subject[:500],
        "type_name": header.document_type.type_name[:100],
        "signer_name": header.signer_info.full_name[:200],
        "urgency": str(URGENCY.get(header.other_info.priority, "")),
    }
    files = [(a.name, a.content) for a in package.attachments]
    result: dict[str, Any] = {"updated": [], "not_found": []}
    for organ_id in organ_ids:
        organ = local_organ(organ_id)
        found = [i for i in find(organ, document_id) if i.revoked_at is None]
        if not found:
            answer(
                organ_id, organ, document_id, StatusCode.TAKE_BACK_REFUSED, _not_found(document_id)
            )
            result["not_found"].append(organ_id)
            continue
        at = timezone.now()
        for incoming in found:
            try:
                update_incoming(
                    incoming=incoming,
                    changes=changes,
                    files=files,
                    reason=package.business.reason,
                    at=at,
                )
            except DocumentError as error:
                raise refused(error) from None
            result["updated"].append(incoming.pk)
        answer(organ_id, organ, document_id, StatusCode.TAKE_BACK_AGREED)
    return result


def apply_replacements(
    package: edxml.DocumentPackage, received: list[tuple[str, IncomingDocument]]
) -> dict[str, Any]:
    """Replace (3), once the new document was received as incoming (`received`: each local
    organ id with its new incoming document): every document of ReplacementInfoList that
    concerns the organ (its OrganIdList names it, or is empty) is marked revoked, pointing at
    the new one, and 15 goes back about it; one not there: 16."""
    result: dict[str, Any] = {"replaced": [], "not_found": []}
    for organ_id, new in received:
        organ = new.organ
        for replacement in package.business.replacements:
            if replacement.organ_ids and organ_id not in replacement.organ_ids:
                continue
            old_id = replacement.document_id
            found = [i for i in find(organ, old_id) if i.pk != new.pk]
            if not found:
                answer(organ_id, organ, old_id, StatusCode.TAKE_BACK_REFUSED, _not_found(old_id))
                result["not_found"].append(str(old_id))
                continue
            at = timezone.now()
            for incoming in found:
                revoke_incoming(
                    incoming=incoming, reason=package.business.reason, at=at, replaced_by=new
                )
                result["replaced"].append(incoming.pk)
            answer(organ_id, organ, old_id, StatusCode.TAKE_BACK_AGREED)
    return result
