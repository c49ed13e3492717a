"""Kinds of official documents under Decree 30/2020/NĐ-CP (pure: no Django imports).

The 29 administrative document types (văn bản hành chính, Decree 30 art. 7) with their
abbreviations exactly as Appendix III writes them, mixed case included (`QyĐ`, `CTr`, `TTr`);
Công văn and Thư công have no abbreviation, and none is invented for them. Besides: the legal
normative types a provincial organ issues (văn bản quy phạm pháp luật, whose notation carries
the year), the forms of copies, urgency levels, confidentiality levels and signing markers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class DocumentType:
    """`key` is stored in the database; `abbreviation` goes into the notation ("" for none)."""

    key: str
    name: str
    abbreviation: str

    @property
    def is_official_letter(self) -> bool:
        """Công văn and Thư công: no type name printed, notation `<number>/<organ>-<unit>`."""
        return not self.abbreviation


ADMINISTRATIVE_TYPES: tuple[DocumentType, ...] = (
    DocumentType("resolution", "Nghị quyết", "NQ"),
    DocumentType("decision", "Quyết định", "QĐ"),
    DocumentType("directive", "Chỉ thị", "CT"),
    DocumentType("statute", "Quy chế", "QC"),
    DocumentType("regulation", "Quy định", "QyĐ"),
    DocumentType("communique", "Thông cáo", "TC"),
    DocumentType("notice", "Thông báo", "TB"),
    DocumentType("guidance", "Hướng dẫn", "HD"),
    DocumentType("programme", "Chương trình", "CTr"),
    DocumentType("plan", "Kế hoạch", "KH"),
    DocumentType("option", "Phương án", "PA"),
    DocumentType("scheme", "Đề án", "ĐA"),
    DocumentType("project", "Dự án", "DA"),
    DocumentType("report", "Báo cáo", "BC"),
    DocumentType("minutes", "Biên bản", "BB"),
    DocumentType("submission", "Tờ trình", "TTr"),
    DocumentType("contract", "Hợp đồng", "HĐ"),
    DocumentType("official_letter", "Công văn", ""),
    DocumentType("official_dispatch", "Công điện", "CĐ"),
    DocumentType("memorandum", "Bản ghi nhớ", "BGN"),
    DocumentType("agreement", "Bản thỏa thuận", "BTT"),
    DocumentType("authorisation", "Giấy ủy quyền", "GUQ"),
    DocumentType("invitation", "Giấy mời", "GM"),
    DocumentType("introduction", "Giấy giới thiệu", "GGT"),
    DocumentType("leave_permit", "Giấy nghỉ phép", "GNP"),
    DocumentType("dispatch_slip", "Phiếu gửi", "PG"),
    DocumentType("transfer_slip", "Phiếu chuyển", "PC"),
    DocumentType("notice_slip", "Phiếu báo", "PB"),
    DocumentType("public_letter", "Thư công", ""),
)

# Legal normative documents (Law on Promulgation of Legal Documents 2015): a provincial
# People's Council issues resolutions, a People's Committee decisions; the notation of each
# carries its year, `12/2021/QĐ-UBND`. Incoming ones from the centre (`42/2022/NĐ-CP`) keep the
# sender's notation as written.
LEGAL_NORMATIVE_TYPES = frozenset({"resolution", "decision"})

BY_KEY: dict[str, DocumentType] = {t.key: t for t in ADMINISTRATIVE_TYPES}
BY_ABBREVIATION: dict[str, DocumentType] = {
    t.abbreviation: t for t in ADMINISTRATIVE_TYPES if t.abbreviation
}


def document_type(key: str) -> DocumentType:
    """The type stored as `key`. Raises KeyError for an unknown one."""
    return BY_KEY[key]


class CopyForm(StrEnum):
    """Forms of copies (bản sao), with their abbreviations."""

    TRUE_COPY = "SY"  # sao y
    EXTRACT = "TrS"  # trích sao
    TRANSCRIPT = "SL"  # sao lục


class Urgency(StrEnum):
    """Urgency (độ khẩn). The first three are handled at once; normal the same or next day."""

    EXPRESS = "express"  # Hỏa tốc
    VERY_URGENT = "very_urgent"  # Thượng khẩn
    URGENT = "urgent"  # Khẩn
    NORMAL = "normal"


URGENCY_NAMES: dict[Urgency, str] = {
    Urgency.EXPRESS: "Hỏa tốc",
    Urgency.VERY_URGENT: "Thượng khẩn",
    Urgency.URGENT: "Khẩn",
    Urgency.NORMAL: "Thường",
}
# Queue order: the most urgent first.
URGENCY_RANK: dict[Urgency, int] = {
    Urgency.EXPRESS: 0,
    Urgency.VERY_URGENT: 1,
    Urgency.URGENT: 2,
    Urgency.NORMAL: 3,
}
# edXML OtherInfo/Priority (QCVN 102): 0 normal, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc
# (4, hỏa tốc with a set time, is not distinguished here).
URGENCY_EDXML_PRIORITY: dict[Urgency, int] = {
    Urgency.NORMAL: 0,
    Urgency.URGENT: 1,
    Urgency.VERY_URGENT: 2,
    Urgency.EXPRESS: 3,
}


class Confidentiality(StrEnum):
    """Confidentiality (độ mật). Anything but NONE is a state secret: the platform keeps only
    its register entry, never its content."""

    NONE = "none"
    CONFIDENTIAL = "confidential"  # Mật
    SECRET = "secret"  # noqa: S105 (Tối mật, a level, not a password)
    TOP_SECRET = "top_secret"  # noqa: S105 (Tuyệt mật)


CONFIDENTIALITY_NAMES: dict[Confidentiality, str] = {
    Confidentiality.NONE: "",
    Confidentiality.CONFIDENTIAL: "Mật",
    Confidentiality.SECRET: "Tối mật",
    Confidentiality.TOP_SECRET: "Tuyệt mật",
}


def is_classified(level: str) -> bool:
    return Confidentiality(level) is not Confidentiality.NONE


class SigningMarker(StrEnum):
    """How the signer signs (thẩm quyền ký): for the collective, on behalf of the head, in the
    head's stead, by order, by authorisation; NONE when the head signs in their own name."""

    NONE = ""
    COLLECTIVE = "TM."  # thay mặt (tập thể)
    DEPUTY = "KT."  # ký thay (cấp phó ký thay cấp trưởng)
    ACTING = "Q."  # quyền
    BY_ORDER = "TL."  # thừa lệnh
    BY_AUTHORISATION = "TUQ."  # thừa ủy quyền
