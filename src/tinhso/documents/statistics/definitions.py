"""Every figure of the statistics of official documents, defined once.

A figure is a `Figure`: a key, a Vietnamese label, what it counts (outgoing documents of the
issuing organ, or incoming documents of the receiving organ) and the condition (a `Q`) that
selects them for a period, whose docstring is its formula. The report counts the rows matching
the condition; the list behind a figure shows the same rows with the same condition, so a
number and its list cannot disagree. Shares are `RateDef`s: a sum of figures over a sum of
figures.

Conventions shared by every definition:

- A period is the days `first`..`last` in Vietnam time, the moments [start, end); a period
  that has not ended is cut at the moment the report is made (`core.reporting.Period`).
- Volumes count by the date a document entered the books: outgoing ones by their issue
  (`issued_at`: number, notation and date given by the clerk), incoming ones by their arrival
  (`arrived_at`). Drafts and cancelled documents are never counted.
- Figures "at the end" of the period read the timestamps the services write once
  (`registered_at`, `assigned_at`, `completed_at`); delivery statuses, refusals and
  reassignments are read as the records stand now (they keep no earlier value).
- Classified documents (Mật, Tối mật, Tuyệt mật) are counted in the volumes, but left out of
  the electronic shares: by law they travel on paper only, and the national targets count
  "documents exchanged electronically, classified documents excepted".
- Moved electronically (domain §7): an outgoing document **issued with a digital signature**
  (`signature_kind = "pades"`: the signer's PAdES signature on the PDF at `sign`, the organ's
  at `issue`) and **delivered electronically to every recipient that is not paper-only**:
  every `Recipient` line of channel `internal` (an organ of this platform) is `delivered`
  (it arrived there as an incoming document) and every line of channel `exchange` (an
  outside organ, by its QCVN 102 identifier) is `sent` by the exchange (queued or failed
  lines are not yet delivered), with at least one such line. Paper-only lines ("Báo Kiên
  Giang", bản giấy) do not count either way. An incoming document arrived electronically when
  its `source` is `internal` (issued by an organ of this platform and distributed to it) or
  `exchange` (an edXML package from the national exchange), not `scan` (a paper document the
  clerk scanned).
- Incoming handling: a document is assigned (`assigned_at`, with `handling_deadline` from the
  assignment's working days on the organ's calendar, or none), handled and completed
  (`completed_at`). Completed on time: `completed_at ≤ handling_deadline`, or no deadline; late:
  after it. In handling at a moment m: assigned before m and not completed before m; past its
  deadline at m when `handling_deadline < m` (a deadline at m itself is still within).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.db.models import Exists, F, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tinhso.core.reporting import Period
from tinhso.directory.models import OrganKind
from tinhso.documents.models import IncomingDocument, Recipient
from tinhso.documents.states import IncomingState, OutgoingState
from tinhso.documents.types import Confidentiality

Subject = Literal["outgoing", "incoming"]
Source = IncomingDocument.Source
Channel, Status = Recipient.Channel, Recipient.Status


@dataclass(frozen=True)
class Figure:
    """One figure. `semijoin` marks a condition holding an EXISTS over recipient lines: the
    report counts it with its own query, the condition in WHERE, where the database runs it as
    a semi-join (inside a FILTER clause it would run once per document)."""

    key: str
    label: Promise | str
    subject: Subject
    condition: Callable[[Period], Q]
    semijoin: bool = False

    def q(self, period: Period) -> Q:
        return self.condition(period)

    @property
    def formula(self) -> str:
        return inspect.getdoc(self.condition) or ""


@dataclass(frozen=True)
class RateDef:
    """A share: the sum of the `numerator` figures over the sum of the `denominator` ones."""

    key: str
    label: Promise | str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    formula: str


FIGURES: dict[str, Figure] = {}


def figure(
    key: str, label: Promise | str, subject: Subject, *, semijoin: bool = False
) -> Callable[[Callable[[Period], Q]], Callable[[Period], Q]]:
    def register(condition: Callable[[Period], Q]) -> Callable[[Period], Q]:
        FIGURES[key] = Figure(key, label, subject, condition, semijoin)
        return condition

    return register


# Administrative levels, from the organ's kind (an organ's QCVN 102 level does not tell a
# department from a district committee: both are level 2).
LEVELS: dict[str, tuple[Promise, tuple[str, ...]]] = {
    "province": (_("Cấp tỉnh"), (OrganKind.PROVINCE_COMMITTEE, OrganKind.COMMITTEE_OFFICE)),
    "department": (_("Sở, ban, ngành"), (OrganKind.DEPARTMENT,)),
    "district": (_("Cấp huyện"), (OrganKind.DISTRICT_COMMITTEE, OrganKind.DISTRICT_OFFICE)),
    "commune": (_("Cấp xã"), (OrganKind.COMMUNE_COMMITTEE,)),
    "other": (_("Khác"), (OrganKind.OTHER,)),
}
LEVEL_OF_KIND = {kind: level for level, (_label, kinds) in LEVELS.items() for kind in kinds}


# Building blocks -------------------------------------------------------------------------


def within(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def issued_within(period: Period) -> Q:
    # `issued_on` is the Vietnam date of `issued_at`, written with it: its index narrows the
    # scan, `issued_at` keeps the exact bounds of a period cut at a moment of its last day.
    return Q(
        state=OutgoingState.ISSUED,
        issued_on__gte=period.first,
        issued_on__lte=period.on,
        issued_at__lt=period.end,
    )


def _electronic_lines() -> Q:
    return Q(channel__in=(Channel.INTERNAL, Channel.EXCHANGE))


def _delivered() -> Q:
    return Q(channel=Channel.INTERNAL, status=Status.DELIVERED) | Q(
        channel=Channel.EXCHANGE, status=Status.SENT
    )


def sent_electronically() -> Q:
    """Signed with PAdES, with at least one internal or exchange line, every one of them
    delivered (internal) or sent (exchange)."""
    lines = Recipient.objects.filter(_electronic_lines(), document=OuterRef("pk"))
    return Q(signature_kind="pades") & Q(Exists(lines)) & ~Q(Exists(lines.exclude(_delivered())))


def not_classified() -> Q:
    return Q(confidentiality=Confidentiality.NONE)


def outgoing_universe(period: Period) -> Q:
    """Every outgoing document some figure of `period` may count: issued in the period."""
    return issued_within(period)


def _waiting_assignment_at(period: Period) -> Q:
    return (
        Q(registered_at__lt=period.end)
        & ~Q(state=IncomingState.REFUSED)
        & (Q(assigned_at__isnull=True) | Q(assigned_at__gte=period.end))
    )


def _in_handling_at(period: Period) -> Q:
    return Q(assigned_at__lt=period.end) & (
        Q(completed_at__isnull=True) | Q(completed_at__gte=period.end)
    )


def incoming_universe(period: Period) -> Q:
    """Every incoming document some figure of `period` may count: arrived or completed in the
    period, or waiting for assignment or in handling at its end."""
    return (
        within("arrived_at", period)
        | within("completed_at", period)
        | _waiting_assignment_at(period)
        | _in_handling_at(period)
    )


# Outgoing documents (văn bản đi) ------------------------------------------------------------


@figure("out_issued", _("Văn bản đi đã ban hành"), "outgoing")
def out_issued(period: Period) -> Q:
    """state = issued and issued_at ∈ [start, end): numbered in the outgoing register (or the
    legal normative or classified series) in the period. = out_classified + out_counted."""
    return issued_within(period)


@figure("out_classified", _("Văn bản đi mật"), "outgoing")
def out_classified(period: Period) -> Q:
    """out_issued and confidentiality ≠ none (register entries of classified documents)."""
    return issued_within(period) & ~not_classified()


@figure("out_counted", _("Văn bản đi (trừ văn bản mật)"), "outgoing")
def out_counted(period: Period) -> Q:
    """out_issued and confidentiality = none: the denominator of the electronic share.
    = out_electronic + out_not_electronic."""
    return issued_within(period) & not_classified()


@figure("out_electronic", _("Văn bản đi gửi điện tử, có chữ ký số"), "outgoing", semijoin=True)
def out_electronic(period: Period) -> Q:
    """out_counted, signature_kind = pades, at least one recipient line of channel internal or
    exchange, and every such line delivered (internal: status delivered) or sent through the
    exchange (exchange: status sent), as the lines stand now. Paper-only lines are ignored."""
    return out_counted(period) & sent_electronically()


@figure("out_not_electronic", _("Văn bản đi chưa gửi điện tử"), "outgoing", semijoin=True)
def out_not_electronic(period: Period) -> Q:
    """out_counted and not out_electronic: signed without a digital signature (recorded), sent
    on paper only, or an electronic recipient not (yet) reached (queued or failed at the
    exchange)."""
    return out_counted(period) & ~sent_electronically()


# Incoming documents (văn bản đến) -----------------------------------------------------------


@figure("in_arrived", _("Văn bản đến"), "incoming")
def in_arrived(period: Period) -> Q:
    """arrived_at ∈ [start, end), whatever the source. = in_registered + in_waiting +
    in_refused."""
    return within("arrived_at", period)


@figure("in_registered", _("Văn bản đến đã vào sổ"), "incoming")
def in_registered(period: Period) -> Q:
    """in_arrived, registered_at < end and state ≠ refused. = in_classified + in_counted."""
    return (
        within("arrived_at", period)
        & Q(registered_at__lt=period.end)
        & ~Q(state=IncomingState.REFUSED)
    )


@figure("in_waiting", _("Văn bản đến chờ vào sổ cuối kỳ"), "incoming")
def in_waiting(period: Period) -> Q:
    """in_arrived, state ≠ refused, and not registered before end (registered_at empty or
    ≥ end)."""
    return (
        within("arrived_at", period)
        & ~Q(state=IncomingState.REFUSED)
        & (Q(registered_at__isnull=True) | Q(registered_at__gte=period.end))
    )


@figure("in_refused", _("Văn bản đến bị từ chối nhận"), "incoming")
def in_refused(period: Period) -> Q:
    """in_arrived and state = refused (sent back to the sender with a reason, status 02)."""
    return within("arrived_at", period) & Q(state=IncomingState.REFUSED)


@figure("in_classified", _("Văn bản đến mật"), "incoming")
def in_classified(period: Period) -> Q:
    """in_registered and confidentiality ≠ none."""
    return in_registered(period) & ~not_classified()


@figure("in_counted", _("Văn bản đến đã vào sổ (trừ văn bản mật)"), "incoming")
def in_counted(period: Period) -> Q:
    """in_registered and confidentiality = none: the denominator of the electronic share.
    = in_internal + in_exchange + in_scan."""
    return in_registered(period) & not_classified()


@figure("in_electronic", _("Văn bản đến nhận điện tử"), "incoming")
def in_electronic(period: Period) -> Q:
    """in_counted and source ∈ {internal, exchange}. = in_internal + in_exchange."""
    return in_counted(period) & Q(source__in=(Source.INTERNAL, Source.EXCHANGE))


@figure("in_internal", _("Từ cơ quan trên nền tảng"), "incoming")
def in_internal(period: Period) -> Q:
    """in_counted and source = internal (distributed by an organ of this platform)."""
    return in_counted(period) & Q(source=Source.INTERNAL)


@figure("in_exchange", _("Qua trục liên thông"), "incoming")
def in_exchange(period: Period) -> Q:
    """in_counted and source = exchange (an edXML package of the national exchange)."""
    return in_counted(period) & Q(source=Source.EXCHANGE)


@figure("in_scan", _("Văn bản giấy (bản quét)"), "incoming")
def in_scan(period: Period) -> Q:
    """in_counted and source = scan (arrived on paper, scanned by the clerk)."""
    return in_counted(period) & Q(source=Source.SCAN)


# Handling of incoming documents ---------------------------------------------------------------


@figure("h_unassigned", _("Chờ phân công xử lý cuối kỳ"), "incoming")
def h_unassigned(period: Period) -> Q:
    """Registered before end (registered_at < end), state ≠ refused, and not assigned before
    end (assigned_at empty or ≥ end; a reassignment keeps only its latest time)."""
    return _waiting_assignment_at(period)


@figure("h_in_progress", _("Đang xử lý cuối kỳ"), "incoming")
def h_in_progress(period: Period) -> Q:
    """Assigned before end (assigned_at < end) and not completed before end (completed_at
    empty or ≥ end). = h_within + h_past."""
    return _in_handling_at(period)


@figure("h_within", _("Đang xử lý, trong hạn"), "incoming")
def h_within(period: Period) -> Q:
    """h_in_progress and (no handling_deadline, or handling_deadline ≥ end)."""
    return _in_handling_at(period) & (
        Q(handling_deadline__isnull=True) | Q(handling_deadline__gte=period.end)
    )


@figure("h_past", _("Đang xử lý, quá hạn"), "incoming")
def h_past(period: Period) -> Q:
    """h_in_progress and handling_deadline < end."""
    return _in_handling_at(period) & Q(handling_deadline__lt=period.end)


@figure("h_completed", _("Hoàn thành xử lý trong kỳ"), "incoming")
def h_completed(period: Period) -> Q:
    """completed_at ∈ [start, end). = h_on_time + h_late."""
    return within("completed_at", period)


@figure("h_on_time", _("Hoàn thành đúng hạn"), "incoming")
def h_on_time(period: Period) -> Q:
    """h_completed and (no handling_deadline, or completed_at ≤ handling_deadline)."""
    return within("completed_at", period) & (
        Q(handling_deadline__isnull=True) | Q(completed_at__lte=F("handling_deadline"))
    )


@figure("h_late", _("Hoàn thành quá hạn"), "incoming")
def h_late(period: Period) -> Q:
    """h_completed and completed_at > handling_deadline."""
    return within("completed_at", period) & Q(
        handling_deadline__isnull=False, completed_at__gt=F("handling_deadline")
    )


# Shares ---------------------------------------------------------------------------------------

RATES: dict[str, RateDef] = {
    r.key: r
    for r in (
        RateDef(
            "out_share",
            _("Tỷ lệ văn bản đi gửi điện tử"),
            ("out_electronic",),
            ("out_counted",),
            "out_electronic / out_counted (domain §7: outgoing documents sent electronically "
            "with a digital signature / all outgoing issued, classified ones excepted).",
        ),
        RateDef(
            "in_share",
            _("Tỷ lệ văn bản đến nhận điện tử"),
            ("in_electronic",),
            ("in_counted",),
            "in_electronic / in_counted (incoming documents arrived electronically / all "
            "incoming registered, classified ones excepted).",
        ),
        RateDef(
            "share",
            _("Tỷ lệ văn bản đi, đến điện tử"),
            ("out_electronic", "in_electronic"),
            ("out_counted", "in_counted"),
            "(out_electronic + in_electronic) / (out_counted + in_counted): documents sent or "
            "received electronically over all documents sent or received (the seed report's "
            "95%).",
        ),
        RateDef(
            "on_time_rate",
            _("Tỷ lệ văn bản đến xử lý đúng hạn"),
            ("h_on_time",),
            ("h_completed",),
            "h_on_time / h_completed; none when nothing was completed.",
        ),
    )
}

# Every row of every report satisfies these: left side = sum of the right side.
IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("out_issued", ("out_classified", "out_counted")),
    ("out_counted", ("out_electronic", "out_not_electronic")),
    ("in_arrived", ("in_registered", "in_waiting", "in_refused")),
    ("in_registered", ("in_classified", "in_counted")),
    ("in_counted", ("in_internal", "in_exchange", "in_scan")),
    ("in_electronic", ("in_internal", "in_exchange")),
    ("h_in_progress", ("h_within", "h_past")),
    ("h_completed", ("h_on_time", "h_late")),
)

OUTGOING = tuple(k for k, f in FIGURES.items() if f.subject == "outgoing")
INCOMING = tuple(k for k in FIGURES if k.startswith("in_"))
HANDLING = tuple(k for k in FIGURES if k.startswith("h_"))
