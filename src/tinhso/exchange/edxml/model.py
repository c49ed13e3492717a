"""The edXML packages as typed values (QCVN 102:2016, amended 2022; domain.md §9).

Every class is a frozen dataclass that checks itself on construction and raises ValueError
naming the field, so a package that exists is one `build` can write and the schema accepts.
English names; the element each field is written as is given where the names differ. The
standard spells "Business" as "Bussiness": the wire keeps that spelling, the code does not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from tinhso.core.codes import CodeError, validate_qcvn102

SHORT = 500  # names, addresses, numbers: the schema's ShortText
LONG = 100_000  # subject, content, reasons, descriptions: the schema's LongText
MAX_COUNT = 999_999  # amounts and type codes: the schema's Count

# Characters XML 1.0 can carry (a carriage return is written as &#13; and survives).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DATE = re.compile(r"^[0-9]{4}/[0-9]{2}/[0-9]{2}$")
_TIMESTAMP = re.compile(r"^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")


class Priority(IntEnum):
    """OtherInfo/Priority: the urgency of Decree 30 (độ khẩn)."""

    NORMAL = 0
    URGENT = 1  # Khẩn
    VERY_URGENT = 2  # Thượng khẩn
    FLASH = 3  # Hỏa tốc
    FLASH_TIMED = 4  # Hỏa tốc hẹn giờ: flash, with a set time


class SteeringType(IntEnum):
    NONE = 0
    STEERING = 1  # a steering document (văn bản chỉ đạo)
    REPORT = 2  # a report on a steering document


class BusinessDocType(IntEnum):
    """Bussiness/BussinessDocType: what the package does to a document (Decree 30)."""

    NEW = 0
    REVOKE = 1
    UPDATE = 2
    REPLACE = 3


class StatusCode(StrEnum):
    """MessageStatus/StatusCode: what the receiver did with a document."""

    ARRIVED = "01"
    REFUSED = "02"  # a reason (Description) is required
    REGISTERED = "03"  # registered by the clerk
    ASSIGNED = "04"
    HANDLING = "05"
    COMPLETED = "06"
    TAKE_BACK_REQUESTED = "13"
    TAKE_BACK_AGREED = "15"  # take-back or update agreed
    TAKE_BACK_REFUSED = "16"  # take-back or update refused


def check_text(name: str, value: str, *, required: bool = False, max_length: int = SHORT) -> None:
    """Raise ValueError unless `value` is text XML can carry, within `max_length`, and not
    empty when `required`."""
    if not isinstance(value, str):
        raise ValueError(f"{name}: expected text, got {type(value).__name__}")
    if required and not value:
        raise ValueError(f"{name}: required")
    if len(value) > max_length:
        raise ValueError(f"{name}: longer than {max_length} characters")
    bad = _NOT_XML.search(value)
    if bad:
        raise ValueError(f"{name}: character U+{ord(bad.group()):04X} cannot be written in XML")


def check_organ_id(name: str, value: str) -> None:
    """Raise ValueError unless `value` is a QCVN 102 organ identifier written exactly."""
    try:
        code = validate_qcvn102(value)
    except CodeError as error:
        raise ValueError(
            f"{name}: not a QCVN 102 organ identifier ({error.code}): {value!r}"
        ) from None
    if code.value != value:
        raise ValueError(f"{name}: surrounding spaces in {value!r}")


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise ValueError(f"{name}: expected a whole number from 0 to {MAX_COUNT}")


def _check_enum(name: str, value: object, enum: type[IntEnum] | type[StrEnum]) -> None:
    if not isinstance(value, enum):
        raise ValueError(f"{name}: expected a {enum.__name__}, got {value!r}")


def format_date(value: dt.date) -> str:
    """`yyyy/MM/dd`, the date format of edXML."""
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def format_timestamp(value: dt.datetime) -> str:
    """`yyyy/MM/dd HH:mm:ss`, the timestamp format of edXML (local time, no zone)."""
    return f"{format_date(value)} {value.hour:02d}:{value.minute:02d}:{value.second:02d}"


def parse_date(text: str) -> dt.date:
    """The inverse of `format_date`; ValueError for anything else (also 2020/02/30)."""
    if not _DATE.match(text):
        raise ValueError(f"not a yyyy/MM/dd date: {text!r}")
    return dt.date(int(text[0:4]), int(text[5:7]), int(text[8:10]))


def parse_timestamp(text: str) -> dt.datetime:
    """The inverse of `format_timestamp`; ValueError for anything else."""
    if not _TIMESTAMP.match(text):
        raise ValueError(f"not a yyyy/MM/dd HH:mm:ss timestamp: {text!r}")
    day = parse_date(text[:10])
    return dt.datetime(
        day.year, day.month, day.day, int(text[11:13]), int(text[14:16]), int(text[17:19])
    )


def _check_timestamp(name: str, value: dt.datetime) -> None:
    if not isinstance(value, dt.datetime) or value.tzinfo is not None or value.microsecond:
        raise ValueError(f"{name}: expected a naive local datetime in whole seconds")


def _check_date(name: str, value: dt.date) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValueError(f"{name}: expected a date")


@dataclass(frozen=True)
class DocumentId:
    """`<OrganId>,<yyyy/MM/dd>,<Number>/<Notation>`: the issuing organ, the promulgation date
    and the number and notation (số, ký hiệu), e.g. `000.00.00.H49,2020/11/03,123/BC-UBND`.
    The notation may itself hold slashes (`42/2022/NĐ-CP` is number 42, notation 2022/NĐ-CP)."""

    organ_id: str
    date: dt.date
    number: str
    notation: str

    def __post_init__(self) -> None:
        check_organ_id("DocumentId.organ_id", self.organ_id)
        _check_date("DocumentId.date", self.date)
        check_text("DocumentId.number", self.number, required=True, max_length=50)
        check_text("DocumentId.notation", self.notation, required=True, max_length=200)
        if "/" in self.number or "," in self.number:
            raise ValueError("DocumentId.number: no '/' or ',' in a number")
        if any(c in "\t\n\r" for c in self.number + self.notation):
            raise ValueError("DocumentId: no tabs or line breaks in a number or notation")

    def __str__(self) -> str:
        return f"{self.organ_id},{format_date(self.date)},{self.number}/{self.notation}"

    @classmethod
    def parse(cls, text: str) -> DocumentId:
        """The inverse of `str()`; ValueError naming what is wrong."""
        parts = text.split(",", 2)
        if len(parts) != 3 or "/" not in parts[2]:
            raise ValueError(f"not <OrganId>,<yyyy/MM/dd>,<Number>/<Notation>: {text!r}")
        number, notation = parts[2].split("/", 1)
        return cls(parts[0], parse_date(parts[1]), number, notation)


@dataclass(frozen=True)
class Organization:
    """An organ as written in From, To and MessageStatus/From."""

    organ_id: str  # OrganId, QCVN 102
    organ_name: str  # OrganName
    organization_in_charge: str = ""  # OrganizationInCharge: the parent organ's name
    address: str = ""  # OrganAdd
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""

    def __post_init__(self) -> None:
        check_organ_id("OrganId", self.organ_id)
        check_text("OrganName", self.organ_name, required=True)
        for name in ("organization_in_charge", "address", "email", "telephone", "fax", "website"):
            check_text(name, getattr(self, name))


@dataclass(frozen=True)
class Code:
    """Code: the number (CodeNumber) and the notation (CodeNotation) of a document."""

    number: str
    notation: str

    def __post_init__(self) -> None:
        check_text("CodeNumber", self.number, required=True, max_length=50)
        check_text("CodeNotation", self.notation, required=True, max_length=200)


@dataclass(frozen=True)
class PromulgationInfo:
    place: str  # the place of the place-and-date line, e.g. "Kiên Giang"
    date: dt.date  # PromulgationDate

    def __post_init__(self) -> None:
        check_text("Place", self.place, required=True)
        _check_date("PromulgationDate", self.date)


@dataclass(frozen=True)
class DocumentType:
    """DocumentType: Type (1 legal normative, 2 administrative), TypeDetail (the code of the
    type in the receiving systems' tables, kept opaque) and TypeName ("Báo cáo")."""

    type: int
    type_detail: int
    type_name: str

    def __post_init__(self) -> None:
        _check_count("Type", self.type)
        _check_count("TypeDetail", self.type_detail)
        check_text("TypeName", self.type_name, required=True)


@dataclass(frozen=True)
class SignerInfo:
    """SignerInfo: Competence (the signing marker and body, "TM. Ủy ban nhân dân"),
    Position ("Chủ tịch") and FullName."""

    full_name: str
    position: str = ""
    competence: str = ""

    def __post_init__(self) -> None:
        check_text("FullName", self.full_name, required=True)
        check_text("Position", self.position)
        check_text("Competence", self.competence)


@dataclass(frozen=True)
class OtherInfo:
    priority: Priority = Priority.NORMAL
    sphere_of_promulgation: str = ""  # SphereOfPromulgation: who may read it
    typer_notation: str = ""  # TyperNotation: the typist's initials
    promulgation_amount: int = 0  # PromulgationAmount: copies issued
    page_amount: int = 0  # PageAmount
    appendixes: tuple[str, ...] = ()  # Appendixes/Appendix: titles of the appendices

    def __post_init__(self) -> None:
        _check_enum("Priority", self.priority, Priority)
        check_text("SphereOfPromulgation", self.sphere_of_promulgation)
        check_text("TyperNotation", self.typer_notation)
        _check_count("PromulgationAmount", self.promulgation_amount)
        _check_count("PageAmount", self.page_amount)
        for appendix in self.appendixes:
            check_text("Appendix", appendix, required=True)


@dataclass(frozen=True)
class ResponseFor:
    """ResponseFor: the document answered, revoked or updated. Written as OrganId, Code,
    PromulgationDate and DocumentId, all four derived from the DocumentId."""

    document_id: DocumentId

    def __post_init__(self) -> None:
        if not isinstance(self.document_id, DocumentId):
            raise ValueError("ResponseFor.document_id: expected a DocumentId")


@dataclass(frozen=True)
class MessageHeader:
    """MessageHeader of a document package; elements are written in this order."""

    from_: Organization  # From
    to: tuple[Organization, ...]  # To, one or more
    code: Code
    promulgation_info: PromulgationInfo
    document_type: DocumentType
    subject: str  # the summary line (trích yếu)
    signer_info: SignerInfo
    document_id: DocumentId
    content: str = ""
    due_date: dt.date | None = None
    to_places: tuple[str, ...] = ()  # ToPlaces/Place: the "Nơi nhận" lines
    other_info: OtherInfo = field(default_factory=OtherInfo)
    response_for: tuple[ResponseFor, ...] = ()
    steering_type: SteeringType = SteeringType.NONE

    def __post_init__(self) -> None:
        if not self.to:
            raise ValueError("To: at least one receiver")
        check_text("Subject", self.subject, required=True, max_length=LONG)
        check_text("Content", self.content, max_length=LONG)
        if self.due_date is not None:
            _check_date("DueDate", self.due_date)
        for place in self.to_places:
            check_text("Place", place, required=True)
        _check_enum("SteeringType", self.steering_type, SteeringType)


@dataclass(frozen=True)
class TraceHeader:
    """One hop of the package: the organ that handled it and when."""

    organ_id: str
    timestamp: dt.datetime

    def __post_init__(self) -> None:
        check_organ_id("TraceHeader/OrganId", self.organ_id)
        _check_timestamp("TraceHeader/Timestamp", self.timestamp)


@dataclass(frozen=True)
class StaffInfo:
    """StaffInfo: the person (and their unit) who acted, to contact about the package."""

    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""

    def __post_init__(self) -> None:
        for name in ("department", "staff", "mobile", "email"):
            check_text(name, getattr(self, name))


@dataclass(frozen=True)
class Replacement:
    """ReplacementInfo: a document this one replaces, and the organs that hold it."""

    document_id: DocumentId
    organ_ids: tuple[str, ...] = ()  # OrganIdList/OrganId

    def __post_init__(self) -> None:
        for organ_id in self.organ_ids:
            check_organ_id("ReplacementInfo/OrganId", organ_id)


@dataclass(frozen=True)
class Business:
    """Bussiness (spelled so on the wire). Revoke, update and replace need a reason; revoke
    and update name the document in MessageHeader/ResponseFor, replace in `replacements`.
    `receivers` are the organs an update or revocation concerns (ReceiverList/OrganId)."""

    doc_type: BusinessDocType = BusinessDocType.NEW
    reason: str = ""  # BussinessDocReason
    paper: bool = False  # Paper: a paper original is also sent
    staff_info: StaffInfo = field(default_factory=StaffInfo)
    receivers: tuple[str, ...] = ()
    replacements: tuple[Replacement, ...] = ()

    def __post_init__(self) -> None:
        _check_enum("BussinessDocType", self.doc_type, BusinessDocType)
        check_text("BussinessDocReason", self.reason, max_length=LONG)
        if self.doc_type != BusinessDocType.NEW and not self.reason.strip():
            raise ValueError("BussinessDocReason: required to revoke, update or replace")
        if self.doc_type == BusinessDocType.REPLACE and not self.replacements:
            raise ValueError("ReplacementInfoList: a replacement names what it replaces")
        if not isinstance(self.paper, bool):
            raise ValueError("Paper: expected True or False")
        for organ_id in self.receivers:
            check_organ_id("ReceiverList/OrganId", organ_id)


@dataclass(frozen=True)
class Attachment:
    """A file of the package (the signed document, appendices). Sent zipped and base64 in
    AttachmentEncoded, described by a Reference of the manifest."""

    name: str
    content: bytes
    content_type: str
    description: str = ""

    def __post_init__(self) -> None:
        check_text("AttachmentName", self.name, required=True, max_length=255)
        if self.name in (".", "..") or any(c in self.name for c in "/\\\t\n\r"):
            raise ValueError(f"AttachmentName: not a plain file name: {self.name!r}")
        if not isinstance(self.content, bytes):
            raise ValueError("Attachment.content: expected bytes")
        check_text("ContentType", self.content_type, required=True, max_length=255)
        check_text("Description", self.description, max_length=LONG)


@dataclass(frozen=True)
class DocumentPackage:
    """A document sent from one organ to others."""

    header: MessageHeader
    traces: tuple[TraceHeader, ...]  # TraceHeaderList/TraceHeader, one per hop, oldest first
    business: Business = field(default_factory=Business)
    attachments: tuple[Attachment, ...] = ()

    def __post_init__(self) -> None:
        if not self.traces:
            raise ValueError("TraceHeader: at least the sender's hop")
        kind = self.business.doc_type
        if kind in (BusinessDocType.REVOKE, BusinessDocType.UPDATE) and not (
            self.header.response_for
        ):
            raise ValueError("ResponseFor: a revocation or update names its document")
        names = [attachment.name for attachment in self.attachments]
        if len(set(names)) != len(names):
            raise ValueError("AttachmentName: two attachments with the same name")


@dataclass(frozen=True)
class StatusPackage:
    """A status (MessageStatus) sent back by a receiver about a document."""

    response_for: ResponseFor
    from_: Organization  # From: the organ reporting
    status_code: StatusCode
    timestamp: dt.datetime
    description: str = ""  # required when the document is refused (02)
    staff_info: StaffInfo = field(default_factory=StaffInfo)

    def __post_init__(self) -> None:
        _check_enum("StatusCode", self.status_code, StatusCode)
        _check_timestamp("Timestamp", self.timestamp)
        check_text("Description", self.description, max_length=LONG)
        if self.status_code == StatusCode.REFUSED and not self.description.strip():
            raise ValueError("Description: a refusal (02) gives its reason")


Package = DocumentPackage | StatusPackage
