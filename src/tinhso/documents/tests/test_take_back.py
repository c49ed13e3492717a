"""Decree 30 corrections of sent documents on both sides: the issuing organ's clerk takes a
document back (revoke), a new document replaces an earlier one, a sender's update; between
two organs of this platform (in process) and across the exchange (edXML packages through the
outbox and the inbox, delivered in process to an organ on this node, and over HTTP), with
the answers 15/16 coming back to the sender's recipient lines."""

from __future__ import annotations

import dataclasses

import pytest

from tinhso.directory.models import OrganIdentifier
from tinhso.directory.tests.factories import OfficialFactory
from tinhso.documents import deadlines, selectors, services
from tinhso.documents.models import Document, DocumentEvent, IncomingDocument, Recipient
from tinhso.documents.tests.conftest import PDF, issued
from tinhso.exchange import applying, edxml, node, outbox
from tinhso.exchange.models import InboxMessage, OutboxMessage
from tinhso.exchange.tests.nodes import document_package, local_organ, make_peer
from tinhso.exchange.tests.nodes import signed as signed_package

MINISTRY = "000.00.00.G10"  # the conftest draft's exchange recipient ("Bộ Nội vụ")
PROVINCE = "000.00.00.H33"
REASON = "Ban hành nhầm đối tượng áp dụng"


def distributed(org, **changes):
    document = issued(org, **changes)
    return services.distribute(document=document, actor=org["clerk"].user)


def delivered(org, document) -> IncomingDocument:
    return IncomingDocument.objects.get(origin=document, organ=org["justice"])


def line_to(document, identifier=MINISTRY) -> Recipient:
    return Recipient.objects.get(document=document, identifier=identifier)


def sent_to_ministry(org):
    """A document of the province distributed, its package delivered to the ministry (an
    organ of this node, reached through the exchange in process) and 01 back."""
    document = distributed(org)
    # Made after the distribution: an organ of this platform would be an internal recipient.
    ministry = local_organ(MINISTRY, "Bộ Nội vụ")
    assert outbox.send_due() == {"sent": 1, "failed": 0, "dead": 0}  # the document
    assert outbox.send_due()["sent"] == 1  # its 01 back
    received = IncomingDocument.objects.get(organ=ministry)
    assert line_to(document).status == "sent"
    return document, ministry, received


# --- in process, between two organs of this platform ---------------------------------------


def test_taking_back_revokes_the_internal_delivery_and_keeps_its_number(org):
    document = distributed(org)
    incoming = delivered(org, document)
    services.register_incoming(incoming=incoming, actor=org["justice_clerk"].user)
    services.assign(
        incoming=incoming,
        actor=org["justice_leader"].user,
        assignee=org["justice_specialist"],
        deadline_days=1,
    )
    specialist = org["justice_specialist"].user
    assert list(selectors.incoming_queue(user=specialist)) == [incoming]

    services.take_back(document=document, actor=org["clerk"].user, reason=REASON)

    incoming.refresh_from_db()
    assert incoming.revoked_at is not None
    assert (incoming.revocation_reason, incoming.number, incoming.state) == (
        REASON,
        1,
        "assigned",
    )
    assert incoming.replaced_by is None
    assert list(incoming.events.values_list("action", flat=True))[-1] == "revoked"
    line = Recipient.objects.get(document=document, organ=org["justice"])
    assert (line.take_back_code, line.take_back_note) == ("15", REASON)
    # The ministry's line was only queued, never sent: not asked, and no package written.
    assert line_to(document).take_back_code == ""
    assert not OutboxMessage.objects.filter(source_ref__startswith="documents.takeback:").exists()
    event = document.events.get(action="take_back")
    assert (event.note, event.data, event.actor) == (
        REASON,
        {"internal": 1, "exchange": 0},
        org["clerk"].user,
    )
    document.refresh_from_db()
    assert document.state == "issued"  # the document itself never changes
    # Out of every queue and of the deadline watch; kept in the register; no further step.
    assert list(selectors.incoming_queue(user=specialist)) == []
    assert incoming not in deadlines.pending(incoming.handling_deadline)
    assert incoming.register.incoming_documents.filter(pk=incoming.pk).exists()
    assert selectors.incoming_actions(user=org["justice_leader"].user, incoming=incoming) == []
    with pytest.raises(services.DocumentError) as refused:
        services.start_handling(incoming=incoming, actor=specialist)
    assert "incoming" in refused.value.message_dict


