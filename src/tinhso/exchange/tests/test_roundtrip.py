"""build → parse is the identity, the bytes follow the wire format, the schema accepts them."""

from __future__ import annotations

import base64
import hashlib
import io
import unicodedata
import zipfile
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from lxml import etree

from tinhso.exchange.edxml import (
    NAMESPACE,
    Business,
    BusinessDocType,
    DocumentPackage,
    Replacement,
    ResponseFor,
    StatusCode,
    StatusPackage,
    build,
    parse,
    validate,
)
from tinhso.exchange.tests import strategies as s

ROUND_TRIPS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _xpath(data: bytes, path: str) -> list[object]:
    return etree.fromstring(data).xpath(path, namespaces={"edXML": NAMESPACE})


@ROUND_TRIPS
@given(s.document_packages())
def test_document_packages_round_trip(package: DocumentPackage) -> None:
    data = build(package)
    validate(data)
    assert parse(data) == package
    assert build(parse(data)) == data  # the inverse both ways: nothing normalised


@ROUND_TRIPS
@given(s.status_packages())
def test_status_packages_round_trip(package: StatusPackage) -> None:
    data = build(package)
    validate(data)
    assert parse(data) == package
    assert build(parse(data)) == data


def test_build_is_deterministic() -> None:
    package = s.document(attachments=(s.PDF, s.APPENDIX))
    assert build(package) == build(package)


def test_vietnamese_text_is_kept_as_written_precomposed_or_not() -> None:
    composed = "Quyết định về việc thành lập Hội đồng"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    for subject in (composed, decomposed):
        package = s.document()
        package = replace(package, header=replace(package.header, subject=subject))
        assert parse(build(package)).header.subject == subject


def test_every_element_carries_the_edxml_prefix_and_there_is_no_default_namespace() -> None:
    data = build(s.document(attachments=(s.PDF,)))
    root = etree.fromstring(data)
    assert root.nsmap == {"edXML": NAMESPACE}
    assert all(element.prefix == "edXML" for element in root.iter())
    assert b"xmlns=" not in data
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<edXML:edXML ")


def test_layout_dates_timestamps_and_document_id() -> None:
    data = build(s.document())
    header = "/edXML:edXML/edXML:edXMLEnvelope/edXML:edXMLHeader"
    assert _xpath(data, f"{header}/edXML:MessageHeader/edXML:DocumentId/text()") == [
        "000.00.00.H49,2020/11/03,123/BC-UBND"
    ]
    assert _xpath(data, f"{header}//edXML:PromulgationDate/text()") == ["2020/11/03"]
    assert _xpath(data, f"{header}//edXML:DueDate/text()") == ["2020/11/20"]
    assert _xpath(data, f"{header}/edXML:TraceHeaderList/edXML:TraceHeader/*/text()") == [
        "000.00.00.H49",
        "2020/11/03 08:30:05",
    ]
    assert _xpath(data, f"{header}/edXML:MessageHeader/edXML:To/edXML:OrganId/text()") == [
        "000.00.12.H49",
        "000.00.15.H49",
    ]
    assert _xpath(data, f"{header}//edXML:Priority/text()") == ["1"]
    # The standard's spelling.
    assert _xpath(data, f"{header}/edXML:TraceHeaderList/edXML:Bussiness/*/text()") == [
        "0",
        "0",
    ]


def test_attachments_are_zipped_base64_outside_the_envelope_and_in_the_manifest() -> None:
    data = build(s.document(attachments=(s.PDF, s.APPENDIX)))
    root = etree.fromstring(data)
    ns = {"edXML": NAMESPACE}
    assert [etree.QName(child).localname for child in root] == [
        "edXMLEnvelope",
        "AttachmentEncoded",
    ]
    references = root.xpath("//edXML:edXMLManifest/edXML:Reference", namespaces=ns)
    wires = root.xpath("/edXML:edXML/edXML:AttachmentEncoded/edXML:Attachment", namespaces=ns)
    assert [r.get("href") for r in references] == ["cid:attachment-1", "cid:attachment-2"]
    assert [w.get("ContentId") for w in wires] == ["attachment-1", "attachment-2"]
    for reference, wire, attachment in zip(references, wires, (s.PDF, s.APPENDIX), strict=True):
        assert wire.get("ContentType") == "application/zip"
        assert wire.get("ContentTransferEncoding") == "base64"
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(wire.text))) as archive:
            assert archive.namelist() == [attachment.name]
            assert archive.read(attachment.name) == attachment.content
        fields = {etree.QName(child).localname: child.text for child in reference}
        assert fields["AttachmentName"] == attachment.name
        assert fields["Size"] == str(len(attachment.content))
        assert fields["DigestMethod"] == "SHA-256"
        expected = base64.b64encode(hashlib.sha256(attachment.content).digest()).decode()
        assert fields["DigestValue"] == expected
    assert parse(data).attachments == (s.PDF, s.APPENDIX)  # type: ignore[union-attr]


def test_a_package_without_attachments_has_no_manifest_and_no_encoded_part() -> None:
    data = build(s.document())
    assert b"edXMLManifest" not in data
    assert b"AttachmentEncoded" not in data
    assert parse(data) == s.document()


def test_each_business_doc_type_is_written_and_read() -> None:
    cases = {
        BusinessDocType.NEW: s.document(),
        BusinessDocType.REVOKE: s.document(
            business=Business(BusinessDocType.REVOKE, "Ban hành sai thẩm quyền"),
            response_for=(ResponseFor(s.EARLIER_ID),),
        ),
        BusinessDocType.UPDATE: s.document(
            business=Business(
                BusinessDocType.UPDATE, "Bổ sung nơi nhận", receivers=("000.00.20.H49",)
            ),
            response_for=(ResponseFor(s.EARLIER_ID),),
        ),
        BusinessDocType.REPLACE: s.document(
            business=Business(
                BusinessDocType.REPLACE,
                "Thay thế do sai số liệu",
                paper=True,
                replacements=(Replacement(s.EARLIER_ID, ("000.00.12.H49",)),),
            )
        ),
    }
    for kind, package in cases.items():
        data = build(package)
        validate(data)
        assert _xpath(data, "//edXML:Bussiness/edXML:BussinessDocType/text()") == [str(int(kind))]
        assert parse(data) == package
    replace = build(cases[BusinessDocType.REPLACE])
    assert _xpath(replace, "//edXML:ReplacementInfo/edXML:DocumentId/text()") == [
        "000.00.00.H49,2020/10/01,98/BC-UBND"
    ]
    assert _xpath(replace, "//edXML:Bussiness/edXML:Paper/text()") == ["1"]
    revoke = build(cases[BusinessDocType.REVOKE])
    assert _xpath(revoke, "//edXML:MessageHeader/edXML:ResponseFor/*/text()") == [
        "000.00.00.H49",
        "98/BC-UBND",
        "2020/10/01",
        "000.00.00.H49,2020/10/01,98/BC-UBND",
    ]


def test_each_status_code_is_written_and_read() -> None:
    for code in StatusCode:
        package = s.status(code, "Sai thể thức" if code == StatusCode.REFUSED else "")
        data = build(package)
        validate(data)
        assert _xpath(data, "//edXML:MessageStatus/edXML:StatusCode/text()") == [code.value]
        assert _xpath(data, "//edXML:MessageStatus/edXML:Timestamp/text()") == [
            "2020/11/03 09:00:00"
        ]
        assert b"edXMLManifest" not in data
        assert parse(data) == package
