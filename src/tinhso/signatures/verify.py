"""Verifying the signatures of a PDF: one result per signature, judged by pyHanko against a
trust store, summarised in five statuses with a Vietnamese message.

- `valid`: the signed bytes are unchanged, the signature value checks, the certificate chains
  to a trusted anchor and is not revoked, and whatever was appended later is allowed (a
  further signature, form filling);
- `modified`: the signed bytes changed, the signature does not cover its whole revision, or
  a later update changed the document in a way the signature does not allow;
- `untrusted`: intact, but the signer's certificate does not chain to a trusted anchor, has
  expired or is not valid yet, or is not fit for signing documents;
- `revoked`: intact, but the certificate (or a CA above it) is on a revocation list;
- `invalid`: the signature is malformed (cannot be parsed, no certificate, bad signature
  value).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko.sign.validation.errors import SignatureValidationError

from tinhso.signatures.certs import serial_hex
from tinhso.signatures.models import CheckStatus
from tinhso.signatures.pdfinput import open_for_reading
from tinhso.signatures.trust import TrustStore

logger = logging.getLogger("tinhso.signatures")

# Why a signature got its status (`SignatureResult.reason`), with its message.
REASONS = {
    "ok": _("Chữ ký hợp lệ: nội dung nguyên vẹn, người ký được tin cậy."),
    "all_valid": _("Tất cả %(count)s chữ ký đều hợp lệ."),
    "ok_later_signed": _(
        "Chữ ký hợp lệ cho phiên bản đã ký; phần thêm sau đó chỉ là chữ ký hoặc điền biểu mẫu."
    ),
    "digest_mismatch": _("Nội dung đã bị sửa sau khi ký (mã băm không khớp)."),
    "partial_coverage": _("Chữ ký không bao phủ toàn bộ phiên bản tài liệu đã ký."),
    "illegal_modification": _("Tài liệu đã bị thay đổi sau khi ký theo cách không được phép."),
    "unknown_issuer": _("Chứng thư số của người ký không do CA nào được tin cậy cấp."),
    "expired": _("Chứng thư số của người ký đã hết hạn."),
    "not_yet_valid": _("Chứng thư số của người ký chưa đến ngày có hiệu lực."),
    "not_for_signing": _("Chứng thư số không được phép dùng để ký tài liệu."),
    "untrusted": _("Không xác minh được chuỗi chứng thư của người ký."),
    "revoked": _("Chứng thư số của người ký đã bị thu hồi."),
    "ca_revoked": _("Chứng thư của CA cấp cho người ký đã bị thu hồi."),
    "bad_signature_value": _("Giá trị chữ ký không đúng với chứng thư số."),
    "malformed": _("Chữ ký hỏng cấu trúc, không kiểm tra được: %(detail)s."),
    "unsigned": _("Tệp không có chữ ký số."),
}
_ORDER = [
    CheckStatus.VALID,
    CheckStatus.UNTRUSTED,
    CheckStatus.REVOKED,
    CheckStatus.MODIFIED,
    CheckStatus.INVALID,
]
_ALLOWED_LATER = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
)


def reason_message(reason: str, detail: str = "", count: int = 0) -> str:
    text = str(REASONS.get(reason, REASONS["untrusted"]))
    return text % {"detail": detail, "count": count} if "%(" in text else text


@dataclass(frozen=True)
class SignatureResult:
    """One signature of a file. `whole_document` is True when it covers the whole file as it
    is (the last signature); an earlier signature covers its own revision only."""

    field_name: str
    status: CheckStatus
    reason: str
    signer_common_name: str = ""
    signer_subject: str = ""
    serial: str = ""
    issuer: str = ""
    signing_time: datetime | None = None
    whole_document: bool = False
    trust_anchor: str = ""
    detail: str = ""

    @property
    def message(self) -> str:
        return reason_message(self.reason, self.detail)

    def as_json(self) -> dict[str, Any]:
        return {
            "field_name": self.field_name,
            "status": self.status.value,
            "reason": self.reason,
            "signer_common_name": self.signer_common_name,
            "signer_subject": self.signer_subject,
            "serial": self.serial,
            "issuer": self.issuer,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "whole_document": self.whole_document,
            "trust_anchor": self.trust_anchor,
            "detail": self.detail,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignatureResult:
        values = dict(data)
        values["status"] = CheckStatus(values["status"])
        if values.get("signing_time"):
            values["signing_time"] = parse_datetime(values["signing_time"])
        return cls(**values)


@dataclass(frozen=True)
class VerificationReport:
    """Every signature of one file, in the order they were made."""

    sha256: str
    size: int
    signatures: tuple[SignatureResult, ...] = field(default_factory=tuple)

    @property
    def status(self) -> CheckStatus:
        """The file's status: its worst signature's, `unsigned` without any."""
        if not self.signatures:
            return CheckStatus.UNSIGNED
        return max((s.status for s in self.signatures), key=_ORDER.index)

    @property
    def message(self) -> str:
        if not self.signatures:
            return reason_message("unsigned")
        if self.status == CheckStatus.VALID:
            return reason_message("all_valid", count=len(self.signatures))
        worst = max(self.signatures, key=lambda s: _ORDER.index(s.status))
        return worst.message


def _name(cert: asn1_x509.Certificate) -> tuple[str, str]:
    subject = cert.subject
    common = subject.native.get("common_name", "") if isinstance(subject.native, dict) else ""
    if isinstance(common, list):
        common = common[0]
    return str(common), subject.human_friendly


def _untrusted_reason(status: PdfSignatureStatus) -> tuple[CheckStatus, str]:
    problem = status.trust_problem_indic
    if status.revoked or problem in (AdESIndeterminate.REVOKED_NO_POE, AdESFailure.REVOKED):
        return CheckStatus.REVOKED, "revoked"
    if problem == AdESIndeterminate.REVOKED_CA_NO_POE:
        return CheckStatus.REVOKED, "ca_revoked"
    if problem in (AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND, None):
        return CheckStatus.UNTRUSTED, "unknown_issuer"
    if problem in (AdESIndeterminate.NOT_YET_VALID, AdESFailure.NOT_YET_VALID):
        return CheckStatus.UNTRUSTED, "not_yet_valid"
    if problem in (AdESIndeterminate.OUT_OF_BOUNDS_NO_POE, AdESIndeterminate.EXPIRED):
        moment = status.validation_time
        not_before = status.signing_cert.not_valid_before
        if moment is not None and moment < not_before:
            return CheckStatus.UNTRUSTED, "not_yet_valid"
        return CheckStatus.UNTRUSTED, "expired"
    if problem in (AdESIndeterminate.SIG_CONSTRAINTS_FAILURE,):
        return CheckStatus.UNTRUSTED, "not_for_signing"
    return CheckStatus.UNTRUSTED, "untrusted"


def judge(status: PdfSignatureStatus) -> tuple[CheckStatus, str]:
    """The status and reason of one pyHanko result (see the module docstring)."""
    if not status.intact:
        return CheckStatus.MODIFIED, "digest_mismatch"
    if not status.valid:
        return CheckStatus.INVALID, "bad_signature_value"
    coverage = status.coverage
    if coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        return CheckStatus.MODIFIED, "partial_coverage"
    if status.docmdp_ok is False or not status.seed_value_ok:
        return CheckStatus.MODIFIED, "illegal_modification"
    level = status.modification_level
    if coverage == SignatureCoverageLevel.ENTIRE_REVISION and level not in _ALLOWED_LATER:
        return CheckStatus.MODIFIED, "illegal_modification"
    if not status.trusted:
        return _untrusted_reason(status)
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return CheckStatus.VALID, "ok"
    return CheckStatus.VALID, "ok_later_signed"


def _result(embedded: EmbeddedPdfSignature, store: TrustStore) -> SignatureResult:
    field_name = str(embedded.field_name or "")
    try:
        status = validate_pdf_signature(embedded, store.validation_context())
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as error:
        return _malformed(field_name, error)
    verdict, reason = judge(status)
    cert = status.signing_cert
    common_name, subject = _name(cert)
    path = status.validation_path
    anchor = path.trust_anchor.authority.name.human_friendly if path is not None else ""
    return SignatureResult(
        field_name=field_name,
        status=verdict,
        reason=reason,
        signer_common_name=common_name,
        signer_subject=subject,
        serial=serial_hex(cert.serial_number),
        issuer=cert.issuer.human_friendly,
        signing_time=status.signer_reported_dt,
        whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        trust_anchor=anchor if verdict == CheckStatus.VALID else "",
    )


def _malformed(field_name: str, error: Exception) -> SignatureResult:
    logger.info("malformed signature %s: %s", field_name, error)
    detail = str(error).split("\n", 1)[0][:300] or type(error).__name__
    return SignatureResult(field_name, CheckStatus.INVALID, "malformed", detail=detail)


def _signatures(reader: PdfFileReader, store: TrustStore) -> tuple[SignatureResult, ...]:
    """Each filled signature field, in signing order. A signature whose CMS cannot even be
    parsed is reported as malformed in its place instead of failing the whole file. Document
    timestamps (PAdES-LTA) are not signatures and are left out (their validation is not
    implemented yet)."""
    ordered: list[tuple[int, int, SignatureResult]] = []
    filled = fields.enumerate_sig_fields(reader, filled_status=True)
    for index, (name, _value, field_ref) in enumerate(filled):
        try:
            embedded = EmbeddedPdfSignature(reader, field_ref, name)
            revision = embedded.signed_revision
            if embedded.sig_object_type == "/DocTimeStamp":
                continue  # a document timestamp (PAdES-LTA) is nobody's signature
        except (PdfError, ValueError, KeyError, TypeError, AssertionError) as error:
            ordered.append((reader.total_revisions, index, _malformed(name, error)))
            continue
        ordered.append((revision, index, _result(embedded, store)))
    return tuple(result for _revision, _index, result in sorted(ordered, key=lambda t: t[:2]))


def verify(pdf: bytes, store: TrustStore) -> VerificationReport:
    """Check `pdf` (SignatureError when refused) and verify each of its signatures."""
    reader = open_for_reading(pdf)
    return VerificationReport(
        sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf), signatures=_signatures(reader, store)
    )
