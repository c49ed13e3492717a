"""What became of the payments left pending: the applicant who closed the tab before coming
back from the gateway, a notification lost on the way.

`reconcile_pending` (the periodic job `payments.reconcile`) reads each gateway's
reconciliation list of the days the pending payments began (`Gateway.transactions`: one
signed call per day and page instead of one query per payment), settles the payments the
gateway paid or refused in batches through `settlement.settle`, and expires in batches those
it never saw or that are still open there once their time is over. A gateway without such a
list is asked payment by payment (`payment_reconcile`, also used when the applicant's
browser comes back). A list that cannot be had (timeout, error, a bad signature) leaves that
gateway's payments pending for the next run: nothing is expired on a guess.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.utils import timezone

from tinhso.payments import settlement
from tinhso.payments.gateways import get_gateway
from tinhso.payments.gateways.base import (
    Gateway,
    GatewayError,
    GatewayTimeout,
    Malformed,
    Notice,
    Outcome,
)
from tinhso.payments.models import Payment
from tinhso.payments.settlement import Word
from tinhso.payments.states import PaymentState

logger = logging.getLogger(__name__)

SETTLE_BATCH = 500  # payments settled in one transaction
EXPIRE_BATCH = 5000  # payments expired in one transaction
T = TypeVar("T")


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def payment_reconcile(*, payment: Payment) -> str:
    """Ask the gateway what became of one pending payment and settle it; an attempt the
    gateway never completed expires once past its time. A timeout or error leaves it pending.
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
        return "expired" if settlement.expire([payment.pk], cause="reconciliation") else "pending"
    (outcome,) = settlement.settle(gw, [Word(payment.pk, notice)], cause="reconciliation")
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


def _days(oldest: datetime) -> list[date]:
    first, today = timezone.localdate(oldest), timezone.localdate()
    return [first + timedelta(days=n) for n in range((today - first).days + 1)]


def listed(gw: Gateway, days: list[date]) -> dict[str, Notice]:
    """The gateway's word by order id over `days` (the latest day's row wins)."""
    listed: dict[str, Notice] = {}
    for day in days:
        for notice in gw.transactions(day=day):
            listed[notice.txn_ref] = notice
    return listed


def _reconcile_gateway(gw: Gateway, rows: list[tuple[int, str, datetime]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    try:
        words_by_ref = listed(gw, _days(min(created for _pk, _ref, created in rows)))
    except NotImplementedError:
        for payment in Payment.objects.filter(pk__in=[pk for pk, _ref, _c in rows]):
            counts[payment_reconcile(payment=payment)] += 1
        return counts
    except GatewayTimeout:
        logger.info("reconciliation list of %s: gateway timeout", gw.name)
        counts["timeout"] += len(rows)
        return counts
    except (GatewayError, Malformed) as error:
        logger.warning("reconciliation list of %s: %s", gw.name, error)
        counts["error"] += len(rows)
        return counts
    words, unseen = [], []
    for pk, txn_ref, _created in rows:
        notice = words_by_ref.get(txn_ref)
        if notice is None or notice.status == "pending":
            unseen.append(pk)
        else:
            words.append(Word(pk, notice))
    for batch in _chunks(words, SETTLE_BATCH):
        outcomes = settlement.settle(gw, batch, cause="reconciliation")
        accepted = [w.payment_pk for w, o in zip(batch, outcomes, strict=True) if o == "accepted"]
        if len(accepted) < len(batch):
            counts["refused"] += len(batch) - len(accepted)
        counts.update(Payment.objects.filter(pk__in=accepted).values_list("state", flat=True))
    for chunk in _chunks(unseen, EXPIRE_BATCH):
        expired = settlement.expire(chunk, cause="reconciliation")
        counts.update({"expired": expired, "pending": len(chunk) - expired})
    return +counts  # without the zero counts


def reconcile_pending(
    *, min_age_seconds: int | None = None, limit: int = 100_000
) -> ReconcileReport:
    """The periodic job: settle or expire the payments pending for longer than
    `min_age_seconds` (PAYMENT_RECONCILE_AFTER_SECONDS), the oldest `limit` first, from each
    gateway's reconciliation list (see the module docstring). Idempotent."""
    age = settings.PAYMENT_RECONCILE_AFTER_SECONDS if min_age_seconds is None else min_age_seconds
    cutoff = timezone.now() - timedelta(seconds=age)
    pending = Payment.objects.filter(state=PaymentState.PENDING, created_at__lte=cutoff)
    by_gateway: dict[str, list[tuple[int, str, datetime]]] = {}
    for pk, gateway, txn_ref, created in pending.order_by("created_at", "pk").values_list(
        "pk", "gateway", "txn_ref", "created_at"
    )[:limit]:
        by_gateway.setdefault(gateway, []).append((pk, txn_ref, created))
    report = ReconcileReport()
    for name, rows in sorted(by_gateway.items()):
        try:
            gw = get_gateway(name)
        except KeyError:  # a gateway since removed from the settings: left as it is
            logger.warning("reconciliation: %s payment(s) of unknown gateway %s", len(rows), name)
            report.counts["error"] += len(rows)
            continue
        report.counts.update(_reconcile_gateway(gw, rows))
    return report
