"""The apply worker: what the inbox accepted is applied once, refused with a status back to
the sender, retried after a system error, dead and replayed; retention keeps what waits."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tinhso.exchange import applying, edxml, messagelog, outbox, registry
from tinhso.exchange.edxml import BusinessDocType, ErrorCode, StatusCode
from tinhso.exchange.models import InboxMessage, MessageLog, OutboxMessage
from tinhso.exchange.tests.nodes import (
    HERE,
    THERE,
    document_package,
    post,
    signed,
)

pytestmark = pytest.mark.django_db
State = InboxMessage.State


def accept(client, package, identity) -> InboxMessage:
    response = post(client, signed(package, identity))
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted"
    return InboxMessage.objects.get(message_id=response.json()["message_id"])


def refusing(code: ErrorCode, message: str):
    def handler(package, message_id, *organ_ids):
        InboxMessage.objects.update(result={"half": "written"})  # rolled back with the refusal
        raise registry.Refused(code, message)

    return handler


def test_an_accepted_package_is_applied_once_by_the_worker(client, peer, calls, stranger):
    row = accept(client, document_package(), stranger)
    assert (row.state, row.attempts, calls) == (State.ACCEPTED, 0, [])
    assert applying.apply_due() == {"applied": 1, "refused": 0, "failed": 0, "dead": 0}
    row.refresh_from_db()
    assert (row.state, row.attempts, row.result) == (State.APPLIED, 1, {"code": 0, "incoming": [1]})
    assert row.applied_at is not None and row.next_attempt_at is None
    assert calls == [(document_package().header.document_id, str(row.message_id), [HERE])]
    # Applying again, by the worker or directly, changes nothing.
    assert applying.apply_due()["applied"] == 0
    assert applying.apply_one(row.pk).state == State.APPLIED
    assert len(calls) == 1


def test_a_refusal_after_acceptance_is_told_to_the_sender_with_02(client, peer, calls, stranger):
    registry.register_document_handler(
        refusing(ErrorCode.FILE_PROCESSING, "the attachment is not a PDF")
    )
    row = accept(client, document_package(), stranger)
    assert applying.apply_due()["refused"] == 1
    row.refresh_from_db()
    assert row.state == State.REFUSED
    assert row.result == {"code": 21, "message": "the attachment is not a PDF", "told": 1}
    status = OutboxMessage.objects.get(kind="status")
    assert status.recipient_id == THERE  # the DocumentId's organ: the sender
    package = edxml.parse(bytes(status.data))
    assert package.status_code == StatusCode.REFUSED
    assert package.from_.organ_id == HERE
    assert package.response_for.document_id == document_package().header.document_id
    assert package.description == "21: the attachment is not a PDF"
    entry = MessageLog.objects.filter(direction="refused").get()
    assert (entry.code, entry.message_id, entry.package_in) == (21, row.message_id, "")
    assert entry.package_sha256 == row.sha256
    assert messagelog.verify().ok
    assert applying.apply_due()["refused"] == 0  # final


def test_a_refused_revoke_is_answered_16(client, peer, calls, stranger):
    registry.register_document_handler(refusing(ErrorCode.NOT_CONFORMANT, "no such document"))
    original = document_package()
    header = dataclasses.replace(
        original.header, response_for=(edxml.ResponseFor(original.header.document_id),)
    )
    revoke = dataclasses.replace(
        original,
        header=header,
        business=edxml.Business(doc_type=BusinessDocType.REVOKE, reason="Ban hành nhầm"),
        attachments=(),
    )
    accept(client, revoke, stranger)
    assert applying.apply_due()["refused"] == 1
    package = edxml.parse(bytes(OutboxMessage.objects.get(kind="status").data))
    assert package.status_code == StatusCode.TAKE_BACK_REFUSED
    assert package.response_for.document_id == original.header.document_id


def test_a_refused_status_is_not_answered(client, peer, stranger):
    previous = registry.status_handler()
    registry.register_status_handler(refusing(ErrorCode.NOT_CONFORMANT, "no document"))
    try:
        status = edxml.StatusPackage(
            response_for=edxml.ResponseFor(edxml.DocumentId(HERE, timezone.now().date(), "1", "X")),
            from_=edxml.Organization(THERE, "Bộ Nội vụ"),
            status_code=StatusCode.ARRIVED,
            timestamp=timezone.localtime().replace(tzinfo=None, microsecond=0),
        )
        row = accept(client, status, stranger)
        assert applying.apply_due()["refused"] == 1
    finally:
        registry.register_status_handler(previous)
    row.refresh_from_db()
    assert (row.state, row.result["told"]) == (State.REFUSED, 0)
    assert not OutboxMessage.objects.exists()


def test_a_system_error_is_retried_with_backoff_then_dead_and_replayed(
    client, peer, calls, stranger, settings
):
    def fail(package, message_id, organ_ids):
        InboxMessage.objects.update(result={"half": "written"})
        raise RuntimeError("database gone")

    registry.register_document_handler(fail)
    settings.EXCHANGE_MAX_ATTEMPTS = 2
    row = accept(client, document_package(), stranger)
    assert applying.apply_due()["failed"] == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.result) == (State.FAILED, 1, {})
    assert "database gone" in row.last_error
    assert row.next_attempt_at > timezone.now()  # backoff: not due in this round
    assert applying.apply_due()["failed"] == 0
    later = row.next_attempt_at + timedelta(seconds=1)
    assert [r.pk for r in applying.claim(at=later)] == [row.pk]
    assert applying.apply_one(row.pk).state == State.DEAD
    assert not applying.due(at=later + timedelta(days=2)).exists()
    registry.register_document_handler(lambda p, m, o: {"incoming": [7]})
    call_command("exchange", "replay", str(row.message_id))
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.ACCEPTED, 0)
    call_command("exchange", "apply")
    row.refresh_from_db()
    assert (row.state, row.result) == (State.APPLIED, {"code": 0, "incoming": [7]})
    with pytest.raises(ValueError, match="applied, not dead or failed"):
        applying.replay(row=row)


def test_a_claimed_row_is_left_to_its_worker_until_the_lease_ends(client, peer, calls, stranger):
    first = accept(client, document_package(number="1"), stranger)
    second = accept(client, document_package(number="2"), stranger)
    assert [r.pk for r in applying.claim()] == [first.pk]
    assert [r.pk for r in applying.claim()] == [second.pk]  # the first is leased
    assert applying.claim() == []
    after_lease = timezone.now() + timedelta(seconds=applying.LEASE_SECONDS + 1)
    assert {r.pk for r in applying.claim(limit=5, at=after_lease)} == {first.pk, second.pk}


def test_a_round_leaves_the_rest_of_a_batch_whose_lease_runs_out(
    client, peer, calls, stranger, monkeypatch
):
    rows = [accept(client, document_package(number=str(n)), stranger) for n in (1, 2, 3)]
    clock = iter([0.0, 1.0, applying.LEASE_SECONDS])  # the second would start too late
    monkeypatch.setattr(outbox.time, "monotonic", lambda: next(clock))
    assert applying.apply_due(batch=3)["applied"] == 1
    states = [InboxMessage.objects.get(pk=r.pk).state for r in rows]
    assert states == [State.APPLIED, State.ACCEPTED, State.ACCEPTED]
    after = timezone.now() + timedelta(seconds=applying.LEASE_SECONDS + 1)
    assert [r.pk for r in applying.claim(limit=5, at=after)] == [r.pk for r in rows[1:]]


def test_retention_keeps_the_entry_of_a_package_not_yet_applied(client, peer, calls, stranger):
    row = accept(client, document_package(), stranger)
    later = timezone.now() + timedelta(days=400)
    assert messagelog.prune(days=1, now=later).deleted == 0
    assert MessageLog.objects.filter(seq=row.log_seq).exists()
    applying.apply_due()
    assert messagelog.prune(days=1, now=later).deleted == 1
    assert messagelog.verify().ok


def test_the_worker_command_applies_then_sends(client, peer, calls, stranger):
    accept(client, document_package(), stranger)
    from io import StringIO

    out = StringIO()
    call_command("exchange", "send", stdout=out)
    assert out.getvalue().startswith("apply: 1 applied, 0 refused, 0 failed, 0 dead; send: ")
    out = StringIO()
    call_command("exchange", "inbox", stdout=out)
    assert "\taccepted\tnow applied\tcode 0\t" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_rows_received_before_the_upgrade_count_as_applied():
    """Before 0005 a package was applied when it was received: its row becomes `applied`, so
    the worker never applies it again."""
    import uuid

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("exchange", "0004_postal")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    Old = executor.loader.project_state(before).apps.get_model("exchange", "InboxMessage")
    old = Old.objects.create(
        message_id=uuid.uuid4(), kind="document", sender_id=THERE, sha256="0" * 64, result={"a": 1}
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    row = InboxMessage.objects.get(pk=old.pk)
    assert (row.state, row.attempts, row.log_seq, row.result) == (State.APPLIED, 0, None, {"a": 1})
    assert not applying.due().exists()
    assert InboxMessage._meta.get_field("state").default == State.ACCEPTED


def test_a_round_keeps_each_rows_outcome_apart(client, peer, calls, stranger):
    """One claimed batch, each row in its own transaction: one applied, one failing (its
    half-written work rolled back, retried later), one refused (told to its sender, its log
    entry appended last, the chain sound)."""

    def handler(package, message_id, organ_ids):
        number = package.header.code.number
        if number == "2":
            InboxMessage.objects.update(result={"half": "written"})
            raise RuntimeError("database gone")
        if number == "3":
            raise registry.Refused(ErrorCode.FILE_PROCESSING, "the attachment is not a PDF")
        return {"incoming": [int(number)]}

    registry.register_document_handler(handler)
    rows = [accept(client, document_package(number=str(n)), stranger) for n in (1, 2, 3)]
    assert applying.apply_due(batch=3) == {"applied": 1, "refused": 1, "failed": 1, "dead": 0}
    after = {r.pk: r for r in InboxMessage.objects.all()}
    assert [(after[r.pk].state, after[r.pk].attempts) for r in rows] == [
        (State.APPLIED, 1),
        (State.FAILED, 1),
        (State.REFUSED, 1),
    ]
    assert after[rows[0].pk].result == {"code": 0, "incoming": [1]}
    assert after[rows[1].pk].result == {}
    assert "database gone" in after[rows[1].pk].last_error
    refused = MessageLog.objects.get(direction="refused")
    assert refused.message_id == rows[2].message_id and refused.code == 21
    assert OutboxMessage.objects.filter(kind="status").count() == 1  # 02 to the sender
    assert messagelog.verify().ok
