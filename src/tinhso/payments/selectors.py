"""Reads of payments: fee schedules, what is due, requests and payments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from tinhso.directory.models import Applicant
from tinhso.payments.fees import Assessment, FeeRule, assess
from tinhso.payments.models import Payment, PaymentRequest
from tinhso.procedures.models import Procedure

# The form field in which the applicant declares a category that earns an exemption.
CATEGORY_FIELD = "doi_tuong"
ONLINE_CATEGORY = "online"  # for fees waived or reduced when filed online


def fee_rules(*, procedure: Procedure) -> list[FeeRule]:
    """The procedure's fee lines from the catalogue, in catalogue order."""
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
        for f in procedure.fees.order_by("pk")
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