def test_a_repeated_take_back_changes_nothing(org):
    document = distributed(org)
    services.take_back(document=document, actor=org["clerk"].user, reason=REASON)
    events = DocumentEvent.objects.count()
    document.refresh_from_db()
    again = services.take_back(document=document, actor=org["clerk"].user, reason="Lần hai")
    assert again.version == document.version
    assert DocumentEvent.objects.count() == events
    assert Recipient.objects.get(document=document, organ=org["justice"]).take_back_note == REASON


@pytest.mark.parametrize(
    "role", ["drafter", "chairman", "handler", "justice_clerk", "outsider", "admin"]
)
def test_only_the_issuing_organs_clerk_takes_back(org, role):
    document = distributed(org)
    with pytest.raises(PermissionError):
        services.take_back(document=document, actor=org[role].user, reason=REASON)
    assert delivered(org, document).revoked_at is None
    assert not document.events.filter(action="take_back").exists()


def test_take_back_needs_a_reason_and_a_sent_document(org):
    document = distributed(org)
    with pytest.raises(services.DocumentError) as error:
        services.take_back(document=document, actor=org["clerk"].user, reason="  ")
    assert error.value.message_dict == {"reason": ["Cần ghi rõ lý do thu hồi văn bản."]}
    not_sent = issued(org, summary="Chưa gửi")
    with pytest.raises(services.DocumentError) as error:
        services.take_back(document=not_sent, actor=org["clerk"].user, reason=REASON)
    assert list(error.value.message_dict) == ["document"]
    assert delivered(org, document).revoked_at is None


def _replacement(org, earlier: Document) -> Document:
    draft = services.correct(
        document=earlier,
        actor=org["drafter"].user,
        kind="replace",
        summary="V/v thay thế Công văn số 01/UBND-VP về công tác văn thư",
        upload=("thay-the.pdf", PDF),
    )
    services.submit_for_review(
        document=draft, actor=org["drafter"].user, approver=org["chairman"], reviewers=[]
    )
    services.review(document=draft, actor=org["chairman"].user, agree=True)
    services.sign(document=draft, actor=org["chairman"].user)
    document = services.issue(document=draft, actor=org["clerk"].user)
    return services.distribute(document=document, actor=org["clerk"].user)


def test_a_replacement_revokes_the_earlier_delivery_in_process(org):
    earlier = distributed(org)
    old = delivered(org, earlier)
    newer = _replacement(org, earlier)
    new = delivered(org, newer)
    old.refresh_from_db()
    assert old.replaced_by == new and old.revoked_at is not None
    assert "02/UBND-VP" in old.revocation_reason
    assert list(new.replaces.all()) == [old]
    assert new.revoked_at is None
    line = Recipient.objects.get(document=earlier, organ=org["justice"])
    assert line.take_back_code == "15"
    assert list(selectors.incoming_queue(user=org["justice_clerk"].user)) == [new]


# --- across the exchange, delivered in process to an organ on this node ---------------------


def test_take_back_across_the_exchange_and_the_answer_comes_back(org):
    document, ministry, received = sent_to_ministry(org)
    services.take_back(document=document, actor=org["clerk"].user, reason=REASON)
    line = line_to(document)
    assert (line.take_back_code, line.take_back_note) == ("13", REASON)
    message = OutboxMessage.objects.get(source_ref=f"documents.takeback:{line.pk}")
    package = edxml.read(bytes(message.data), certificate=node.identity().certificate)
    assert package.business.doc_type == edxml.BusinessDocType.REVOKE
    assert package.business.reason == REASON
    assert package.business.receivers == (MINISTRY,)
    assert [r.document_id for r in package.header.response_for] == [package.header.document_id]
    assert str(package.header.document_id).startswith(f"{PROVINCE},")
    assert package.attachments == ()

    assert outbox.send_due() == {"sent": 1, "failed": 0, "dead": 0}  # the revoke
    received.refresh_from_db()
    assert (received.revoked_at is not None, received.revocation_reason) == (True, REASON)
    answer = OutboxMessage.objects.filter(kind="status", recipient_id=PROVINCE).latest("pk")
    status = outbox.package_of(answer)
    assert (status.status_code, status.from_.organ_id) == (
        edxml.StatusCode.TAKE_BACK_AGREED,
        MINISTRY,
    )
    assert outbox.send_due()["sent"] == 1  # the 15
    line.refresh_from_db()
    assert (line.take_back_code, line.status_code) == ("15", "01")

    # Asking again writes nothing: the line was asked already, the package is the same.
    before = OutboxMessage.objects.count()
    services.take_back(document=document, actor=org["clerk"].user, reason=REASON)
    assert OutboxMessage.objects.count() == before
    # And the same revoke package received again is answered with the first result.
    again = applying.receive_and_apply(data=bytes(message.data), peer=None)
    assert again.duplicate and again.code == 0
    assert received.events.filter(action="revoked").count() == 1
    # The ministry's clerk no longer sees it waiting; it cannot be registered.
    clerk = OfficialFactory(organ=ministry, roles=[("clerk", ministry, False)])
    assert list(selectors.incoming_queue(user=clerk.user)) == []
    with pytest.raises(services.DocumentError):
        services.register_incoming(incoming=received, actor=clerk.user)


