"""Documents signed for real: the PAdES backend the app registers, keys from the development
CA, the composed draft rendered as PDF, the signer's and then the organ's signature, both
checked by our verifier and by poppler's pdfsig; refusals roll everything back."""

from __future__ import annotations

import pytest

from tinhso.documents import compose, hooks, services
from tinhso.documents.models import Document, DocumentFile, Register
from tinhso.documents.services.common import read_file
from tinhso.documents.services.composing import layout_for
from tinhso.documents.signing import PadesBackend
from tinhso.documents.tests.conftest import draft
from tinhso.signatures.models import CheckStatus, IdentityKind
from tinhso.signatures.services import DEV_PASSPHRASE, dev_identity_issue, sign_pdf, verify_pdf
from tinhso.signatures.tests.test_independent import needs_pdfsig, pdfsig

pytestmark = pytest.mark.django_db

BODY = "Ủy ban nhân dân tỉnh đề nghị các sở, ngành triển khai Nghị định 30/2020/NĐ-CP."


@pytest.fixture
def pades():
    hooks.register_signing_backend(PadesBackend())  # the conftest removes it afterwards
    return PadesBackend()


@pytest.fixture
def keys(org):
    return {
        "chairman": dev_identity_issue(kind=IdentityKind.PERSONAL, official=org["chairman"]),
        "province": dev_identity_issue(kind=IdentityKind.ORGAN, organ=org["province"]),
    }


def composed_and_approved(org):
    document = draft(org, body=BODY)
    services.compose_from_template(document=document, actor=org["drafter"].user)
    services.submit_for_review(
        document=document, actor=org["drafter"].user, reviewers=[], approver=org["chairman"]
    )
    return services.review(document=document, actor=org["chairman"].user, agree=True)


def test_compose_pdf_is_a_pdf_with_the_national_title():
    layout = compose.Layout(
        organ="Ủy ban nhân dân tỉnh Kiên Giang",
        number_line="Số:      /UBND-VP",
        place_date_line="Kiên Giang, ngày      tháng      năm 2026",
        summary="V/v triển khai Nghị định 30",
        body=[BODY],
        authority=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
        signer_name="Lâm Minh Thành",
        recipients=["Sở Tư pháp"],
    )
    pdf = compose.compose_pdf(layout)
    assert pdf.startswith(b"%PDF-")
    assert verify_pdf(pdf=pdf).signatures == ()


def test_sign_and_issue_with_real_keys(org, keys, pades, tmp_path):
    document = composed_and_approved(org)
    services.sign(document=document, actor=org["chairman"].user, passphrase=DEV_PASSPHRASE)
    document.refresh_from_db()
    assert document.signature_kind == "pades"
    signed = read_file(document.files.get(kind=DocumentFile.Kind.SIGNED))
    [mine] = verify_pdf(pdf=signed).signatures
    assert mine.status == CheckStatus.VALID
    assert mine.serial.lower() == keys["chairman"].serial.lower()

    services.issue(document=document, actor=org["clerk"].user, passphrase=DEV_PASSPHRASE)
    document.refresh_from_db()
    issued = read_file(document.files.get(kind=DocumentFile.Kind.ISSUED))
    report = verify_pdf(pdf=issued)
    assert [s.status for s in report.signatures] == [CheckStatus.VALID, CheckStatus.VALID]
    assert report.signatures[1].serial.lower() == keys["province"].serial.lower()
    assert document.notation == "01/UBND-VP"  # numbers under 10 get a leading 0

    if needs_pdfsig.args[0]:  # pdfsig missing: the suite's CI installs it
        pytest.skip("pdfsig missing")
    path = tmp_path / "issued.pdf"
    path.write_bytes(issued)
    lines = pdfsig(path)
    assert lines.count("- Signature Validation: Signature is Valid.") == 2


def test_wrong_passphrase_changes_nothing(org, keys, pades):
    document = composed_and_approved(org)
    with pytest.raises(services.DocumentError) as caught:
        services.sign(document=document, actor=org["chairman"].user, passphrase="sai")
    assert "passphrase" in caught.value.message_dict
    assert "không đúng" in caught.value.message_dict["passphrase"][0]
    document.refresh_from_db()
    assert document.state == "approved"
    assert not document.files.filter(kind=DocumentFile.Kind.SIGNED).exists()


def test_wrong_organ_passphrase_gives_the_number_back(org, keys, pades):
    document = composed_and_approved(org)
    services.sign(document=document, actor=org["chairman"].user, passphrase=DEV_PASSPHRASE)
    with pytest.raises(services.DocumentError):
        services.issue(document=document, actor=org["clerk"].user, passphrase="sai")
    document.refresh_from_db()
    assert document.state == "signed" and document.number is None
    assert not Register.objects.filter(organ=org["province"], last__gt=0).exists()


def test_a_signer_without_a_key_is_told_so(org, pades):
    document = composed_and_approved(org)
    with pytest.raises(services.DocumentError) as caught:
        services.sign(document=document, actor=org["chairman"].user, passphrase="x")
    assert "chưa có khóa ký số" in caught.value.message_dict["passphrase"][0]


def test_a_pdf_signed_elsewhere_must_carry_the_signers_own_signature(org, keys, pades):
    document = composed_and_approved(org)
    pdf = compose.compose_pdf(layout_for(document))
    stranger = dev_identity_issue(kind=IdentityKind.PERSONAL, official=org["drafter"])
    by_stranger = sign_pdf(
        pdf=pdf,
        identity=stranger,
        passphrase=DEV_PASSPHRASE,
        actor=org["drafter"].user,
        reason="",
        location="",
    )
    with pytest.raises(services.DocumentError) as caught:
        services.sign(document=document, actor=org["chairman"].user, signed_pdf=by_stranger)
    assert "signed_pdf" in caught.value.message_dict
    by_chairman = sign_pdf(
        pdf=pdf,
        identity=keys["chairman"],
        passphrase=DEV_PASSPHRASE,
        actor=org["chairman"].user,
        reason="",
        location="",
    )
    services.sign(document=document, actor=org["chairman"].user, signed_pdf=by_chairman)
    assert Document.objects.get(pk=document.pk).signature_kind == "pades"
