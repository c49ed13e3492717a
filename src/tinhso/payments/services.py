"""Every write on payments an applicant or a gateway starts: requests, starting a payment,
gateway notifications, the browser's return. Each write is one transaction with its history
(and audit) rows. Money is decided in one place, `settlement.py`; the payments left pending
are looked after by `pending.py` (re-exported here).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core import sql
from tinhso.core.services import audit_record
from tinhso.directory.models import Applicant, Organ
from tinhso.payments import selectors, settlement
from tinhso.payments.gateways import gateway_names, get_gateway
from tinhso.payments.gateways.base import BadSignature, Malformed, Notice, Order, Outcome
from tinhso.payments.models import GatewayNotification, Payment, PaymentEvent, PaymentRequest
from tinhso.payments.pending import (  # noqa: F401 (the periodic job's, re-exported)
    ReconcileReport,
    payment_reconcile,
    reconcile_pending,
)
from tinhso.payments.settlement import Word
from tinhso.payments.states import PaymentState
from tinhso.procedures.models import Procedure

logger = logging.getLogger(__name__)


def _unique_ref(prefix: str, at: datetime, stamp: str, *, random_bytes: int) -> str:
    """`prefix`, the moment in Vietnam time as `stamp`, then random hex: unique without a
    counter to lock. Enough random bits that two references of one stamp never meet in
    practice (a request: 64 bits a day, 24 characters, the column's width; an attempt: 48 bits
    a second). 32 and 24 bits were not: the dossier benchmark met a duplicate request
    reference among some 20,000 of one day (an integrity error, the filing refused)."""
    tail = secrets.token_hex(random_bytes).upper()
    return f"{prefix}{timezone.localtime(at).strftime(stamp)}{tail}"


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
        reference=_unique_ref("YC", at, "%y%m%d", random_bytes=8),
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
        txn_ref=_unique_ref("TS", at, "%y%m%d%H%M%S", random_bytes=6),
        amount=request.amount,
        created_at=at,
        expires_at=at + timedelta(minutes=settings.PAYMENT_ATTEMPT_MINUTES),
    )
    PaymentEvent.objects.create(
        payment=payment,
        at=at,
        action="start",
        to_state=payment.state,
        cause="applicant",
        data={"gateway": gateway},
    )
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


def notification_receive(
    *, gateway: str, params: Mapping[str, str], body: bytes = b"", remote_addr: str = ""
) -> tuple[Outcome, dict[str, str]]:
    """Handle a server-to-server notification; returns the outcome and the gateway's answer.

    Every notification is logged (`GatewayNotification`), in the transaction that settles it
    (one commit). A bad signature, a malformed one, an unknown order, a wrong amount, a replay
    or one for an expired request is refused and changes nothing; the same notification twice
    makes one transition.
    """
    gw = get_gateway(gateway)
    payload: dict[str, Any] = dict(params)
    if body:
        payload["body"] = body.decode("utf-8", "replace")[:4000]
    payment_pk: int | None = None
    notice: Notice | None = None
    refunds: list[Word] = []
    with transaction.atomic():
        try:
            notice = gw.parse_notification(params, body)
        except BadSignature:
            outcome = Outcome.BAD_SIGNATURE
        except Malformed:
            outcome = Outcome.MALFORMED
        else:
            payment_pk, payment_gateway = selectors.payment_of_ref(notice.txn_ref)
            max_age = timedelta(seconds=settings.PAYMENT_NOTICE_MAX_AGE_SECONDS)
            if payment_pk is None or payment_gateway != gateway:
                outcome, payment_pk = Outcome.UNKNOWN_ORDER, None
            elif notice.issued_at is not None and abs(_now() - notice.issued_at) > max_age:
                outcome = Outcome.REPLAY
            elif selectors.notice_seen(gateway=gateway, digest=notice.digest):
                outcome = Outcome.REPLAY if gw.one_time_notices else Outcome.DUPLICATE
            else:
                (outcome,), refunds = settlement.settle_words(
                    [Word(payment_pk, notice)], cause="notification"
                )
        # The log row written out (core.sql): the notification's statements are its cost.
        sql.insert(
            [
                GatewayNotification(
                    gateway=gateway,
                    txn_ref=notice.txn_ref if notice else str(params.get("vnp_TxnRef", ""))[:40],
                    digest=notice.digest if notice else "",
                    outcome=outcome,
                    payment_id=payment_pk,
                    remote_addr=remote_addr[:45],
                    payload=payload,
                )
            ]
        )
    settlement.refund_duplicates(gw, refunds, cause="notification")
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
