"""Settling payments on the gateway's word: the one place where money is decided.

Whatever brought the word (a notification, the browser's return, a query, a line of the
gateway's reconciliation list), `settle_words` applies it, for one payment or for a batch, in
the caller's transaction: the requests' rows are locked first and then the payments' rows,
each in primary-key order (one order everywhere: no deadlock between two batches, nor with a
notification), so two notifications at once, or a notification racing the reconciliation,
settle one way. The writes are batched: one update of the payments, one of the requests, one
insert of the events and one of the audit entries, whatever the batch's size.

The receipts of the payments made paid are issued by the task `payments.issue_receipts`
queued after the commit (`receipts.issue_after_commit`), outside the settling transaction: the
notification then holds no receipt counter lock (ADR 0013, "Receipts after the commit").
A second success for a paid request is refunded by `refund_duplicates`, after the commit (no
HTTP call while holding rows).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tinhso.core import sql
from tinhso.core.models import AuditEntry
from tinhso.core.services import audit_entry
from tinhso.payments import hooks, receipts
from tinhso.payments.gateways.base import Gateway, GatewayError, Notice, Outcome
from tinhso.payments.models import Payment, PaymentEvent, PaymentRequest
from tinhso.payments.states import PaymentAction, PaymentState, next_state

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Word:
    """The gateway's word `notice` on the payment `payment_pk`."""

    payment_pk: int
    notice: Notice


@dataclass
class Writes:
    """The rows one batch changes, written together by `flush`."""

    cause: str
    at: datetime
    payments: dict[int, Payment] = field(default_factory=dict)
    requests: dict[int, PaymentRequest] = field(default_factory=dict)
    events: list[PaymentEvent] = field(default_factory=list)
    audits: list[AuditEntry] = field(default_factory=list)
    paid: list[Payment] = field(default_factory=list)

    def transition(self, payment: Payment, action: PaymentAction, **data: Any) -> None:
        """Move `payment` by `action` (IllegalPaymentTransition if not allowed), with its
        event and audit entry."""
        from_state = payment.state
        payment.state = next_state(PaymentState(from_state), action)
        if payment.state != PaymentState.PENDING:
            payment.settled_at = self.at
        self.payments[payment.pk] = payment
        self.events.append(
            PaymentEvent(
                payment=payment,
                at=self.at,
                action=action,
                from_state=from_state,
                to_state=payment.state,
                cause=self.cause,
                data=data,
            )
        )
        self.audits.append(
            audit_entry(action=f"payment.{action}", obj=payment, data={"cause": self.cause, **data})
        )

    def flush(self) -> None:
        _update(
            Payment, self.payments.values(), ["state", "settled_at", "gateway_txn_no", "bank_code"]
        )
        _update(PaymentRequest, self.requests.values(), ["paid_at"])
        sql.insert(self.events)
        sql.insert(self.audits)
        for payment in self.paid:
            hooks.request_paid(payment.request)
        receipts.issue_after_commit([payment.pk for payment in self.paid])


def _update(model: Any, rows: Iterable[Any], fields: list[str]) -> None:
    """Write `fields` of `rows`: an UPDATE by primary key written out for a row or two (a
    notification; core.sql), one `bulk_update` for a batch."""
    rows = list(rows)
    if len(rows) > 2:
        model.objects.bulk_update(rows, fields)
        return
    for row in rows:
        sql.update(row, fields)


def _locked(pks: Iterable[int]) -> dict[int, Payment]:
    """The payments `pks` with their requests, both rows locked (requests first, each in key
    order). Two fixed statements written out (core.sql): on a notification the ORM's
    compiling of the equivalent querysets cost more than the rest of the settlement
    (bench/README.md, 7a)."""
    condition, params = sql.in_list("id", sorted(set(pks)))
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    requests = {
        request.pk: request
        for request in sql.select(
            PaymentRequest,
            f"WHERE id IN (SELECT request_id FROM {sql.table(Payment)} WHERE {condition}) "  # noqa: S608
            f"ORDER BY id{lock}",
            params,
        )
    }
    payments = {}
    for payment in sql.select(Payment, f"WHERE {condition} ORDER BY id{lock}", params):
        payment.request = requests[payment.request_id]
        payments[payment.pk] = payment
    return payments


