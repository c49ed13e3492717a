"""Background work of payments (Django Tasks)."""

from __future__ import annotations

from django_tasks import task

from tinhso.payments.receipts import receipt_sign


@task()
def sign_receipt(receipt_id: int) -> str:
    """Sign and store one receipt's PDF. Idempotent: a signed receipt is left as it is."""
    return receipt_sign(receipt_id=receipt_id)
