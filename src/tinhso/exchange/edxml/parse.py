"""Reading packages: `parse(bytes) -> package`, the exact inverse of `build.build`.

`parse` loads the bytes hardened, checks the prefix rule and the schema, then reads the
values and applies the rules the schema cannot state (through the model's own checks), and
unpacks the attachments against the manifest. It does not check the signature: a node reads
what it received with `signing.read`, which verifies first and parses what was signed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from tinhso.exchange.edxml import attachments
from tinhso.exchange.edxml.errors import EdxmlError, ErrorCode
from tinhso.exchange.edxml.model import (
    Attachment,
    Business,
    BusinessDocType,
    Code,
    DocumentId,
    DocumentPackage,
    DocumentType,
    MessageHeader,
    Organization,
    OtherInfo,
    Package,
    Priority,
    PromulgationInfo,
    Replacement,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusPackage,
    SteeringType,
    TraceHeader,
    format_date,
    parse_date,
    parse_timestamp,
)
from tinhso.exchange.edxml.secure import LIMITS, Limits, check_conformance, load, path_of, q

T = TypeVar("T")


def parse(data: bytes, *, limits: Limits = LIMITS) -> Package:
    """The package in `data`. Raises EdxmlError: 10 (not a file we read), 22 (not edXML, or
    breaking a rule of the standard), 21 (an attachment that cannot be unpacked or matched).
    A signature, if any, is left unchecked."""
    root = load(data, limits=limits)
    check_conformance(root)
    return read_tree(root, limits=limits)


def read_tree(root: Any, *, limits: Limits = LIMITS) -> Package:
    """The package of an element tree that passed `secure.check_conformance`."""
    header = root.find(f"{q('edXMLEnvelope')}/{q('edXMLHeader')}")
    status = header.find(q("MessageStatus"))
    if status is not None:
        if root.find(q("AttachmentEncoded")) is not None:
            raise EdxmlError(
                ErrorCode.NOT_CONFORMANT,
                "status_attachments",
                "a status package carries no attachments",
                element=path_of(root.find(q("AttachmentEncoded"))),
            )
        return _message_status(status)
    message_header = _message_header(header.find(q("MessageHeader")))
    trace_list = header.find(q("TraceHeaderList"))
    traces = tuple(_trace_header(hop) for hop in trace_list.iterfind(q("TraceHeader")))
    business = _business(trace_list.find(q("Bussiness")))
    files = _attachments(root, limits)
    return _at(
        header,
        lambda: DocumentPackage(message_header, traces, business, files),
    )


@contextmanager
def _rules_of(element: Any) -> Iterator[None]:
    try:
        yield
    except ValueError as error:
        raise EdxmlError(
            ErrorCode.NOT_CONFORMANT, "value", str(error), element=path_of(element)
        ) from None


def _at(element: Any, make: Callable[[], T]) -> T:
    """`make()`, with a ValueError (a broken rule) turned into EdxmlError(22) at `element`."""
    with _rules_of(element):
        return make()


def _text(parent: Any, name: str) -> str:
    child = parent.find(q(name))
    return "" if child is None else str(child.text or "")


def _date(parent: Any, name: str) -> dt.date:
    child = parent.find(q(name))
    return _at(child, lambda: parse_date(str(child.text or "")))


def _timestamp(parent: Any, name: str) -> dt.datetime:
    child = parent.find(q(name))
    return _at(child, lambda: parse_timestamp(str(child.text or "")))


def _int(parent: Any, name: str, default: int = 0) -> int:
    child = parent.find(q(name))
    return default if child is None else int(str(child.text))  # the schema allows digits only


def _document_id(element: Any) -> DocumentId:
    return _at(element, lambda: DocumentId.parse(str(element.text or "")))


def _organization(element: Any) -> Organization:
    return _at(
        element,
        lambda: Organization(
            organ_id=_text(element, "OrganId"),
            organ_name=_text(element, "OrganName"),
            organization_in_charge=_text(element, "OrganizationInCharge"),
            address=_text(element, "OrganAdd"),
            email=_text(element, "Email"),
            telephone=_text(element, "Telephone"),
            fax=_text(element, "Fax"),
            website=_text(element, "Website"),
        ),
    )


def _staff_info(parent: Any) -> StaffInfo:
    element = parent.find(q("StaffInfo"))
    if element is None:
        return StaffInfo()
    return _at(
        element,
        lambda: StaffInfo(
            department=_text(element, "Department"),
            staff=_text(element, "Staff"),
            mobile=_text(element, "Mobile"),
            email=_text(element, "Email"),
        ),
    )


def _response_for(element: Any) -> ResponseFor:
    """ResponseFor is written from its DocumentId; the other three must agree with it."""
    document = _document_id(element.find(q("DocumentId")))
    written = (
        _text(element, "OrganId"),
        _text(element, "Code"),
        _text(element, "PromulgationDate"),
    )
    expected = (document.organ_id, f"{document.number}/{document.notation}")
    if written != (*expected, format_date(document.date)):
        raise EdxmlError(
            ErrorCode.NOT_CONFORMANT,
            "response_for",
            "OrganId, Code and PromulgationDate disagree with the DocumentId",
            element=path_of(element),
        )
    return ResponseFor(document)


def _message_header(element: Any) -> MessageHeader:
    code = element.find(q("Code"))
    promulgation = element.find(q("PromulgationInfo"))
    kind = element.find(q("DocumentType"))
    signer = element.find(q("SignerInfo"))
    due = element.find(q("DueDate"))
    places = element.find(q("ToPlaces"))
    steering = element.find(q("SteeringType"))
    return _at(
        element,
        lambda: MessageHeader(
            from_=_organization(element.find(q("From"))),
            to=tuple(_organization(to) for to in element.iterfind(q("To"))),
            code=_at(code, lambda: Code(_text(code, "CodeNumber"), _text(code, "CodeNotation"))),
            promulgation_info=_at(
                promulgation,
                lambda: PromulgationInfo(
                    _text(promulgation, "Place"), _date(promulgation, "PromulgationDate")
                ),
            ),
            document_type=_at(
                kind,
                lambda: DocumentType(
                    _int(kind, "Type"), _int(kind, "TypeDetail"), _text(kind, "TypeName")
                ),
            ),
            subject=_text(element, "Subject"),
            content=_text(element, "Content"),
            signer_info=_at(
                signer,
                lambda: SignerInfo(
                    full_name=_text(signer, "FullName"),
                    position=_text(signer, "Position"),
                    competence=_text(signer, "Competence"),
                ),
            ),
            due_date=None if due is None else _date(element, "DueDate"),
            to_places=() if places is None else _texts(places, "Place"),
            other_info=_other_info(element.find(q("OtherInfo"))),
            response_for=tuple(_response_for(r) for r in element.iterfind(q("ResponseFor"))),
            steering_type=SteeringType(0 if steering is None else int(str(steering.text))),
            document_id=_document_id(element.find(q("DocumentId"))),
        ),
    )


def _texts(parent: Any, name: str) -> tuple[str, ...]:
    return tuple(str(child.text or "") for child in parent.iterfind(q(name)))


def _other_info(element: Any) -> OtherInfo:
    if element is None:
        return OtherInfo()
    appendixes = element.find(q("Appendixes"))
    return _at(
        element,
        lambda: OtherInfo(
            priority=Priority(_int(element, "Priority")),
            sphere_of_promulgation=_text(element, "SphereOfPromulgation"),
            typer_notation=_text(element, "TyperNotation"),
            promulgation_amount=_int(element, "PromulgationAmount"),
            page_amount=_int(element, "PageAmount"),
            appendixes=() if appendixes is None else _texts(appendixes, "Appendix"),
        ),
    )


def _trace_header(hop: Any) -> TraceHeader:
    return _at(hop, lambda: TraceHeader(_text(hop, "OrganId"), _timestamp(hop, "Timestamp")))


def _business(element: Any) -> Business:
    receivers = element.find(q("ReceiverList"))
    replacements = element.find(q("ReplacementInfoList"))
    return _at(
        element,
        lambda: Business(
            doc_type=BusinessDocType(_int(element, "BussinessDocType")),
            reason=_text(element, "BussinessDocReason"),
            paper=_text(element, "Paper") == "1",
            staff_info=_staff_info(element),
            receivers=() if receivers is None else _texts(receivers, "OrganId"),
            replacements=()
            if replacements is None
            else tuple(_replacement(r) for r in replacements.iterfind(q("ReplacementInfo"))),
        ),
    )


def _replacement(element: Any) -> Replacement:
    organs = element.find(q("OrganIdList"))
    return _at(
        element,
        lambda: Replacement(
            document_id=_document_id(element.find(q("DocumentId"))),
            organ_ids=() if organs is None else _texts(organs, "OrganId"),
        ),
    )


def _message_status(element: Any) -> StatusPackage:
    return _at(
        element,
        lambda: StatusPackage(
            response_for=_response_for(element.find(q("ResponseFor"))),
            from_=_organization(element.find(q("From"))),
            status_code=StatusCode(_text(element, "StatusCode")),
            timestamp=_timestamp(element, "Timestamp"),
            description=_text(element, "Description"),
            staff_info=_staff_info(element),
        ),
    )


def _attachments(root: Any, limits: Limits) -> tuple[Attachment, ...]:
    """The files, in the manifest's order, each matched to its AttachmentEncoded/Attachment."""
    manifest = root.find(f"{q('edXMLEnvelope')}/{q('edXMLBody')}/{q('edXMLManifest')}")
    references = [] if manifest is None else list(manifest.iterfind(q("Reference")))
    encoded_list = root.find(q("AttachmentEncoded"))
    encoded = {} if encoded_list is None else _by_content_id(encoded_list)
    if len(references) > limits.max_attachments:
        raise EdxmlError(
            ErrorCode.FILE_PROCESSING,
            "attachments",
            f"{len(references)} attachments, over the limit of {limits.max_attachments}",
            element=path_of(manifest),
        )
    sizes = [_int(reference, "Size") for reference in references]
    if sum(sizes) > limits.max_total_attachment_bytes:
        raise EdxmlError(
            ErrorCode.FILE_PROCESSING,
            "attachments_too_large",
            f"{sum(sizes)} bytes of attachments, over {limits.max_total_attachment_bytes}",
            element=path_of(manifest),
        )
    files: list[Attachment] = []
    for reference, size in zip(references, sizes, strict=True):
        cid = str(reference.get("href"))[len("cid:") :]
        wire = encoded.pop(cid, None)
        if wire is None:
            raise EdxmlError(
                ErrorCode.NOT_CONFORMANT,
                "reference",
                f"no AttachmentEncoded/Attachment with ContentId {cid!r}",
                element=path_of(reference),
            )
        name = _text(reference, "AttachmentName")
        content = attachments.decode(
            str(wire.text or ""),
            name=name,
            size=size,
            expected_digest=_text(reference, "DigestValue"),
            limits=limits,
            element=path_of(wire),
        )
        files.append(_attachment(reference, name, content))
    if encoded:
        raise EdxmlError(
            ErrorCode.NOT_CONFORMANT,
            "unreferenced",
            f"attachments not in the manifest: {', '.join(sorted(encoded))}",
            element=path_of(encoded_list),
        )
    return tuple(files)


def _attachment(reference: Any, name: str, content: bytes) -> Attachment:
    return _at(
        reference,
        lambda: Attachment(
            name=name,
            content=content,
            content_type=_text(reference, "ContentType"),
            description=_text(reference, "Description"),
        ),
    )


def _by_content_id(encoded_list: Any) -> dict[str, Any]:
    return {str(wire.get("ContentId")): wire for wire in encoded_list.iterfind(q("Attachment"))}
