"""What the node's queues share (the outbox, the inbox's apply worker, the national
portal's pushes): the backoff of a failed attempt, claiming due rows under a lease, a
worker's round over them, doing a batch together or each on its own, and putting a dead
row back.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from tinhso.core.services import audit_record

logger = logging.getLogger("tinhso.exchange")

T = TypeVar("T")
R = TypeVar("R")


def backoff(attempts: int, *, base: float | None = None, rng: random.Random | None = None) -> float:
    """Seconds before the next attempt after `attempts` failures: base · 2^(n-1), capped at a
    day, with full jitter on the upper half (so that retries of a peer that was down spread)."""
    base = settings.EXCHANGE_RETRY_BASE_SECONDS if base is None else base
    ceiling = min(base * 2 ** max(attempts - 1, 0), 24 * 3600.0)
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def retry_or_give_up(row: Any, *, max_attempts: int, now: datetime, final: bool = False) -> None:
    """After a failed attempt of a row of one of the node's queues (outbox, inbox): dead
    (`final`, or its attempts used up), else failed with its next attempt after `backoff`."""
    if final or row.attempts >= max_attempts:
        row.state, row.next_attempt_at = "dead", None
    else:
        row.state = "failed"
        row.next_attempt_at = now + timedelta(seconds=backoff(row.attempts))


Row = TypeVar("Row", bound=Model)


def lease(rows: QuerySet[Row], *, limit: int, seconds: float) -> list[Row]:
    """The first `limit` of `rows` (due rows of one of the node's queues), their next attempt
    moved `seconds` ahead in one transaction; rows another worker is taking at the same
    moment are skipped, never waited for (SKIP LOCKED; SQLite serialises writers anyway)."""
    with transaction.atomic():
        taken = list(rows.select_for_update(skip_locked=True)[:limit])
        if taken:
            until = timezone.now() + timedelta(seconds=seconds)
            rows.model._default_manager.filter(pk__in=[r.pk for r in taken]).update(
                next_attempt_at=until
            )
    return taken


def work_through(
    claim: Callable[[int], list[Row]],
    act: Callable[[list[Row], float], list[Row]],
    *,
    limit: int,
    batch: int,
    window: float,
) -> dict[str, int]:
    """A worker's round over one of the node's queues: take rows `batch` at a time
    (`claim(n)`, each a lease) and `act(rows, until)` on them, up to `limit`; `act` starts
    nothing after `until`, `window` seconds after its batch was taken, so that none
    outlasts the lease (the rest come due again when it ends, for whichever worker takes
    them), and returns the rows it acted on. Counts by the state it leaves them in."""
    counts: dict[str, int] = {}
    done = 0
    while done < limit:
        taken = claim(min(batch, limit - done))
        if not taken:
            break
        for row in act(taken, time.monotonic() + window):
            state = str(row.state)  # type: ignore[attr-defined]
            counts[state] = counts.get(state, 0) + 1
            done += 1
    return counts


def together_or_each(
    run: Callable[[Sequence[T]], list[R]], items: Sequence[T], *, what: str
) -> list[R]:
    """`run(items)`, all in one go (one transaction); if it raises (a handler's or a
    listener's error, a deadlock), `run` again on each item on its own, so that one item's
    failure holds back no other, and then the first error is raised."""
    if len(items) <= 1:
        return run(items)
    try:
        return run(items)
    except Exception:
        logger.exception("exchange: %s of %d together failed; one by one", what, len(items))
    results: list[R] = []
    failure: Exception | None = None
    for item in items:
        try:
            results.extend(run([item]))
        except Exception as error:
            failure = failure or error
    if failure is not None:
        raise failure
    return results


@transaction.atomic
def requeue(row: Row, *, waiting: str, action: str, actor: Any, what: str = "message") -> Row:
    """Put a dead (or failed) row of one of the node's queues (outbox, inbox, national
    pushes) back in the `waiting` state for an attempt now, attempts reset, audited as
    `action`. Raises ValueError for a row in any other state."""
    locked: Any = type(row)._default_manager.select_for_update().get(pk=row.pk)
    if locked.state not in ("dead", "failed"):
        raise ValueError(f"{what} {locked.message_id} is {locked.state}, not dead or failed")
    locked.state, locked.attempts, locked.next_attempt_at = waiting, 0, timezone.now()
    locked.save(update_fields=["state", "attempts", "next_attempt_at"])
    audit_record(action=action, obj=locked, actor=actor)
    return locked  # type: ignore[no-any-return]
