"""Writing packages: `build(package) -> bytes`, the exact inverse of `parse.parse`.

Every element carries the explicit ``edXML:`` prefix (receivers in service reject packages
without it). Optional elements are written only when they hold something; the reader turns
an absent element back into the empty value. The result is unsigned: `signing.sign` adds the
enveloped signature.
"""

from __future__ import annotations

from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # no stubs installed

from tinhso.exchange.edxml import attachments
from tinhso.exchange.edxml.model import (
    Business,
    DocumentPackage,
    MessageHeader,
    Organization,
    OtherInfo,
    Package,
    ResponseFor,
    StaffInfo,
    StatusPackage,
    TraceHeader,
    format_date,
    format_timestamp,
)
from tinhso.exchange.edxml.secure import NAMESPACE, PREFIX, q


def content_id(index: int) -> str:
    """The ContentId of the `index`-th attachment (from 0), referenced as `cid:<id>`."""
    return f"attachment-{index + 1}"


def build(package: Package) -> bytes:
    """The UTF-8 edXML bytes of a document or status package.

    Raises ValueError when an attachment is too large to travel (see attachments.encode)."""
    root = etree.Element(q("edXML"), nsmap={PREFIX: NAMESPACE})
    envelope = _sub(root, "edXMLEnvelope")
    header = _sub(envelope, "edXMLHeader")
    body = _sub(envelope, "edXMLBody")
    if isinstance(package, DocumentPackage):
        _message_header(_sub(header, "MessageHeader"), package.header)
        _trace_header_list(_sub(header, "TraceHeaderList"), package.traces, package.business)
        if package.attachments:
            _attachments(root, _sub(body, "edXMLManifest"), package)
    elif isinstance(package, StatusPackage):
        _message_status(_sub(header, "MessageStatus"), package)
    else:
        raise TypeError(f"not an edXML package: {type(package).__name__}")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _sub(parent: Any, name: str, text: str | None = None) -> Any:
    element = etree.SubElement(parent, q(name))
    if text is not None:
        element.text = text
    return element


def _optional(parent: Any, name: str, text: str) -> None:
    if text:
        _sub(parent, name, text)


def _organization(element: Any, organ: Organization) -> None:
    _sub(element, "OrganId", organ.organ_id)
    _optional(element, "OrganizationInCharge", organ.organization_in_charge)
    _sub(element, "OrganName", organ.organ_name)
    _optional(element, "OrganAdd", organ.address)
    _optional(element, "Email", organ.email)
    _optional(element, "Telephone", organ.telephone)
    _optional(element, "Fax", organ.fax)
    _optional(element, "Website", organ.website)


def _staff_info(parent: Any, staff: StaffInfo) -> None:
    if staff == StaffInfo():
        return
    element = _sub(parent, "StaffInfo")
    _optional(element, "Department", staff.department)
    _optional(element, "Staff", staff.staff)
    _optional(element, "Mobile", staff.mobile)
    _optional(element, "Email", staff.email)


def _response_for(element: Any, response: ResponseFor) -> None:
    document = response.document_id
    _sub(element, "OrganId", document.organ_id)
    _sub(element, "Code", f"{document.number}/{document.notation}")
    _sub(element, "PromulgationDate", format_date(document.date))
    _sub(element, "DocumentId", str(document))


