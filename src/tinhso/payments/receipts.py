"""Electronic receipts (biên lai điện tử): issued and signed by a task queued when a payment
becomes paid, retried by a periodic job.

- `issue_after_commit` (called by `settlement` in the settling transaction) queues the task
  `payments.issue_receipts` to run after the commit (`core.tasks.enqueue_on_commit`): the
  settlement itself, which a gateway's notification waits for, takes no receipt counter lock.
- `receipt_issue` (in its own transaction, the payment's row locked) takes the next number of
  the organ's series for the year (a locked counter row: gapless, and a rolled-back issue
  gives its number back) and copies every printed fact into the `Receipt` row; it dates the
  receipt at the payment (`paid_at`, the settlement's time).
- `receipt_sign` renders the PDF from the row, signs it (PAdES, `signatures.sign_pdf`
  unattended, with the organ's newest valid key and `PAYMENT_RECEIPT_KEY_PASSPHRASE`) and
  stores it. Without a usable key the unsigned PDF, which prints that it is unsigned, is
  stored and the row says `no_key`; any other failure says `failed`. Both are tried again by
  `sign_pending` (the periodic job `payments.sign_receipts`), which also issues the receipt
  of any paid payment still without one (a task lost before it ran), so nothing paid is left
  without its receipt, and a key registered later signs the receipts waiting for it.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.services import audit_record
from tinhso.core.tasks import enqueue_on_commit
from tinhso.payments.amount_words import amount_in_words
from tinhso.payments.gateways import get_gateway
from tinhso.payments.models import Payment, Receipt, ReceiptCounter
from tinhso.payments.receipt_pdf import receipt_pdf
from tinhso.payments.states import PaymentState
from tinhso.signatures import services as signatures
from tinhso.signatures.errors import SignatureError
from tinhso.signatures.models import IdentityKind, SigningIdentity

logger = logging.getLogger(__name__)

State = Receipt.SignState
# Refusals that mean "no usable key" rather than a fault to retry soon.
KEY_PROBLEMS = frozenset(
    {
        "identity_inactive",
        "identity_expired",
        "identity_not_yet_valid",
        "wrong_passphrase",
        "key_unavailable",
        "unknown_key_storage",
    }
)


def series_for(year: int) -> str:
    return settings.PAYMENT_RECEIPT_SERIES.format(yy=f"{year % 100:02d}", yyyy=year)


def _take_number(*, organ_id: int, year: int, series: str) -> int:
    counters = ReceiptCounter.objects.select_for_update()
    counter = counters.filter(organ_id=organ_id, year=year, series=series).first()
    if counter is None:  # the organ's first receipt of the year: made once, then locked
        made, _created = ReceiptCounter.objects.get_or_create(
            organ_id=organ_id, year=year, series=series
        )
        counter = counters.get(pk=made.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def issue_after_commit(payment_pks: list[int]) -> None:
    """Queue the issue and signing of the receipts of `payment_pks`, just made paid in the
    caller's transaction, to run after its commit (nothing when empty)."""
    from tinhso.payments.tasks import issue_receipts

    if payment_pks:
        enqueue_on_commit(issue_receipts, list(payment_pks))


@transaction.atomic
def receipt_issue(*, payment_pk: int) -> Receipt | None:
    """Issue the receipt of the paid payment `payment_pk` (None if it is not paid).

    Idempotent (one receipt per payment: the payment's row is locked, then the receipt looked
    for). Numbers run per organ, year (Vietnam time, of the payment) and series from 1,
    gapless and unique under concurrency."""
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("request__organ", "request__applicant", "request__procedure")
        .get(pk=payment_pk)
    )
    if payment.state != PaymentState.PAID or payment.settled_at is None:
        return None
    existing = Receipt.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    request, at = payment.request, payment.settled_at
    local = timezone.localtime(at)
    series = series_for(local.year)
    number = _take_number(organ_id=request.organ_id, year=local.year, series=series)
    organ, applicant = request.organ, request.applicant
    try:
        gateway_label = str(get_gateway(payment.gateway).label)
    except KeyError:  # a gateway since removed from the settings
        gateway_label = payment.gateway
    receipt = Receipt.objects.create(
        payment=payment,
        request=request,
        organ=organ,
        form=settings.PAYMENT_RECEIPT_FORM,
        series=series,
        year=local.year,
        number=number,
        issued_at=at,
        organ_name=organ.name,
        organ_code=organ.identifier(on=local.date()),
        organ_address=organ.address,
        payer_name=applicant.name,
        payer_identifier=applicant.identifier,
        payer_address=applicant.address,
        source_ref=request.source_ref,
        procedure_name=request.procedure.name if request.procedure_id else request.description,
        lines=request.lines,
        amount=payment.amount,
        amount_words=amount_in_words(payment.amount),
        gateway=payment.gateway,
        gateway_label=gateway_label,
        txn_ref=payment.txn_ref,
        gateway_txn_no=payment.gateway_txn_no,
        bank_code=payment.bank_code,
        paid_at=at,
    )
    audit_record(
        action="receipt.issue",
        obj=receipt,
        data={"number": receipt.display_number, "payment": payment.txn_ref},
    )
    return receipt


def issue_and_sign(payment_pks: list[int]) -> Counter[str]:
    """Issue the receipts of `payment_pks` (each in its own transaction) and sign them:
    the task's work. Returns the signing states reached (and "not_paid")."""
    counts: Counter[str] = Counter()
    for payment_pk in payment_pks:
        receipt = receipt_issue(payment_pk=payment_pk)
        counts["not_paid" if receipt is None else receipt_sign(receipt_id=receipt.pk)] += 1
    return counts


