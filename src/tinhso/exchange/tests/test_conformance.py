"""Well-formed XML that is not edXML is refused with code 22, naming the element."""

from __future__ import annotations

import pytest

from tinhso.exchange.edxml import (
    NAMESPACE,
    EdxmlError,
    ErrorCode,
    StatusCode,
    build,
    parse,
    validate,
)
from tinhso.exchange.tests import strategies as s

HEADER = "edXML:edXMLEnvelope/edXML:edXMLHeader"


def refused(data: bytes) -> EdxmlError:
    with pytest.raises(EdxmlError) as caught:
        parse(data)
    return caught.value


def test_built_packages_are_valid() -> None:
    validate(build(s.document(attachments=(s.PDF,))))
    validate(build(s.status()))


def test_another_namespace_is_refused() -> None:
    data = build(s.document()).replace(NAMESPACE.encode(), b"http://www.mic.gov.vn/TBT/QCVN_102")
    error = refused(data)
    assert (error.code, error.reason, error.element) == (22, "namespace", "edXML:edXML")
    assert "http://www.mic.gov.vn/TBT/QCVN_102_2016" in error.message
    with pytest.raises(EdxmlError):
        validate(data)


def test_no_namespace_at_all_is_refused() -> None:
    data = build(s.document()).replace(b' xmlns:edXML="' + NAMESPACE.encode() + b'"', b"")
    data = data.replace(b"edXML:", b"")
    assert refused(data).reason == "namespace"


def test_the_default_namespace_instead_of_the_prefix_is_refused() -> None:
    """The same infoset as a valid package: only the prefix rule can see the difference."""
    data = build(s.document()).replace(b"xmlns:edXML=", b"xmlns=").replace(b"edXML:", b"")
    error = refused(data)
    assert (error.code, error.reason, error.element) == (22, "prefix", "edXML:edXML")
    with pytest.raises(EdxmlError, match="prefix"):
        validate(data)


def test_one_element_without_the_prefix_is_refused_by_name() -> None:
    subject = "Báo cáo tình hình kinh tế - xã hội tháng 10 năm 2020"
    data = build(s.document()).replace(
        f"<edXML:Subject>{subject}</edXML:Subject>".encode(),
        f'<Subject xmlns="{NAMESPACE}">{subject}</Subject>'.encode(),
    )
    error = refused(data)
    assert (error.code, error.reason) == (22, "prefix")
    assert error.element == f"{HEADER}/edXML:MessageHeader/edXML:Subject"
    assert str(error).startswith("22 prefix at edXML:edXMLEnvelope/")


def test_another_prefix_bound_to_the_namespace_is_refused() -> None:
    data = build(s.document()).replace(
        b"<edXML:Subject>", f'<x:Subject xmlns:x="{NAMESPACE}">'.encode()
    )
    data = data.replace(b"</edXML:Subject>", b"</x:Subject>")
    assert refused(data).reason == "prefix"


@pytest.mark.parametrize(
    ("old", "new", "element"),
    [
        # A required element missing.
        (
            b"<edXML:DocumentId>000.00.00.H49,2020/11/03,123/BC-UBND</edXML:DocumentId>",
            b"",
            f"{HEADER}/edXML:MessageHeader",
        ),
        # An element the standard does not have.
        (
            b"<edXML:SteeringType>0</edXML:SteeringType>",
            b"<edXML:Steering>0</edXML:Steering>",
            f"{HEADER}/edXML:MessageHeader/edXML:Steering",
        ),
        # The wrong date format.
        (
            b"<edXML:DueDate>2020/11/20</edXML:DueDate>",
            b"<edXML:DueDate>20/11/2020</edXML:DueDate>",
            f"{HEADER}/edXML:MessageHeader/edXML:DueDate",
        ),
        # A priority out of range.
        (
            b"<edXML:Priority>1</edXML:Priority>",
            b"<edXML:Priority>5</edXML:Priority>",
            f"{HEADER}/edXML:MessageHeader/edXML:OtherInfo/edXML:Priority",
        ),
        # An organ identifier in another scheme (Decision 20/2020).
        (
            b"<edXML:OrganId>000.00.12.H49</edXML:OrganId>",
            b"<edXML:OrganId>H49.12</edXML:OrganId>",
            f"{HEADER}/edXML:MessageHeader/edXML:To[1]/edXML:OrganId",
        ),
    ],
)
def test_schema_violations_are_refused_naming_the_element(
    old: bytes, new: bytes, element: str
) -> None:
    data = build(s.document())
    assert old in data
    error = refused(data.replace(old, new, 1))
    assert (error.code, error.reason) == (22, "schema")
    assert error.element == element
    assert error.message.startswith("line ")


