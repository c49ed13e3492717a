"""Decision 766/QĐ-TTg, indicators 3.5 and 3.6 (online payment), registered in the report's
order by `definitions` (which imports this module where they belong).

The reading of Decision 766 used here: 3.5 is the share of procedures with a financial
obligation for which at least one online payment was made in the period; 3.6 the share of
dossiers with a financial obligation whose fee was paid online. A financial obligation is a
fee or charge line of the catalogue with an amount above zero (a line "Miễn lệ phí" of 0 đồng
is none); for a dossier whose fee was assessed at online filing, the payment request raised
for it (see i36_fee_dossiers). An online payment is a `Payment` (an attempt through a
gateway) in state paid, for a request raised by a dossier; a fee paid in cash at the counter
leaves no such row and is not online.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tinhso.core.reporting import Period
from tinhso.dossiers.fees import SOURCE as FEE_SOURCE
from tinhso.dossiers.models import Channel
from tinhso.dossiers.statistics.base import indicator, offering_universe, received_in, within
from tinhso.payments.models import Payment, PaymentRequest
from tinhso.payments.states import PaymentState
from tinhso.procedures.models import Fee
from tinhso.procedures.models.catalogue import ONLINE_PAYMENT_KINDS


def _financial_obligation() -> Q:
    """The procedure of the row (a dossier or an offering) has a fee line above 0 đồng. An IN
    over the fee lines rather than a correlated EXISTS: the set is small (one row per fee line
    of the catalogue), so the database hashes it once instead of probing it for each dossier
    inside the report's FILTER clauses."""
    return Q(procedure__in=Fee.objects.filter(amount__gt=0).values("procedure_id"))


def _paid_online() -> QuerySet[Payment]:
    """Online payments of dossiers' fees that went through: state paid."""
    return Payment.objects.filter(state=PaymentState.PAID, request__source=FEE_SOURCE)


@indicator("i35_fee_procedures", _("3.5 Thủ tục có nghĩa vụ tài chính"), subject="offering")
def i35_fee_procedures(period: Period) -> Q:
    """offered, and the procedure has a financial obligation: a Fee line with amount > 0."""
    return offering_universe(period) & _financial_obligation()


@indicator(
    "i35_paid_online",
    _("3.5 Thủ tục có giao dịch thanh toán trực tuyến"),
    subject="offering",
)
def i35_paid_online(period: Period) -> Q:
    """i35_fee_procedures, and at least one online payment of the procedure to the offering
    organ settled in the period: a Payment in state paid with settled_at ∈ [start, end), of a
    PaymentRequest raised by a dossier (source dossiers.dossier) with that procedure and
    organ. Refunded, failed, expired and pending payments do not count."""
    paid = _paid_online().filter(
        within("settled_at", period),
        request__procedure=OuterRef("procedure_id"),
        request__organ=OuterRef("organ_id"),
    )
    return i35_fee_procedures(period) & Q(Exists(paid))


@indicator("i36_fee_dossiers", _("3.6 Hồ sơ có nghĩa vụ tài chính"))
def i36_fee_dossiers(period: Period) -> Q:
    """received (received_at ∈ [start, end)) with a financial obligation: a PaymentRequest
    was raised for it (source dossiers.dossier, source_id = the dossier); or, filed where
    online payment was not offered (at the counter, by post, or online at a service level
    other than 4 / full), its procedure has a Fee line with amount > 0. Filed online at a
    level with online payment, the fee was assessed at filing and a request raised whenever
    something was due, so without one nothing was owed (exempt by category). Exemptions at
    the counter are not recorded: such a dossier counts when its procedure has a fee.
    Part of received."""
    requested = PaymentRequest.objects.filter(source=FEE_SOURCE, source_id=OuterRef("pk"))
    assessed_online = Q(channel=Channel.ONLINE, service_level__in=ONLINE_PAYMENT_KINDS)
    # The cheap test first: most dossiers are settled by it without probing the requests.
    return received_in(period) & (
        (~assessed_online & _financial_obligation()) | Q(Exists(requested))
    )


@indicator("i36_paid_online", _("3.6 Hồ sơ đã thanh toán trực tuyến"))
def i36_paid_online(period: Period) -> Q:
    """i36_fee_dossiers, and its fee was paid online by the end of the period: a Payment in
    state paid with settled_at < end, of the dossier's PaymentRequest. Measured at the end of
    the period as 2.1 measures unfinished dossiers, so a closed period's figure never
    changes; a fee paid after the end counts in no period. A fee paid at the counter leaves
    no Payment and does not count. Part of i36_fee_dossiers: a paid Payment has its
    PaymentRequest, so the obligation need not be tested again."""
    paid = _paid_online().filter(settled_at__lt=period.end, request__source_id=OuterRef("pk"))
    return received_in(period) & Q(Exists(paid))
