"""Every figure of the one-stop statistics, defined once.

A figure is an `Indicator`: a key, a Vietnamese label, and the condition (a `Q`) that selects
what it counts for a period, whose docstring is its formula. The report counts rows matching
the condition; the drill-down page lists the same rows with the same condition, so a number and
its list cannot disagree. Shares are `RateDef`s: numerator keys over a denominator key. The
conventions every definition shares (period, open, past due) are in `base`.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import TruncDate
from django.db.models.lookups import Exact, LessThan
from django.utils.translation import gettext_lazy as _

from tinhso.core.reporting import VN, Period
from tinhso.dossiers.models import Channel, Dossier
from tinhso.dossiers.states import State
from tinhso.dossiers.statistics.base import (
    INDICATORS,
    Indicator,
    RateDef,
    Subject,
    dossier_universe,
    indicator,
    not_ended_before,
    not_past_due_at,
    offering_universe,
    open_at,
    past_due_at,
    received_in,
    state_at,
    within,
)
from tinhso.exchange.national.queue import synchronised_codes
from tinhso.procedures.models import ServiceLevel
from tinhso.procedures.models.catalogue import ONLINE_FILING_KINDS

__all__ = [
    "INDICATORS",
    "RATES",
    "Indicator",
    "Period",
    "RateDef",
    "Subject",
    "dossier_universe",
    "offering_universe",
    "synchronised",
]


def _resolved(period: Period) -> Q:
    return within("resolved_at", period) & ~Q(state=State.WITHDRAWN)


def _early(period: Period) -> Q:
    # Local calendar days on both sides: truncating to a local midnight and comparing with a
    # stored UTC moment is off by seven hours on SQLite and PostgreSQL alike.
    return Q(LessThan(TruncDate("resolved_at", tzinfo=VN), TruncDate("due_at", tzinfo=VN))) & Q(
        due_at__isnull=False
    )


# The classic one-stop report ----------------------------------------------------------------


@indicator("received", _("Tiếp nhận trong kỳ"))
def received(period: Period) -> Q:
    """received_at ∈ [start, end). = received_online + received_counter + received_post."""
    return received_in(period)


@indicator("received_online", _("Tiếp nhận trực tuyến"))
def received_online(period: Period) -> Q:
    """received_at ∈ [start, end) and channel = 2 (online)."""
    return received(period) & Q(channel=Channel.ONLINE)


@indicator("received_counter", _("Tiếp nhận trực tiếp"))
def received_counter(period: Period) -> Q:
    """received_at ∈ [start, end) and channel = 1 (at the counter)."""
    return received(period) & Q(channel=Channel.COUNTER)


@indicator("received_post", _("Tiếp nhận qua bưu chính"))
def received_post(period: Period) -> Q:
    """received_at ∈ [start, end) and channel = 3 (public postal service)."""
    return received(period) & Q(channel=Channel.POST)


@indicator("carried_over", _("Kỳ trước chuyển qua"))
def carried_over(period: Period) -> Q:
    """received_at < start and handling not ended before start (neither resolved_at < start
    nor finished_at < start). A result ready before the period but handed over during it is
    not carried over: it was resolved in its own period."""
    return Q(received_at__lt=period.start) & not_ended_before(period.start)


@indicator("resolved", _("Đã giải quyết"))
def resolved(period: Period) -> Q:
    """resolved_at ∈ [start, end) and state ≠ withdrawn; refusals included.
    = resolved_early + resolved_on_time + resolved_late."""
    return Q(received_at__isnull=False) & _resolved(period)


@indicator("resolved_early", _("Giải quyết trước hạn"))
def resolved_early(period: Period) -> Q:
    """resolved, with date(resolved_at) < date(due_at), dates in Vietnam time."""
    return resolved(period) & _early(period)


@indicator("resolved_on_time", _("Giải quyết đúng hạn"))
def resolved_on_time(period: Period) -> Q:
    """resolved, not early, and (due_at is empty or resolved_at ≤ due_at): resolved on the due
    day before the due time, or with no due date."""
    on_time = Q(due_at__isnull=True) | Q(resolved_at__lte=F("due_at"))
    return resolved(period) & on_time & ~_early(period)


@indicator("resolved_late", _("Giải quyết quá hạn"))
def resolved_late(period: Period) -> Q:
    """resolved and resolved_at > due_at."""
    return resolved(period) & Q(due_at__isnull=False, resolved_at__gt=F("due_at"))


@indicator("in_progress", _("Đang giải quyết cuối kỳ"))
def in_progress(period: Period) -> Q:
    """Open at end: received_at < end, not resolved and not finished before end.
    = in_progress_within + in_progress_past."""
    return open_at(period.end)


@indicator("in_progress_within", _("Đang giải quyết trong hạn"))
def in_progress_within(period: Period) -> Q:
    """Open at end and not past due at end (no due date, due_at ≥ end, or clock stopped
    before end while not yet due)."""
    return open_at(period.end) & not_past_due_at(period.end)


@indicator("in_progress_past", _("Đang giải quyết quá hạn"))
def in_progress_past(period: Period) -> Q:
    """Open at end and past due at end (due_at < end, the clock not stopped in time)."""
    return open_at(period.end) & past_due_at(period.end)


@indicator("waiting_supplement", _("Chờ bổ sung cuối kỳ"))
def waiting_supplement(period: Period) -> Q:
    """Open at end and in state waiting_supplement at end, from the dossier's history (the
    last DossierEvent before end); the current state for a dossier without history.
    Part of in_progress."""
    return open_at(period.end) & Q(Exact(state_at(period.end), Value(State.WAITING_SUPPLEMENT)))


@indicator("refused", _("Từ chối giải quyết"))
def refused(period: Period) -> Q:
    """resolved (resolved_at ∈ [start, end)) and state = rejected. Part of resolved."""
    return resolved(period) & Q(state=State.REJECTED)


@indicator("withdrawn", _("Rút hồ sơ"))
def withdrawn(period: Period) -> Q:
    """state = withdrawn, not resolved, finished_at ∈ [start, end)."""
    return Q(received_at__isnull=False, state=State.WITHDRAWN, resolved_at__isnull=True) & within(
        "finished_at", period
    )


# Decision 766/QĐ-TTg, indicator 1.4 (synchronised to the national public-service portal) ----


def synchronised() -> Exists:
    """The national portal accepted a dossier push of the dossier: a `NationalPush` of kind
    dossier carrying its code was delivered (state sent, `queue.synchronised_codes`). Pending,
    failed and dead pushes, and progress pushes, do not synchronise a dossier. The one
    definition of "synchronised": `national_glue.synchronised_share` uses it too."""
    return Exists(synchronised_codes().filter(dossier_code=OuterRef("code")))


@indicator("i14_synchronised", _("1.4 Đã đồng bộ lên Cổng DVC quốc gia"))
def i14_synchronised(period: Period) -> Q:
    """received (received_at ∈ [start, end)) and synchronised: a dossier push of it was
    delivered to the national portal (NationalPush kind = dossier, state = sent, same code).
    Measured now: a dossier whose push is delivered after the period counts for the period
    of its intake; one whose pushes are all pending, failed or dead does not. Part of
    received."""
    return received(period) & Q(synchronised())


# Decision 766/QĐ-TTg, indicator 2.1 (on-time handling) -------------------------------------


@indicator("i21_on_time", _("2.1 Đúng hạn"))
def i21_on_time(period: Period) -> Q:
    """Handling ended in the period (resolved_at ∈ [start, end): result ready, returned or
    refused) with resolved_at ≤ due_at (due_at already moved by the applicant's supplement
    time; no due date counts on time) and supplement_requests ≤ 1. The counter is final once
    resolved (the state machine allows no supplement request after a result), so it equals
    the number of request_supplement events in the history, for any past period."""
    in_time = Q(due_at__isnull=True) | Q(resolved_at__lte=F("due_at"))
    return resolved(period) & in_time & Q(supplement_requests__lte=1)


@indicator("i21_late_finished", _("2.1 Đã kết thúc, trễ hạn"))
def i21_late_finished(period: Period) -> Q:
    """Handling ended in the period and resolved_at > due_at, or more than one supplement
    request (supplement_requests > 1 counts late whatever the dates)."""
    late = Q(due_at__isnull=False, resolved_at__gt=F("due_at")) | Q(supplement_requests__gt=1)
    return resolved(period) & late


@indicator("i21_late_unfinished", _("2.1 Chưa kết thúc, quá hạn cuối kỳ"))
def i21_late_unfinished(period: Period) -> Q:
    """Unfinished at end (open at end) and past due at end: measured at the end of the period,
    counted late. An unfinished dossier not yet due is not counted. A withdrawal ends the
    handling: a withdrawn dossier is not measured in the period of its withdrawal (nor after)."""
    return in_progress_past(period)


@indicator("i21_counted", _("2.1 Hồ sơ được tính"))
def i21_counted(period: Period) -> Q:
    """= i21_on_time + i21_late_finished + i21_late_unfinished: resolved in the period, or
    open and past due at its end."""
    return resolved(period) | in_progress_past(period)


# Decision 766, indicators 3.1 and 3.2 (online services) --------------------------------------


def _online_on(on: date) -> Exists:
    return Exists(
        ServiceLevel.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
            procedure=OuterRef("procedure_id"),
            kind__in=ONLINE_FILING_KINDS,
        )
    )


@indicator("offered", _("Thủ tục đang áp dụng"), subject="offering")
def offered(period: Period) -> Q:
    """Active procedures (is_active) offered by the organ (Procedure.organs). A procedure with
    no organ is offered by no one and not counted. Per field, level and in totals each
    procedure counts once however many organs offer it."""
    return offering_universe(period)


@indicator("offered_online", _("Thủ tục có dịch vụ công trực tuyến"), subject="offering")
def offered_online(period: Period) -> Q:
    """offered, and the ServiceLevel in force on the last day of the period allows online
    filing (levels 3, 4 of Decree 43/2011; partly or fully online under Decree 42/2022)."""
    return offering_universe(period) & Q(_online_on(period.on))


@indicator(
    "offered_online_used",
    _("Dịch vụ công trực tuyến có phát sinh hồ sơ trực tuyến"),
    subject="offering",
)
def offered_online_used(period: Period) -> Q:
    """offered_online, and the offering organ received at least one online dossier (channel 2,
    received_at ∈ [start, end)) of that procedure."""
    used = Dossier.objects.filter(
        within("received_at", period),
        procedure=OuterRef("procedure_id"),
        organ=OuterRef("organ_id"),
        channel=Channel.ONLINE,
    )
    return offered_online(period) & Q(Exists(used))


@indicator("i33_online", _("3.3 Hồ sơ trực tuyến được tính"))
def i33_online(period: Period) -> Q:
    """received_online, except a dossier of a procedure that requires an electronic result
    (Procedure.electronic_result_required) and has none (result_electronic unset): online
    counts only where an electronic result is issued when the procedure needs one. The flag
    as it is now: such a dossier counts, in the period of its intake, once its signed
    electronic result is stored. Part of received_online."""
    issued = Q(procedure__electronic_result_required=False) | Q(result_electronic=True)
    return received_online(period) & issued


# Decision 766, indicators 3.5 and 3.6 (online payment): registered here, in the report's
# order, by their own module.
from tinhso.dossiers.statistics import payment as _payment  # noqa: E402, F401

# Decision 766, indicators 4.1–4.3 (digitisation; the flags are defined in digitisation.py) ---


@indicator("i41_granted", _("4.1 Hồ sơ giải quyết có kết quả"))
def i41_granted(period: Period) -> Q:
    """resolved (resolved_at ∈ [start, end)) and not refused: the dossiers that have a result
    to issue. Part of resolved."""
    return resolved(period) & ~Q(state=State.REJECTED)


@indicator("i41_result_electronic", _("4.1 Có kết quả điện tử"))
def i41_result_electronic(period: Period) -> Q:
    """i41_granted and result_electronic: a signed electronic result was stored for the
    dossier (at "register result", services.results)."""
    return i41_granted(period) & Q(result_electronic=True)


@indicator("i42_digitised", _("4.2 Hồ sơ được số hóa"))
def i42_digitised(period: Period) -> Q:
    """received (received_at ∈ [start, end)) and digitised: at intake every mandatory
    required document was held as an electronic attachment (digitisation.is_digitised)."""
    return received(period) & Q(digitised=True)


@indicator("i43_data_reused", _("4.3 Có tái sử dụng dữ liệu số"))
def i43_data_reused(period: Period) -> Q:
    """received (received_at ∈ [start, end)) and data_reused: the form kept values prefilled
    from the population database, or a submitted file is one the province already held for
    the applicant (digitisation.py)."""
    return received(period) & Q(data_reused=True)


# Shares -------------------------------------------------------------------------------------

RATES: dict[str, RateDef] = {
    r.key: r
    for r in (
        RateDef(
            "on_time_rate",
            _("Tỷ lệ giải quyết đúng hạn"),
            ("resolved_early", "resolved_on_time"),
            "resolved",
            "(resolved_early + resolved_on_time) / resolved; none when nothing was resolved.",
        ),
        RateDef(
            "i14",
            _("1.4 Tỷ lệ hồ sơ đồng bộ lên Cổng DVC quốc gia"),
            ("i14_synchronised",),
            "received",
            "i14_synchronised / received (Decision 766, indicator 1.4).",
        ),
        RateDef(
            "i21",
            _("2.1 Tỷ lệ hồ sơ xử lý đúng hạn"),
            ("i21_on_time",),
            "i21_counted",
            "i21_on_time / i21_counted (Decision 766, indicator 2.1).",
        ),
        RateDef(
            "i31",
            _("3.1 Tỷ lệ thủ tục cung cấp trực tuyến"),
            ("offered_online",),
            "offered",
            "offered_online / offered (Decision 766, indicator 3.1).",
        ),
        RateDef(
            "i32",
            _("3.2 Tỷ lệ DVC trực tuyến có hồ sơ trực tuyến"),
            ("offered_online_used",),
            "offered_online",
            "offered_online_used / offered_online (Decision 766, indicator 3.2).",
        ),
        RateDef(
            "i33",
            _("3.3 Tỷ lệ hồ sơ trực tuyến"),
            ("i33_online",),
            "received",
            "i33_online / received (Decision 766, indicator 3.3: dossiers by channel). An "
            "online dossier of a procedure that requires an electronic result counts only "
            "once it has one.",
        ),
        RateDef(
            "i35",
            _("3.5 Tỷ lệ thủ tục có thanh toán trực tuyến"),
            ("i35_paid_online",),
            "i35_fee_procedures",
            "i35_paid_online / i35_fee_procedures (Decision 766, indicator 3.5).",
        ),
        RateDef(
            "i36",
            _("3.6 Tỷ lệ hồ sơ thanh toán trực tuyến"),
            ("i36_paid_online",),
            "i36_fee_dossiers",
            "i36_paid_online / i36_fee_dossiers (Decision 766, indicator 3.6).",
        ),
        RateDef(
            "i41",
            _("4.1 Tỷ lệ cấp kết quả điện tử"),
            ("i41_result_electronic",),
            "i41_granted",
            "i41_result_electronic / i41_granted (Decision 766, indicator 4.1).",
        ),
        RateDef(
            "i42",
            _("4.2 Tỷ lệ số hóa hồ sơ"),
            ("i42_digitised",),
            "received",
            "i42_digitised / received (Decision 766, indicator 4.2).",
        ),
        RateDef(
            "i43",
            _("4.3 Tỷ lệ tái sử dụng dữ liệu số"),
            ("i43_data_reused",),
            "received",
            "i43_data_reused / received (Decision 766, indicator 4.3).",
        ),
    )
}

# Every row of every report satisfies these: left side = sum of the right side.
IDENTITIES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("received",), ("received_online", "received_counter", "received_post")),
    (("carried_over", "received"), ("resolved", "withdrawn", "in_progress")),
    (("resolved",), ("resolved_early", "resolved_on_time", "resolved_late")),
    (("in_progress",), ("in_progress_within", "in_progress_past")),
    (("i21_counted",), ("i21_on_time", "i21_late_finished", "i21_late_unfinished")),
)
# …and each part here is at most its whole.
PARTS: tuple[tuple[str, str], ...] = (
    ("refused", "resolved"),
    ("waiting_supplement", "in_progress"),
    ("offered_online_used", "offered_online"),
    ("offered_online", "offered"),
    ("i14_synchronised", "received"),
    ("i33_online", "received_online"),
    ("i35_fee_procedures", "offered"),
    ("i35_paid_online", "i35_fee_procedures"),
    ("i36_fee_dossiers", "received"),
    ("i36_paid_online", "i36_fee_dossiers"),
    ("i41_granted", "resolved"),
    ("i41_result_electronic", "i41_granted"),
    ("i42_digitised", "received"),
    ("i43_data_reused", "received"),
)

CLASSIC = (
    "carried_over",
    "received",
    "received_online",
    "received_counter",
    "received_post",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "refused",
    "withdrawn",
    "in_progress",
    "in_progress_within",
    "in_progress_past",
    "waiting_supplement",
)
I14 = ("i14_synchronised",)
I21 = ("i21_counted", "i21_on_time", "i21_late_finished", "i21_late_unfinished")
I31_32 = ("offered", "offered_online", "offered_online_used")
I33 = ("received", "received_online", "i33_online", "received_counter", "received_post")
I35_36 = ("i35_fee_procedures", "i35_paid_online", "i36_fee_dossiers", "i36_paid_online")
I4 = ("i41_granted", "i41_result_electronic", "i42_digitised", "i43_data_reused")
DOSSIER_KEYS = tuple(k for k, i in INDICATORS.items() if i.subject == "dossier")
OFFERING_KEYS = tuple(k for k, i in INDICATORS.items() if i.subject == "offering")
