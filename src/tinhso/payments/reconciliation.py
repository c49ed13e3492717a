"""The daily reconciliation report of one organ (báo cáo đối soát): every payment of the day
with its state, gateway, amount, receipt and refund, the totals per gateway and state, each
payment matched against what its gateway says (the gateway's reconciliation list of the days
the payments began, `pending.listed`; a gateway without one is queried payment by payment;
the simulators' records on a demo server), and the payment requests raised or paid that day.

A payment belongs to the day (Vietnam time) when it was started or settled on it. Reads
only; the gateway queries change nothing (a mismatch is shown, the reconciliation job and
the officials act on it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.core.reporting import VN
from tinhso.directory.models import Organ
from tinhso.payments.gateways import get_gateway
from tinhso.payments.gateways.base import GatewayError, GatewayTimeout, Malformed, Notice
from tinhso.payments.models import STATE_LABELS, Payment, PaymentRequest, Receipt
from tinhso.payments.pending import listed
from tinhso.payments.states import PaymentState

MATCH_LABELS = {
    "ok": gettext_lazy("Khớp"),
    "mismatch": gettext_lazy("Lệch"),
    "open": gettext_lazy("Chưa kết thúc"),
    "unreachable": gettext_lazy("Không tra cứu được"),
    "not_checked": gettext_lazy("Chưa đối chiếu"),
}


@dataclass
class Line:
    payment: Payment
    receipt: Receipt | None
    refunded: int
    gateway_status: str = ""  # paid, failed, pending (unknown to the gateway) or ""
    gateway_amount: int | None = None
    match: str = "not_checked"
    note: str = ""

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[PaymentState(self.payment.state)])

    @property
    def match_label(self) -> str:
        return str(MATCH_LABELS[self.match])


@dataclass
class Total:
    count: int = 0
    amount: int = 0


@dataclass
class DailyReport:
    organ: Organ
    day: date
    lines: list[Line]
    requests: list[PaymentRequest]
    checked: bool
    by_gateway_state: dict[tuple[str, str], Total] = field(default_factory=dict)
    by_gateway: dict[str, Total] = field(default_factory=dict)
    paid: Total = field(default_factory=Total)
    refunded: Total = field(default_factory=Total)
    mismatches: int = 0


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=VN)
    return start, start + timedelta(days=1)


def _match(line: Line) -> None:
    """Compare the platform's state with the gateway's word on the payment."""
    state, said = line.payment.state, line.gateway_status
    if said == "paid" and line.gateway_amount not in (None, line.payment.amount):
        line.match, line.note = "mismatch", _("Số tiền ở cổng khác số tiền giao dịch.")
    elif state == PaymentState.PENDING:
        line.match = "open"
    elif state in (PaymentState.PAID, PaymentState.REFUNDED):
        # A refund leaves the gateway's query answer "paid" (money taken, then given back).
        ok = said == "paid"
        line.match = "ok" if ok else "mismatch"
        if not ok:
            line.note = _("Cổng không ghi nhận đã thanh toán.")
    else:  # failed, expired: the gateway must not hold the money
        ok = said != "paid"
        line.match = "ok" if ok else "mismatch"
        if not ok:
            line.note = _("Cổng đã thu tiền nhưng hệ thống chưa ghi nhận: cần đối soát ngay.")


def _ask_gateway(line: Line) -> None:
    payment = line.payment
    try:
        notice = get_gateway(payment.gateway).query(
            txn_ref=payment.txn_ref, created_at=payment.created_at
        )
    except (GatewayTimeout, GatewayError, Malformed, KeyError) as error:
        line.match, line.note = "unreachable", str(error)[:200]
        return
    _told(line, notice)


def _told(line: Line, notice: Notice) -> None:
    line.gateway_status, line.gateway_amount = notice.status, notice.amount
    _match(line)


def _check(lines: list[Line]) -> None:
    """Match every line against its gateway's list (one call per gateway, day and page)."""
    by_gateway: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        by_gateway[line.payment.gateway].append(line)
    for name, group in by_gateway.items():
        days = sorted({timezone.localdate(line.payment.created_at) for line in group})
        try:
            words = listed(get_gateway(name), days)
        except NotImplementedError:
            for line in group:
                _ask_gateway(line)
            continue
        except (GatewayTimeout, GatewayError, Malformed, KeyError) as error:
            for line in group:
                line.match, line.note = "unreachable", str(error)[:200]
            continue
        for line in group:
            ref = line.payment.txn_ref
            _told(line, words.get(ref) or Notice(txn_ref=ref, status="pending", amount=None))


def daily_report(*, organ: Organ, day: date, check_gateway: bool = True) -> DailyReport:
    """The report of `organ` for `day`; `check_gateway` matches each payment against what its
    gateway says (its reconciliation lists, within the gateway's timeout)."""
    start, end = day_bounds(day)
    in_day = Q(created_at__gte=start, created_at__lt=end) | Q(
        settled_at__gte=start, settled_at__lt=end
    )
    payments = list(
        Payment.objects.filter(in_day, request__organ=organ)
        .select_related("request__applicant", "receipt")
        .order_by("created_at", "pk")
    )
    lines = [
        Line(
            payment=payment,
            receipt=getattr(payment, "receipt", None),
            refunded=payment.amount if payment.state == PaymentState.REFUNDED else 0,
        )
        for payment in payments
    ]
    if check_gateway:
        _check(lines)
    report = DailyReport(organ=organ, day=day, lines=lines, requests=[], checked=check_gateway)
    by_gateway_state: dict[tuple[str, str], Total] = defaultdict(Total)
    by_gateway: dict[str, Total] = defaultdict(Total)
    for line in lines:
        payment, refunded = line.payment, line.refunded
        cell = by_gateway_state[(payment.gateway, payment.state)]
        cell.count += 1
        cell.amount += payment.amount
        if payment.state == PaymentState.PAID:
            by_gateway[payment.gateway].count += 1
            by_gateway[payment.gateway].amount += payment.amount
            report.paid.count += 1
            report.paid.amount += payment.amount
        if refunded:
            report.refunded.count += 1
            report.refunded.amount += refunded
        report.mismatches += line.match == "mismatch"
    report.by_gateway_state = dict(sorted(by_gateway_state.items()))
    report.by_gateway = dict(sorted(by_gateway.items()))
    report.requests = list(
        PaymentRequest.objects.filter(
            Q(created_at__gte=start, created_at__lt=end) | Q(paid_at__gte=start, paid_at__lt=end),
            organ=organ,
        )
        .select_related("applicant")
        .order_by("created_at", "pk")
    )
    return report


def request_state(request: PaymentRequest, day_end: datetime) -> str:
    """Paid, expired or waiting, as a label."""
    if request.paid_at is not None:
        return _("Đã thanh toán")
    if request.expires_at <= day_end:
        return _("Hết hạn")
    return _("Chờ thanh toán")