def _decide(payment: Payment, notice: Notice, writes: Writes) -> tuple[Outcome, bool]:
    """Apply one word to a locked payment; (outcome, whether it is a duplicate to refund)."""
    request = payment.request
    if notice.amount is not None and notice.amount != payment.amount:
        return Outcome.WRONG_AMOUNT, False
    state = PaymentState(payment.state)
    if state == PaymentState.EXPIRED or (
        request.paid_at is None and request.expires_at <= writes.at and notice.status == "paid"
    ):
        return Outcome.EXPIRED, False
    if state != PaymentState.PENDING or notice.status == "pending":
        return (Outcome.DUPLICATE if state != PaymentState.PENDING else Outcome.ACCEPTED), False
    if notice.status == "failed":
        writes.transition(payment, PaymentAction.FAIL)
        return Outcome.ACCEPTED, False
    payment.gateway_txn_no, payment.bank_code = notice.gateway_txn_no, notice.bank_code
    if request.paid_at is None:
        writes.transition(payment, PaymentAction.CONFIRM, txn_no=notice.gateway_txn_no)
        request.paid_at = writes.at
        writes.requests[request.pk] = request
        writes.paid.append(payment)
        return Outcome.ACCEPTED, False
    # Paid twice: this one is given back after the commit; its gateway numbers are kept now.
    writes.payments[payment.pk] = payment
    return Outcome.ACCEPTED, True


@transaction.atomic(savepoint=False)
def settle_words(words: Sequence[Word], *, cause: str) -> tuple[list[Outcome], list[Word]]:
    """Apply the gateway's `words` (at most one per payment) in the caller's transaction.
    Returns each word's outcome, in order, and the words of duplicates to refund after the
    commit (`refund_duplicates`). A wrong amount, or a payment for an expired request,
    changes nothing."""
    writes = Writes(cause=cause, at=timezone.now())
    payments = _locked(word.payment_pk for word in words)
    outcomes, refunds = [], []
    for word in words:
        outcome, refund = _decide(payments[word.payment_pk], word.notice, writes)
        outcomes.append(outcome)
        if refund:
            refunds.append(word)
    writes.flush()
    return outcomes, refunds


def settle(gw: Gateway, words: Sequence[Word], *, cause: str) -> list[Outcome]:
    """`settle_words` in its own transaction, then the refunds of duplicates."""
    with transaction.atomic():
        outcomes, refunds = settle_words(words, cause=cause)
    refund_duplicates(gw, refunds, cause=cause)
    return outcomes


def refund_duplicates(gw: Gateway, words: Sequence[Word], *, cause: str) -> None:
    """Refund second payments of paid requests. Should a refund fail, the payment stays
    pending and the reconciliation tries again: nothing paid is lost."""
    for word in words:
        created_at = Payment.objects.values_list("created_at", flat=True).get(pk=word.payment_pk)
        try:
            gw.refund(notice=word.notice, created_at=created_at)
        except GatewayError as error:
            logger.warning("refund of duplicate payment %s failed: %s", word.notice.txn_ref, error)
            continue
        with transaction.atomic():
            writes = Writes(cause=cause, at=timezone.now())
            payment = Payment.objects.select_for_update().get(pk=word.payment_pk)
            if payment.state == PaymentState.PENDING:
                writes.transition(
                    payment, PaymentAction.REFUND_DUPLICATE, txn_no=word.notice.gateway_txn_no
                )
                writes.flush()


@transaction.atomic
def expire(pks: Iterable[int], *, cause: str) -> int:
    """Expire the pending payments among `pks` whose time is over (past `expires_at` and the
    grace of PAYMENT_EXPIRY_GRACE_MINUTES), the gateway having said it holds no payment for
    them; their rows locked in key order. Returns how many expired."""
    writes = Writes(cause=cause, at=timezone.now())
    grace = timedelta(minutes=settings.PAYMENT_EXPIRY_GRACE_MINUTES)
    stale = Payment.objects.select_for_update().filter(
        pk__in=sorted(set(pks)), state=PaymentState.PENDING, expires_at__lt=writes.at - grace
    )
    for payment in stale.order_by("pk"):
        writes.transition(payment, PaymentAction.EXPIRE)
    expired = list(writes.payments)
    # One statement for all (the same new values), not one CASE branch per row.
    Payment.objects.filter(pk__in=expired).update(state=PaymentState.EXPIRED, settled_at=writes.at)
    writes.payments.clear()
    writes.flush()
    return len(expired)
