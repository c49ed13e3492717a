"""Realistic demo dossiers in bulk, deterministic, for the demo province and the benchmarks.

`generate(count)` adds dossiers until the database holds `count` of them, with the invariants
the services keep (but written with `bulk_create` in batches, not through the services):

- codes `<organ qcvn102>-<YYMMDD>-<NNNN>`, gapless per organ and day of receipt, numbered in
  order of receipt within a batch, and the `DossierCounter` rows equal to the last number given;
- `due_at = WorkCalendar.due(received_at, <time limit>, cutoff=<procedure's cut-off>,
  pauses=<closed supplement pauses>)` on the calendar of `calendar_for(year=…)` (one per year,
  or per organ that has its own working hours): the calendar's `intake_start` applies the
  cut-off, and the working time is added on a `_Clock` of the same calendar, equal to
  `WorkCalendar.add` and much faster in bulk (the tests compare every due date with
  `WorkCalendar.due`);
- a history (`DossierEvent`) that walks the state machine's allowed transitions: `submit`
  (online), `receive`, `request_supplement`/`supplement`, then the final action
  (`register_result` + `return_result`, `refuse` or `withdraw`); `forward` only for a dossier
  still being processed now. The state and `version` are those of the last event; `paused_since`
  is the start of a pause still running;
- `resolved_at ≤ finished_at`, a withdrawn dossier has no `resolved_at`; nothing lies in the
  future of `now`.

Dossiers are spread over 2020 up to `now` (volume growing by year, a share in the last weeks so
that the queues are not empty); procedures are chosen with popularity by rank among the active
procedures, the receiving organ among those that offer it (`Procedure.organs`), the applicant
among the seeded applicants of the kinds the procedure accepts (preferably living where a
commune or district organ serves), and the channel by the service level in force on the day
(online only where it allows online filing, a share growing by year). About 82–83 % of the
resolutions come early or on time (the seed report's 82,73 %), about 17 % late.

Idempotent: the dossiers already in the database (whatever made them) count towards `count`,
so a second run with the same `count` adds nothing, and a larger `count` adds only the
difference. Deterministic: draw number `i` (counted from the number of dossiers already there)
uses `random.Random(f"{seed}:{i}")`, so the same calls on the same seeded database, with the
same `now`, give the same dossiers. Not for use while dossiers are being received through the
services (the counters are read once at the start).
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tinhso.dossiers.codes import MAX_PER_DAY, format_code
from tinhso.dossiers.demo_context import _Context, _load, _Procedure
from tinhso.dossiers.models import Channel, Dossier, DossierCounter, DossierEvent
from tinhso.dossiers.states import Action, State
from tinhso.procedures.models import ProcessStep
from tinhso.procedures.models.catalogue import ONLINE_FILING_KINDS
from tinhso.workcalendar.core import VIETNAM

Progress = Callable[..., Any]
BATCH = 5_000
# Relative yearly volumes (2021: the pandemic year); the current year counts for its part.
# Share of online dossiers among those whose procedure allows online filing, by year.
ONLINE_SHARE = {2020: 0.2, 2021: 0.3, 2022: 0.4, 2023: 0.5, 2024: 0.55, 2025: 0.6, 2026: 0.65}
POST_SHARE = 0.04  # dossiers sent by the public postal service
# Outcomes (shares of received dossiers).
P_WITHDRAWN = 0.012
P_REFUSED = 0.03
P_STUCK = 0.004  # never resolved: still being processed, long past due
P_SUPPLEMENT = 0.07  # at least one supplement request
P_SECOND_SUPPLEMENT = 0.12  # of those, a second one (counted late by Decision 766)
P_ABANDONED = 0.03  # of those, the applicant never supplements
P_LATE = 0.1727  # resolutions after the due moment: 82,73 % early or on time
P_LOCAL = 0.7  # a commune or district organ's applicant lives in its area


# --- one dossier ---------------------------------------------------------------------------


@dataclass
class _Planned:
    dossier: Dossier
    events: list[tuple[datetime, str, str, str, str, int | None, int | None]]
    # (at, action, from, to, step key, step organ, actor user)


def _step_organ(scope: str, organ_id: int | None, receiving: int, ctx: _Context) -> int:
    if scope == ProcessStep.Scope.PARENT:
        return ctx.organ_parent.get(receiving) or receiving
    if scope == ProcessStep.Scope.ORGAN and organ_id:
        return organ_id
    return receiving


def _pick_offering(rng: random.Random, ctx: _Context, day: date) -> tuple[_Procedure, int] | None:
    for _attempt in range(20):
        index = bisect.bisect_left(ctx.cumulative, rng.random() * ctx.cumulative[-1])
        procedure = ctx.procedures[min(index, len(ctx.procedures) - 1)]
        organ = procedure.organs[rng.randrange(len(procedure.organs))]
        valid_from, valid_to = ctx.organ_valid[organ]
        if (valid_from and day < valid_from) or (valid_to and day > valid_to):
            continue
        if ctx.identifier(organ, day):
            return procedure, organ
    return None


def _pick_applicant(
    rng: random.Random, ctx: _Context, procedure: _Procedure, organ: int
) -> tuple[int, str, str, int | None] | None:
    kinds = [k for k in procedure.kinds if ctx.applicants.get(k)]
    if not kinds:
        return None
    kind = "citizen" if "citizen" in kinds and rng.random() < 0.85 else rng.choice(kinds)
    people = ctx.applicants[kind]
    unit = ctx.organ_unit.get(organ)
    local = ctx.by_unit.get((kind, unit)) if unit is not None else None
    if local and rng.random() < P_LOCAL:
        return people[local[rng.randrange(len(local))]]
    return people[rng.randrange(len(people))]


def _plan(i: int, seed: str, ctx: _Context, recent_share: float) -> _Planned | None:
    rng = random.Random(f"{seed}:{i}")  # noqa: S311 (demo data, reproducible)
    now = ctx.now
    if ctx.recent_days and rng.random() < recent_share:
        day = ctx.recent_days[rng.randrange(len(ctx.recent_days))]
    else:
        y = bisect.bisect_left(ctx.year_cumulative, rng.random() * ctx.year_cumulative[-1])
        days = ctx.working_days[ctx.years[min(y, len(ctx.years) - 1)]]
        day = days[rng.randrange(len(days))]
    offering = _pick_offering(rng, ctx, day)
    if offering is None:
        return None
    procedure, organ = offering
    applicant = _pick_applicant(rng, ctx, procedure, organ)
    if applicant is None:
        return None
    applicant_pk, applicant_identifier, applicant_name, applicant_user = applicant
    level = procedure.level_on(day)
    online_ok = level in ONLINE_FILING_KINDS
    share = ONLINE_SHARE.get(day.year, 0.65) + (0.15 if level in ("4", "full") else 0.0)
    draw = rng.random()
    if online_ok and draw < share:
        channel = Channel.ONLINE
    elif draw > 1 - POST_SHARE:
        channel = Channel.POST
    else:
        channel = Channel.COUNTER
    calendar, clock = ctx.calendar(organ, day.year)

    # Receipt: at the counter during working hours (more in the morning); online, submitted
    # at any hour of the day or the evening before, received within a working day.
    if channel == Channel.ONLINE:
        submitted = datetime.combine(day, time(0), VIETNAM) + timedelta(
            minutes=rng.randrange(-6 * 60, 23 * 60)
        )
        received = clock.moment(clock.coord(submitted) + rng.randrange(5, 480))
    else:
        minute = rng.randrange(clock.per_day)
        if rng.random() < 0.3:
            minute //= 2  # mornings are busier
        received = clock.moment(clock.day_coord(day) + minute + 1)
        submitted = received
    if submitted > now:
        return None
    # The plan, in working minutes of the legal clock from the start (intake_start).
    start = calendar.intake_start(received, cutoff=procedure.cutoff)
    origin = clock.coord(start)
    limit = procedure.minutes
    draw = rng.random()
    late = rng.random() < P_LATE
    if late:
        resolve_at = limit + rng.randrange(30, max(60, min(limit, 480 * 10)) + 1)
    else:
        resolve_at = max(1, int(limit * rng.uniform(0.15, 1.0)))
    outcome = "returned"
    if draw < P_WITHDRAWN:
        outcome, resolve_at = "withdrawn", max(1, int(limit * rng.uniform(0.05, 0.9)))
    elif draw < P_WITHDRAWN + P_REFUSED:
        outcome = "refused"
    elif draw < P_WITHDRAWN + P_REFUSED + P_STUCK:
        outcome = "stuck"
    pauses: list[tuple[int, int]] = []  # (clock offset where the pause starts, its length)
    abandoned = False
    if rng.random() < P_SUPPLEMENT and outcome != "withdrawn":
        first = max(1, int(resolve_at * rng.uniform(0.1, 0.5)))
        pauses.append((first, rng.randrange(120, 480 * 8)))
        if rng.random() < P_SECOND_SUPPLEMENT:
            pauses.append((max(first + 1, int(resolve_at * rng.uniform(0.5, 0.9))), 0))
            pauses[-1] = (pauses[-1][0], rng.randrange(120, 480 * 5))
        abandoned = rng.random() < P_ABANDONED

    # Moments of the pauses on the calendar (each paused span moves everything after it).
    shift = 0
    moments: list[tuple[datetime, datetime | None]] = []
    for n, (offset, length) in enumerate(pauses):
        paused = clock.moment(origin + offset + shift)
        if abandoned and n == len(pauses) - 1:
            moments.append((paused, None))
            break
        resumed = clock.moment(origin + offset + shift + length)
        moments.append((paused, resumed))
        shift += length

    one_stop = ctx.officials.get((organ, "one_stop_officer"))
    steps = procedure.steps
    first_step = steps[0] if steps else None
    last_step = steps[-1] if steps else None
    first_key = first_step[0] if first_step else ""
    first_organ = _step_organ(first_step[2], first_step[3], organ, ctx) if first_step else None
    events: list[tuple[datetime, str, str, str, str, int | None, int | None]] = []
    state = "draft"

    def event(
        at: datetime, action: str, to: str, key: str, step_organ: int | None, actor: Any
    ) -> None:
        nonlocal state
        events.append((at, action, state, to, key, step_organ or organ, actor))
        state = to

    if channel == Channel.ONLINE:
        event(submitted, Action.SUBMIT, State.SUBMITTED, "", None, applicant_user)
    event(received, Action.RECEIVE, State.RECEIVED, first_key, first_organ, one_stop)
    for paused, resumed in moments:
        specialist = ctx.officials.get((organ, "specialist"), one_stop)
        asked = State.WAITING_SUPPLEMENT
        event(paused, Action.REQUEST_SUPPLEMENT, asked, first_key, None, specialist)
        if resumed is not None:
            event(resumed, Action.SUPPLEMENT, State.PROCESSING, first_key, None, applicant_user)
    ended = abandoned or outcome == "stuck"
    resolved = finished = None
    if not ended:
        end = clock.moment(origin + resolve_at + shift)
        last_key = last_step[0] if last_step else ""
        last_organ = _step_organ(last_step[2], last_step[3], organ, ctx) if last_step else None
        leader = ctx.officials.get((organ, "leader"), one_stop)
        if outcome == "withdrawn":
            event(end, Action.WITHDRAW, State.WITHDRAWN, first_key, None, applicant_user)
            finished = end
        elif outcome == "refused":
            event(end, Action.REFUSE, State.REJECTED, first_key, None, leader)
            resolved = finished = end
        else:
            event(end, Action.REGISTER_RESULT, State.RESULT_READY, last_key, last_organ, one_stop)
            lag = rng.randrange(1, 60) if channel == Channel.ONLINE else rng.randrange(1, 480 * 4)
            finished = clock.moment(clock.coord(end) + lag)
            event(finished, Action.RETURN_RESULT, State.RETURNED, last_key, last_organ, one_stop)
            resolved = end

    # Cut at `now`: what lies in the future has not happened yet.
    done = [e for e in events if e[0] <= now]
    if len(done) < len(events):
        if resolved is not None and resolved > now:
            resolved = None
        if finished is not None and finished > now:
            finished = None
    last_state = done[-1][3]
    # A dossier still in the hands of the processing step: forwarded after the first step.
    if last_state in (State.RECEIVED, State.PROCESSING) and len(steps) > 1:
        forward = clock.moment(clock.coord(done[-1][0]) + max(1, first_step[4] * 60))
        if forward <= now:
            key, _role, scope, step_organ_id, _hours = steps[1]
            actor = ctx.officials.get((organ, "one_stop_officer"))
            done.append(
                (forward, Action.FORWARD, last_state, State.PROCESSING, key,
                 _step_organ(scope, step_organ_id, organ, ctx), actor)
            )  # fmt: skip
            last_state = State.PROCESSING
    received_done = any(e[1] == Action.RECEIVE for e in done)
    closed = [(a, b) for a, b in moments if b is not None and b <= now]
    open_pause = next((a for a, b in moments if a <= now and (b is None or b > now)), None)
    paused_minutes = sum(clock.coord(b) - clock.coord(a) for a, b in closed)
    # due_at = calendar.due(received, <limit>, cutoff=…, pauses=closed): the calendar's own
    # cut-off rule gives the start; the working-time sum is done on the clock, which equals
    # `calendar.add` (checked in the tests, and on a sample by bench/dossiers.py).
    due = clock.moment(origin + limit + paused_minutes) if received_done else None
    step = done[-1][4]
    step_organ = done[-1][5] if step else None
    step_due = None
    if step and last_state not in (State.RETURNED, State.REJECTED, State.WITHDRAWN):
        hours = next((s[4] for s in steps if s[0] == step), 0)
        entered = next(e[0] for e in reversed(done) if e[4] == step and e[1] != Action.SUPPLEMENT)
        step_due = clock.moment(clock.coord(entered) + max(1, hours * 60))
    form = {}
    if "ho_ten" in procedure.fields:
        form["ho_ten"] = applicant_name[:100]
    if "so_dinh_danh" in procedure.fields and len(applicant_identifier) == 12:
        form["so_dinh_danh"] = applicant_identifier
    if "noi_dung" in procedure.fields:
        form["noi_dung"] = "Đề nghị giải quyết thủ tục hành chính."
    dossier = Dossier(
        procedure_id=procedure.pk,
        organ_id=organ,
        applicant_id=applicant_pk,
        channel=channel,
        state=last_state,
        service_level=procedure.level_on(submitted.astimezone(VIETNAM).date()),
        form_data=form,
        step_key=step,
        step_organ_id=step_organ,
        step_due_at=step_due,
        created_at=submitted,
        submitted_at=submitted,
        received_at=received if received_done else None,
        due_at=due,
        paused_since=open_pause,
        paused_minutes=paused_minutes,
        supplement_requests=sum(1 for e in done if e[1] == Action.REQUEST_SUPPLEMENT),
        resolved_at=resolved,
        finished_at=finished,
        version=len(done),
    )
    return _Planned(dossier, done)


# --- the batches ---------------------------------------------------------------------------


@contextmanager
def _keep_created_at() -> Iterator[None]:
    """bulk_create keeps the planned `created_at` (the submission) instead of now."""
    created = Dossier._meta.get_field("created_at")
    saved = created.auto_now_add  # type: ignore[attr-defined]
    created.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        created.auto_now_add = saved  # type: ignore[attr-defined]


def _write(planned: list[_Planned], ctx: _Context) -> None:
    # Numbers in order of receipt, continuing each organ's counter of the day.
    touched: set[tuple[int, date]] = set()
    for item in sorted(
        (p for p in planned if p.dossier.received_at is not None),
        key=lambda p: p.dossier.received_at,  # type: ignore[arg-type, return-value]
    ):
        d = item.dossier
        day = d.received_at.astimezone(VIETNAM).date()  # type: ignore[union-attr]
        key = (d.organ_id, day)
        number = ctx.counters.get(key, 0) + 1
        if number > MAX_PER_DAY:
            raise RuntimeError(f"more than {MAX_PER_DAY} dossiers for organ {key[0]} on {day}")
        ctx.counters[key] = number
        touched.add(key)
        d.code = format_code(ctx.identifier(d.organ_id, day), day, number)
    with transaction.atomic(), _keep_created_at():
        dossiers = [p.dossier for p in planned]
        Dossier.objects.bulk_create(dossiers, batch_size=1000)
        DossierEvent.objects.bulk_create(
            [
                DossierEvent(
                    dossier_id=p.dossier.pk,
                    at=at,
                    actor_id=actor,
                    action=str(action),
                    from_state=str(from_state),
                    to_state=str(to_state),
                    step_key=key,
                    step_due_at=None,
                    organ_id=organ,
                )
                for p in planned
                for at, action, from_state, to_state, key, organ, actor in p.events
            ],
            batch_size=2000,
        )
        DossierCounter.objects.bulk_create(
            [DossierCounter(organ_id=o, day=d, last=ctx.counters[(o, d)]) for o, d in touched],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["organ", "day"],
            update_fields=["last"],
        )


def _identity(iterable: Iterable[Any], **_kwargs: Any) -> Iterable[Any]:
    return iterable


def generate(
    count: int,
    *,
    seed: str = "dossiers",
    progress: Progress | None = None,
    now: datetime | None = None,
    batch: int = BATCH,
) -> int:
    """Add dossiers until the database holds `count`; return how many were added (0 when
    `count` are already there). Needs the directory (organs, applicants) and the catalogue
    (procedures offered by organs) seeded first; adds nothing when either is empty."""
    existing = Dossier.objects.count()
    missing = count - existing
    if missing <= 0:
        return 0
    now = now or timezone.now()
    recent_share = min(0.2, max(0.02, 60 / count))
    ctx = _load(now, recent_share)
    if not ctx.procedures or not ctx.applicants:
        return 0
    progress = progress or _identity
    added, index = 0, existing
    for _start in progress(range(0, missing, batch), desc="dossiers"):
        planned: list[_Planned] = []
        want = min(batch, missing - added)
        attempts = 0
        while len(planned) < want and attempts < want * 5:
            attempts += 1
            item = _plan(index, seed, ctx, recent_share)
            index += 1
            if item is not None:
                planned.append(item)
        if not planned:
            break
        _write(planned, ctx)
        added += len(planned)
    return added
