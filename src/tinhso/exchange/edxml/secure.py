"""Loading untrusted edXML bytes, and the checks every package passes before it is read.

`load` refuses (LGSP code 10) what is not a plain UTF-8 XML document within the limits:
oversize input, other encodings, any DOCTYPE or entity declaration, nesting deeper than
`Limits.max_depth`, text nodes over libxml2's 10,000,000-byte cap (huge_tree stays off). The
parser never resolves entities, never loads a DTD, never touches the network.
`check_conformance` refuses (code 22) XML that is not edXML: another namespace, an element
without the explicit ``edXML:`` prefix, comments or processing instructions, anything the
project's schema (schema/edxml.xsd) rejects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # no stubs installed

from tinhso.exchange.edxml.errors import EdxmlError, ErrorCode

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PREFIX = "edXML"
DSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"
SCHEMA_FILE = Path(__file__).with_name("schema") / "edxml.xsd"
# libxml2 refuses a text node longer than this unless huge_tree is on, which it never is here:
# an encoded attachment (base64 of its ZIP) must fit in one text node.
MAX_TEXT_NODE = 10_000_000

_CHUNK = 64 * 1024
_DECLARED_ENCODING = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']")
_FORBIDDEN_MARKUP = (b"<!DOCTYPE", b"<!ENTITY")


@dataclass(frozen=True)
class Limits:
    """What a package may weigh. The defaults suit a provincial node: the package as sent,
    each attachment and all attachments once unzipped (a ZIP bomb stops at these), the number
    of attachments and the nesting of elements (edXML itself needs 9)."""

    max_package_bytes: int = 64 * 1024 * 1024
    max_attachment_bytes: int = 50 * 1024 * 1024
    max_total_attachment_bytes: int = 100 * 1024 * 1024
    max_attachments: int = 100
    max_depth: int = 20


LIMITS = Limits()


def q(name: str) -> str:
    """The qualified (Clark) name of an edXML element."""
    return f"{{{NAMESPACE}}}{name}"


def parser() -> Any:
    """A hardened lxml parser: no entities, no DTD, no network, no huge trees."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )


def path_of(element: Any) -> str:
    """`edXML:edXMLEnvelope/edXML:edXMLHeader/edXML:MessageHeader/edXML:To[2]/…`: where an
    element is, from under the root, with a position where a name repeats."""
    steps: list[str] = []
    node = element
    while node is not None and node.getparent() is not None:
        parent = node.getparent()
        qname = etree.QName(node)
        prefix = PREFIX if qname.namespace == NAMESPACE else (node.prefix or "")
        name = f"{prefix}:{qname.localname}" if prefix else qname.localname
        same = [sibling for sibling in parent if sibling.tag == node.tag]
        if len(same) > 1:
            name += f"[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/".join(reversed(steps)) or f"{PREFIX}:edXML"


def load(data: bytes, *, limits: Limits = LIMITS) -> Any:
    """Parse untrusted bytes into an element tree, or raise EdxmlError(10)."""
    if not isinstance(data, bytes) or not data:
        raise EdxmlError(ErrorCode.INVALID_FILE, "empty", "no package: expected non-empty bytes")
    if len(data) > limits.max_package_bytes:
        raise EdxmlError(
            ErrorCode.INVALID_FILE,
            "too_large",
            f"{len(data)} bytes, over the limit of {limits.max_package_bytes}",
        )
    _check_encoding(data)
    for markup in _FORBIDDEN_MARKUP:
        if markup in data:
            raise EdxmlError(
                ErrorCode.INVALID_FILE, "doctype", f"{markup.decode()} declarations are refused"
            )
    root = _parse_with_depth_limit(data, limits.max_depth)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise EdxmlError(ErrorCode.INVALID_FILE, "doctype", "a DOCTYPE is refused")
    return root


def _check_encoding(data: bytes) -> None:
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not body.lstrip(b" \t\r\n").startswith(b"<"):
        raise EdxmlError(ErrorCode.INVALID_FILE, "encoding", "not a UTF-8 XML document")
    declared = _DECLARED_ENCODING.match(body)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        raise EdxmlError(
            ErrorCode.INVALID_FILE,
            "encoding",
            f"encoding {declared.group(1).decode()} refused: edXML is UTF-8",
        )


def _parse_with_depth_limit(data: bytes, max_depth: int) -> Any:
    pull = etree.XMLPullParser(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )
    depth = 0
    try:
        for start in range(0, len(data), _CHUNK):
            pull.feed(data[start : start + _CHUNK])
            for event, element in pull.read_events():
                depth += 1 if event == "start" else -1
                if depth > max_depth:
                    raise EdxmlError(
                        ErrorCode.INVALID_FILE,
                        "too_deep",
                        f"elements nested deeper than {max_depth}",
                        element=etree.QName(element).localname,
                    )
        return pull.close()
    except etree.XMLSyntaxError as error:
        # libxml2 stops at 256 levels on its own, sometimes before the events reach us.
        reason = "too_deep" if "Excessive depth" in str(error) else "malformed"
        raise EdxmlError(ErrorCode.INVALID_FILE, reason, f"not well-formed XML: {error}") from None


@cache
def _schema() -> Any:
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE), parser()))


def check_conformance(root: Any) -> None:
    """Raise EdxmlError(22) unless `root` is an edXML package as the project's schema and the
    prefix rule say."""
    qname = etree.QName(root)
    if qname.localname != "edXML" or qname.namespace != NAMESPACE:
        raise EdxmlError(
            ErrorCode.NOT_CONFORMANT,
            "namespace",
            f"the root must be edXML:edXML in {NAMESPACE}, not {root.tag}",
            element=path_of(root),
        )
    for node in root.iter():
        if not isinstance(node.tag, str):  # comments, processing instructions, entities
            raise EdxmlError(
                ErrorCode.NOT_CONFORMANT,
                "markup",
                "comments and processing instructions are not part of edXML",
                element=path_of(node.getparent()),
            )
        if etree.QName(node).namespace == NAMESPACE and node.prefix != PREFIX:
            raise EdxmlError(
                ErrorCode.NOT_CONFORMANT,
                "prefix",
                f"element written without the explicit {PREFIX}: prefix",
                element=path_of(node),
            )
    schema = _schema()
    if not schema.validate(root):
        first = schema.error_log[0]
        raise EdxmlError(
            ErrorCode.NOT_CONFORMANT,
            "schema",
            f"line {first.line}: {first.message}",
            element=_schema_error_path(first.path),
        )


def _schema_error_path(xpath: str | None) -> str:
    """lxml's XPath of a schema error (`/edXML:edXML/edXML:edXMLEnvelope/…`), from under the
    root as `path_of` writes it."""
    steps = [step for step in (xpath or "").split("/") if step]
    return "/".join(steps[1:]) or f"{PREFIX}:edXML"


def validate(data: bytes, *, limits: Limits = LIMITS) -> None:
    """Check untrusted bytes against the hardening rules, the prefix rule and the schema.

    Raises EdxmlError (10 or 22). Says nothing about the rules beyond the schema (use `parse`)
    or about the signature (use `signing.verify`)."""
    check_conformance(load(data, limits=limits))
