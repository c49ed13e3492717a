"""The 29 types of Decree 30/2020 and their abbreviations, exactly."""

from tinhso.documents.types import (
    ADMINISTRATIVE_TYPES,
    BY_ABBREVIATION,
    URGENCY_EDXML_PRIORITY,
    URGENCY_RANK,
    Confidentiality,
    CopyForm,
    SigningMarker,
    Urgency,
    document_type,
    is_classified,
)

EXPECTED = {
    "Nghị quyết": "NQ",
    "Quyết định": "QĐ",
    "Chỉ thị": "CT",
    "Quy chế": "QC",
    "Quy định": "QyĐ",
    "Thông cáo": "TC",
    "Thông báo": "TB",
    "Hướng dẫn": "HD",
    "Chương trình": "CTr",
    "Kế hoạch": "KH",
    "Phương án": "PA",
    "Đề án": "ĐA",
    "Dự án": "DA",
    "Báo cáo": "BC",
    "Biên bản": "BB",
    "Tờ trình": "TTr",
    "Hợp đồng": "HĐ",
    "Công văn": "",
    "Công điện": "CĐ",
    "Bản ghi nhớ": "BGN",
    "Bản thỏa thuận": "BTT",
    "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM",
    "Giấy giới thiệu": "GGT",
    "Giấy nghỉ phép": "GNP",
    "Phiếu gửi": "PG",
    "Phiếu chuyển": "PC",
    "Phiếu báo": "PB",
    "Thư công": "",
}


def test_the_29_types_with_their_abbreviations():
    assert len(ADMINISTRATIVE_TYPES) == 29
    assert {t.name: t.abbreviation for t in ADMINISTRATIVE_TYPES} == EXPECTED
    assert len({t.key for t in ADMINISTRATIVE_TYPES}) == 29


def test_letters_have_no_abbreviation_and_none_is_invented():
    letters = [t.name for t in ADMINISTRATIVE_TYPES if t.is_official_letter]
    assert letters == ["Công văn", "Thư công"]
    assert "CV" not in BY_ABBREVIATION
    assert document_type("official_letter").abbreviation == ""


def test_copies_urgency_and_secrecy():
    assert [c.value for c in CopyForm] == ["SY", "TrS", "SL"]
    assert sorted(URGENCY_RANK, key=URGENCY_RANK.__getitem__) == [
        Urgency.EXPRESS,
        Urgency.VERY_URGENT,
        Urgency.URGENT,
        Urgency.NORMAL,
    ]
    assert URGENCY_EDXML_PRIORITY[Urgency.EXPRESS] == 3
    assert URGENCY_EDXML_PRIORITY[Urgency.NORMAL] == 0
    assert [is_classified(c) for c in Confidentiality] == [False, True, True, True]
    assert [m.value for m in SigningMarker] == ["", "TM.", "KT.", "Q.", "TL.", "TUQ."]
