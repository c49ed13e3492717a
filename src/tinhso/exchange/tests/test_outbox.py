"""The outbox: enqueue, in-process delivery, retries with backoff, dead letters and replay."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tinhso.core.models import AuditEntry
from tinhso.exchange import edxml, messagelog, node, outbox, queues, registry
from tinhso.exchange.models import InboxMessage, MessageLog, OutboxMessage, Peer
from tinhso.exchange.tests.nodes import HERE, THERE, document_package, local_organ, make_peer

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded():
    """Recording handlers and delivery listener in place of the documents app's."""
    seen: dict[str, list] = {"documents": [], "deliveries": []}
    previous = registry.document_handler()

    def on_document(package, message_id, organ_ids):
        seen["documents"].append((message_id, organ_ids))
        return {"incoming": [1]}

    def on_delivery(deliveries):
        seen["deliveries"].extend((d.source_ref, d.message_id, d.ok, d.error) for d in deliveries)

    registry.register_document_handler(on_document)
    registry.register_delivery_listener(on_delivery)
    yield seen
    registry.register_document_handler(previous)
    registry.unregister_delivery_listener(on_delivery)


def test_backoff_doubles_with_jitter_and_is_capped():
    rng = random.Random(7)
    for attempts, ceiling in ((1, 30), (2, 60), (3, 120), (8, 3840), (30, 86400)):
        for _ in range(20):
            wait = queues.backoff(attempts, base=30, rng=rng)
            assert ceiling / 2 <= wait <= ceiling


def test_enqueue_writes_nothing_when_the_transaction_rolls_back():
    local_organ(HERE)
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(package=document_package(sender=HERE, to=THERE), recipient_id=THERE)
        raise RuntimeError("the issue failed")
    assert OutboxMessage.objects.count() == 0


def test_a_message_to_an_organ_of_this_node_is_delivered_in_process(recorded):
    local_organ(HERE)
    message = outbox.enqueue(
        package=document_package(sender=HERE, to=HERE), recipient_id=HERE, source_ref="t:1"
    )
    assert (message.state, message.peer, message.attempts) == ("pending", None, 0)
    again = outbox.enqueue(package=document_package(sender=HERE, to=HERE), recipient_id=HERE)
    assert again.pk == message.pk  # the same package for the same organ is one message
    edxml.verify(bytes(message.data), certificate=node.identity().certificate)
    assert outbox.send_due() == {"sent": 1, "failed": 0, "dead": 0}
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("sent", 1, "")
    assert recorded["documents"] == [(str(message.message_id), [HERE])]
    assert recorded["deliveries"] == [("t:1", str(message.message_id), True, "")]
    assert InboxMessage.objects.get().message_id == message.message_id
    assert outbox.send_due() == {"sent": 0, "failed": 0, "dead": 0}  # nothing sent twice


def test_an_unreachable_peer_is_retried_with_backoff_then_dead_then_replayed(
    recorded, stranger, settings
):
    settings.EXCHANGE_MAX_ATTEMPTS = 3
    local_organ(HERE)
    make_peer("down", identity=stranger, organs=[THERE], key="k", url="http://127.0.0.1:9")
    message = outbox.enqueue(
        package=document_package(sender=HERE, to=THERE), recipient_id=THERE, source_ref="t:2"
    )
    assert message.peer.name == "down"
    before = timezone.now()
    assert outbox.send_due() == {"sent": 0, "failed": 1, "dead": 0}
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_code) == ("failed", 1, 20)
    assert "URLError" in message.last_error or "Connection" in message.last_error
    wait = message.next_attempt_at - before
    assert timedelta(seconds=14) <= wait <= timedelta(seconds=31)
    assert outbox.send_due() == {"sent": 0, "failed": 0, "dead": 0}  # not due yet
    for attempts, state in ((2, "failed"), (3, "dead")):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox.send_due()
        message.refresh_from_db()
        assert (message.attempts, message.state) == (attempts, state)
    assert message.next_attempt_at is None
    assert [d[2] for d in recorded["deliveries"]] == [False, False, False]
    call_command("exchange", "replay", str(message.message_id))
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("pending", 0)
    local_organ(THERE)  # the organ moved to this node: routing is decided again at send
    Peer.objects.filter(name="down").update(active=False)
    assert outbox.send_due()["sent"] == 1
    assert recorded["deliveries"][-1][2] is True


