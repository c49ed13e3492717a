"""Background work of payments (Django Tasks)."""

from __future__ import annotations

from django_tasks import task

from tinhso.payments.receipts import issue_and_sign, receipt_sign


@task()
def issue_receipts(payment_ids: list[int]) -> dict[str, int]:
    """Issue and sign the receipts of payments just made paid. Idempotent: a payment with
    its receipt keeps it, a signed receipt is left as it is."""
    return dict(issue_and_sign(payment_ids))


@task()
def sign_receipt(receipt_id: int) -> str:
    """Sign and store one receipt's PDF. Idempotent: a signed receipt is left as it is."""
    return receipt_sign(receipt_id=receipt_id)
