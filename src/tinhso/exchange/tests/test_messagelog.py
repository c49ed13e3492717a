"""The hash-chained message log: what is logged (sent, received, duplicate, refused), nothing
logged for a rolled-back outcome, concurrent appends, tampering found by verify-log, and
retention that keeps the kept entries verifiable."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from tinhso.core import periodic
from tinhso.core.models import AuditEntry
from tinhso.exchange import applying, messagelog, outbox, registry
from tinhso.exchange.edxml import ErrorCode
from tinhso.exchange.models import GENESIS, InboxMessage, MessageLog, MessageLogHead, OutboxMessage
from tinhso.exchange.tests.nodes import (
    HERE,
    THERE,
    document_package,
    local_organ,
    post,
    signed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def handlers():
    """Recording handlers in place of the documents app's; `refuse` makes the next document
    refused by the handler."""
    state: dict = {"documents": [], "refuse": None}
    previous = registry.document_handler()

    def on_document(package, message_id, organ_ids):
        if state["refuse"]:
            raise registry.Refused(state["refuse"], "the register is closed")
        state["documents"].append(message_id)
        return {"incoming": [len(state["documents"])]}

    registry.register_document_handler(on_document)
    yield state
    registry.register_document_handler(previous)


def rows() -> list[tuple]:
    return list(
        MessageLog.objects.order_by("seq").values_list("seq", "direction", "code", "package_in")
    )


def sent_and_received() -> OutboxMessage:
    """A document from an organ of this node to another of its organs, delivered in process:
    a `received` entry (the in-process receipt commits first), then a `sent` entry."""
    local_organ(HERE)
    message = outbox.enqueue(package=document_package(sender=HERE, to=HERE), recipient_id=HERE)
    assert outbox.send_due()["sent"] == 1
    return message


def sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


# --- What is logged ---------------------------------------------------------------------------


def test_a_delivered_message_is_logged_sent_and_received_in_one_chain(handlers):
    message = sent_and_received()
    received, sent = MessageLog.objects.order_by("seq")
    data = bytes(message.data)
    digest = hashlib.sha256(data).hexdigest()
    assert (sent.seq, sent.direction, sent.package_in, sent.data) == (2, "sent", "outbox", None)
    assert (sent.message_id, sent.kind, sent.sender_id, sent.recipient_id, sent.peer) == (
        message.message_id,
        "document",
        HERE,
        HERE,
        "",
    )
    assert (sent.package_sha256, sent.size, sent.code) == (digest, len(data), 0)
    assert sent.document_id == message.document_id
    assert (received.seq, received.direction, received.package_in) == (1, "received", "log")
    assert bytes(received.data) == data
    assert (received.message_id, received.package_sha256) == (message.message_id, digest)
    assert received.detail == "accepted"
    assert '"incoming": [1]' in sent.detail  # applied at once: delivered in process
    assert (received.prev_hash, sent.prev_hash) == (GENESIS, received.chain_hash)
    assert sent.chain_hash == messagelog.chain_hash(received.chain_hash, sent)
    head = MessageLogHead.objects.get()
    assert (head.last_seq, head.last_hash) == (2, sent.chain_hash)
    assert messagelog.verify().ok


def test_refusals_and_a_repeat_are_logged_with_their_code(client, peer, handlers, node, stranger):
    good = signed(document_package(), stranger)
    assert post(client, good).status_code == 200
    assert applying.apply_due()["applied"] == 1
    assert post(client, good).json()["duplicate"] is True
    forged = signed(document_package(number="13"), node)  # not the peer's certificate
    assert post(client, forged).json()["code"] == 15
    nowhere = signed(document_package(number="14", to="000.00.00.H40"), stranger)
    assert post(client, nowhere).json()["code"] == 18
    handlers["refuse"] = ErrorCode.RECEIVER_LOCKED
    refused = signed(document_package(number="15"), stranger)
    assert post(client, refused).json()["state"] == "accepted"
    assert applying.apply_due() == {"applied": 0, "refused": 1, "failed": 0, "dead": 0}
    assert rows() == [
        (1, "received", 0, "log"),
        (2, "duplicate", 0, ""),
        (3, "refused", 15, "log"),
        (4, "refused", 18, "log"),
        (5, "received", 0, "log"),
        (6, "refused", 23, ""),  # when applied: its bytes are in #5
    ]
    entries = list(MessageLog.objects.order_by("seq"))
    assert entries[1].message_id == entries[0].message_id
    assert entries[1].package_sha256 == hashlib.sha256(good).hexdigest()
    assert bytes(entries[2].data) == forged
    assert (entries[3].recipient_id, entries[3].sender_id) == ("000.00.00.H40", THERE)
    assert entries[5].detail == "refused when applied (accepted as #5): the register is closed"
    assert entries[5].package_sha256 == entries[4].package_sha256
    assert {e.peer for e in entries} == {"bo-noi-vu"}
    # Nothing of a package refused at receipt but its entry; one refused when applied keeps
    # its row (the message id answers a repeat).
    assert list(InboxMessage.objects.order_by("pk").values_list("state", flat=True)) == [
        "applied",
        "refused",
    ]
    assert messagelog.verify().ok


def test_a_package_too_large_is_logged_unread(client, peer, settings, monkeypatch):
    from tinhso.exchange import edxml

    monkeypatch.setattr(edxml, "LIMITS", edxml.Limits(max_package_bytes=100))
    response = post(client, b"<x>" + b"a" * 200 + b"</x>")
    assert response.status_code == 413
    entry = MessageLog.objects.get()
    assert (entry.direction, entry.code, entry.package_in, entry.data) == ("refused", 10, "", None)
    assert (entry.size, entry.package_sha256) == (len(b"<x>" + b"a" * 200 + b"</x>"), "")


def test_an_outcome_rolled_back_leaves_no_entry(handlers):
    local_organ(HERE)
    message = outbox.enqueue(package=document_package(sender=HERE, to=HERE), recipient_id=HERE)

    def broken_listener(deliveries):
        raise RuntimeError("the documents app failed")

    registry.register_delivery_listener(broken_listener)
    try:
        message.source_ref = "t:1"
        OutboxMessage.objects.filter(pk=message.pk).update(source_ref="t:1")
        with pytest.raises(RuntimeError):
            outbox.send_one(OutboxMessage.objects.get(pk=message.pk))
    finally:
        registry.unregister_delivery_listener(broken_listener)
    message.refresh_from_db()
    assert message.state == "pending"
    # The in-process receipt committed on its own (the receiver's side), the send did not.
    assert rows() == [(1, "received", 0, "log")]
    assert MessageLogHead.objects.get().last_seq == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        messagelog.append(direction="refused", code=20, detail="rolled back")
        raise RuntimeError("the caller failed")
    assert rows() == [(1, "received", 0, "log")]
    assert MessageLogHead.objects.get().last_seq == 1
    assert messagelog.verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_make_one_chain():
    threads, each = 6, 10
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def worker(index: int) -> None:
        try:
            start.wait()
            for n in range(each):
                with transaction.atomic():
                    messagelog.append(direction="refused", code=20, detail=f"{index}/{n}")
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    assert not errors, errors
    assert list(MessageLog.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, threads * each + 1)
    )
    assert len(set(MessageLog.objects.values_list("prev_hash", flat=True))) == threads * each
    result = messagelog.verify()
    assert (result.ok, result.checked) == (True, threads * each)


# --- verify-log -------------------------------------------------------------------------------


@pytest.fixture
def chain(handlers):
    """Five entries: received, sent (×2 messages) and a refusal."""
    sent_and_received()
    outbox.enqueue(package=document_package(sender=HERE, to=HERE, number="2"), recipient_id=HERE)
    outbox.send_due()
    messagelog.append(
        direction="refused", code=22, detail="not edXML", data=b"<a/>", package_in="log"
    )
    assert rows() == [
        (1, "received", 0, "log"),
        (2, "sent", 0, "outbox"),
        (3, "received", 0, "log"),
        (4, "sent", 0, "outbox"),
        (5, "refused", 22, "log"),
    ]


def verify_fails(capsys) -> str:
    with pytest.raises(CommandError, match="does not verify"):
        call_command("exchange", "verify-log")
    return capsys.readouterr().out


def test_an_untouched_log_verifies(chain, capsys):
    call_command("exchange", "verify-log")
    out = capsys.readouterr().out
    assert out.startswith("OK: 5 entries (#1–#5), 5 packages re-hashed")


def test_a_changed_field_is_found(chain, capsys):
    sql("UPDATE exchange_messagelog SET sender_id = %s WHERE seq = 3", ["000.00.00.G99"])
    out = verify_fails(capsys)
    assert "first problem at #3: its fields do not give its chain hash" in out
    problems = messagelog.verify().problems
    assert [p.seq for p in problems] == [3]


def test_a_changed_code_in_a_refusal_is_found(chain, capsys):
    sql("UPDATE exchange_messagelog SET code = 0 WHERE seq = 5", [])
    assert "first problem at #5: its fields do not give its chain hash" in verify_fails(capsys)


def test_a_changed_package_byte_is_found_in_the_log_and_in_the_outbox(chain, capsys):
    kept = bytearray(MessageLog.objects.get(seq=3).data)
    kept[10] ^= 1
    sql("UPDATE exchange_messagelog SET data = %s WHERE seq = 3", [bytes(kept)])
    out = verify_fails(capsys)
    assert "first problem at #3: the package kept in the log was altered" in out
    message_id = MessageLog.objects.get(seq=4).message_id
    sent = bytearray(OutboxMessage.objects.get(message_id=message_id).data)
    sent[-3] ^= 1
    sql(
        "UPDATE exchange_outboxmessage SET data = %s WHERE message_id = %s",
        [bytes(sent), message_id.hex if connection.vendor == "sqlite" else message_id],
    )
    problems = [str(p) for p in messagelog.verify().problems]
    assert len(problems) == 2
    assert problems[1].startswith("#4: the package on the outbox row was altered")


def test_a_deleted_entry_in_the_middle_is_found(chain, capsys):
    sql("DELETE FROM exchange_messagelog WHERE seq = 3", [])
    out = verify_fails(capsys)
    assert "first problem at #4: expected entry #3 here: entries are missing" in out
    assert "#4: previous hash" in out


def test_a_deleted_last_entry_is_found_by_the_head(chain, capsys):
    sql("DELETE FROM exchange_messagelog WHERE seq = 5", [])
    assert "the head names entry #5" in verify_fails(capsys)


def test_verification_from_an_entry_checks_from_there(chain, capsys):
    sql("UPDATE exchange_messagelog SET detail = %s WHERE seq = 1", ["changed"])
    assert not messagelog.verify().ok
    call_command("exchange", "verify-log", "--from", "2")
    assert capsys.readouterr().out.startswith("OK: 4 entries (#2–#5)")


# --- Retention --------------------------------------------------------------------------------


def entries_at(monkeypatch, days_ago: list[int]) -> dt.datetime:
    now = timezone.now()
    times = iter(now - dt.timedelta(days=d) for d in days_ago)
    monkeypatch.setattr(messagelog.timezone, "now", lambda: next(times))
    for n in range(len(days_ago)):
        messagelog.append(direction="refused", code=20, detail=f"entry {n}")
    monkeypatch.undo()
    return now


def test_retention_deletes_the_old_prefix_and_the_rest_still_verifies(monkeypatch, capsys):
    now = entries_at(monkeypatch, [40, 35, 31, 20, 32, 1])  # the clock went back at #5
    pruned = messagelog.prune(days=30, now=now)
    assert (pruned.deleted, pruned.anchor_seq, pruned.refused) == (3, 3, "")
    assert list(MessageLog.objects.order_by("seq").values_list("seq", flat=True)) == [4, 5, 6]
    head = MessageLogHead.objects.get()
    assert (head.anchor_seq, head.last_seq) == (3, 6)
    assert AuditEntry.objects.filter(action="exchange.log_pruned").count() == 1
    call_command("exchange", "verify-log")
    assert capsys.readouterr().out.startswith("OK: 3 entries (#4–#6)")
    assert messagelog.prune(days=30, now=now).deleted == 0  # idempotent
    sql("DELETE FROM exchange_messagelog WHERE seq = 4", [])  # the oldest kept one
    assert "expected entry #4 here" in verify_fails(capsys)


def test_retention_keeps_a_broken_prefix(monkeypatch):
    now = entries_at(monkeypatch, [40, 35, 1])
    sql("UPDATE exchange_messagelog SET detail = %s WHERE seq = 1", ["changed"])
    pruned = messagelog.prune(days=30, now=now)
    assert (pruned.deleted, pruned.anchor_seq) == (0, 0)
    assert pruned.refused.startswith("#1: its fields do not give its chain hash")
    assert MessageLog.objects.count() == 3
    assert AuditEntry.objects.filter(action="exchange.log_prune_refused").count() == 1


def test_retention_of_everything_and_the_periodic_job(monkeypatch, settings):
    entries_at(monkeypatch, [400, 380])
    settings.EXCHANGE_LOG_RETENTION_DAYS = 365
    job = {j.name: j for j in periodic.jobs()}["exchange.log_retention"]
    assert job.every_seconds == 86400
    assert periodic.run_job(job) == (True, "2 deleted, oldest kept after #2")
    assert messagelog.verify().ok
    entry = messagelog.append(direction="refused", code=20)
    assert (entry.seq, entry.prev_hash) == (3, MessageLogHead.objects.get().anchor_hash)
    assert messagelog.verify().ok


# --- The inbox command ------------------------------------------------------------------------


def test_the_inbox_command_lists_received_packages(client, peer, handlers, node, stranger, capsys):
    assert post(client, signed(document_package(), stranger)).status_code == 200
    assert post(client, signed(document_package(number="13"), node)).status_code == 401
    call_command("exchange", "inbox")
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "2 package(s)"
    assert lines[0].split("\t")[0] == "#2"
    assert lines[0].split("\t")[7:10] == ["refused", "now -", "code 15"]
    first = lines[1].split("\t")
    assert first[3:9] == [
        "000.00.00.G10",
        "bo-noi-vu",
        "document",
        first[6],
        "accepted",
        "now accepted",
    ]
    assert first[6] == f"{THERE},2020/11/03,12/BNV-VP"
    applying.apply_due()
    call_command("exchange", "inbox", "--state", "accepted")
    assert "\taccepted\tnow applied\tcode 0\t" in capsys.readouterr().out
    call_command("exchange", "inbox", "--state", "refused", "--limit", "5")
    out = capsys.readouterr().out
    assert out.endswith("1 package(s)\n")
    assert "accepted" not in out