def test_a_permanent_refusal_is_dead_at_once(recorded, settings):
    local_organ(HERE)
    message = outbox.enqueue(
        package=document_package(sender=HERE, to="000.00.00.H40"), recipient_id="000.00.00.H40"
    )
    outbox.send_due()
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_code) == ("dead", 1, 18)


def test_a_message_to_an_organ_that_ended_is_dead_with_23(recorded):
    from datetime import date

    local_organ(HERE)
    closed = local_organ("000.00.12.H33", name="UBND huyện đã giải thể")
    type(closed).objects.filter(pk=closed.pk).update(valid_to=date(2025, 6, 30))
    message = outbox.enqueue(
        package=document_package(sender=HERE, to="000.00.12.H33"), recipient_id="000.00.12.H33"
    )
    outbox.send_due()
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_code) == ("dead", 1, 23)


def test_replay_refuses_a_sent_message(recorded):
    local_organ(HERE)
    message = outbox.enqueue(package=document_package(sender=HERE, to=HERE), recipient_id=HERE)
    outbox.send_due()
    with pytest.raises(ValueError, match="sent"):
        outbox.replay(message=OutboxMessage.objects.get(pk=message.pk))


def test_the_status_command_describes_a_message(recorded, capsys):
    local_organ(HERE)
    message = outbox.enqueue(package=document_package(sender=HERE, to=HERE), recipient_id=HERE)
    call_command("exchange", "send")
    call_command("exchange", "status", str(message.message_id))
    out = capsys.readouterr().out
    assert '"state": "sent"' in out
    assert '"direction": "out"' in out


def test_workers_claim_different_messages_and_a_lease_ends(recorded, settings):
    """Several senders share one outbox (bench/exchange_throughput.py runs four): a claimed
    message is left to its worker until its lease ends, then it is due again (its worker
    died); a sent message is never claimed again."""
    settings.EXCHANGE_HTTP_TIMEOUT = 5
    local_organ(HERE)
    first, second = (
        outbox.enqueue(
            package=document_package(sender=HERE, to=HERE, number=str(n)), recipient_id=HERE
        )
        for n in (1, 2)
    )
    claimed = [outbox.claim(), outbox.claim(), outbox.claim()]
    assert [[m.pk for m in batch] for batch in claimed] == [[first.pk], [second.pk], []]
    first.refresh_from_db()
    lease = first.next_attempt_at - timezone.now()
    assert timedelta(seconds=13) < lease <= timedelta(seconds=15)  # timeout + 10 s
    later = timezone.now() + timedelta(seconds=16)
    assert [m.pk for m in outbox.claim(limit=5, at=later)] == [first.pk, second.pk]
    outbox.send_one(first)
    assert [m.pk for m in outbox.claim(limit=5, at=later + lease)] == [second.pk]
    assert InboxMessage.objects.count() == 1


def test_a_round_attempts_each_message_once_even_when_it_fails_fast(stranger, settings):
    """What becomes due during a round (a retry with a short backoff) waits for the next."""
    settings.EXCHANGE_RETRY_BASE_SECONDS = 0
    local_organ(HERE)
    make_peer("down", identity=stranger, organs=[THERE], key="k", url="http://127.0.0.1:9")
    message = outbox.enqueue(package=document_package(sender=HERE, to=THERE), recipient_id=THERE)
    assert outbox.send_due() == {"sent": 0, "failed": 1, "dead": 0}
    message.refresh_from_db()
    assert message.attempts == 1


def test_a_round_never_attempts_a_claimed_message_past_its_lease(recorded, monkeypatch):
    """A batch is claimed at once; when attempts run long (a slow peer) the rest of it is
    left to come due when its lease ends, never sent by two workers."""
    local_organ(HERE)
    messages = [
        outbox.enqueue(
            package=document_package(sender=HERE, to=HERE, number=str(n)), recipient_id=HERE
        )
        for n in (1, 2, 3)
    ]
    clock = iter([0.0, 1.0, 60.0, 61.0, 62.0])  # the second attempt would start too late
    monkeypatch.setattr(outbox.time, "monotonic", lambda: next(clock))
    assert outbox.send_due(batch=3) == {"sent": 1, "failed": 0, "dead": 0}
    states = [OutboxMessage.objects.get(pk=m.pk) for m in messages]
    assert [m.state for m in states] == ["sent", "pending", "pending"]
    assert all(m.next_attempt_at > timezone.now() for m in states[1:])  # still leased
    after = timezone.now() + timedelta(seconds=outbox.lease_seconds() + 1)
    assert [m.pk for m in outbox.claim(limit=5, at=after)] == [m.pk for m in messages[1:]]


