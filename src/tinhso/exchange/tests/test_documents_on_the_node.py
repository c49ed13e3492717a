"""End to end through the documents app's glue (documents/exchange_glue.py): an issued
document's distribution writes the outbox in its transaction, the worker POSTs the package to
a peer over real HTTP (the live server on loopback), the receiver makes it an incoming
document, and its statuses come back to the sender's recipient line.

One process plays both nodes here (one database): peer "node-b" serves the ministry and is
called by node A; the row "node-a" is how node B knows node A (its key, its certificate).
"""

from __future__ import annotations

import pytest
from django.db import transaction

from tinhso.directory.tests.factories import OfficialFactory
from tinhso.documents import services
from tinhso.documents.models import IncomingDocument, Recipient
from tinhso.documents.tests.conftest import (  # noqa: F401 (fixtures)
    _media,
    _no_signing_backend,
    issued,
    org,
)
from tinhso.exchange import applying, edxml, node, outbox
from tinhso.exchange.models import InboxMessage, OutboxMessage
from tinhso.exchange.tests.nodes import local_organ, make_peer

MINISTRY = "000.00.00.G10"  # "Bộ Nội vụ", the exchange recipient of the conftest's draft
PROVINCE = "000.00.00.H33"
KEY = "node-a-key-for-node-b-0123456789abcdef"


def test_a_rolled_back_distribution_leaves_no_message(org, db):  # noqa: F811
    document = issued(org)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.distribute(document=document, actor=org["clerk"].user)
        assert OutboxMessage.objects.count() == 1  # written in the distributing transaction
        raise RuntimeError("crash before commit")
    assert OutboxMessage.objects.count() == 0
    assert Recipient.objects.get(identifier=MINISTRY).status == "pending"


def test_the_outbox_message_is_the_signed_package_of_the_document(org, db):  # noqa: F811
    document = issued(org)
    services.distribute(document=document, actor=org["clerk"].user)
    message = OutboxMessage.objects.get()
    line = Recipient.objects.get(identifier=MINISTRY)
    assert (message.kind, message.recipient_id, message.sender_id, message.state) == (
        "document",
        MINISTRY,
        PROVINCE,
        "pending",
    )
    assert message.source_ref == f"documents.recipient:{line.pk}"
    package = edxml.read(bytes(message.data), certificate=node.identity().certificate)
    document.refresh_from_db()
    assert str(package.header.document_id) == (
        f"{PROVINCE},{document.issued_on:%Y/%m/%d},{document.notation}"
    )
    assert [t.organ_id for t in package.header.to] == [MINISTRY]
    assert package.header.subject == document.summary
    assert [a.name for a in package.attachments] == ["du-thao.pdf"]
    assert message.document_id == str(package.header.document_id)


def test_a_document_goes_over_http_and_its_statuses_come_back(org, live_server, settings):  # noqa: F811
    me = node.identity()
    make_peer("node-b", identity=me, organs=[MINISTRY], key="unused", url=live_server.url)
    # As node B sees node A: it calls with KEY and speaks for the province (and, one process
    # playing both nodes, for the ministry's statuses too).
    make_peer("node-a", identity=me, organs=[PROVINCE, MINISTRY], key=KEY, url=live_server.url)
    settings.EXCHANGE_PEER_KEYS = {"node-b": KEY, "node-a": KEY}
    document = issued(org)
    services.distribute(document=document, actor=org["clerk"].user)
    ministry = local_organ(MINISTRY, "Bộ Nội vụ")  # node B's organ
    line = Recipient.objects.get(identifier=MINISTRY)
    assert line.status == "queued"

    assert outbox.send_due() == {"sent": 1, "failed": 0, "dead": 0}
    message = OutboxMessage.objects.get(kind="document")
    line.refresh_from_db()
    assert (line.status, line.exchange_ref, line.error) == ("sent", str(message.message_id), "")
    # Node B accepted it; its worker applies it.
    assert not IncomingDocument.objects.filter(organ=ministry).exists()
    assert applying.apply_due()["applied"] == 1
    incoming = IncomingDocument.objects.get(organ=ministry)
    assert (incoming.source, incoming.exchange_ref, incoming.sender_identifier) == (
        "exchange",
        str(message.message_id),
        PROVINCE,
    )
    assert incoming.summary == document.summary
    assert incoming.files.count() == 1
    status = OutboxMessage.objects.get(kind="status")
    assert (status.recipient_id, status.peer.name, status.state) == (PROVINCE, "node-a", "pending")

    assert outbox.send_due() == {"sent": 1, "failed": 0, "dead": 0}
    assert applying.apply_due()["applied"] == 1
    line.refresh_from_db()
    assert line.status_code == "01"

    # The ministry's clerk registers it: status 03 goes back the same way.
    clerk = OfficialFactory(organ=ministry, roles=[("clerk", ministry, False)])
    services.register_incoming(incoming=incoming, actor=clerk.user)
    assert outbox.send_due()["sent"] == 1
    assert applying.apply_due()["applied"] == 1
    line.refresh_from_db()
    assert line.status_code == "03"
    assert InboxMessage.objects.filter(kind="status").count() == 2
    # Sending everything again changes nothing: each package was applied once.
    for sent in OutboxMessage.objects.all():
        OutboxMessage.objects.filter(pk=sent.pk).update(state="pending")
    outbox.send_due()
    assert applying.apply_due()["applied"] == 0
    assert IncomingDocument.objects.filter(organ=ministry).count() == 1
    assert InboxMessage.objects.count() == 3


def test_a_package_refused_after_acceptance_comes_back_as_02_with_its_reason(
    org,  # noqa: F811
    live_server,
    settings,
    client,
):
    """Node B accepted the document, then could not take it (its handler refused the file):
    the sender's line shows 02 with the LGSP code and reason, as a clerk's refusal would."""
    from tinhso.exchange import registry
    from tinhso.exchange.edxml import ErrorCode

    me = node.identity()
    make_peer("node-b", identity=me, organs=[MINISTRY], key="unused", url=live_server.url)
    make_peer("node-a", identity=me, organs=[PROVINCE, MINISTRY], key=KEY, url=live_server.url)
    settings.EXCHANGE_PEER_KEYS = {"node-b": KEY, "node-a": KEY}
    document = issued(org)
    services.distribute(document=document, actor=org["clerk"].user)
    local_organ(MINISTRY, "Bộ Nội vụ")
    line = Recipient.objects.get(identifier=MINISTRY)
    documents_handler = registry.document_handler()

    def refuse(package, message_id, organ_ids):
        raise registry.Refused(ErrorCode.FILE_PROCESSING, "tệp đính kèm không đọc được")

    registry.register_document_handler(refuse)
    try:
        assert outbox.send_due() == {"sent": 1, "failed": 0, "dead": 0}  # accepted
        assert applying.apply_due()["refused"] == 1
    finally:
        registry.register_document_handler(documents_handler)
    assert outbox.send_due()["sent"] == 1  # the 02, back to node A
    assert applying.apply_due()["applied"] == 1
    line.refresh_from_db()
    assert (line.status, line.status_code) == ("sent", "02")
    assert line.status_note == "21: tệp đính kèm không đọc được"
    assert not IncomingDocument.objects.filter(exchange_ref=line.exchange_ref).exists()
    client.force_login(org["clerk"].user)  # the sender's clerk sees the reason on the page
    page = client.get(f"/backoffice/van-ban/di/{document.pk}/").content.decode()
    assert "02: 21: tệp đính kèm không đọc được" in page
