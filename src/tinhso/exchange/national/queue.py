"""The durable queue of pushes to the national portal: written in the caller's transaction,
sent by the worker with retries (the edXML outbox's exponential backoff with jitter), dead
letters and replay.

Delivery is at least once; the portal acknowledges a repeated message id without applying it
again, so it is exactly once in effect. Pushes of one dossier go in the order they were
queued: a push waits while an earlier one of the same dossier is pending or failed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tinhso.core.services import audit_record
from tinhso.exchange.national import protocol
from tinhso.exchange.national.models import NationalPush
from tinhso.exchange.national.portal import Portal, PushResult, portal
from tinhso.exchange.queues import backoff, requeue

logger = logging.getLogger("tinhso.exchange.national")

State = NationalPush.State
Kind = NationalPush.Kind
SERVICE = {Kind.DOSSIER: protocol.DOSSIER_SERVICE, Kind.PROGRESS: protocol.PROGRESS_SERVICE}


class InvalidPush(ValueError):
    """The push would be refused by the portal (its problems by field)."""

    def __init__(self, problems: list[protocol.Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


def enqueue(
    *, kind: str, message_id: uuid.UUID, data: Mapping[str, Any], source_ref: str = ""
) -> NationalPush:
    """Queue one push in the caller's transaction (a rollback leaves no push). Idempotent: the
    same message id gives the existing push.

    The body is checked first as the portal checks it. One the portal would refuse is kept
    dead at once, with the problems as its error and an error in the log, and the caller's
    action goes on: a dossier's work is never stopped by its copy for the portal, and the
    dossier counts as not synchronised (indicator 1.4) until an administrator acts."""
    existing = NationalPush.objects.filter(message_id=message_id).first()
    if existing is not None:
        return existing
    problems = protocol.validate(SERVICE[Kind(kind)], data)
    error = str(InvalidPush(problems)) if problems else ""
    if problems:
        logger.error("national push %s for %s refused before sending: %s", kind, message_id, error)
    return NationalPush.objects.create(
        message_id=message_id,
        kind=kind,
        dossier_code=str(data.get("MaHoSo", ""))[:40],
        source_ref=source_ref,
        body=dict(data),
        state=State.DEAD if problems else State.PENDING,
        last_error=error,
        next_attempt_at=None if problems else timezone.now(),
    )


def due() -> QuerySet[NationalPush]:
    """Pushes due for an attempt now, oldest first, leaving out those behind an earlier push
    of the same dossier that is not through yet."""
    earlier = NationalPush.objects.filter(
        dossier_code=OuterRef("dossier_code"),
        pk__lt=OuterRef("pk"),
        state__in=[State.PENDING, State.FAILED],
    )
    return (
        NationalPush.objects.filter(
            Q(state__in=[State.PENDING, State.FAILED]),
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()),
        )
        .exclude(Exists(earlier))
        .order_by("pk")
    )


@transaction.atomic
def _record(push_pk: int, result: PushResult, *, max_attempts: int) -> NationalPush:
    push = NationalPush.objects.select_for_update().get(pk=push_pk)
    if push.state in (State.SENT, State.DEAD):  # another worker finished it meanwhile
        return push
    push.attempts += 1
    now = timezone.now()
    push.answer = result.answer or None
    if result.ok:
        push.state, push.sent_at, push.next_attempt_at, push.last_error = State.SENT, now, None, ""
    else:
        push.last_error = result.error[:2000]
        if not result.retry or push.attempts >= max_attempts:
            push.state, push.next_attempt_at = State.DEAD, None
        else:
            push.state = State.FAILED
            push.next_attempt_at = now + timedelta(seconds=backoff(push.attempts))
    push.save()
    if push.state != State.FAILED:
        audit_record(
            action=f"national.{push.state}",
            obj=push,
            actor_label="exchange",
            data={"attempts": push.attempts, "error": result.error[:500]},
        )
    return push


def send_one(
    push: NationalPush, *, client: Portal | None = None, max_attempts: int | None = None
) -> NationalPush:
    """Attempt `push` once, outside any transaction, and record the outcome (sent, failed
    with the next attempt's time, or dead)."""
    client = client or portal()
    if client is None:
        return push
    result = client.push(SERVICE[Kind(push.kind)], push.message_id, push.body)
    if not result.ok:
        logger.warning("national portal: %s %s failed: %s", push.kind, push.pk, result.error)
    return _record(push.pk, result, max_attempts=max_attempts or settings.EXCHANGE_MAX_ATTEMPTS)


def send_due(*, limit: int = 500, client: Portal | None = None) -> dict[str, int]:
    """The worker's round: attempt every due push at most once (up to `limit`, in queue
    order, including pushes the round itself lets through).
    Returns counts by resulting state; nothing is attempted without a portal URL."""
    client = client or portal()
    counts = {str(State.SENT): 0, str(State.FAILED): 0, str(State.DEAD): 0}
    if client is None:
        return counts
    attempted: set[int] = set()
    while len(attempted) < limit:
        # Again after each batch: a push sent may have let the next one of its dossier through.
        batch = list(due().exclude(pk__in=attempted)[: limit - len(attempted)])
        if not batch:
            break
        for push in batch:
            attempted.add(push.pk)
            outcome = send_one(push, client=client)
            counts[str(outcome.state)] = counts.get(str(outcome.state), 0) + 1
    return counts


def send_due_summary() -> str:
    """The periodic job `exchange.national_send`."""
    if portal() is None:
        return "NATIONAL_PORTAL_URL not set: nothing sent"
    return ", ".join(f"{n} {state}" for state, n in send_due().items())


def replay(*, push: NationalPush, actor: Any = None) -> NationalPush:
    """Put a dead (or failed) push back in the queue for an attempt now, attempts reset.
    Raises ValueError for a push that was sent or is pending."""
    return requeue(
        push, waiting=State.PENDING, action="national.replay", actor=actor or "cli", what="push"
    )


def synchronised_codes() -> QuerySet[NationalPush]:
    """Dossier codes the portal has accepted a dossier push for (indicator 1.4's numerator
    is the dossiers among them)."""
    return NationalPush.objects.filter(kind=Kind.DOSSIER, state=State.SENT).values("dossier_code")
