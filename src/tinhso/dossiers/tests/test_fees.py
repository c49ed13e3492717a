from tinhso.core.models import AuditEntry
from tinhso.dossiers import fees, services
from tinhso.dossiers.models import Dossier
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


def test_filing_reads_the_fee_lines_cached_with_the_procedure_and_sees_an_edit(
    office, django_assert_max_num_queries
):
    from tinhso.core.stamps import bump
    from tinhso.procedures.models import Fee
    from tinhso.procedures.selectors import CATALOGUE_STAMP, procedure_for_filing

    def file() -> Dossier:
        procedure = procedure_for_filing(code=office["procedure"].code)
        return services.dossier_file_online(
            procedure=procedure,
            applicant=office["applicant"],
            organ=office["organ"],
            form_data={**FORM, "so_luong": 3},
            actor=None,
        )

    def due(dossier: Dossier) -> int:
        return fees.payment_request_of(dossier).amount

    assert due(file()) == 205_000
    procedure_for_filing(code=office["procedure"].code)  # in the cache
    # Filing with the cached procedure: no catalogue or fee query, no savepoint of the fee
    # request's own, no lookup of an earlier request: the stamp's recheck, the dossier, its
    # event, the request, its audit entry, and the test transaction's savepoint pair.
    with django_assert_max_num_queries(7):
        file()
    fee = Fee.objects.filter(procedure=office["procedure"]).order_by("pk").first()
    Fee.objects.filter(pk=fee.pk).update(amount=fee.amount + 1000)
    bump(CATALOGUE_STAMP)  # what the admin and the catalogue import do
    assert due(file()) == 206_000  # the first line is a fixed 1,000 more


def test_intake_labels_the_fee_request_with_the_dossier_code(office):
    dossier = services.dossier_file_online(
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data={**FORM, "so_luong": 3},
        actor=None,
    )
    assert fees.payment_request_of(dossier).source_ref == f"#{dossier.pk}"
    services.dossier_receive(dossier=dossier, officer=office["one_stop_officer"].user)
    dossier.refresh_from_db()
    assert dossier.code and fees.payment_request_of(dossier).source_ref == dossier.code
