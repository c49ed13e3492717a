"""The back office of payments: the permission matrix (anonymous, citizen, official of
another organ, official of the organ, the organ's administrator role, platform operator) over
every page, the filters, the history, the receipts for officials and applicants."""

import pytest
from django.utils import timezone

from tinhso.directory.models import Role
from tinhso.directory.tests.factories import OrganFactory, UserFactory
from tinhso.payments import receipts
from tinhso.payments.tests.test_notifications import CARD_URL, card_params, start

LIST = "/backoffice/thanh-toan/"
REPORT = "/backoffice/thanh-toan/doi-soat/"
EXCEL = "/backoffice/thanh-toan/doi-soat/excel/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def paid(client, make_request):
    req = make_request()
    payment = start(req)
    assert client.get(CARD_URL, card_params(payment)).json()["RspCode"] == "00"
    receipts.receipt_issue(payment_pk=payment.pk)  # the queued task's first half
    payment.refresh_from_db()
    return payment


@pytest.fixture
def users(lltp, official_factory):
    other = OrganFactory(name="Sở Xây dựng")
    citizen = UserFactory()
    lltp.applicant.user = citizen
    lltp.applicant.save(update_fields=["user"])
    return {
        "anonymous": None,
        "citizen": citizen,
        "other_organ": official_factory(
            organ=other, roles=[(Role.ONE_STOP_OFFICER, other, False)]
        ).user,
        "own_organ": official_factory(
            organ=lltp.organ, roles=[(Role.ONE_STOP_OFFICER, lltp.organ, False)]
        ).user,
        "own_leader": official_factory(
            organ=lltp.organ, roles=[(Role.LEADER, lltp.organ, False)]
        ).user,
        "own_administrator": official_factory(
            organ=lltp.organ, roles=[(Role.ADMINISTRATOR, lltp.organ, False)]
        ).user,
        "operator": UserFactory(is_superuser=True, is_staff=True),
    }


def urls(paid, lltp):
    day = timezone.localdate().isoformat()
    return {
        "list": LIST,
        "detail": f"{LIST}{paid.request.reference}/",
        "receipt": f"{LIST}bien-lai/{paid.receipt.pk}/",
        "report": f"{REPORT}?organ={lltp.organ.pk}&date={day}&check=0",
        "excel": f"{EXCEL}?organ={lltp.organ.pk}&date={day}&check=0",
    }


# Expected status per role and page; 302 is the redirect to sign in. An official of another
# organ may use the pages, but the organ's request, receipt and report are not found for them.
MATRIX = {
    "anonymous": {"list": 302, "detail": 302, "receipt": 302, "report": 302, "excel": 302},
    "citizen": {"list": 403, "detail": 403, "receipt": 403, "report": 403, "excel": 403},
    "other_organ": {"list": 200, "detail": 404, "receipt": 404, "report": 200, "excel": 400},
    "own_organ": {"list": 200, "detail": 200, "receipt": 200, "report": 200, "excel": 200},
    "own_leader": {"list": 200, "detail": 200, "receipt": 200, "report": 200, "excel": 200},
    "own_administrator": {
        "list": 403,
        "detail": 403,
        "receipt": 403,
        "report": 403,
        "excel": 403,
    },
    "operator": {"list": 200, "detail": 200, "receipt": 200, "report": 200, "excel": 200},
}


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_permission_matrix(client, paid, lltp, users, role):
    client.logout()
    if users[role] is not None:
        client.force_login(users[role])
    pages = urls(paid, lltp)
    got = {page: client.get(url).status_code for page, url in pages.items()}
    assert got == MATRIX[role]
    if role == "other_organ":
        listed = client.get(LIST).content.decode()
        assert paid.request.reference not in listed  # nothing of the organ, not even its name
        report = client.get(pages["report"]).content.decode()
        assert "Cơ quan không có trong phạm vi của bạn." in report
        assert paid.txn_ref not in report


def test_list_filters_and_detail_history(client, paid, make_request, lltp, users):
    unpaid = make_request()
    client.force_login(users["own_organ"])
    page = client.get(LIST).content.decode()
    assert paid.request.reference in page and unpaid.reference in page
    assert paid.receipt.display_number in page
    only_paid = client.get(LIST, {"state": "paid"}).content.decode()
    assert paid.request.reference in only_paid and unpaid.reference not in only_paid
    by_txn = client.get(LIST, {"q": paid.txn_ref}).content.decode()
    assert paid.request.reference in by_txn and unpaid.reference not in by_txn
    assert "Trạng thái không hợp lệ." in client.get(LIST, {"state": "x"}).content.decode()
    detail = client.get(f"{LIST}{paid.request.reference}/").content.decode()
    for text in (paid.txn_ref, "confirm", "notification", "555", paid.receipt.display_number):
        assert text in detail
    assert "Đang chờ ký số" in detail  # the receipt's signing state is shown, never hidden


def test_receipt_downloads(client, paid, make_request, users):
    official = client.get(f"{LIST}bien-lai/{paid.receipt.pk}/")
    assert official.status_code == 302
    client.force_login(users["own_organ"])
    official = client.get(f"{LIST}bien-lai/{paid.receipt.pk}/")
    assert official["Content-Type"] == "application/pdf"
    assert official.content.startswith(b"%PDF")
    client.force_login(users["citizen"])
    page = client.get(f"/dich-vu-cong/thanh-toan/{paid.request.reference}/").content.decode()
    assert paid.receipt.display_number in page
    mine = client.get(f"/dich-vu-cong/thanh-toan/{paid.request.reference}/bien-lai/")
    assert mine.status_code == 200 and mine.content.startswith(b"%PDF")
    unpaid = make_request()
    assert client.get(f"/dich-vu-cong/thanh-toan/{unpaid.reference}/bien-lai/").status_code == 404
    client.force_login(users["own_organ"])  # an official is not the applicant
    assert (
        client.get(f"/dich-vu-cong/thanh-toan/{paid.request.reference}/bien-lai/").status_code
        == 403
    )


def test_the_admin_shows_the_signing_state_and_signs_again(client, paid, users):
    client.force_login(users["operator"])
    page = client.get("/admin/payments/receipt/").content.decode()
    assert paid.receipt.display_number in page and "Đang chờ ký số" in page
    answer = client.post(
        "/admin/payments/receipt/",
        {"action": "sign_again", "_selected_action": [paid.receipt.pk]},
        follow=True,
    )
    assert "Đã ký 0 trên 1 biên lai." in answer.content.decode()  # no key: stays unsigned
    paid.receipt.refresh_from_db()
    assert paid.receipt.sign_state == "no_key" and paid.receipt.pdf


def test_report_page_and_excel_for_the_organ(client, paid, lltp, users):
    client.force_login(users["own_leader"])
    pages = urls(paid, lltp)
    page = client.get(pages["report"]).content.decode()
    assert paid.txn_ref in page and paid.receipt.display_number in page
    assert "Đã thanh toán" in page and "Chưa đối chiếu với cổng thanh toán." in page
    assert "Xuất Excel" in page
    # one organ in scope: its report at once, for today
    assert paid.txn_ref in client.get(REPORT).content.decode()
    excel = client.get(pages["excel"])
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")
    assert excel.content[:2] == b"PK"
    bad = client.get(f"{REPORT}?organ={lltp.organ.pk}&date=27/11/2026").content.decode()
    assert "Ngày không hợp lệ" in bad
