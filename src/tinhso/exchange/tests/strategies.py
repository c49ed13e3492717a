"""Hypothesis strategies and plain examples of edXML packages."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from tinhso.exchange.edxml import (
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

# Precomposed and combining Vietnamese letters, so that both forms are tried.
VIETNAMESE = "aăâđeêioôơuưyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐƯƠ"
COMBINING = "\u0300\u0301\u0303\u0309\u0323"
_chars = st.one_of(
    st.sampled_from(VIETNAMESE + VIETNAMESE.upper() + COMBINING + " .,;:-/()\t\n\r"),
    st.characters(
        exclude_categories=("Cs", "Cc", "Cn"), include_characters="\x7f\x85", codec="utf-8"
    ),
)
text = st.text(_chars, max_size=30)
required_text = st.text(_chars, min_size=1, max_size=30)
reason = required_text.filter(lambda value: value.strip() != "")
line = st.text(_chars.filter(lambda c: c not in "\t\n\r,/"), min_size=1, max_size=12)


@st.composite
def organ_ids(draw: st.DrawFn) -> str:
    """QCVN 102 identifiers, filled from the right without gaps (000.00.00.H49 …)."""
    letter = draw(st.sampled_from("GHK"))
    number = draw(st.integers(1, 99))
    levels = draw(st.integers(1, 4))
    level2 = f"{draw(st.integers(1, 99)):02d}" if levels >= 2 else "00"
    level3 = f"{draw(st.integers(1, 99)):02d}" if levels >= 3 else "00"
    level4 = f"{draw(st.integers(1, 999)):03d}" if levels >= 4 else "000"
    return f"{level4}.{level3}.{level2}.{letter}{number:02d}"


dates = st.dates(min_value=dt.date(1, 1, 1))
timestamps = st.datetimes(min_value=dt.datetime(1900, 1, 1)).map(
    lambda value: value.replace(microsecond=0)
)
document_ids = st.builds(
    DocumentId,
    organ_id=organ_ids(),
    date=dates,
    number=line,
    notation=st.text(_chars.filter(lambda c: c not in "\t\n\r"), min_size=1, max_size=20),
)
organizations = st.builds(
    Organization,
    organ_id=organ_ids(),
    organ_name=required_text,
    organization_in_charge=text,
    address=text,
    email=text,
    telephone=text,
    fax=text,
    website=text,
)
staff_infos = st.builds(StaffInfo, department=text, staff=text, mobile=text, email=text)
file_names = st.text(_chars.filter(lambda c: c not in "/\\\t\n\r"), min_size=1, max_size=20).filter(
    lambda name: name not in (".", "..")
)
attachments = st.lists(
    st.builds(
        Attachment,
        name=file_names,
        content=st.binary(max_size=3000),
        content_type=st.sampled_from(["application/pdf", "application/octet-stream"]),
        description=text,
    ),
    max_size=3,
    unique_by=lambda attachment: attachment.name,
).map(tuple)


@st.composite
def businesses(draw: st.DrawFn, doc_type: BusinessDocType | None = None) -> Business:
    kind = doc_type if doc_type is not None else draw(st.sampled_from(BusinessDocType))
    return Business(
        doc_type=kind,
        reason=draw(reason) if kind != BusinessDocType.NEW else draw(text),
        paper=draw(st.booleans()),
        staff_info=draw(staff_infos),
        receivers=tuple(draw(st.lists(organ_ids(), max_size=3))),
        replacements=tuple(
            draw(
                st.lists(
                    st.builds(
                        Replacement,
                        document_id=document_ids,
                        organ_ids=st.lists(organ_ids(), max_size=2).map(tuple),
                    ),
                    min_size=1 if kind == BusinessDocType.REPLACE else 0,
                    max_size=2,
                )
            )
        ),
    )


@st.composite
def document_packages(draw: st.DrawFn) -> DocumentPackage:
    business = draw(businesses())
    needs_response = business.doc_type in (BusinessDocType.REVOKE, BusinessDocType.UPDATE)
    header = MessageHeader(
        from_=draw(organizations),
        to=tuple(draw(st.lists(organizations, min_size=1, max_size=4))),
        code=Code(draw(line), draw(line)),
        promulgation_info=PromulgationInfo(draw(required_text), draw(dates)),
        document_type=DocumentType(
            draw(st.integers(0, 999_999)), draw(st.integers(0, 999_999)), draw(required_text)
        ),
        subject=draw(required_text),
        content=draw(text),
        signer_info=SignerInfo(draw(required_text), draw(text), draw(text)),
        document_id=draw(document_ids),
        due_date=draw(st.none() | dates),
        to_places=tuple(draw(st.lists(required_text, max_size=3))),
        other_info=OtherInfo(
            priority=draw(st.sampled_from(Priority)),
            sphere_of_promulgation=draw(text),
            typer_notation=draw(text),
            promulgation_amount=draw(st.integers(0, 999_999)),
            page_amount=draw(st.integers(0, 999_999)),
            appendixes=tuple(draw(st.lists(required_text, max_size=2))),
        ),
        response_for=tuple(
            draw(
                st.lists(
                    st.builds(ResponseFor, document_ids),
                    min_size=1 if needs_response else 0,
                    max_size=2,
                )
            )
        ),
        steering_type=draw(st.sampled_from(SteeringType)),
    )
    traces = st.builds(TraceHeader, organ_id=organ_ids(), timestamp=timestamps)
    return DocumentPackage(
        header=header,
        traces=tuple(draw(st.lists(traces, min_size=1, max_size=3))),
        business=business,
        attachments=draw(attachments),
    )


@st.composite
def status_packages(draw: st.DrawFn) -> StatusPackage:
    code = draw(st.sampled_from(StatusCode))
    return StatusPackage(
        response_for=ResponseFor(draw(document_ids)),
        from_=draw(organizations),
        status_code=code,
        timestamp=draw(timestamps),
        description=draw(reason) if code == StatusCode.REFUSED else draw(text),
        staff_info=draw(staff_infos),
    )


# Plain examples, for the tests that change one thing.

PROVINCE = Organization(
    "000.00.00.H49",
    "Ủy ban nhân dân tỉnh Quảng Ninh",
    organization_in_charge="Chính phủ",
    address="Phường Hồng Hà, thành phố Hạ Long",
    email="vanthu@quangninh.gov.vn",
)
JUSTICE = Organization("000.00.12.H49", "Sở Tư pháp tỉnh Quảng Ninh")
HEALTH = Organization("000.00.15.H49", "Sở Y tế tỉnh Quảng Ninh")
REPORT_ID = DocumentId("000.00.00.H49", dt.date(2020, 11, 3), "123", "BC-UBND")
EARLIER_ID = DocumentId("000.00.00.H49", dt.date(2020, 10, 1), "98", "BC-UBND")


def document(
    *,
    attachments: tuple[Attachment, ...] = (),
    business: Business | None = None,
    response_for: tuple[ResponseFor, ...] = (),
) -> DocumentPackage:
    """A report of the provincial committee to two departments."""
    return DocumentPackage(
        header=MessageHeader(
            from_=PROVINCE,
            to=(JUSTICE, HEALTH),
            code=Code("123", "BC-UBND"),
            promulgation_info=PromulgationInfo("Quảng Ninh", dt.date(2020, 11, 3)),
            document_type=DocumentType(2, 12, "Báo cáo"),
            subject="Báo cáo tình hình kinh tế - xã hội tháng 10 năm 2020",
            signer_info=SignerInfo("Nguyễn Văn Thắng", "Chủ tịch", "TM. Ủy ban nhân dân"),
            document_id=REPORT_ID,
            due_date=dt.date(2020, 11, 20),
            to_places=("Như trên", "Lưu: VT, TH"),
            other_info=OtherInfo(Priority.URGENT, page_amount=4, appendixes=("Phụ lục I",)),
            response_for=response_for,
        ),
        traces=(TraceHeader("000.00.00.H49", dt.datetime(2020, 11, 3, 8, 30, 5)),),
        business=business or Business(),
        attachments=attachments,
    )


PDF = Attachment("Báo cáo số 123.pdf", b"%PDF-1.7 " + bytes(range(256)) * 8, "application/pdf")
APPENDIX = Attachment("Phụ lục I.pdf", b"%PDF-1.7 phu luc", "application/pdf", "Số liệu")


def status(code: StatusCode = StatusCode.ARRIVED, description: str = "") -> StatusPackage:
    return StatusPackage(
        response_for=ResponseFor(REPORT_ID),
        from_=JUSTICE,
        status_code=code,
        timestamp=dt.datetime(2020, 11, 3, 9, 0, 0),
        description=description,
        staff_info=StaffInfo("Văn phòng Sở", "Trần Thị Bình", "0912345678"),
    )
