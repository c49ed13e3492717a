"""The daily reconciliation report: payments of the organ's day matched against the
gateways over HTTP (the simulators on a live server), totals, the Excel export through
`core.xlsx`, the management command."""

from io import BytesIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from tinhso.directory.tests.factories import OrganFactory
from tinhso.payments import services
from tinhso.payments.models import Payment, SimulatedTransaction
from tinhso.payments.reconciliation import daily_report
from tinhso.payments.reconciliation_excel import report_workbook
from tinhso.payments.tests.test_simulators import gateways, pay  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_report_matches_the_gateways(gateways, make_request, lltp):  # noqa: F811
    paid_card, _l, _p = pay(gateways, make_request(), "card", "pay")
    paid_paygov, _l, _p = pay(gateways, make_request(), "paygov", "pay")
    cancelled, _l, _p = pay(gateways, make_request(), "card", "cancel")
    closed, _l, _p = pay(gateways, make_request(), "card", "pay_close")  # still pending here
    # A payment the platform holds as failed while the gateway took the money: the one case
    # the report must shout about (the gateway's own record is changed, as a bank's would be).
    SimulatedTransaction.objects.filter(txn_ref=cancelled.txn_ref).update(status="paid")
    OrganFactory()  # another organ's day is not in the report
    report = daily_report(organ=lltp.organ, day=timezone.localdate())
    by_ref = {line.payment.txn_ref: line for line in report.lines}
    assert set(by_ref) == {
        paid_card.txn_ref,
        paid_paygov.txn_ref,
        cancelled.txn_ref,
        closed.txn_ref,
    }
    assert by_ref[paid_card.txn_ref].match == "ok"
    assert by_ref[paid_card.txn_ref].gateway_status == "paid"
    assert by_ref[paid_card.txn_ref].receipt.number in (1, 2)
    assert by_ref[paid_paygov.txn_ref].match == "ok"
    assert by_ref[closed.txn_ref].match == "open"
    assert by_ref[cancelled.txn_ref].match == "mismatch"
    assert "chưa ghi nhận" in by_ref[cancelled.txn_ref].note
    assert report.mismatches == 1
    assert (report.paid.count, report.paid.amount) == (2, 400_000)
    assert {k: (t.count, t.amount) for k, t in report.by_gateway.items()} == {
        "card": (1, 200_000),
        "paygov": (1, 200_000),
    }
    assert {k: t.count for k, t in report.by_gateway_state.items()} == {
        ("card", "failed"): 1,
        ("card", "paid"): 1,
        ("card", "pending"): 1,
        ("paygov", "paid"): 1,
    }
    assert len(report.requests) == 4

    book = load_workbook(BytesIO(report_workbook(report)))
    assert book.sheetnames == ["Giao dịch", "Tổng hợp", "Yêu cầu thanh toán"]
    sheet = book["Giao dịch"]
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Mã giao dịch")
    rows = {
        sheet.cell(r, 1).value: [c.value for c in sheet[r]]
        for r in range(header_row + 1, header_row + 5)
    }
    assert rows[paid_card.txn_ref][6] == 200_000  # a number, not text
    assert rows[paid_card.txn_ref][10] == paid_card.receipt.display_number
    assert rows[cancelled.txn_ref][15] == "Lệch"
    totals = book["Tổng hợp"]
    values = [[c.value for c in row] for row in totals.iter_rows()]
    assert ["Tổng đã thu", None, 2, 400_000] in values
    assert ["Số giao dịch lệch", None, 1, None] in values


def test_refunded_payment_is_reported_with_its_refund(gateways, make_request, lltp):  # noqa: F811
    req = make_request()
    first, _l, _p = pay(gateways, req, "card", "pay_close")
    pay(gateways, req, "card", "pay")
    assert services.reconcile_pending(min_age_seconds=0).counts == {"refunded": 1}
    report = daily_report(organ=lltp.organ, day=timezone.localdate())
    line = next(line for line in report.lines if line.payment.txn_ref == first.txn_ref)
    assert line.refunded == 200_000 and line.match == "ok" and line.receipt is None
    assert (report.refunded.count, report.refunded.amount) == (1, 200_000)
    assert report.paid.count == 1 and report.mismatches == 0


def test_unreachable_gateway_and_the_command(make_request, lltp, tmp_path, settings):
    from tinhso.payments.tests.test_notifications import start

    payment = start(make_request())
    config = {name: dict(value) for name, value in settings.PAYMENT_GATEWAYS.items()}
    config["card"].update(API_URL="http://127.0.0.1:9/closed", TIMEOUT=2)
    settings.PAYMENT_GATEWAYS = config
    report = daily_report(organ=lltp.organ, day=timezone.localdate())
    assert [line.match for line in report.lines] == ["unreachable"]
    out = tmp_path / "doi-soat.xlsx"
    day = timezone.localdate().isoformat()
    call_command(
        "payments",
        "report",
        "--organ",
        str(lltp.organ.pk),
        "--date",
        day,
        "--out",
        str(out),
        "--no-gateway",
    )
    book = load_workbook(out)
    sheet = book["Giao dịch"]
    assert payment.txn_ref in [c.value for c in sheet["A"]]
    assert Payment.objects.get(pk=payment.pk).state == "pending"  # the report changed nothing
