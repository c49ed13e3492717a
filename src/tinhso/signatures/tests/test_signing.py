"""sign_pdf: PAdES signatures by an identity, checks of the file, the key and the signer."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from tinhso.core.models import AuditEntry
from tinhso.directory.tests.factories import UserFactory
from tinhso.signatures import certs
from tinhso.signatures.models import CheckStatus, IdentityKind, SigningIdentity
from tinhso.signatures.selectors import identities_usable_by, may_use
from tinhso.signatures.services import (
    SignatureError,
    identity_deactivate,
    identity_import,
    sign_pdf,
    verify_pdf,
)
from tinhso.signatures.tests.conftest import PASSPHRASE, encrypted_pdf, javascript_pdf

pytestmark = pytest.mark.django_db

HUNG_SUBJECT = "Common Name: Phạm Quốc Hùng, Organization: Sở Tư pháp tỉnh Kiên Giang, Country: VN"


def sign(pdf, identity, actor, **extra):
    return sign_pdf(
        pdf=pdf,
        identity=identity,
        passphrase=extra.pop("passphrase", PASSPHRASE),
        actor=actor,
        reason="Phê duyệt",
        location="Kiên Giang",
        **extra,
    )


def test_signed_pdf_verifies_valid(plain_pdf, identities, people, dev_ca_session):
    identity, leader = identities["personal"], people["leader"].user
    before = timezone.now().replace(microsecond=0)
    signed = sign(plain_pdf, identity, leader)

    assert signed.startswith(plain_pdf)  # an incremental update: the original bytes untouched
    report = verify_pdf(pdf=signed, store=dev_ca_session.store())
    assert report.status == CheckStatus.VALID
    assert report.message == "Tất cả 1 chữ ký đều hợp lệ."
    assert report.sha256 == hashlib.sha256(signed).hexdigest()
    (result,) = report.signatures
    assert (result.field_name, result.status, result.reason) == ("Signature1", "valid", "ok")
    assert result.signer_common_name == "Phạm Quốc Hùng"
    assert result.signer_subject == HUNG_SUBJECT
    assert result.serial == identity.serial
    assert result.whole_document is True
    assert result.trust_anchor == (
        "Common Name: Tỉnh Số DEV CA — không dùng thật, Organization: Tỉnh Số (phát triển), "
        "Country: VN"
    )
    assert before <= result.signing_time <= timezone.now()
    assert result.message == "Chữ ký hợp lệ: nội dung nguyên vẹn, người ký được tin cậy."

    entry = AuditEntry.objects.get(action="signature.sign")
    assert (entry.actor, entry.object_id) == (leader, str(identity.pk))
    assert entry.data == {
        "field": "Signature1",
        "reason": "Phê duyệt",
        "input_sha256": hashlib.sha256(plain_pdf).hexdigest(),
        "output_sha256": hashlib.sha256(signed).hexdigest(),
    }


def test_second_signature_keeps_the_first_valid(plain_pdf, identities, people, dev_ca_session):
    leader = people["leader"].user
    first = sign(plain_pdf, identities["personal"], leader)
    second = sign(first, identities["organ"], leader)

    assert second.startswith(first)
    report = verify_pdf(pdf=second, store=dev_ca_session.store())
    assert [(s.field_name, s.status, s.reason, s.whole_document) for s in report.signatures] == [
        ("Signature1", "valid", "ok_later_signed", False),
        ("Signature2", "valid", "ok", True),
    ]
    assert [s.signer_common_name for s in report.signatures] == [
        "Phạm Quốc Hùng",
        "Sở Tư pháp tỉnh Kiên Giang",
    ]
    assert report.status == CheckStatus.VALID
    assert report.message == "Tất cả 2 chữ ký đều hợp lệ."


def test_visible_signatures_sit_side_by_side_on_the_last_page(identities, people):
    from tinhso.signatures.tests.conftest import make_pdf

    leader = people["leader"].user
    pdf = make_pdf(pages=2)
    two = sign(
        sign(pdf, identities["personal"], leader, visible=True),
        identities["organ"],
        leader,
        visible=True,
    )

    reader = PdfFileReader(io.BytesIO(two))
    last_page = reader.root["/Pages"]["/Kids"][1].get_object()
    rects = [
        [round(float(v), 2) for v in annot.get_object()["/Rect"]] for annot in last_page["/Annots"]
    ]
    assert rects == [[369.28, 36.0, 559.28, 92.0], [171.28, 36.0, 361.28, 92.0]]
    first_page = reader.root["/Pages"]["/Kids"][0].get_object()
    assert "/Annots" not in first_page


def test_named_field_and_a_field_signed_twice(plain_pdf, identities, people):
    leader = people["leader"].user
    signed = sign(plain_pdf, identities["personal"], leader, field_name="LanhDaoKy")
    reader = PdfFileReader(io.BytesIO(signed))
    assert [s.field_name for s in reader.embedded_signatures] == ["LanhDaoKy"]

    with pytest.raises(SignatureError) as error:
        sign(signed, identities["organ"], leader, field_name="LanhDaoKy")
    assert error.value.code == "field_exists"
    assert error.value.message == "Tệp PDF đã có ô chữ ký «LanhDaoKy»."


def test_vietnamese_subject_round_trips(identities):
    personal, organ = identities["personal"], identities["organ"]
    assert personal.subject == "CN=Phạm Quốc Hùng,O=Sở Tư pháp tỉnh Kiên Giang,C=VN"
    assert personal.common_name == "Phạm Quốc Hùng"
    assert personal.label.startswith("Phạm Quốc Hùng — ")
    assert organ.subject == "CN=Sở Tư pháp tỉnh Kiên Giang,O=UBND tỉnh Kiên Giang,C=VN"
    assert organ.issuer == "CN=Tỉnh Số DEV CA — không dùng thật,O=Tỉnh Số (phát triển),C=VN"
    stored = certs.load_certificate(personal.certificate_pem)
    assert certs.common_name(stored.subject) == "Phạm Quốc Hùng"
    assert certs.facts(stored).fingerprint == personal.fingerprint


def test_wrong_passphrase_is_refused_and_nothing_audited(plain_pdf, identities, people):
    with pytest.raises(SignatureError) as error:
        sign(plain_pdf, identities["personal"], people["leader"].user, passphrase="sai")
    assert error.value.code == "wrong_passphrase"
    assert error.value.message == (
        f"Mật khẩu của khóa ký «{identities['personal'].label}» không đúng."
    )
    assert not AuditEntry.objects.filter(action="signature.sign").exists()


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"", "empty", "Tệp PDF rỗng."),
        (b"%PDF-1.7\nkhong phai pdf", "not_pdf", None),
        (
            b"<html>",
            "not_pdf",
            "Tệp không phải PDF hoặc bị hỏng, không đọc được: thiếu phần đầu %PDF-.",
        ),
        (
            "encrypted",
            "encrypted",
            "Tệp PDF được mã hóa (đặt mật khẩu), không kiểm tra được nội dung; "
            "hãy gỡ mã hóa trước khi ký hoặc gửi.",
        ),
        (
            "javascript",
            "javascript",
            "Tệp PDF chứa mã JavaScript (ở /OpenAction /JavaScript), không được ký hoặc tiếp nhận.",
        ),
    ],
)
def test_refused_files_are_not_signed(data, code, message, identities, people):
    data = {"encrypted": encrypted_pdf, "javascript": javascript_pdf}.get(data, lambda: data)()
    with pytest.raises(SignatureError) as error:
        sign(data, identities["personal"], people["leader"].user)
    assert error.value.code == code
    if message is not None:
        assert error.value.message == message
    else:
        assert error.value.message.startswith("Tệp không phải PDF hoặc bị hỏng, không đọc được: ")
    assert not AuditEntry.objects.filter(action="signature.sign").exists()


def test_expired_and_inactive_identities_are_refused(
    plain_pdf, dev_ca_session, trusted_dev_ca, people
):
    now = timezone.now()
    old = dev_ca_session.issue(
        "Phạm Quốc Hùng", not_before=now - timedelta(days=400), not_after=now - timedelta(days=35)
    )
    identity = identity_import(
        pkcs12_data=old.p12,
        passphrase=PASSPHRASE,
        kind=IdentityKind.PERSONAL,
        official=people["leader"],
    )
    with pytest.raises(SignatureError) as error:
        sign(plain_pdf, identity, people["leader"].user)
    assert error.value.code == "identity_expired"
    expected_day = timezone.localtime(identity.not_after).strftime("%d/%m/%Y")
    assert error.value.message.endswith(f"đã hết hạn ngày {expected_day}.")

    identity_deactivate(identity=identity)
    with pytest.raises(SignatureError) as error:
        sign(plain_pdf, identity, people["leader"].user)
    assert error.value.code == "identity_inactive"


def test_who_may_use_which_identity(identities, people, organ_tree):
    personal, organ = identities["personal"], identities["organ"]
    leader, specialist = people["leader"].user, people["specialist"].user
    outsider = people["outsider"].user
    operator = UserFactory(is_superuser=True, is_staff=True)
    assert [may_use(u, personal) for u in (leader, specialist, outsider, operator)] == [
        True,
        False,
        False,
        False,  # nobody signs in another person's name, operators included
    ]
    assert [may_use(u, organ) for u in (leader, specialist, outsider, operator)] == [
        True,
        False,
        False,
        True,
    ]
    assert list(identities_usable_by(leader)) == [organ, personal]
    assert list(identities_usable_by(specialist)) == []


def test_signing_with_an_identity_one_may_not_use_is_refused(plain_pdf, identities, people):
    for identity in identities.values():
        with pytest.raises(SignatureError) as error:
            sign(plain_pdf, identity, people["specialist"].user)
        assert error.value.code == "forbidden"
        assert error.value.message == f"Bạn không được dùng khóa ký «{identity.label}»."
    assert not AuditEntry.objects.filter(action="signature.sign").exists()


def test_an_inactive_official_may_not_use_the_personal_key(identities, people):
    official = people["leader"]
    official.is_active = False
    official.save(update_fields=["is_active"])
    assert may_use(official.user, identities["personal"]) is False


def test_a_key_from_an_unknown_ca_is_not_registered(other_ca, people, trusted_dev_ca, settings):
    from pathlib import Path

    stranger = other_ca.issue("Nguyễn Văn Lạ", organization="Công ty Lạ")
    with pytest.raises(SignatureError) as error:
        identity_import(
            pkcs12_data=stranger.p12,
            passphrase=PASSPHRASE,
            kind=IdentityKind.PERSONAL,
            official=people["leader"],
        )
    assert error.value.code == "unknown_issuer"
    assert error.value.message == (
        "Chứng thư số «CN=Nguyễn Văn Lạ,O=Công ty Lạ,C=VN» không do CA nào được tin cậy cấp; "
        "hãy thêm CA đó vào danh sách CA tin cậy trước."
    )
    assert not SigningIdentity.objects.exists()
    assert not AuditEntry.objects.filter(action="signature.identity_import").exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.p12"))


@pytest.mark.parametrize(
    ("kind", "owner", "code"),
    [
        (IdentityKind.PERSONAL, "organ", "wrong_owner"),
        (IdentityKind.ORGAN, "leader", "wrong_owner"),
        ("robot", "leader", "wrong_owner"),
    ],
)
def test_an_identity_needs_the_owner_of_its_kind(kind, owner, code, hung, people, trusted_dev_ca):
    target = {"organ": {"organ": people["department"]}, "leader": {"official": people["leader"]}}
    with pytest.raises(SignatureError) as error:
        identity_import(pkcs12_data=hung.p12, passphrase=PASSPHRASE, kind=kind, **target[owner])
    assert error.value.code == code
    assert not SigningIdentity.objects.exists()


def test_a_pkcs12_file_that_does_not_open(hung, people, trusted_dev_ca):
    with pytest.raises(SignatureError) as error:
        identity_import(
            pkcs12_data=hung.p12,
            passphrase="sai mật khẩu",
            kind=IdentityKind.PERSONAL,
            official=people["leader"],
        )
    assert (error.value.code, error.value.message) == (
        "bad_pkcs12",
        "Tệp PKCS#12 không đọc được hoặc sai mật khẩu.",
    )
