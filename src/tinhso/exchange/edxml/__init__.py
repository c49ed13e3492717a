"""edXML packages (QCVN 102:2016, amended 2022): build, parse, validate, sign and verify.

Pure: no Django imports. The node (outbox, peers, inbox endpoint) builds on these calls:

    data = sign(build(package), key=key, certificate=certificate)   # sending
    package = read(data, certificate=peer_certificate)              # receiving

Everything refused raises `EdxmlError`, whose `code` is the LGSP error code to answer with.
See docs/adr/0011-edxml.md.
"""

from tinhso.exchange.edxml.build import build
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
)
from tinhso.exchange.edxml.parse import parse
from tinhso.exchange.edxml.secure import LIMITS, NAMESPACE, Limits, validate
from tinhso.exchange.edxml.signing import read, sign, verify

__all__ = [
    "LIMITS",
    "NAMESPACE",
    "Attachment",
    "Business",
    "BusinessDocType",
    "Code",
    "DocumentId",
    "DocumentPackage",
    "DocumentType",
    "EdxmlError",
    "ErrorCode",
    "Limits",
    "MessageHeader",
    "Organization",
    "OtherInfo",
    "Package",
    "Priority",
    "PromulgationInfo",
    "Replacement",
    "ResponseFor",
    "SignerInfo",
    "StaffInfo",
    "StatusCode",
    "StatusPackage",
    "SteeringType",
    "TraceHeader",
    "build",
    "parse",
    "read",
    "sign",
    "validate",
    "verify",
]
