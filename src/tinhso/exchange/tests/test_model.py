"""The values check themselves: a package that exists is one the schema accepts."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings

from tinhso.exchange.edxml import (
    Attachment,
    Business,
    BusinessDocType,
    DocumentId,
    DocumentPackage,
    EdxmlError,
    ErrorCode,
    Organization,
    OtherInfo,
    Priority,
    Replacement,
    ResponseFor,
    StatusCode,
    TraceHeader,
)
from tinhso.exchange.edxml.errors import TITLES
from tinhso.exchange.edxml.model import (
    format_date,
    format_timestamp,
    parse_date,
    parse_timestamp,
)
from tinhso.exchange.tests import strategies as s


@settings(max_examples=200, deadline=None)
@given(s.document_ids)
def test_document_ids_round_trip_through_text(document_id: DocumentId) -> None:
    assert DocumentId.parse(str(document_id)) == document_id


@settings(max_examples=200, deadline=None)
@given(s.dates, s.timestamps)
def test_dates_and_timestamps_round_trip_through_text(day: dt.date, moment: dt.datetime) -> None:
    assert parse_date(format_date(day)) == day
    assert parse_timestamp(format_timestamp(moment)) == moment


def test_formats() -> None:
    assert format_date(dt.date(2020, 1, 3)) == "2020/01/03"
    assert format_date(dt.date(987, 1, 3)) == "0987/01/03"
    assert format_timestamp(dt.datetime(2020, 1, 3, 7, 5, 9)) == "2020/01/03 07:05:09"


def test_a_legal_normative_notation_keeps_its_slashes() -> None:
    decree = DocumentId.parse("000.00.00.G01,2022/06/10,42/2022/NĐ-CP")
    assert (decree.number, decree.notation) == ("42", "2022/NĐ-CP")
    assert decree.date == dt.date(2022, 6, 10)
    assert str(decree) == "000.00.00.G01,2022/06/10,42/2022/NĐ-CP"


@pytest.mark.parametrize(
    "text",
    [
        "000.00.00.H49,2020/11/03,123",  # no notation
        "000.00.00.H49,2020/11/03,/BC-UBND",  # no number
        "000.00.00.H49,2020-11-03,123/BC-UBND",  # another date format
        "000.00.00.H49,2020/11/31,123/BC-UBND",  # no such day
        "000.00.00.H49,2020/11/3,123/BC-UBND",  # no leading zero
        "H49,2020/11/03,123/BC-UBND",  # not a QCVN 102 identifier
        "000.00.00.H49;2020/11/03;123/BC-UBND",
        "",
    ],
)
def test_malformed_document_ids_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        DocumentId.parse(text)


@pytest.mark.parametrize(
    "organ_id", ["000.00.00.H00", " 000.00.00.H49", "000.00.00.h49", "000.01.00.H49", "H49"]
)
def test_malformed_organ_ids_are_refused(organ_id: str) -> None:
    with pytest.raises(ValueError, match="OrganId"):
        Organization(organ_id, "Sở Tư pháp")


def test_text_xml_cannot_carry_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match=r"OrganName: character U\+0001"):
        Organization("000.00.00.H49", "Sở\x01")
    with pytest.raises(ValueError, match="OrganName: required"):
        Organization("000.00.00.H49", "")
    with pytest.raises(ValueError, match="longer than 500"):
        Organization("000.00.00.H49", "x" * 501)


def test_timestamps_are_naive_and_in_whole_seconds() -> None:
    with pytest.raises(ValueError, match="whole seconds"):
        TraceHeader("000.00.00.H49", dt.datetime(2020, 1, 1, 8, 0, 0, 500))
    with pytest.raises(ValueError, match="naive"):
        TraceHeader("000.00.00.H49", dt.datetime(2020, 1, 1, tzinfo=dt.UTC))


def test_a_package_needs_a_receiver_and_a_hop() -> None:
    package = s.document()
    with pytest.raises(ValueError, match="To"):
        replace(package.header, to=())
    with pytest.raises(ValueError, match="TraceHeader"):
        replace(package, traces=())


@pytest.mark.parametrize("kind", [BusinessDocType.REVOKE, BusinessDocType.UPDATE])
def test_revoke_and_update_need_a_reason_and_the_document_they_concern(
    kind: BusinessDocType,
) -> None:
    with pytest.raises(ValueError, match="BussinessDocReason"):
        Business(kind)
    with pytest.raises(ValueError, match="BussinessDocReason"):
        Business(kind, "   ")
    with pytest.raises(ValueError, match="ResponseFor"):
        s.document(business=Business(kind, "Sai thẩm quyền"))
    package = s.document(
        business=Business(kind, "Sai thẩm quyền"), response_for=(ResponseFor(s.EARLIER_ID),)
    )
    assert package.business.doc_type == kind


def test_replace_needs_a_reason_and_what_it_replaces() -> None:
    with pytest.raises(ValueError, match="BussinessDocReason"):
        Business(BusinessDocType.REPLACE, replacements=(Replacement(s.EARLIER_ID),))
    with pytest.raises(ValueError, match="ReplacementInfoList"):
        Business(BusinessDocType.REPLACE, "Sai số liệu")
    assert Business(
        BusinessDocType.REPLACE, "Sai số liệu", replacements=(Replacement(s.EARLIER_ID),)
    )


def test_business_values_are_the_standard_numbers() -> None:
    assert [int(kind) for kind in BusinessDocType] == [0, 1, 2, 3]
    assert [int(priority) for priority in Priority] == [0, 1, 2, 3, 4]
    assert [code.value for code in StatusCode] == [
        "01", "02", "03", "04", "05", "06", "13", "15", "16",
    ]  # fmt: skip


def test_a_refusal_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="02"):
        s.status(StatusCode.REFUSED)
    with pytest.raises(ValueError, match="02"):
        s.status(StatusCode.REFUSED, " \n")
    assert s.status(StatusCode.REFUSED, "Sai thể thức").description == "Sai thể thức"
    assert s.status(StatusCode.COMPLETED).description == ""


def test_enumerations_are_enforced() -> None:
    with pytest.raises(ValueError, match="Priority"):
        OtherInfo(priority=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="StatusCode"):
        s.status("02")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="PageAmount"):
        OtherInfo(page_amount=1_000_000)
    with pytest.raises(ValueError, match="PageAmount"):
        OtherInfo(page_amount=True)


@pytest.mark.parametrize("name", ["", ".", "..", "a/b.pdf", "a\\b.pdf", "a\nb.pdf", "x" * 256])
def test_attachment_names_are_plain_file_names(name: str) -> None:
    with pytest.raises(ValueError, match="AttachmentName"):
        Attachment(name, b"", "application/pdf")


def test_two_attachments_with_one_name_are_refused() -> None:
    with pytest.raises(ValueError, match="same name"):
        s.document(attachments=(s.PDF, replace(s.APPENDIX, name=s.PDF.name)))


def test_document_package_is_frozen() -> None:
    package: DocumentPackage = s.document()
    with pytest.raises(AttributeError):
        package.traces = ()  # type: ignore[misc]


def test_every_error_code_has_a_vietnamese_title() -> None:
    assert set(TITLES) == set(ErrorCode)
    error = EdxmlError(ErrorCode.FILE_PROCESSING, "zip", "bad", element="edXML:Attachment")
    assert str(error) == "21 zip at edXML:Attachment: bad"
    assert error.title == "Lỗi xử lý tệp"
    assert [int(code) for code in ErrorCode] == [0, 10, 15, 18, 19, 20, 21, 22, 23]
