"""verify_pdf and record_verification: each status, refused files, results stored once."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from tinhso.core.models import AuditEntry
from tinhso.signatures import devca
from tinhso.signatures.models import CheckStatus, SignatureCheck
from tinhso.signatures.selectors import check_for, report_of
from tinhso.signatures.services import (
    SignatureError,
    record_verification,
    trust_anchor_add,
    trust_anchor_update,
    verify_pdf,
)
from tinhso.signatures.tests.conftest import (
    PRODUCER,
    bare_sign,
    encrypted_pdf,
    javascript_pdf,
)

pytestmark = pytest.mark.django_db


def only(report):
    (result,) = report.signatures
    return result.status, result.reason, result.message


def test_a_changed_byte_breaks_the_signature(plain_pdf, hung, dev_ca_session):
    signed = bare_sign(plain_pdf, hung)
    tampered = signed.replace(PRODUCER.encode(), PRODUCER.upper().encode())
    assert len(tampered) == len(signed) and tampered != signed
    report = verify_pdf(pdf=tampered, store=dev_ca_session.store())
    assert only(report) == (
        "modified",
        "digest_mismatch",
        "Nội dung đã bị sửa sau khi ký (mã băm không khớp).",
    )
    assert report.status == CheckStatus.MODIFIED
    assert report.message == "Nội dung đã bị sửa sau khi ký (mã băm không khớp)."


def test_a_page_replaced_in_a_later_update_is_caught(plain_pdf, hung, dev_ca_session):
    signed = bare_sign(plain_pdf, hung)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (Noi dung khac) Tj ET")
    )
    writer.update_container(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    result = verify_pdf(pdf=buffer.getvalue(), store=dev_ca_session.store()).signatures[0]
    assert (result.status, result.reason, result.whole_document) == (
        "modified",
        "illegal_modification",
        False,
    )


def test_a_signer_from_an_unknown_ca_is_untrusted(plain_pdf, other_ca, dev_ca_session):
    stranger = other_ca.issue("Nguyễn Văn Lạ", organization="Công ty Lạ")
    report = verify_pdf(pdf=bare_sign(plain_pdf, stranger), store=dev_ca_session.store())
    assert only(report) == (
        "untrusted",
        "unknown_issuer",
        "Chứng thư số của người ký không do CA nào được tin cậy cấp.",
    )
    assert report.signatures[0].signer_common_name == "Nguyễn Văn Lạ"
    assert report.signatures[0].trust_anchor == ""


def test_a_certificate_on_a_loaded_crl_is_revoked(plain_pdf, dev_ca_session):
    victim = dev_ca_session.issue("Trần Văn Bị Thu Hồi")
    signed = bare_sign(plain_pdf, victim)
    authority = dev_ca_session.authority
    listed = devca.make_crl(
        ca=authority,
        revoked=[(victim.certificate.serial_number, timezone.now() - timedelta(minutes=5))],
        number=7,
    )
    empty = devca.make_crl(ca=authority, revoked=[], number=8)

    assert only(verify_pdf(pdf=signed, store=dev_ca_session.store(listed))) == (
        "revoked",
        "revoked",
        "Chứng thư số của người ký đã bị thu hồi.",
    )
    assert only(verify_pdf(pdf=signed, store=dev_ca_session.store(empty)))[:2] == ("valid", "ok")


def test_an_expired_certificate_is_untrusted(plain_pdf, dev_ca_session):
    now = timezone.now()
    old = dev_ca_session.issue(
        "Lê Văn Hết Hạn", not_before=now - timedelta(days=400), not_after=now - timedelta(days=2)
    )
    report = verify_pdf(pdf=bare_sign(plain_pdf, old), store=dev_ca_session.store())
    assert only(report) == ("untrusted", "expired", "Chứng thư số của người ký đã hết hạn.")


def test_a_garbled_signature_is_invalid(plain_pdf, hung, dev_ca_session):
    signed = bare_sign(plain_pdf, hung)
    match = re.search(rb"/Contents <([0-9a-fA-F]+)>", signed)
    start, end = match.span(1)
    garbled = signed[:start] + b"0" * (end - start) + signed[end:]
    result = verify_pdf(pdf=garbled, store=dev_ca_session.store()).signatures[0]
    assert (result.status, result.reason) == ("invalid", "malformed")
    assert result.detail != ""
    assert result.message == f"Chữ ký hỏng cấu trúc, không kiểm tra được: {result.detail}."


def test_an_unsigned_file(plain_pdf, dev_ca_session):
    report = verify_pdf(pdf=plain_pdf, store=dev_ca_session.store())
    assert (report.status, report.signatures, report.message) == (
        "unsigned",
        (),
        "Tệp không có chữ ký số.",
    )


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: b"", "empty"),
        (lambda: b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<", "not_pdf"),
        (encrypted_pdf, "encrypted"),
        (javascript_pdf, "javascript"),
    ],
)
def test_refused_files_store_nothing(make, code, dev_ca_session):
    with pytest.raises(SignatureError) as error:
        record_verification(pdf=make(), subject="document:1", store=dev_ca_session.store())
    assert error.value.code == code
    assert SignatureCheck.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_truncated_signed_file_is_refused(plain_pdf, hung):
    signed = bare_sign(plain_pdf, hung)
    with pytest.raises(SignatureError) as error:
        verify_pdf(pdf=signed[: len(signed) // 2])
    assert error.value.code == "not_pdf"


def test_a_verification_is_stored_once(plain_pdf, hung, dev_ca_session, people):
    signed = bare_sign(plain_pdf, hung)
    actor = people["specialist"].user
    first = record_verification(
        pdf=signed,
        subject="document:12",
        filename="quyet-dinh.pdf",
        actor=actor,
        store=dev_ca_session.store(),
    )
    again = record_verification(pdf=signed, subject="document:99", store=dev_ca_session.store())
    by_hash = record_verification(pdf=b"", sha256=first.sha256.upper())

    assert first.pk == again.pk == by_hash.pk
    stored = SignatureCheck.objects.get()
    assert (stored.subject, stored.filename, stored.status, stored.signature_count) == (
        "document:12",
        "quyet-dinh.pdf",
        "valid",
        1,
    )
    assert stored.checked_by == actor
    assert stored.results[0]["signer_common_name"] == "Phạm Quốc Hùng"
    assert stored.results[0]["status"] == "valid"
    assert check_for(stored.sha256) == stored
    shown = report_of(stored)
    assert shown == verify_pdf(pdf=signed, store=dev_ca_session.store())
    assert shown.message == "Tất cả 1 chữ ký đều hợp lệ."
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["signature.verify"]


def test_a_wrong_hash_is_a_programming_error(plain_pdf):
    with pytest.raises(ValueError, match="sha256 is not the SHA-256 of pdf"):
        record_verification(pdf=plain_pdf, sha256="0" * 64)
    assert SignatureCheck.objects.count() == 0


def test_recheck_after_the_trust_store_changed(plain_pdf, hung, dev_ca_session):
    signed = bare_sign(plain_pdf, hung)
    check = record_verification(pdf=signed)  # the default store: nothing trusted yet
    assert check.status == "untrusted"

    anchor = trust_anchor_add(certificate=dev_ca_session.pem, source="kiểm thử")
    assert record_verification(pdf=signed).status == "untrusted"  # stored, not re-verified
    rechecked = record_verification(pdf=signed, recheck=True)
    assert (rechecked.pk, rechecked.status) == (check.pk, "valid")

    trust_anchor_update(anchor=anchor, is_active=False)
    assert verify_pdf(pdf=signed).status == "untrusted"
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "signature.verify",
        "signature.anchor_add",
        "signature.reverify",
        "signature.anchor_update",
    ]
