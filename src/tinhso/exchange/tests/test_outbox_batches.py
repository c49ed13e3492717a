"""The outbox posting batches to a Tỉnh Số peer (Peer.batch_size over 1) over real HTTP: the
live server on loopback plays the peer's batch inbox. One process plays both nodes (one
database): "node-b" is where node A posts, "node-a" is how node B knows node A."""

from __future__ import annotations

import pytest

from tinhso.exchange import messagelog, node, outbox, transport
from tinhso.exchange.models import InboxMessage, OutboxMessage
from tinhso.exchange.tests.nodes import HERE, THERE, document_package, local_organ, make_peer

KEY = "node-a-key-for-node-b-0123456789abcdef"
ELSEWHERE = "000.00.05.G10"  # served by node B by its row here, not one of its organs


@pytest.fixture
def two_nodes(live_server, settings, transactional_db):
    """Node B at the live server, taking batches of 3 from node A (this node)."""
    me = node.identity()
    node_b = make_peer(
        "node-b", identity=me, organs=[THERE, ELSEWHERE], key="unused", url=live_server.url
    )
    node_b.batch_size = 3
    node_b.save()
    make_peer("node-a", identity=me, organs=[HERE], key=KEY, url=live_server.url)
    settings.EXCHANGE_PEER_KEYS = {"node-b": KEY}
    local_organ(HERE)
    local_organ(THERE)  # node B's organ, in this one database
    return node_b


@pytest.fixture
def posts(monkeypatch):
    """The paths node A posts to, each request once."""
    seen: list[str] = []
    real = transport._exchange

    def recording(peer, path, body, headers):
        seen.append(path)
        return real(peer, path, body, headers)

    monkeypatch.setattr(transport, "_exchange", recording)
    return seen


def enqueue(*numbers: str, to: str = THERE) -> list[OutboxMessage]:
    return [
        outbox.enqueue(package=document_package(sender=HERE, to=to, number=number), recipient_id=to)
        for number in numbers
    ]


def test_messages_to_a_batching_peer_go_in_batches_of_its_size(two_nodes, posts):
    messages = enqueue("1", "2", "3", "4", "5")
    assert outbox.send_due(batch=10) == {"sent": 5, "failed": 0, "dead": 0}
    assert posts == [transport.BATCH_PATH, transport.BATCH_PATH]  # 3, then 2
    for message in messages:
        message.refresh_from_db()
        assert (message.state, message.attempts, message.last_code) == ("sent", 1, 0)
    received = set(InboxMessage.objects.values_list("message_id", flat=True))
    assert received == {m.message_id for m in messages}
    assert messagelog.verify().ok
    # Sent again (their outcomes lost, say): acknowledged as repeats, nothing received twice.
    OutboxMessage.objects.update(state="pending")
    assert outbox.send_due(batch=10)["sent"] == 5
    assert InboxMessage.objects.count() == 5


def test_a_refusal_in_a_batch_ends_only_its_own_message(two_nodes, posts):
    good, lost, also_good = enqueue("1"), enqueue("2", to=ELSEWHERE), enqueue("3")
    assert outbox.send_due(batch=10) == {"sent": 2, "failed": 0, "dead": 1}
    assert posts == [transport.BATCH_PATH]
    lost[0].refresh_from_db()
    assert (lost[0].state, lost[0].last_code) == ("dead", 18)
    assert "no receiving organ" in lost[0].last_error
    assert {m.message_id for m in good + also_good} == set(
        InboxMessage.objects.values_list("message_id", flat=True)
    )


def test_a_peer_without_a_batch_inbox_gets_them_one_by_one(two_nodes, posts, monkeypatch):
    real = transport._exchange

    def older_node(peer, path, body, headers):
        if path == transport.BATCH_PATH:
            posts.append(path)
            return 404, {"detail": "Not Found"}
        return real(peer, path, body, headers)

    monkeypatch.setattr(transport, "_exchange", older_node)
    enqueue("1", "2")
    assert outbox.send_due(batch=10) == {"sent": 2, "failed": 0, "dead": 0}
    assert posts == [transport.BATCH_PATH, transport.INBOX_PATH, transport.INBOX_PATH]
    assert InboxMessage.objects.count() == 2


def test_an_unreachable_batching_peer_fails_the_whole_batch_once(two_nodes, posts):
    two_nodes.base_url = "http://127.0.0.1:9"
    two_nodes.save()
    messages = enqueue("1", "2", "3")
    assert outbox.send_due(batch=10) == {"sent": 0, "failed": 3, "dead": 0}
    assert posts == [transport.BATCH_PATH]  # one connection tried, for the three
    for message in messages:
        message.refresh_from_db()
        assert (message.state, message.attempts, message.last_code) == ("failed", 1, 20)


def test_a_refused_batch_fails_every_message_with_its_code(two_nodes, posts, settings):
    settings.EXCHANGE_PEER_KEYS = {"node-b": "a-key-node-b-does-not-know-0123456789"}
    messages = enqueue("1", "2")
    assert outbox.send_due(batch=10) == {"sent": 0, "failed": 0, "dead": 2}  # 15 is permanent
    for message in messages:
        message.refresh_from_db()
        assert (message.state, message.last_code) == ("dead", 15)
        assert message.last_error.startswith("HTTP 401, 15")


def test_the_multipart_body_keeps_every_package_byte_for_byte():
    packages = [b"<a>\r\n--x\r\n</a>", b"", bytes(range(256))]
    body, content_type = transport.multipart(packages)
    boundary = content_type.split("boundary=")[1]
    parts = body.split(f"--{boundary}".encode())[1:-1]
    assert [part.split(b"\r\n\r\n", 1)[1][:-2] for part in parts] == packages
    assert body.endswith(f"--{boundary}--\r\n".encode())
