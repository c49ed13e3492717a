"""Electronic receipts: issued by the task queued when a payment is settled paid, numbered
gapless per organ and year, signed with the organ's key (verified by the signatures app and by
poppler's pdfsig), left unsigned and saying so without a usable key, retried."""

import shutil
import subprocess

import pytest
from django.db import transaction
from django.test import override_settings

from tinhso.core.models import AuditEntry
from tinhso.payments import receipts
from tinhso.payments.models import Receipt, ReceiptCounter
from tinhso.payments.tests.test_notifications import CARD_URL, card_params, start
from tinhso.signatures.errors import SignatureError
from tinhso.signatures.models import CheckStatus, IdentityKind
from tinhso.signatures.services import DEV_PASSPHRASE, dev_identity_issue, sign_pdf, verify_pdf
from tinhso.signatures.tests.conftest import make_pdf

PDFSIG = shutil.which("pdfsig")
State = Receipt.SignState


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PAYMENT_RECEIPT_KEY_PASSPHRASE = DEV_PASSPHRASE


def pay(client, req, txn_no="555"):
    """Paid by the gateway's notification, then the receipt issued as the queued task's first
    half issues it (its signing is left to each test)."""
    payment = start(req)
    assert client.get(CARD_URL, card_params(payment, txn_no=txn_no)).json()["RspCode"] == "00"
    receipts.receipt_issue(payment_pk=payment.pk)
    payment.refresh_from_db()
    return payment


@pytest.fixture
def organ_key(lltp):
    return dev_identity_issue(kind=IdentityKind.ORGAN, organ=lltp.organ)


def test_issued_for_the_payment_gapless_per_organ_and_year(client, make_request, lltp):
    first = pay(client, make_request())
    second = pay(client, make_request(), txn_no="556")
    r1, r2 = first.receipt, second.receipt
    assert (r1.number, r2.number) == (1, 2)
    assert r1.series == r2.series == f"BL{r1.year % 100:02d}E"
    assert r1.form == "01BLP0-001" and r1.display_number == f"{r1.series} 0000001"
    assert r1.organ == lltp.organ and r1.organ_code == "000.00.03.H33"
    assert r1.payer_name == "Lê Thị Hoa" and r1.payer_identifier == "091185000123"
    assert r1.source_ref == "HS-1" and r1.procedure_name == lltp.procedure.name
    assert r1.amount == first.amount == 200_000
    assert r1.amount_words == "Hai trăm nghìn đồng"
    assert r1.lines == first.request.lines and r1.lines[0]["legal_basis"]
    assert (r1.gateway, r1.txn_ref, r1.gateway_txn_no, r1.bank_code) == (
        "card",
        first.txn_ref,
        "555",
        "NCB",
    )
    assert r1.sign_state == State.PENDING and not r1.pdf  # signing is the task's second half
    assert r1.issued_at == r1.paid_at == first.settled_at
    assert ReceiptCounter.objects.get().last == 2
    assert AuditEntry.objects.filter(action="receipt.issue").count() == 2


def test_a_rolled_back_issue_gives_its_number_back(client, make_request):
    payment = start(make_request())
    assert client.get(CARD_URL, card_params(payment)).json()["RspCode"] == "00"
    assert not Receipt.objects.exists()  # the settlement only queued it
    with pytest.raises(RuntimeError), transaction.atomic():
        receipts.receipt_issue(payment_pk=payment.pk)
        raise RuntimeError("the issue failed after the number was taken")
    assert not Receipt.objects.exists()
    assert receipts.receipt_issue(payment_pk=payment.pk).number == 1
    assert receipts.receipt_issue(payment_pk=payment.pk).number == 1  # idempotent
    assert ReceiptCounter.objects.get().last == 1


def test_only_a_paid_payment_gets_a_receipt(make_request):
    assert receipts.receipt_issue(payment_pk=start(make_request()).pk) is None  # pending
    assert not Receipt.objects.exists()


def test_a_lost_task_is_made_up_by_the_periodic_job(client, make_request):
    payment = start(make_request())
    assert client.get(CARD_URL, card_params(payment)).json()["RspCode"] == "00"
    assert receipts.sign_pending(settle_seconds=0) == {"issued": 1, "no_key": 1}
    assert Receipt.objects.get(payment=payment).number == 1
    assert receipts.sign_pending(settle_seconds=0) == {"no_key": 1}  # issued once, retried