def organ_key(organ_id: int) -> SigningIdentity | None:
    """The organ's newest active key valid now, if any."""
    now = timezone.now()
    return (
        SigningIdentity.objects.filter(
            kind=IdentityKind.ORGAN,
            organ_id=organ_id,
            is_active=True,
            not_before__lte=now,
            not_after__gte=now,
        )
        .order_by("-not_after", "-pk")
        .first()
    )


def _sign(receipt: Receipt) -> tuple[str, bytes | None, str, str]:
    """(state, pdf or None when the stored one stands, error, signer)."""
    identity = organ_key(receipt.organ_id)
    passphrase = settings.PAYMENT_RECEIPT_KEY_PASSPHRASE
    if identity is None:
        error = _("Cơ quan chưa có khóa ký số còn hiệu lực.")
    elif not passphrase:
        error = _("Chưa cấu hình mật khẩu mở khóa ký biên lai (PAYMENT_RECEIPT_KEY_PASSPHRASE).")
    else:
        try:
            signed = signatures.sign_pdf(
                pdf=receipt_pdf(receipt, signed=True),
                identity=identity,
                passphrase=passphrase,
                actor=None,
                reason=_("Biên lai thu phí, lệ phí số %(number)s")
                % {"number": receipt.display_number},
                location=receipt.organ_name,
                visible=True,
                note=f"Biên lai số {receipt.display_number}",
                unattended=True,
            )
        except SignatureError as failure:
            state = State.NO_KEY if failure.code in KEY_PROBLEMS else State.FAILED
            return state, _unsigned(receipt, state), failure.message[:500], ""
        except Exception as failure:  # kept on the row, retried by the job
            logger.exception("signing receipt %s failed", receipt.pk)
            text = f"{type(failure).__name__}: {failure}"[:500]
            return State.FAILED, _unsigned(receipt, State.FAILED), text, ""
        return State.SIGNED, signed, "", f"{identity.label} ({identity.serial})"
    return State.NO_KEY, _unsigned(receipt, State.NO_KEY), error, ""


def _unsigned(receipt: Receipt, state: str) -> bytes | None:
    """The unsigned PDF, or None when the stored one is already the unsigned receipt."""
    if receipt.pdf and receipt.sign_state in (State.NO_KEY, State.FAILED):
        return None
    return receipt_pdf(receipt, signed=False)


def receipt_sign(*, receipt_id: int) -> str:
    """Sign and store the receipt's PDF (see the module docstring); returns the state
    reached. Idempotent: a signed receipt is left as it is; two runs at once store one file
    (the row is locked to record the result, and a run finding it signed drops its own)."""
    receipt = Receipt.objects.get(pk=receipt_id)
    if receipt.sign_state == State.SIGNED:
        return str(State.SIGNED)
    state, content, error, signer = _sign(receipt)
    storage = Receipt._meta.get_field("pdf").storage
    saved = ""
    if content is not None:
        digest = hashlib.sha256(content).hexdigest()
        name = f"payments/receipts/{receipt.organ_id}/{receipt.year}/"
        name += f"{receipt.series}-{receipt.number:07d}-{digest[:12]}.pdf"
        saved = storage.save(name, ContentFile(content))
    with transaction.atomic():
        locked = Receipt.objects.select_for_update().get(pk=receipt_id)
        if locked.sign_state == State.SIGNED:
            if saved:
                transaction.on_commit(lambda: storage.delete(saved))
            return str(State.SIGNED)
        changed = locked.sign_state != state
        old = locked.pdf.name
        locked.sign_state, locked.sign_error, locked.signer = state, error, signer
        locked.sign_attempts += 1
        if saved and content is not None:
            locked.pdf.name = saved
            locked.pdf_sha256 = hashlib.sha256(content).hexdigest()
        if state == State.SIGNED:
            locked.signed_at = timezone.now()
        locked.save()
        if changed:
            audit_record(
                action="receipt.sign" if state == State.SIGNED else "receipt.unsigned",
                obj=locked,
                data={"state": state, "error": error, "signer": signer},
            )
        if saved and old and old != saved:
            transaction.on_commit(lambda: storage.delete(old))
    if state != State.SIGNED:
        logger.warning("receipt %s not signed (%s): %s", locked.display_number, state, error)
    return str(state)


def sign_pending(*, limit: int = 200, settle_seconds: int = 60) -> Counter[str]:
    """The periodic job: issue the receipt of every payment paid without one, then sign every
    receipt not signed yet (a failure, a key registered since, a task lost before it ran).
    Payments and receipts of the last `settle_seconds` are left to their own task.
    Idempotent."""
    cutoff = timezone.now() - timedelta(seconds=settle_seconds)
    unissued = Payment.objects.filter(
        state=PaymentState.PAID, settled_at__lte=cutoff, receipt__isnull=True
    )
    counts: Counter[str] = Counter()
    for payment_pk in unissued.order_by("settled_at").values_list("pk", flat=True)[:limit]:
        if receipt_issue(payment_pk=payment_pk) is not None:
            counts["issued"] += 1
    waiting = Receipt.objects.exclude(sign_state=State.SIGNED).filter(issued_at__lte=cutoff)
    for receipt_id in waiting.order_by("issued_at").values_list("pk", flat=True)[:limit]:
        counts[receipt_sign(receipt_id=receipt_id)] += 1
    return counts


def receipt_content(receipt: Receipt) -> bytes:
    """The receipt's PDF: the stored one, or (before the first signing run) the unsigned
    rendering, which prints that it is unsigned."""
    if receipt.pdf:
        with receipt.pdf.open("rb") as handle:
            return handle.read()
    return receipt_pdf(receipt, signed=False)
