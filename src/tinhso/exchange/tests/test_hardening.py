"""Hostile files are refused (code 10) before anything is read from them."""

from __future__ import annotations

import os

import pytest
from lxml import etree

from tinhso.exchange.edxml import (
    NAMESPACE,
    Attachment,
    EdxmlError,
    Limits,
    build,
    parse,
    secure,
    validate,
)
from tinhso.exchange.tests import strategies as s

PASSWD = "file:///etc/passwd"


def refused(data: bytes, limits: Limits = secure.LIMITS) -> EdxmlError:
    with pytest.raises(EdxmlError) as caught:
        parse(data, limits=limits)
    with pytest.raises(EdxmlError):
        validate(data, limits=limits)
    return caught.value


def _with_prolog(prolog: bytes, entity_use: bytes = b"") -> bytes:
    data = build(s.document())
    body = data.split(b"?>\n", 1)[1]
    subject = "Báo cáo tình hình".encode()
    return (
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        + prolog
        + body.replace(subject, entity_use + subject)
    )


BILLION_LAUGHS = (
    b'<!DOCTYPE edXML:edXML [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>\n"
)
EXTERNAL_ENTITY = f'<!DOCTYPE edXML:edXML [<!ENTITY xxe SYSTEM "{PASSWD}">]>\n'.encode()
EXTERNAL_DTD = b'<!DOCTYPE edXML:edXML SYSTEM "http://attacker.example/edxml.dtd">\n'


@pytest.mark.parametrize(
    ("prolog", "use"),
    [
        (BILLION_LAUGHS, b"&lol9;"),
        (EXTERNAL_ENTITY, b"&xxe;"),
        (EXTERNAL_DTD, b""),
        (b"<!DOCTYPE edXML:edXML>\n", b""),
    ],
    ids=["billion-laughs", "external-entity", "external-dtd", "bare-doctype"],
)
def test_any_doctype_is_refused(prolog: bytes, use: bytes) -> None:
    error = refused(_with_prolog(prolog, use))
    assert (error.code, error.reason) == (10, "doctype")


def test_an_entity_declaration_anywhere_is_refused() -> None:
    data = build(s.document()).replace(b"<edXML:Subject>", b"<!ENTITY x 'y'><edXML:Subject>")
    assert refused(data).code == 10


def test_the_parser_itself_neither_expands_nor_fetches_entities() -> None:
    """Defence in depth: were the DOCTYPE scan bypassed, the parser would still resolve
    nothing, and libxml2's amplification guard stops the billion laughs."""
    root = etree.fromstring(_with_prolog(EXTERNAL_ENTITY, b"&xxe;"), secure.parser())
    subject = root.find(f".//{{{NAMESPACE}}}Subject")
    assert subject.text is None  # the reference stays an unresolved entity node
    assert etree.tostring(subject, encoding="unicode").count("&xxe;") == 1
    assert "root:" not in etree.tostring(root, encoding="unicode")
    with pytest.raises(etree.XMLSyntaxError, match="amplification"):
        etree.fromstring(_with_prolog(BILLION_LAUGHS, b"&lol9;"), secure.parser())


def test_oversize_input_is_refused_before_parsing() -> None:
    data = build(s.document(attachments=(s.PDF,)))
    error = refused(data, Limits(max_package_bytes=len(data) - 1))
    assert (error.code, error.reason) == (10, "too_large")
    parse(data, limits=Limits(max_package_bytes=len(data)))


def test_empty_input_is_refused() -> None:
    assert refused(b"").reason == "empty"


def test_deep_nesting_is_refused() -> None:
    deep = b"<a>" * 10_000 + b"</a>" * 10_000
    error = refused(deep)
    assert (error.code, error.reason) == (10, "too_deep")
    data = build(s.document())
    assert refused(data, Limits(max_depth=6)).reason == "too_deep"
    parse(data, limits=Limits(max_depth=7))  # edXML itself nests seven levels without a signature


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_other_encodings_are_refused(encoding: str) -> None:
    text = build(s.document()).decode("utf-8").replace("encoding='UTF-8'", f"encoding='{encoding}'")
    error = refused(text.encode(encoding))
    assert (error.code, error.reason) == (10, "encoding")


def test_a_declared_legacy_encoding_is_refused() -> None:
    data = build(s.document()).replace(b"encoding='UTF-8'", b"encoding='ISO-8859-1'")
    assert refused(data).reason == "encoding"


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    assert parse(b"\xef\xbb\xbf" + build(s.document())) == s.document()


@pytest.mark.parametrize(
    "data",
    [
        b"not xml at all",
        b"<?xml version='1.0'?><edXML:edXML",
        b"<edXML:edXML xmlns:edXML='x'><a></b></edXML:edXML>",
        b"\x00\x01\x02",
    ],
)
def test_malformed_input_is_refused(data: bytes) -> None:
    assert refused(data).code == 10


def test_invalid_utf8_is_refused() -> None:
    data = build(s.document()).replace("Quảng Ninh".encode(), b"Qu\xff\xfeng Ninh")
    error = refused(data)
    assert (error.code, error.reason) == (10, "malformed")


def test_a_text_node_over_the_libxml2_cap_is_refused() -> None:
    """huge_tree stays off: one text node over 10,000,000 bytes is refused, whatever the limits."""
    content = b"<edXML:Content>" + b"A" * (secure.MAX_TEXT_NODE + 10) + b"</edXML:Content>"
    data = build(s.document()).replace(b"</edXML:Subject>", b"</edXML:Subject>" + content)
    error = refused(data)
    assert (error.code, error.reason) == (10, "malformed")
    assert "too long" in error.message


def test_build_refuses_an_attachment_no_hardened_receiver_would_read() -> None:
    """Random bytes do not compress: ~7.6 MB becomes more than 10,000,000 base64 characters."""
    big = Attachment("scan.pdf", os.urandom(7_600_000), "application/pdf")
    with pytest.raises(ValueError, match="10000000"):
        build(s.document(attachments=(big,)))