def test_signing_is_enqueued_on_commit_and_the_pdf_verifies(
    client, make_request, organ_key, django_capture_on_commit_callbacks, tmp_path
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        payment = pay(client, make_request())
    assert callbacks  # the receipt's task, run in-process by the immediate backend
    receipt = Receipt.objects.get(payment=payment)
    assert receipt.sign_state == State.SIGNED and receipt.sign_attempts == 1
    assert receipt.signer.startswith(organ_key.label) and receipt.signed_at
    pdf = receipts.receipt_content(receipt)
    report = verify_pdf(pdf=pdf)
    assert report.status == CheckStatus.VALID
    assert [s.serial.lower() for s in report.signatures] == [organ_key.serial.lower()]
    audit = AuditEntry.objects.get(action="signature.sign")
    assert audit.actor is None and audit.data["unattended"] is True
    assert receipts.receipt_sign(receipt_id=receipt.pk) == "signed"  # idempotent
    assert Receipt.objects.get(pk=receipt.pk).sign_attempts == 1
    if PDFSIG:
        path = tmp_path / "receipt.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(  # noqa: S603 (fixed tool, a file made by the test)
            [PDFSIG, str(path)], capture_output=True, text=True, timeout=60, check=True
        ).stdout
        assert "Signature is Valid." in out


def test_without_a_key_the_receipt_stays_unsigned_and_says_so_then_is_signed(
    client, make_request, lltp
):
    receipt = pay(client, make_request()).receipt
    assert receipts.receipt_sign(receipt_id=receipt.pk) == State.NO_KEY
    receipt.refresh_from_db()
    assert receipt.sign_state == State.NO_KEY and receipt.pdf
    assert "chưa có khóa ký số" in receipt.sign_error
    assert verify_pdf(pdf=receipts.receipt_content(receipt)).status == CheckStatus.UNSIGNED
    assert AuditEntry.objects.filter(action="receipt.unsigned").count() == 1
    stored = receipt.pdf.name
    assert receipts.receipt_sign(receipt_id=receipt.pk) == State.NO_KEY  # retried, unchanged
    receipt.refresh_from_db()
    assert receipt.pdf.name == stored and receipt.sign_attempts == 2
    assert AuditEntry.objects.filter(action="receipt.unsigned").count() == 1
    key = dev_identity_issue(kind=IdentityKind.ORGAN, organ=lltp.organ)
    assert receipts.sign_pending(settle_seconds=0) == {"signed": 1}
    receipt.refresh_from_db()
    assert receipt.sign_state == State.SIGNED and receipt.sign_error == ""
    report = verify_pdf(pdf=receipts.receipt_content(receipt))
    assert [s.serial.lower() for s in report.signatures] == [key.serial.lower()]
    assert receipts.sign_pending(settle_seconds=0) == {}


def test_a_wrong_passphrase_is_a_key_problem_shown_on_the_row(client, make_request, organ_key):
    receipt = pay(client, make_request()).receipt
    with override_settings(PAYMENT_RECEIPT_KEY_PASSPHRASE="not-the-passphrase"):
        assert receipts.receipt_sign(receipt_id=receipt.pk) == State.NO_KEY
    receipt.refresh_from_db()
    assert receipt.sign_error and receipt.pdf
    with override_settings(PAYMENT_RECEIPT_KEY_PASSPHRASE=""):
        assert receipts.receipt_sign(receipt_id=receipt.pk) == State.NO_KEY
    receipt.refresh_from_db()
    assert "PAYMENT_RECEIPT_KEY_PASSPHRASE" in receipt.sign_error
    assert receipts.receipt_sign(receipt_id=receipt.pk) == State.SIGNED


def test_a_personal_key_never_signs_unattended(lltp, official_factory):
    official = official_factory(organ=lltp.organ)
    personal = dev_identity_issue(kind=IdentityKind.PERSONAL, official=official)
    with pytest.raises(SignatureError) as refused:
        sign_pdf(
            pdf=make_pdf(),
            identity=personal,
            passphrase=DEV_PASSPHRASE,
            actor=None,
            reason="x",
            location="",
            unattended=True,
        )
    assert refused.value.code == "forbidden"


def test_the_applicant_is_told_while_the_receipt_is_being_issued(client, make_request, lltp):
    from tinhso.directory.tests.factories import UserFactory

    req = make_request()
    payment = start(req)
    assert client.get(CARD_URL, card_params(payment)).json()["RspCode"] == "00"
    lltp.applicant.user = UserFactory()
    lltp.applicant.save(update_fields=["user"])
    client.force_login(lltp.applicant.user)
    page = client.get(f"/dich-vu-cong/thanh-toan/{req.reference}/").content.decode()
    assert "đang được lập" in page
    assert client.get(f"/dich-vu-cong/thanh-toan/{req.reference}/bien-lai/").status_code == 404
    receipts.receipt_issue(payment_pk=payment.pk)
    page = client.get(f"/dich-vu-cong/thanh-toan/{req.reference}/").content.decode()
    assert "đang được lập" not in page and "Tải biên lai điện tử số" in page
