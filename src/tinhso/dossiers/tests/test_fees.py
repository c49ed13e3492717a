from tinhso.core.models import AuditEntry
from tinhso.dossiers import fees, services
from tinhso.dossiers.tests.conftest import FORM
from tinhso.payments import hooks
from tinhso.payments.models import PaymentRequest


def test_online_filing_raises_the_fee_request_and_hears_it_paid(office):
    dossier = services.dossier_file_online(
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data={**FORM, "so_luong": 3},
        actor=None,
    )
    request = fees.payment_request_of(dossier)
    assert (request.amount, request.source_id) == (205_000, dossier.pk)
    assert PaymentRequest.objects.count() == 1
    hooks.request_paid(request)
    assert AuditEntry.objects.filter(action="dossier.paid", object_id=str(dossier.pk)).exists()