def test_elements_out_of_order_are_refused() -> None:
    data = build(s.document())
    subject = b"<edXML:Subject>B\xc3\xa1o c\xc3\xa1o"
    code_start = data.index(b"<edXML:Code>")
    code_end = data.index(b"</edXML:Code>") + len(b"</edXML:Code>")
    code = data[code_start:code_end]
    moved = data[:code_start] + data[code_end:]
    moved = moved.replace(subject, code + subject)
    error = refused(moved)
    assert (error.code, error.reason) == (22, "schema")


def test_a_date_that_does_not_exist_is_refused_naming_the_element() -> None:
    data = build(s.document()).replace(
        b"<edXML:DueDate>2020/11/20</edXML:DueDate>", b"<edXML:DueDate>2021/02/29</edXML:DueDate>"
    )
    error = refused(data)
    assert (error.code, error.reason) == (22, "value")
    assert error.element == f"{HEADER}/edXML:MessageHeader/edXML:DueDate"


def test_an_organ_identifier_with_a_gap_is_refused() -> None:
    data = build(s.document()).replace(
        b"<edXML:OrganId>000.00.12.H49</edXML:OrganId>",
        b"<edXML:OrganId>000.05.00.H49</edXML:OrganId>",
    )
    error = refused(data)
    assert (error.code, error.reason) == (22, "value")
    assert error.element == f"{HEADER}/edXML:MessageHeader/edXML:To[1]"
    assert "gap" in error.message


def test_a_refusal_without_a_reason_is_refused() -> None:
    data = build(s.status(StatusCode.REFUSED, "Sai thể thức văn bản"))
    bare = data.replace("<edXML:Description>Sai thể thức văn bản</edXML:Description>".encode(), b"")
    assert bare != data
    error = refused(bare)
    assert (error.code, error.reason) == (22, "value")
    assert error.element == f"{HEADER}/edXML:MessageStatus"
    assert "02" in error.message
    blank = data.replace("Sai thể thức văn bản".encode(), b"   ")
    assert refused(blank).reason == "value"


def test_an_unknown_status_code_is_refused() -> None:
    data = build(s.status()).replace(
        b"<edXML:StatusCode>01</edXML:StatusCode>", b"<edXML:StatusCode>07</edXML:StatusCode>"
    )
    error = refused(data)
    assert (error.code, error.reason) == (22, "schema")
    assert error.element == f"{HEADER}/edXML:MessageStatus/edXML:StatusCode"


def test_a_response_for_that_disagrees_with_its_document_id_is_refused() -> None:
    data = build(s.status()).replace(
        b"<edXML:Code>123/BC-UBND</edXML:Code>", b"<edXML:Code>124/BC-UBND</edXML:Code>"
    )
    error = refused(data)
    assert (error.code, error.reason) == (22, "response_for")
    assert error.element == f"{HEADER}/edXML:MessageStatus/edXML:ResponseFor"


def test_a_revocation_without_a_reason_is_refused() -> None:
    data = build(s.document()).replace(
        b"<edXML:BussinessDocType>0</edXML:BussinessDocType>",
        b"<edXML:BussinessDocType>1</edXML:BussinessDocType>",
    )
    error = refused(data)
    assert (error.code, error.reason) == (22, "value")
    assert error.element == f"{HEADER}/edXML:TraceHeaderList/edXML:Bussiness"
    assert "BussinessDocReason" in error.message


def test_comments_and_processing_instructions_inside_are_refused() -> None:
    data = build(s.document())
    for markup in (b"<!-- hidden -->", b"<?xml-stylesheet href='x.xsl'?>"):
        error = refused(data.replace(b"<edXML:Subject>", markup + b"<edXML:Subject>"))
        assert (error.code, error.reason) == (22, "markup")
        assert error.element == f"{HEADER}/edXML:MessageHeader"


def test_a_status_package_with_attachments_is_refused() -> None:
    document = build(s.document(attachments=(s.PDF,)))
    encoded = document[
        document.index(b"<edXML:AttachmentEncoded>") : document.index(b"</edXML:edXML>")
    ]
    data = build(s.status()).replace(b"</edXML:edXML>", encoded + b"</edXML:edXML>")
    error = refused(data)
    assert (error.code, error.reason) == (22, "status_attachments")


def test_errors_carry_a_vietnamese_title() -> None:
    error = refused(build(s.document()).replace(NAMESPACE.encode(), b"urn:other"))
    assert error.code is ErrorCode.NOT_CONFORMANT
    assert error.title == "Gói tin không đúng chuẩn edXML"
