"""The enveloped signature: made, verified against the expected certificate, and refused
(code 15) when missing, broken or made by another key."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tinhso.exchange.edxml import (
    NAMESPACE,
    DocumentPackage,
    EdxmlError,
    ErrorCode,
    Package,
    build,
    parse,
    read,
    sign,
    validate,
    verify,
)
from tinhso.exchange.tests import strategies as s
from tinhso.exchange.tests.conftest import Identity, make_certificate, make_identity

DS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"edXML": NAMESPACE, "ds": DS}
# Hypothesis does not mix with function-scoped fixtures: a module-level identity.
_NODE = make_identity("lgsp.hypothesis.test")
SUBJECT = "Báo cáo tình hình kinh tế - xã hội tháng 10 năm 2020".encode()


@pytest.fixture(scope="module")
def package() -> DocumentPackage:
    return s.document(attachments=(s.PDF, s.APPENDIX))


@pytest.fixture(scope="module")
def signed(node: Identity, package: DocumentPackage) -> bytes:
    return sign(build(package), key=node.key, certificate=node.certificate)


def refused(data: bytes, certificate: x509.Certificate) -> EdxmlError:
    with pytest.raises(EdxmlError) as caught:
        read(data, certificate=certificate)
    return caught.value


def test_a_signed_package_reads_back_and_stays_valid(
    node: Identity, package: DocumentPackage, signed: bytes
) -> None:
    assert read(signed, certificate=node.certificate) == package
    assert parse(signed) == package  # parse ignores the signature
    validate(signed)


def test_the_signature_is_enveloped_in_the_header_and_covers_the_whole_package(
    signed: bytes,
) -> None:
    root = etree.fromstring(signed)
    signatures = root.xpath("//ds:Signature", namespaces=NS)
    assert len(signatures) == 1
    header = root.find("edXML:edXMLEnvelope/edXML:edXMLHeader", NS)
    assert signatures[0].getparent() is header
    assert header[-1] is signatures[0]
    assert signatures[0].prefix == "ds"
    references = signatures[0].xpath("ds:SignedInfo/ds:Reference", namespaces=NS)
    assert [reference.get("URI") for reference in references] == [""]
    transforms = references[0].xpath("ds:Transforms/ds:Transform/@Algorithm", namespaces=NS)
    assert f"{DS}enveloped-signature" in transforms
    method = signatures[0].xpath("ds:SignedInfo/ds:SignatureMethod/@Algorithm", namespaces=NS)
    assert method == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"]
    assert signatures[0].xpath("ds:KeyInfo/ds:X509Data/ds:X509Certificate", namespaces=NS)


def test_verify_returns_what_was_signed_without_the_signature(
    node: Identity, signed: bytes
) -> None:
    tree = verify(signed, certificate=node.certificate)
    assert etree.QName(tree).localname == "edXML"
    assert not tree.xpath("//ds:Signature", namespaces=NS)
    assert tree.xpath("//edXML:Subject/text()", namespaces=NS) == [SUBJECT.decode()]


def test_an_unsigned_package_is_refused(node: Identity, package: DocumentPackage) -> None:
    error = refused(build(package), node.certificate)
    assert (error.code, error.reason) == (ErrorCode.BAD_CREDENTIALS, "signature_missing")
    assert error.element == "edXML:edXMLEnvelope/edXML:edXMLHeader"


def test_a_signature_removed_after_signing_is_refused(node: Identity, signed: bytes) -> None:
    root = etree.fromstring(signed)
    signature = root.find(".//ds:Signature", NS)
    signature.getparent().remove(signature)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    assert refused(data, node.certificate).reason == "signature_missing"


def test_a_changed_subject_is_refused(node: Identity, signed: bytes) -> None:
    data = signed.replace(SUBJECT, SUBJECT.replace("tháng 10".encode(), "tháng 11".encode()))
    assert data != signed
    parse(data)  # still a valid package: only the signature tells
    error = refused(data, node.certificate)
    assert (error.code, error.reason) == (15, "signature")
    assert error.element == "edXML:edXMLEnvelope/edXML:edXMLHeader/ds:Signature"


def test_a_changed_receiver_is_refused(node: Identity, signed: bytes) -> None:
    data = signed.replace(b"000.00.15.H49", b"000.00.16.H49")
    assert refused(data, node.certificate).code == 15


def test_a_changed_attachment_outside_the_envelope_is_refused(
    node: Identity, signed: bytes
) -> None:
    root = etree.fromstring(signed)
    wire = root.find("edXML:AttachmentEncoded/edXML:Attachment", NS)
    wire.text = wire.text[:-8] + ("AAAAAAA=" if not wire.text.endswith("AAAAAAA=") else "BBBBBBB=")
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    assert refused(data, node.certificate).code == 15


def test_a_broken_signature_value_is_refused(node: Identity, signed: bytes) -> None:
    root = etree.fromstring(signed)
    value = root.find(".//ds:SignatureValue", NS)
    value.text = ("A" if value.text[0] != "A" else "B") + value.text[1:]
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    error = refused(data, node.certificate)
    assert (error.code, error.reason) == (15, "signature")


def test_a_package_signed_by_another_node_is_refused(
    node: Identity, stranger: Identity, package: DocumentPackage
) -> None:
    """The stranger's own certificate sits in KeyInfo: it is ignored, the expected one rules."""
    forged = sign(build(package), key=stranger.key, certificate=stranger.certificate)
    assert read(forged, certificate=stranger.certificate) == package
    error = refused(forged, node.certificate)
    assert (error.code, error.reason) == (15, "signature")


