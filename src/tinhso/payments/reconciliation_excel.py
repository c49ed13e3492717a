"""The daily reconciliation report as an Excel workbook, through `core.xlsx`: the payments
with their match against the gateway, the totals per gateway and state, the requests."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.formats import format_date
from tinhso.core.xlsx import AMOUNT, Sheet, workbook
from tinhso.payments.models import STATE_LABELS
from tinhso.payments.reconciliation import DailyReport, day_bounds, request_state
from tinhso.payments.states import PaymentState


def _time(moment: object) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S")  # type: ignore[arg-type]


def report_workbook(report: DailyReport) -> bytes:
    """The report as .xlsx bytes."""
    scope = [
        _("Cơ quan: %(organ)s") % {"organ": report.organ.name},
        _("Ngày: %(day)s") % {"day": format_date(report.day)},
        _("Đã đối chiếu với cổng thanh toán")
        if report.checked
        else _("Chưa đối chiếu với cổng thanh toán"),
    ]
    payments = Sheet(
        title=_("Giao dịch"),
        lines=scope,
        header=[
            _("Mã giao dịch"),
            _("Yêu cầu"),
            _("Hồ sơ"),
            _("Người nộp"),
            _("Cổng"),
            _("Mã giao dịch của cổng"),
            _("Số tiền (đồng)"),
            _("Trạng thái"),
            _("Bắt đầu lúc"),
            _("Kết thúc lúc"),
            _("Số biên lai"),
            _("Chữ ký số biên lai"),
            _("Đã hoàn (đồng)"),
            _("Cổng báo"),
            _("Số tiền ở cổng"),
            _("Đối chiếu"),
            _("Ghi chú"),
        ],
        rows=[
            [
                line.payment.txn_ref,
                line.payment.request.reference,
                line.payment.request.source_ref,
                line.payment.request.applicant.name,
                line.payment.gateway,
                line.payment.gateway_txn_no,
                line.payment.amount,
                line.state_label,
                _time(line.payment.created_at),
                _time(line.payment.settled_at),
                line.receipt.display_number if line.receipt else "",
                line.receipt.get_sign_state_display() if line.receipt else "",
                line.refunded,
                line.gateway_status,
                line.gateway_amount,
                line.match_label,
                line.note,
            ]
            for line in report.lines
        ],
        totals=[
            [_("Đã thanh toán"), "", "", "", "", "", report.paid.amount, report.paid.count],
            [_("Đã hoàn tiền"), "", "", "", "", "", report.refunded.amount, report.refunded.count],
        ],
        formats={6: AMOUNT, 12: AMOUNT, 14: AMOUNT},
        widths={0: 22, 1: 20, 2: 28, 3: 28, 8: 20, 9: 20, 11: 24, 16: 40},
    )
    totals = Sheet(
        title=_("Tổng hợp"),
        lines=scope,
        header=[_("Cổng"), _("Trạng thái"), _("Số giao dịch"), _("Số tiền (đồng)")],
        rows=[
            [gateway, str(STATE_LABELS[PaymentState(state)]), total.count, total.amount]
            for (gateway, state), total in report.by_gateway_state.items()
        ],
        totals=[
            [gateway, _("Đã thanh toán"), total.count, total.amount]
            for gateway, total in report.by_gateway.items()
        ]
        + [[_("Tổng đã thu"), "", report.paid.count, report.paid.amount]]
        + [[_("Số giao dịch lệch"), "", report.mismatches, ""]],
        formats={3: AMOUNT},
        widths={0: 24, 1: 24, 3: 18},
    )
    _start, end = day_bounds(report.day)
    requests = Sheet(
        title=_("Yêu cầu thanh toán"),
        lines=scope,
        header=[
            _("Mã yêu cầu"),
            _("Hồ sơ"),
            _("Người nộp"),
            _("Số tiền (đồng)"),
            _("Lập lúc"),
            _("Thanh toán lúc"),
            _("Tình trạng"),
        ],
        rows=[
            [
                request.reference,
                request.source_ref,
                request.applicant.name,
                request.amount,
                _time(request.created_at),
                _time(request.paid_at),
                request_state(request, end),
            ]
            for request in report.requests
        ],
        formats={3: AMOUNT},
        widths={0: 20, 1: 28, 2: 28, 4: 20, 5: 20},
    )
    return workbook([payments, totals, requests])
