"""The apply worker's batches (applying.apply_batch): new document packages a worker claims
together are applied by the documents' batch handler in one transaction, with the same rows
as one by one; a package the documents app refuses makes the batch fall back to one by one,
so that it holds back no other."""

from __future__ import annotations

import pytest

from tinhso.core.models import AuditEntry
from tinhso.directory.models import Organ
from tinhso.documents import exchange_glue, services
from tinhso.documents.models import DocumentEvent, DocumentFile, IncomingDocument, SearchEntry
from tinhso.documents.services import DocumentError, ExchangeArrival, IncomingItem
from tinhso.exchange import applying, edxml, registry
from tinhso.exchange.models import InboxMessage, OutboxMessage
from tinhso.exchange.tests.nodes import HERE, THERE, document_package
from tinhso.exchange.tests.test_applying import accept

pytestmark = pytest.mark.django_db
State = InboxMessage.State


@pytest.fixture
def batches():
    """The documents' batch handler, its calls recorded."""
    seen: list[int] = []

    def spy(items):
        seen.append(len(items))
        return exchange_glue.receive_documents(items)

    registry.register_document_handler(
        exchange_glue.receive_document, batch=spy, prepare=exchange_glue.prepare_documents
    )
    yield seen
    registry.register_document_handler(
        exchange_glue.receive_document,
        batch=exchange_glue.receive_documents,
        prepare=exchange_glue.prepare_documents,
    )


def test_new_documents_are_applied_together_with_the_rows_of_one_by_one(
    client, peer, stranger, batches
):
    rows = [accept(client, document_package(number=str(n)), stranger) for n in (1, 2, 3)]
    assert applying.apply_due() == {"applied": 3, "refused": 0, "failed": 0, "dead": 0}
    assert batches == [3]
    here = Organ.objects.get(identifiers__value=HERE)
    for n, row in zip((1, 2, 3), rows, strict=True):
        row.refresh_from_db()
        incoming = IncomingDocument.objects.get(exchange_ref=str(row.message_id))
        assert (row.state, row.attempts, row.result) == (
            State.APPLIED,
            1,
            {"code": 0, "incoming": [incoming.pk]},
        )
        assert (incoming.organ, incoming.state, incoming.version, incoming.source) == (
            here,
            "arrived",
            1,
            "exchange",
        )
        assert (incoming.sender_identifier, incoming.sender_notation) == (THERE, f"{n}/BNV-VP")
        assert [e.action for e in DocumentEvent.objects.filter(incoming=incoming)] == ["arrive"]
        assert DocumentFile.objects.get(incoming=incoming).original_name == "cv.pdf"
        assert SearchEntry.objects.filter(incoming=incoming).count() == 1
        assert AuditEntry.objects.filter(
            action="incoming_document.arrive", object_id=str(incoming.pk)
        ).exists()
        assert AuditEntry.objects.filter(action="exchange.applied", object_id=str(row.pk)).exists()
    statuses = OutboxMessage.objects.filter(kind="status").order_by("pk")
    assert [(m.recipient_id, m.sender_id) for m in statuses] == [(THERE, HERE)] * 3
    read = [edxml.parse(bytes(m.data)) for m in statuses]
    assert [p.status_code.value for p in read] == ["01"] * 3
    assert [p.response_for.document_id.number for p in read] == ["1", "2", "3"]
    assert AuditEntry.objects.filter(action="exchange.enqueued").count() == 3
    # Applying again changes nothing.
    assert applying.apply_due()["applied"] == 0
    assert IncomingDocument.objects.count() == 3


def test_a_package_refused_in_a_batch_holds_back_no_other(client, peer, stranger, batches):
    bad = document_package(number="2")
    bad = bad.__class__(
        header=bad.header,
        traces=bad.traces,
        attachments=(edxml.Attachment("cv.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),),
    )
    rows = [
        accept(client, package, stranger)
        for package in (document_package(number="1"), bad, document_package(number="3"))
    ]
    assert applying.apply_due() == {"applied": 2, "refused": 1, "failed": 0, "dead": 0}
    assert batches == [3]  # tried together, rolled back, then one by one
    states = [InboxMessage.objects.get(pk=row.pk).state for row in rows]
    assert states == [State.APPLIED, State.REFUSED, State.APPLIED]
    assert InboxMessage.objects.get(pk=rows[1].pk).result["code"] == 21
    assert IncomingDocument.objects.count() == 2
    codes = sorted(
        edxml.parse(bytes(m.data)).status_code.value
        for m in OutboxMessage.objects.filter(kind="status")
    )
    assert codes == ["01", "01", "02"]


def test_a_single_row_or_another_kind_of_package_goes_one_by_one(client, peer, stranger, batches):
    accept(client, document_package(number="1"), stranger)
    assert applying.apply_due()["applied"] == 1
    assert batches == []


def _arrival(organ: Organ, ref: str) -> ExchangeArrival:
    item = IncomingItem(sender_name="Bộ Nội vụ", summary="V/v thử", files=[])
    return ExchangeArrival(organ, ref, item)


def test_the_batch_service_names_the_bad_field_and_writes_nothing(peer):
    here = Organ.objects.get(identifiers__value=HERE)
    bad = ExchangeArrival(here, "m-2", IncomingItem(sender_name="", summary="V/v thử"))
    with pytest.raises(DocumentError) as caught:
        services.receive_many_from_exchange([_arrival(here, "m-1"), bad, _arrival(here, " ")])
    assert set(caught.value.message_dict) == {"items.1.sender_name", "items.2.exchange_ref"}
    assert IncomingDocument.objects.count() == 0


def test_the_batch_service_gives_a_document_received_already(peer):
    here = Organ.objects.get(identifiers__value=HERE)
    first, created = services.receive_many_from_exchange([_arrival(here, "m-1")])[0]
    assert created
    again = services.receive_many_from_exchange([_arrival(here, "m-1"), _arrival(here, "m-2")])
    assert [(d.pk == first.pk, c) for d, c in again] == [(True, False), (False, True)]
    assert IncomingDocument.objects.count() == 2
