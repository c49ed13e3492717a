"""The dossier's side of online payment: raise the fee request at filing, hear it is paid.

Dossiers call payments; payments never imports dossiers and reaches back only through the
handler registered in `DossiersConfig.ready` (`payments.hooks`).
"""

from __future__ import annotations

from typing import Any

from tinhso.core.services import audit_record
from tinhso.dossiers.models import Channel, Dossier
from tinhso.payments.models import PaymentRequest
from tinhso.payments.selectors import request_for
from tinhso.payments.services import payment_request_create, payment_request_relabel
from tinhso.procedures.models.catalogue import ONLINE_PAYMENT_KINDS

SOURCE = "dossiers.dossier"


def request_fees(dossier: Dossier) -> PaymentRequest | None:
    """At online filing of a procedure offered with online payment (level 4 / full online),
    the fee request is raised for the form as filed; None when nothing is due or the fee is
    paid at the counter. Runs in the filing transaction, which created the dossier."""
    if dossier.channel != Channel.ONLINE or dossier.service_level not in ONLINE_PAYMENT_KINDS:
        return None
    return payment_request_create(
        source=SOURCE,
        source_id=dossier.pk,
        source_ref=dossier.code or f"#{dossier.pk}",
        procedure=dossier.procedure,
        organ=dossier.organ,
        applicant=dossier.applicant,
        form_data=dossier.form_data,
        online=True,
        new_source=True,
    )


def code_assigned(dossier: Dossier) -> None:
    """At intake the dossier gets its code: its fee request, raised at filing under
    "#<id>", is labelled with the code from then on (in the intake transaction)."""
    if dossier.channel == Channel.ONLINE and dossier.code:
        payment_request_relabel(source=SOURCE, source_id=dossier.pk, source_ref=dossier.code)


def payment_request_of(dossier: Dossier) -> PaymentRequest | None:
    return request_for(source=SOURCE, source_id=dossier.pk)


def on_paid(request: Any) -> None:
    """The dossier's fee is paid: written to the audit trail of the dossier."""
    dossier = Dossier.objects.get(pk=request.source_id)
    audit_record(
        action="dossier.paid",
        obj=dossier,
        data={"request": request.reference, "amount": request.amount},
    )