def _revoke(package: edxml.DocumentPackage, kind=edxml.BusinessDocType.REVOKE, **changes):
    header = dataclasses.replace(
        package.header,
        response_for=(edxml.ResponseFor(package.header.document_id),),
        **changes,
    )
    return dataclasses.replace(
        package,
        header=header,
        business=edxml.Business(doc_type=kind, reason="Sai sót về số liệu"),
        attachments=() if kind == edxml.BusinessDocType.REVOKE else package.attachments,
    )


def test_a_revoke_of_a_document_never_received_is_answered_16(org):
    ministry = local_organ(MINISTRY, "Bộ Nội vụ")
    assert ministry is not None
    # The ministry (another node in life; here its package is signed with this node's key)
    # revokes a document the province never received.
    package = _revoke(document_package(sender=MINISTRY, to=PROVINCE, attachment=False))
    answer = applying.receive_and_apply(data=signed_package(package, node.identity()))
    assert (answer.code, answer.body["not_found"]) == (0, [PROVINCE]), answer
    status = outbox.package_of(OutboxMessage.objects.get(kind="status"))
    assert status.status_code == edxml.StatusCode.TAKE_BACK_REFUSED
    assert str(status.response_for.document_id) == str(package.header.document_id)
    assert "Không tìm thấy" in status.description
    assert OutboxMessage.objects.get(kind="status").recipient_id == MINISTRY


def test_an_update_is_applied_as_new_metadata_and_a_new_file_version(org):
    local_organ(MINISTRY, "Bộ Nội vụ")
    first = document_package(sender=MINISTRY, to=PROVINCE)
    assert applying.receive_and_apply(data=signed_package(first, node.identity())).code == 0
    incoming = IncomingDocument.objects.get(organ=org["province"], sender_identifier=MINISTRY)
    old_summary = incoming.summary
    update = _revoke(
        first, edxml.BusinessDocType.UPDATE, subject="V/v triển khai Nghị định 30 (đính chính)"
    )
    update = dataclasses.replace(
        update, attachments=(edxml.Attachment("cv-v2.pdf", PDF, "application/pdf"),)
    )
    answer = applying.receive_and_apply(data=signed_package(update, node.identity()))
    assert (answer.code, answer.body["updated"]) == (0, [incoming.pk]), answer
    incoming.refresh_from_db()
    assert incoming.summary == "V/v triển khai Nghị định 30 (đính chính)"
    assert list(incoming.files.values_list("original_name", flat=True)) == ["cv.pdf", "cv-v2.pdf"]
    event = incoming.events.get(action="update_received")
    assert event.data["before"] == {"summary": old_summary}
    assert event.note == "Sai sót về số liệu"
    statuses = OutboxMessage.objects.filter(kind="status").order_by("pk")
    codes = [outbox.package_of(m).status_code for m in statuses]
    assert codes == [edxml.StatusCode.ARRIVED, edxml.StatusCode.TAKE_BACK_AGREED]


def test_a_replacement_across_the_exchange_revokes_the_earlier_copy(org):
    earlier, ministry, old = sent_to_ministry(org)
    # One database plays both nodes: while the province drafts, the ministry must not be an
    # organ of its platform (it would become an internal recipient), so its id is hidden.
    hidden = OrganIdentifier.objects.filter(value=MINISTRY)
    hidden.update(value="000.00.00.G99")
    newer = _replacement(org, earlier)
    OrganIdentifier.objects.filter(value="000.00.00.G99").update(value=MINISTRY)
    message = OutboxMessage.objects.get(source_ref=f"documents.recipient:{line_to(newer).pk}")
    package = outbox.package_of(message)
    assert package.business.doc_type == edxml.BusinessDocType.REPLACE
    assert package.business.reason == newer.summary
    [replacement] = package.business.replacements
    assert (str(replacement.document_id), replacement.organ_ids) == (
        f"{PROVINCE},{earlier.issued_on:%Y/%m/%d},{earlier.notation}",
        (MINISTRY,),
    )
    outbox.send_due()  # the replacement, delivered in process
    new = IncomingDocument.objects.get(organ=ministry, sender_notation=newer.notation)
    old.refresh_from_db()
    assert old.replaced_by == new and old.revocation_reason == newer.summary
    outbox.send_due()  # its 01 and the 15 about the earlier document
    assert line_to(earlier).take_back_code == "15"
    assert line_to(newer).status_code == "01"
    # In process too, the Department of Justice's copy was replaced at distribution.
    assert delivered(org, earlier).replaced_by == delivered(org, newer)


