"""The vocabulary of the one-stop statistics: what a figure and a share are, the registry
of figures, and the building blocks their conditions are made of (`definitions` uses them).

Conventions shared by every definition:

- A period is the days `first`..`last` in Vietnam time, i.e. the moments [start, end).
- Only received dossiers count (`received_at` set): a dossier refused at intake or withdrawn
  before intake never entered the one-stop books.
- The *end of handling* of a dossier is `resolved_at` (result ready, or refused), else
  `finished_at` (withdrawn). The services keep `resolved_at ≤ finished_at`, and a dossier that
  finished without a resolution was withdrawn; the identities of `definitions` rely on both
  and show a row that breaks them (see `IDENTITIES`).
- A dossier is *open* at a moment m when it was received before m and its handling had not
  ended before m.
- *Past due* at m: `due_at < m`, unless the clock was stopped (`paused_since`, a supplement
  request or suspension still running) before m at a moment when it was not yet past due; the
  due date moves by the paused time when the clock restarts, so such a dossier is not late yet
  (as `selectors.marker` says of the work queue). `paused_since` is the current pause only.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import Promise

from tinhso.core.reporting import Period
from tinhso.dossiers.models import DossierEvent

Subject = Literal["dossier", "offering"]


@dataclass(frozen=True)
class Indicator:
    """One figure. `subject` says what it counts: dossiers, or procedure offerings (a procedure
    as offered by one organ, the rows of `Procedure.organs`)."""

    key: str
    label: Promise | str
    subject: Subject
    condition: Callable[[Period], Q]

    def q(self, period: Period) -> Q:
        return self.condition(period)

    @property
    def formula(self) -> str:
        return inspect.getdoc(self.condition) or ""


@dataclass(frozen=True)
class RateDef:
    """A share: the sum of `numerator` figures over the `denominator` figure."""

    key: str
    label: Promise | str
    numerator: tuple[str, ...]
    denominator: str
    formula: str


INDICATORS: dict[str, Indicator] = {}


def indicator(
    key: str, label: Promise | str, subject: Subject = "dossier"
) -> Callable[[Callable[[Period], Q]], Callable[[Period], Q]]:
    def register(condition: Callable[[Period], Q]) -> Callable[[Period], Q]:
        INDICATORS[key] = Indicator(key, label, subject, condition)
        return condition

    return register


# Building blocks -------------------------------------------------------------------------


def within(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def not_ended_before(moment: datetime) -> Q:
    return (Q(resolved_at__isnull=True) | Q(resolved_at__gte=moment)) & (
        Q(finished_at__isnull=True) | Q(finished_at__gte=moment)
    )


def open_at(moment: datetime) -> Q:
    return Q(received_at__lt=moment) & not_ended_before(moment)


def past_due_at(moment: datetime) -> Q:
    return Q(due_at__lt=moment) & (
        Q(paused_since__isnull=True) | Q(paused_since__gte=moment) | Q(due_at__lt=F("paused_since"))
    )


def not_past_due_at(moment: datetime) -> Q:
    return (
        Q(due_at__isnull=True)
        | Q(due_at__gte=moment)
        | (Q(paused_since__lt=moment) & Q(due_at__gte=F("paused_since")))
    )


def state_at(moment: datetime) -> Coalesce:
    """The state a dossier was in at `moment`, from its history (the `to_state` of its last
    event before then); its current state when it has no history (imported rows)."""
    last = DossierEvent.objects.filter(dossier=OuterRef("pk"), at__lt=moment).order_by("-at", "-pk")
    return Coalesce(Subquery(last.values("to_state")[:1]), F("state"))


def received_in(period: Period) -> Q:
    """Received in the period: received_at ∈ [start, end)."""
    return Q(received_at__isnull=False) & within("received_at", period)


def dossier_universe(period: Period) -> Q:
    """Every dossier some figure of `period` may count: received before its end, handling
    not ended before its start."""
    return Q(received_at__isnull=False, received_at__lt=period.end) & not_ended_before(period.start)


def offering_universe(period: Period) -> Q:
    """Every procedure offering some figure may count: active procedures."""
    return Q(procedure__is_active=True)