def test_a_signature_claiming_the_expected_certificate_but_made_by_another_key_is_refused(
    node: Identity, stranger: Identity, package: DocumentPackage
) -> None:
    forged = sign(build(package), key=stranger.key, certificate=node.certificate)
    assert refused(forged, node.certificate).code == 15


def test_an_expired_expected_certificate_is_refused(node: Identity, signed: bytes) -> None:
    expired = make_certificate(
        node.key, "lgsp.quangninh.test", not_after=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    )
    error = refused(signed, expired)
    assert (error.code, error.reason) == (15, "signature")


def test_a_second_signature_is_refused(node: Identity, signed: bytes) -> None:
    root = etree.fromstring(signed)
    signature = root.find(".//ds:Signature", NS)
    copy = etree.tostring(signature)
    signature.addnext(etree.fromstring(copy))
    beside = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    error = refused(beside, node.certificate)
    assert (error.code, error.reason) == (22, "schema")  # one signature in the header
    # Hidden where the schema does not look (a ds:Object of the first signature).
    root = etree.fromstring(signed)
    signature = root.find(".//ds:Signature", NS)
    hidden = etree.SubElement(signature, f"{{{DS}}}Object")
    hidden.append(etree.fromstring(copy))
    inside = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    error = refused(inside, node.certificate)
    assert (error.code, error.reason) == (15, "signatures")


def test_a_signature_over_less_than_the_whole_package_is_refused(
    node: Identity, signed: bytes
) -> None:
    data = signed.replace(b'<ds:Reference URI="">', b'<ds:Reference URI="#header">')
    error = refused(data, node.certificate)
    assert (error.code, error.reason) == (15, "signature_scope")


def test_a_signed_package_cannot_be_signed_again(node: Identity, signed: bytes) -> None:
    with pytest.raises(EdxmlError) as caught:
        sign(signed, key=node.key, certificate=node.certificate)
    assert (caught.value.code, caught.value.reason) == (22, "signed")


def test_status_packages_are_signed_and_verified_too(node: Identity, stranger: Identity) -> None:
    data = sign(build(s.status()), key=node.key, certificate=node.certificate)
    assert read(data, certificate=node.certificate) == s.status()
    assert refused(data, stranger.certificate).code == 15


def test_hostile_files_are_refused_before_the_signature_is_looked_at(node: Identity) -> None:
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'
    error = refused(doctype, node.certificate)
    assert (error.code, error.reason) == (10, "doctype")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(s.document_packages(), s.status_packages()))
def test_any_package_signs_and_reads_back(package: Package) -> None:
    data = sign(build(package), key=_NODE.key, certificate=_NODE.certificate)
    assert read(data, certificate=_NODE.certificate) == package