def test_an_answer_16_is_shown_on_the_line(org):
    document, _ministry, received = sent_to_ministry(org)
    IncomingDocument.objects.filter(pk=received.pk).update(
        sender_notation="99/KHAC"
    )  # the ministry no longer holds it under that DocumentId
    services.take_back(document=document, actor=org["clerk"].user, reason=REASON)
    outbox.send_due()
    outbox.send_due()
    line = line_to(document)
    assert line.take_back_code == "16"
    assert "Không tìm thấy" in line.take_back_note


# --- over HTTP between two nodes (one process, the live server) -----------------------------


def test_a_revoke_goes_over_http_and_15_comes_back(org, live_server, settings):
    key = "node-a-key-for-node-b-0123456789abcdef"
    me = node.identity()
    make_peer("node-b", identity=me, organs=[MINISTRY], key="unused", url=live_server.url)
    make_peer("node-a", identity=me, organs=[PROVINCE, MINISTRY], key=key, url=live_server.url)
    settings.EXCHANGE_PEER_KEYS = {"node-b": key, "node-a": key}
    document = distributed(org)
    ministry = local_organ(MINISTRY, "Bộ Nội vụ")
    assert outbox.send_due()["sent"] == 1
    assert applying.apply_due()["applied"] == 1  # node B's worker
    assert outbox.send_due()["sent"] == 1
    assert applying.apply_due()["applied"] == 1  # node A's: the 01
    received = IncomingDocument.objects.get(organ=ministry)
    services.take_back(document=document, actor=org["clerk"].user, reason=REASON)
    assert outbox.send_due() == {"sent": 1, "failed": 0, "dead": 0}
    assert applying.apply_due()["applied"] == 1
    received.refresh_from_db()
    assert received.revoked_at is not None
    assert outbox.send_due()["sent"] == 1
    assert applying.apply_due()["applied"] == 1
    assert line_to(document).take_back_code == "15"
    assert InboxMessage.objects.filter(kind="document").count() == 2


# --- the page and the API ------------------------------------------------------------------


def test_the_take_back_page(client, org):
    document = distributed(org)
    url = f"/backoffice/van-ban/di/{document.pk}/thu-hoi/"
    client.force_login(org["drafter"].user)
    assert client.get(url).status_code == 403
    detail = client.get(f"/backoffice/van-ban/di/{document.pk}/")
    assert url not in detail.content.decode()
    client.force_login(org["clerk"].user)
    assert url in client.get(f"/backoffice/van-ban/di/{document.pk}/").content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "Lý do thu hồi" in page.content.decode()
    empty = client.post(url, {"reason": "", "version": document.version})
    assert empty.status_code == 200
    assert 'id="reason-error">Cần ghi rõ lý do thu hồi văn bản.' in empty.content.decode()
    document.refresh_from_db()
    done = client.post(url, {"reason": REASON, "version": document.version})
    assert done.status_code == 302
    incoming = delivered(org, document)
    assert incoming.revoked_at is not None
    client.force_login(org["justice_clerk"].user)
    banner = client.get(f"/backoffice/van-ban/den/{incoming.pk}/").content.decode()
    assert "Văn bản này đã bị cơ quan gửi thu hồi" in banner and REASON in banner


def test_the_revoke_endpoint(client, org):
    document = distributed(org)
    client.force_login(org["clerk"].user)
    url = f"/api/v1/documents/{document.pk}/revoke"
    missing = client.post(url, {"reason": ""}, content_type="application/json")
    assert missing.status_code == 422
    assert missing.json()["errors"] == [
        {"field": "reason", "message": "Cần ghi rõ lý do thu hồi văn bản."}
    ]
    done = client.post(url, {"reason": REASON}, content_type="application/json")
    assert done.status_code == 200
    lines = {r["channel"]: r for r in done.json()["recipients"]}
    assert (lines["internal"]["take_back_code"], lines["internal"]["take_back_note"]) == (
        "15",
        REASON,
    )
    incoming = delivered(org, document)
    client.force_login(org["justice_clerk"].user)
    body = client.get(f"/api/v1/incoming-documents/{incoming.pk}").json()
    assert (body["revocation_reason"], body["replaced_by"]) == (REASON, None)
    assert body["revoked_at"] is not None
