"""Every write on payments: requests, starting a payment, gateway notifications, returns and
reconciliation. Each write is one transaction with its history (and audit) rows.

Money is decided in one place, `_settle`, whatever brought the gateway's word (notification,
the browser's return, a query): the request row and then the payment row are locked, so two
notifications at once, or a notification racing the reconciliation, settle one way.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.services import audit_record
from tinhso.directory.models import Applicant, Organ
from tinhso.payments import hooks, receipts, selectors
from tinhso.payments.gateways import gateway_names, get_gateway
from tinhso.payments.gateways.base import (
    BadSignature,
    Gateway,
    GatewayError,
    GatewayTimeout,
    Malformed,
    Notice,
    Order,
    Outcome,
)
from tinhso.payments.models import GatewayNotification, Payment, PaymentEvent, PaymentRequest
from tinhso.payments.states import PaymentAction, PaymentState, next_state
from tinhso.procedures.models import Procedure

logger = logging.getLogger(__name__)


class PaymentError(ValidationError):
    """Bad input for a payment action, by field, in Vietnamese."""


def _now() -> datetime:
    return timezone.now()


# No savepoint of its own: called inside the caller's transaction (a dossier's filing), an
# error here fails the caller's whole transaction anyway, and the savepoint's two round trips
# were a sixth of a filing's queries (bench/README.md, 3c).
@transaction.atomic(savepoint=False)
def payment_request_create(
    *,
    source: str,
    source_id: int,
    source_ref: str,
    procedure: Procedure,
    organ: Organ,
    applicant: Applicant,
    form_data: Mapping[str, Any],
    online: bool = True,
    new_source: bool = False,
) -> PaymentRequest | None:
    """Raise the request for what `applicant` owes for `source` (e.g. a dossier).

    Idempotent: a second call for the same source returns the first request. `new_source`
    says the source was created in the caller's transaction, so no request can exist yet and
    the lookup is skipped (the unique constraint on the source still holds). Returns None when
    nothing is due (no fee, or fully exempt). Raises PaymentError naming a bad quantity field.
    """
    if not new_source:
        existing = selectors.request_for(source=source, source_id=source_id)
        if existing is not None:
            return existing
    try:
        assessment = selectors.fee_assessment(
            procedure=procedure, form_data=form_data, applicant=applicant, online=online
        )
    except ValueError as error:
        raise PaymentError(
            {f"form_data.{error}": [_("Số lượng phải là số nguyên không âm.")]}
        ) from None
    if assessment.total == 0:
        return None
    at = _now()
    request = PaymentRequest.objects.create(
        reference=f"YC{timezone.localtime(at):%y%m%d}{secrets.token_hex(4).upper()}",
        source=source,
        source_id=source_id,
        source_ref=source_ref,
        applicant=applicant,
        organ=organ,
        procedure=procedure,
        description=procedure.name[:255],
        amount=assessment.total,
        lines=[line.as_dict() for line in assessment.lines],
        legal_basis=assessment.legal_basis,
        expires_at=at + timedelta(days=settings.PAYMENT_REQUEST_DAYS),
    )
    audit_record(action="payment_request.create", obj=request, data={"amount": request.amount})
    return request


def payment_request_relabel(*, source: str, source_id: int, source_ref: str) -> int:
    """The source's label changed (a dossier got its code at intake): later pages and
    reconciliation reports show the new one; receipts already issued keep what they
    printed. Returns the number of requests relabelled (0 or 1)."""
    return PaymentRequest.objects.filter(source=source, source_id=source_id).update(
        source_ref=source_ref[:60]
    )


def _event(
    payment: Payment, action: str, from_state: str, cause: str, at: datetime, **data: Any
) -> None:
    PaymentEvent.objects.create(
        payment=payment,
        at=at,
        action=action,
        from_state=from_state,
        to_state=payment.state,
        cause=cause,
        data=data,
    )


def _transition(
    payment: Payment, action: PaymentAction, cause: str, at: datetime, **data: Any
) -> None:
    from_state = payment.state
    payment.state = next_state(PaymentState(from_state), action)
    if payment.state != PaymentState.PENDING:
        payment.settled_at = at
    payment.save()
    _event(payment, action, from_state, cause, at, **data)
    audit_record(action=f"payment.{action}", obj=payment, data={"cause": cause, **data})


@transaction.atomic
def payment_start(
    *,
    request: PaymentRequest,
    gateway: str,
    client_ip: str,
    return_url: str,
    notify_url: str,
    actor: Any = None,
) -> tuple[Payment, str]:
    """Open a payment attempt for `request` through `gateway`; returns it with the URL to
    send the applicant's browser to. Raises PaymentError (request paid or expired, unknown
    gateway). A new attempt while another is pending is allowed: the applicant may have
    closed the tab; a second success is refunded (see `_settle`)."""
    request = PaymentRequest.objects.select_for_update().get(pk=request.pk)
    at = _now()
    if gateway not in gateway_names():
        raise PaymentError({"gateway": _("Chọn cổng thanh toán.")})
    if request.paid_at is not None:
        raise PaymentError({"request": _("Yêu cầu này đã được thanh toán.")})
    if request.expires_at <= at:
        raise PaymentError({"request": _("Yêu cầu thanh toán đã hết hạn.")})
    payment = Payment.objects.create(
        request=request,
        gateway=gateway,
        txn_ref=f"TS{timezone.localtime(at):%y%m%d%H%M%S}{secrets.token_hex(3).upper()}",
        amount=request.amount,
        created_at=at,
        expires_at=at + timedelta(minutes=settings.PAYMENT_ATTEMPT_MINUTES),
    )
    _event(payment, "start", "", "applicant", at, gateway=gateway)
    audit_record(action="payment.start", obj=payment, actor=actor)
    order = Order(
        txn_ref=payment.txn_ref,
        amount=payment.amount,
        description=f"Thanh toan {request.reference}",
        created_at=at,
        expires_at=payment.expires_at,
        client_ip=client_ip or "127.0.0.1",
        return_url=return_url,
        notify_url=notify_url,
    )
    return payment, get_gateway(gateway).redirect_url(order)


def _settle(gw: Gateway, payment_pk: int, notice: Notice, cause: str) -> Outcome:
    """Apply the gateway's word on a payment. Refuses (changing nothing) a wrong amount or a
    payment for an expired request; a second success for a paid request is refunded."""
    with transaction.atomic():
        # The request first, then the payment (one order everywhere, no deadlock); the
        # request with what its receipt prints, its row alone locked.
        request = (
            PaymentRequest.objects.select_for_update(of=("self",))
            .select_related("organ", "applicant", "procedure")
            .get(payments__pk=payment_pk)
        )
        payment = Payment.objects.select_for_update().get(pk=payment_pk)
        at = _now()
        if notice.amount is not None and notice.amount != payment.amount:
            return Outcome.WRONG_AMOUNT
        state = PaymentState(payment.state)
        if state == PaymentState.EXPIRED or (
            request.paid_at is None and request.expires_at <= at and notice.status == "paid"
        ):
            return Outcome.EXPIRED
        if state != PaymentState.PENDING or notice.status == "pending":
            return Outcome.DUPLICATE if state != PaymentState.PENDING else Outcome.ACCEPTED
        if notice.status == "failed":
            _transition(payment, PaymentAction.FAIL, cause, at)
            return Outcome.ACCEPTED
        payment.gateway_txn_no, payment.bank_code = notice.gateway_txn_no, notice.bank_code
        if request.paid_at is None:
            _transition(payment, PaymentAction.CONFIRM, cause, at, txn_no=notice.gateway_txn_no)
            request.paid_at = at
            request.save(update_fields=["paid_at"])
            receipts.receipt_issue(payment=payment, request=request, at=at)
            hooks.request_paid(request)
            return Outcome.ACCEPTED
        # Paid twice: this one is given back, after the lock is released (no HTTP call
        # while holding rows).
        payment.save(update_fields=["gateway_txn_no", "bank_code"])
        duplicate = True
    if duplicate:
        _refund_duplicate(gw, payment_pk, notice, cause)
    return Outcome.ACCEPTED


def _refund_duplicate(gw: Gateway, payment_pk: int, notice: Notice, cause: str) -> None:
    """Refund a second payment of a paid request. Should the refund fail, the payment stays
    pending and the reconciliation tries again: nothing paid is lost."""
    payment = Payment.objects.get(pk=payment_pk)
    try:
        gw.refund(notice=notice, created_at=payment.created_at)
    except GatewayError as error:
        logger.warning("refund of duplicate payment %s failed: %s", payment.txn_ref, error)
        return
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_pk)
        if payment.state == PaymentState.PENDING:
            _transition(
                payment,
                PaymentAction.REFUND_DUPLICATE,
                cause,
                _now(),
                txn_no=notice.gateway_txn_no,
            )


def notification_receive(
    *, gateway: str, params: Mapping[str, str], body: bytes = b"", remote_addr: str = ""
) -> tuple[Outcome, dict[str, str]]:
    """Handle a server-to-server notification; returns the outcome and the gateway's answer.

    Every notification is logged (`GatewayNotification`). A bad signature, a malformed one,
    an unknown order, a wrong amount, a replay or one for an expired request is refused and
    changes nothing; the same notification twice makes one transition.
    """
    gw = get_gateway(gateway)
    payload: dict[str, Any] = dict(params)
    if body:
        payload["body"] = body.decode("utf-8", "replace")[:4000]
    payment: Payment | None = None
    notice: Notice | None = None
    try:
        notice = gw.parse_notification(params, body)
    except BadSignature:
        outcome = Outcome.BAD_SIGNATURE
    except Malformed:
        outcome = Outcome.MALFORMED
    else:
        payment = selectors.payment_by_ref(txn_ref=notice.txn_ref)
        max_age = timedelta(seconds=settings.PAYMENT_NOTICE_MAX_AGE_SECONDS)
        seen = GatewayNotification.objects.filter(
            gateway=gateway,
            digest=notice.digest,
            outcome__in=[Outcome.ACCEPTED, Outcome.DUPLICATE],
        ).exists()
        if payment is None or payment.gateway != gateway:
            outcome, payment = Outcome.UNKNOWN_ORDER, None
        elif notice.issued_at is not None and abs(_now() - notice.issued_at) > max_age:
            outcome = Outcome.REPLAY
        elif seen:
            outcome = Outcome.REPLAY if gw.one_time_notices else Outcome.DUPLICATE
        else:
            outcome = _settle(gw, payment.pk, notice, "notification")
    GatewayNotification.objects.create(
        gateway=gateway,
        txn_ref=notice.txn_ref if notice else str(params.get("vnp_TxnRef", ""))[:40],
        digest=notice.digest if notice else "",
        outcome=outcome,
        payment=payment,
        remote_addr=remote_addr[:45],
        payload=payload,
    )
    if outcome not in (Outcome.ACCEPTED, Outcome.DUPLICATE):
        logger.warning(
            "payment notification refused: gateway=%s ref=%s outcome=%s from=%s",
            gateway,
            notice.txn_ref if notice else "?",
            outcome,
            remote_addr,
        )
    return outcome, gw.answer(outcome)


def payment_return(*, gateway: str, params: Mapping[str, str]) -> Payment | None:
    """The applicant's browser is back from the gateway. The signed parameters are only
    shown, never trusted to settle: a payment still pending is settled by asking the gateway
    (as the reconciliation does). Returns None for parameters that fail their signature."""
    try:
        notice = get_gateway(gateway).parse_return(params)
    except (BadSignature, Malformed, KeyError):
        return None
    payment = selectors.payment_by_ref(txn_ref=notice.txn_ref)
    if payment is None or payment.gateway != gateway:
        return None
    if payment.state == PaymentState.PENDING:
        payment_reconcile(payment=payment)
        payment.refresh_from_db()
    return payment


def payment_reconcile(*, payment: Payment) -> str:
    """Ask the gateway what became of a pending payment and settle it; an attempt the gateway
    never completed expires once past its time. A timeout or error leaves it pending.
    Returns what happened: paid, failed, refunded, expired, pending, timeout, error, refused."""
    gw = get_gateway(payment.gateway)
    try:
        notice = gw.query(txn_ref=payment.txn_ref, created_at=payment.created_at)
    except GatewayTimeout:
        logger.info("reconciliation of %s: gateway timeout", payment.txn_ref)
        return "timeout"
    except (GatewayError, Malformed) as error:
        logger.warning("reconciliation of %s: %s", payment.txn_ref, error)
        return "error"
    if notice.status == "pending":
        with transaction.atomic():
            locked = Payment.objects.select_for_update().get(pk=payment.pk)
            grace = timedelta(minutes=settings.PAYMENT_EXPIRY_GRACE_MINUTES)
            if locked.state == PaymentState.PENDING and _now() > locked.expires_at + grace:
                _transition(locked, PaymentAction.EXPIRE, "reconciliation", _now())
                return "expired"
        return "pending"
    outcome = _settle(gw, payment.pk, notice, "reconciliation")
    if outcome != Outcome.ACCEPTED:
        return "refused"
    return str(Payment.objects.values_list("state", flat=True).get(pk=payment.pk))


@dataclass
class ReconcileReport:
    counts: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        total = sum(self.counts.values())
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        return f"{total} pending payment(s) checked" + (f": {parts}" if parts else "")


def reconcile_pending(*, min_age_seconds: int | None = None, limit: int = 1000) -> ReconcileReport:
    """The periodic job: query the gateway for payments left pending (the applicant who
    closed the tab before returning, a lost notification). Idempotent."""
    age = settings.PAYMENT_RECONCILE_AFTER_SECONDS if min_age_seconds is None else min_age_seconds
    cutoff = _now() - timedelta(seconds=age)
    report = ReconcileReport()
    pending = Payment.objects.filter(state=PaymentState.PENDING, created_at__lte=cutoff)
    for payment in pending.order_by("created_at")[:limit]:
        report.counts[payment_reconcile(payment=payment)] += 1
    return report