def _message_header(element: Any, header: MessageHeader) -> None:
    _organization(_sub(element, "From"), header.from_)
    for receiver in header.to:
        _organization(_sub(element, "To"), receiver)
    code = _sub(element, "Code")
    _sub(code, "CodeNumber", header.code.number)
    _sub(code, "CodeNotation", header.code.notation)
    promulgation = _sub(element, "PromulgationInfo")
    _sub(promulgation, "Place", header.promulgation_info.place)
    _sub(promulgation, "PromulgationDate", format_date(header.promulgation_info.date))
    kind = _sub(element, "DocumentType")
    _sub(kind, "Type", str(header.document_type.type))
    _sub(kind, "TypeDetail", str(header.document_type.type_detail))
    _sub(kind, "TypeName", header.document_type.type_name)
    _sub(element, "Subject", header.subject)
    _optional(element, "Content", header.content)
    signer = _sub(element, "SignerInfo")
    _optional(signer, "Competence", header.signer_info.competence)
    _optional(signer, "Position", header.signer_info.position)
    _sub(signer, "FullName", header.signer_info.full_name)
    if header.due_date is not None:
        _sub(element, "DueDate", format_date(header.due_date))
    if header.to_places:
        places = _sub(element, "ToPlaces")
        for place in header.to_places:
            _sub(places, "Place", place)
    _other_info(_sub(element, "OtherInfo"), header.other_info)
    for response in header.response_for:
        _response_for(_sub(element, "ResponseFor"), response)
    _sub(element, "SteeringType", str(int(header.steering_type)))
    _sub(element, "DocumentId", str(header.document_id))


def _other_info(element: Any, info: OtherInfo) -> None:
    _sub(element, "Priority", str(int(info.priority)))
    _optional(element, "SphereOfPromulgation", info.sphere_of_promulgation)
    _optional(element, "TyperNotation", info.typer_notation)
    _sub(element, "PromulgationAmount", str(info.promulgation_amount))
    _sub(element, "PageAmount", str(info.page_amount))
    if info.appendixes:
        appendixes = _sub(element, "Appendixes")
        for appendix in info.appendixes:
            _sub(appendixes, "Appendix", appendix)


def _trace_header_list(element: Any, traces: tuple[TraceHeader, ...], business: Business) -> None:
    for trace in traces:
        hop = _sub(element, "TraceHeader")
        _sub(hop, "OrganId", trace.organ_id)
        _sub(hop, "Timestamp", format_timestamp(trace.timestamp))
    bussiness = _sub(element, "Bussiness")
    _sub(bussiness, "BussinessDocType", str(int(business.doc_type)))
    _optional(bussiness, "BussinessDocReason", business.reason)
    if business.receivers:
        receivers = _sub(bussiness, "ReceiverList")
        for organ_id in business.receivers:
            _sub(receivers, "OrganId", organ_id)
    if business.replacements:
        replacements = _sub(bussiness, "ReplacementInfoList")
        for replacement in business.replacements:
            info = _sub(replacements, "ReplacementInfo")
            _sub(info, "DocumentId", str(replacement.document_id))
            if replacement.organ_ids:
                organs = _sub(info, "OrganIdList")
                for organ_id in replacement.organ_ids:
                    _sub(organs, "OrganId", organ_id)
    _sub(bussiness, "Paper", "1" if business.paper else "0")
    _staff_info(bussiness, business.staff_info)


def _attachments(root: Any, manifest: Any, package: DocumentPackage) -> None:
    encoded_list = _sub(root, "AttachmentEncoded")
    for index, attachment in enumerate(package.attachments):
        encoded = attachments.encode(attachment.name, attachment.content)
        reference = _sub(manifest, "Reference")
        reference.set("href", f"cid:{content_id(index)}")
        _sub(reference, "AttachmentName", attachment.name)
        _sub(reference, "ContentType", attachment.content_type)
        _optional(reference, "Description", attachment.description)
        _sub(reference, "Size", str(encoded.size))
        _sub(reference, "DigestMethod", attachments.DIGEST_METHOD)
        _sub(reference, "DigestValue", encoded.digest)
        wire = _sub(encoded_list, "Attachment", encoded.text)
        wire.set("ContentId", content_id(index))
        wire.set("ContentType", attachments.ZIP_CONTENT_TYPE)
        wire.set("ContentTransferEncoding", "base64")


def _message_status(element: Any, status: StatusPackage) -> None:
    _response_for(_sub(element, "ResponseFor"), status.response_for)
    _organization(_sub(element, "From"), status.from_)
    _sub(element, "StatusCode", status.status_code.value)
    _optional(element, "Description", status.description)
    _sub(element, "Timestamp", format_timestamp(status.timestamp))
    _staff_info(element, status.staff_info)
