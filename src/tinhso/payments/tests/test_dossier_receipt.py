"""A dossier filed online, its fee paid: the receipt names the dossier, and the applicant's
dossier page links to it."""

from tinhso.directory.tests.factories import UserFactory
from tinhso.dossiers import fees, services
from tinhso.dossiers.tests.conftest import FORM, office  # noqa: F401 (fixture)
from tinhso.payments import receipts
from tinhso.payments.tests.test_notifications import CARD_URL, card_params, start


def test_paid_dossier_links_its_receipt(client, office, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    dossier = services.dossier_file_online(
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data={**FORM, "so_luong": 3},
        actor=None,
    )
    request = fees.payment_request_of(dossier)
    payment = start(request)
    assert client.get(CARD_URL, card_params(payment)).json()["RspCode"] == "00"
    receipts.receipt_issue(payment_pk=payment.pk)  # the queued task's first half
    payment.refresh_from_db()
    # Paid before intake, the dossier has no code yet: the receipt names it as the request does.
    assert payment.receipt.source_ref == request.source_ref and payment.receipt.amount == 205_000
    user = UserFactory()
    office["applicant"].user = user
    office["applicant"].save(update_fields=["user"])
    client.force_login(user)
    page = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()
    link = f"/dich-vu-cong/thanh-toan/{request.reference}/bien-lai/"
    assert link in page
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
