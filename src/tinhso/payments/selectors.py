"""Reads of payments: fee schedules, what is due, requests and payments."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tinhso.core import sql
from tinhso.core.reporting import VN
from tinhso.directory.models import Applicant, Organ
from tinhso.directory.permissions import Action, can, organs_in_scope
from tinhso.payments.fees import Assessment, FeeRule, assess
from tinhso.payments.models import GatewayNotification, Payment, PaymentRequest, Receipt
from tinhso.procedures.models import Procedure

# The form field in which the applicant declares a category that earns an exemption.
CATEGORY_FIELD = "doi_tuong"
ONLINE_CATEGORY = "online"  # for fees waived or reduced when filed online


def fee_rules(*, procedure: Procedure) -> list[FeeRule]:
    """The procedure's fee lines from the catalogue, in catalogue order (from the prefetched
    lines when the procedure came with them, as `procedure_for_filing` gives it)."""
    return [
        FeeRule(
            name=f.name,
            amount=f.amount,
            legal_basis=f.legal_basis or procedure.legal_basis,
            quantity_field=f.quantity_field,
            unit=f.unit,
            tiers=tuple(f.tiers),
            maximum=f.maximum,
            exemptions=tuple(f.exemptions),
        )
        for f in sorted(procedure.fees.all(), key=lambda fee: fee.pk)
    ]


def applicant_categories(
    *, applicant: Applicant, form_data: Mapping[str, Any], online: bool
) -> set[str]:
    """Categories that may earn exemptions: the applicant's kind (citizen, business), the
    category declared in the form, and `online` for a dossier filed online."""
    categories = {applicant.kind}
    declared = form_data.get(CATEGORY_FIELD)
    if isinstance(declared, str) and declared.strip():
        categories.add(declared.strip())
    if online:
        categories.add(ONLINE_CATEGORY)
    return categories


def fee_assessment(
    *, procedure: Procedure, form_data: Mapping[str, Any], applicant: Applicant, online: bool
) -> Assessment:
    """What is due for a dossier with this form data by this applicant (đồng).

    Raises ValueError naming the quantity field when its value is not a whole number ≥ 0.
    """
    return assess(
        fee_rules(procedure=procedure),
        form_data,
        applicant_categories(applicant=applicant, form_data=form_data, online=online),
    )


def request_for(*, source: str, source_id: int) -> PaymentRequest | None:
    return PaymentRequest.objects.filter(source=source, source_id=source_id).first()


def requests_of_applicant(*, applicant: Applicant) -> QuerySet[PaymentRequest]:
    return PaymentRequest.objects.filter(applicant=applicant).order_by("-created_at")


def payment_by_ref(*, txn_ref: str) -> Payment | None:
    return Payment.objects.select_related("request").filter(txn_ref=txn_ref).first()


# The back office (issue 6, item 3): what an official sees is the organs where they hold
# `Action.VIEW_PAYMENTS` (the one-stop officers, the leaders; operators everywhere).


def payment_of_ref(txn_ref: str) -> tuple[int | None, str]:
    """The primary key and gateway of the payment `txn_ref`, or (None, ""): a gateway
    notification's first read, written out (core.sql; bench/README.md 7a)."""
    row = sql.fetch_one(
        f"SELECT id, gateway FROM {sql.table(Payment)} WHERE txn_ref = %s",  # noqa: S608
        [txn_ref],
    )
    return (row[0], row[1]) if row else (None, "")


def notice_seen(*, gateway: str, digest: str) -> bool:
    """Whether `gateway` already sent this notification (its digest) and it was accepted or
    taken as a duplicate: a notification's replay check, written out (core.sql)."""
    return (
        sql.fetch_one(
            f"SELECT 1 FROM {sql.table(GatewayNotification)} "  # noqa: S608 (names are ours)
            "WHERE gateway = %s AND digest = %s AND outcome IN (%s, %s) LIMIT 1",
            [
                gateway,
                digest,
                GatewayNotification.Outcome.ACCEPTED.value,
                GatewayNotification.Outcome.DUPLICATE.value,
            ],
        )
        is not None
    )


def payment_organs(user: Any) -> QuerySet[Organ]:
    """The organs whose payments `user` may see."""
    return organs_in_scope(user, Action.VIEW_PAYMENTS)


def may_see_payments(user: Any) -> bool:
    return can(user, Action.VIEW_PAYMENTS)


def requests_for_official(
    user: Any,
    *,
    organ: Organ | None = None,
    state: str = "",
    gateway: str = "",
    text: str = "",
    first: date | None = None,
    last: date | None = None,
) -> QuerySet[PaymentRequest]:
    """The payment requests of the organs in `user`'s scope, newest first, filtered by
    organ, state (paid, unpaid, expired), gateway of an attempt, a reference, dossier code
    or transaction number, and the days they were raised (Vietnam time, both included)."""
    found = PaymentRequest.objects.filter(organ__in=payment_organs(user))
    if organ is not None:
        found = found.filter(organ=organ)
    now = timezone.now()
    if state == "paid":
        found = found.filter(paid_at__isnull=False)
    elif state == "unpaid":
        found = found.filter(paid_at__isnull=True, expires_at__gt=now)
    elif state == "expired":
        found = found.filter(paid_at__isnull=True, expires_at__lte=now)
    if gateway:
        found = found.filter(payments__gateway=gateway)
    if text:
        found = found.filter(
            Q(reference__iexact=text) | Q(source_ref__icontains=text) | Q(payments__txn_ref=text)
        )
    if first is not None:
        found = found.filter(created_at__gte=datetime.combine(first, time(0), tzinfo=VN))
    if last is not None:
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=VN)
        found = found.filter(created_at__lt=end)
    return (
        found.distinct()
        .select_related("organ", "applicant")
        .prefetch_related("payments__receipt")
        .order_by("-created_at", "-pk")
    )


def request_for_official(user: Any, reference: str) -> PaymentRequest | None:
    """The request with `reference` if it lies in `user`'s scope (else None: not found)."""
    return (
        PaymentRequest.objects.filter(reference=reference, organ__in=payment_organs(user))
        .select_related("organ", "applicant", "procedure")
        .first()
    )


def payments_with_history(request: PaymentRequest) -> QuerySet[Payment]:
    return (
        request.payments.select_related("receipt")
        .prefetch_related("events")
        .order_by("-created_at", "-pk")
    )


def receipt_for_official(user: Any, pk: int) -> Receipt | None:
    return Receipt.objects.filter(pk=pk, organ__in=payment_organs(user)).first()


def receipt_for_applicant(applicant: Applicant, reference: str) -> Receipt | None:
    """The receipt of the applicant's own paid request (the paid payment's)."""
    return (
        Receipt.objects.filter(request__applicant=applicant, request__reference=reference)
        .order_by("-issued_at")
        .first()
    )