def _claimed_batch(n: int, first: int = 1) -> list[OutboxMessage]:
    """`n` messages to an organ of this node (made by `local_organ` first), claimed."""
    for i in range(first, first + n):
        message = outbox.enqueue(
            package=document_package(sender=HERE, to=HERE, number=str(i)),
            recipient_id=HERE,
            source_ref=f"t:{i}",
        )
    assert message.pk
    return outbox.claim(limit=n)


def _sent(message: OutboxMessage) -> outbox.Attempt:
    return outbox.Attempt(True, 0, answer={"code": 0, "message_id": str(message.message_id)})


def test_a_batch_of_outcomes_is_recorded_by_a_few_statements_however_many(recorded):
    """The worker records a claimed batch together: its rows, their message-log entries in
    order, the audit entries and one call of each delivery listener, in one transaction."""
    local_organ(HERE)
    counts = []
    for first, size in ((1, 2), (3, 6)):
        claimed = _claimed_batch(size, first)
        with CaptureQueriesContext(connection) as queries:
            outbox.record([(m, _sent(m)) for m in claimed])
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
    claimed = _claimed_batch(3, 9)
    recorded["deliveries"].clear()
    outbox.record([(m, _sent(m)) for m in claimed])
    assert [d[0] for d in recorded["deliveries"]] == ["t:9", "t:10", "t:11"]
    entries = list(MessageLog.objects.filter(direction="sent").order_by("seq"))[-3:]
    assert [e.message_id for e in entries] == [m.message_id for m in claimed]
    assert [e.seq for e in entries] == [entries[0].seq, entries[0].seq + 1, entries[0].seq + 2]
    assert messagelog.verify().ok
    assert AuditEntry.objects.filter(action="exchange.sent").count() == 2 + 6 + 3


def test_a_batch_records_each_outcome_as_its_own(recorded, settings):
    """Sent, failed with a retry, dead at once (a permanent refusal), and one another worker
    finished meanwhile (left as it is, logged once)."""
    local_organ(HERE)
    sent, retried, refused, finished = _claimed_batch(4)
    OutboxMessage.objects.filter(pk=finished.pk).update(state="sent", attempts=1)
    outbox.record(
        [
            (sent, _sent(sent)),
            (retried, outbox.Attempt(False, 20, "HTTP 503")),
            (refused, outbox.Attempt(False, 15, "bad signature")),
            (finished, _sent(finished)),
        ]
    )
    rows = {m.pk: m for m in OutboxMessage.objects.all()}
    assert [(rows[m.pk].state, rows[m.pk].attempts) for m in (sent, retried, refused)] == [
        ("sent", 1),
        ("failed", 1),
        ("dead", 1),
    ]
    assert (rows[retried.pk].last_code, rows[retried.pk].last_error) == (20, "HTTP 503")
    assert rows[retried.pk].next_attempt_at > timezone.now()
    assert (rows[finished.pk].state, rows[finished.pk].attempts) == ("sent", 1)
    logged = MessageLog.objects.filter(direction="sent").values_list("message_id", flat=True)
    assert list(logged) == [sent.message_id]
    assert [(d[0], d[2]) for d in recorded["deliveries"]] == [
        ("t:1", True),
        ("t:2", False),
        ("t:3", False),
    ]


def test_a_listener_failing_on_one_message_holds_back_no_other_of_its_batch(recorded):
    """The batch's transaction fails, and each outcome is recorded again on its own: the
    others are recorded, the failing one stays claimed (due again when its lease ends) and
    its error is raised."""
    local_organ(HERE)
    claimed = _claimed_batch(3)

    def fails_on_the_second(deliveries):
        if any(d.source_ref == "t:2" for d in deliveries):
            raise RuntimeError("the documents app failed")

    registry.register_delivery_listener(fails_on_the_second)
    try:
        with pytest.raises(RuntimeError, match="documents app"):
            outbox.record([(m, _sent(m)) for m in claimed])
    finally:
        registry.unregister_delivery_listener(fails_on_the_second)
    states = [OutboxMessage.objects.get(pk=m.pk).state for m in claimed]
    assert states == ["sent", "pending", "sent"]
    assert MessageLog.objects.filter(direction="sent").count() == 2
    assert messagelog.verify().ok
