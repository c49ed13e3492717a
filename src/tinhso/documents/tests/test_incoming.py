"""Distribution and incoming documents: arrival, registration, assignment with a deadline in
working days, handling, completion, refusal, reply, status codes reported back."""

from datetime import datetime

import pytest

from tinhso.core.models import AuditEntry
from tinhso.documents import hooks, services
from tinhso.documents.models import IncomingDocument, Register
from tinhso.documents.selectors import exchange_queue
from tinhso.documents.states import IllegalTransition
from tinhso.documents.tests.conftest import PDF, VN, issued

pytestmark = pytest.mark.django_db


@pytest.fixture
def hooked():
    """Record what the exchange and status hooks are told."""
    told = {"exchange": [], "status": []}

    def dispatcher(recipient_id):
        told["exchange"].append(recipient_id)

    def listener(incoming_id, code):
        told["status"].append((incoming_id, code))

    hooks.register_exchange_dispatcher(dispatcher)
    hooks.register_status_listener(listener)
    yield told
    hooks.unregister(dispatcher)
    hooks.unregister(listener)


def distributed(org):
    document = issued(org)
    return services.distribute(document=document, actor=org["clerk"].user)


def test_distribution_delivers_queues_and_marks(
    org, clock, hooked, django_capture_on_commit_callbacks
):
    document = issued(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.distribute(document=document, actor=org["clerk"].user)
    lines = {r.channel: r for r in document.recipients.all()}
    assert (lines["internal"].status, lines["internal"].status_code) == ("delivered", "01")
    assert lines["exchange"].status == "queued"
    assert lines["paper"].status == "paper"
    incoming = IncomingDocument.objects.get()
    assert (
        incoming.organ,
        incoming.source,
        incoming.origin,
        incoming.origin_recipient,
        incoming.state,
        incoming.status_code,
        incoming.sender_notation,
        incoming.sender_name,
        incoming.sender_identifier,
        incoming.type_name,
        incoming.signer_name,
    ) == (
        org["justice"],
        "internal",
        document,
        lines["internal"],
        "arrived",
        "01",
        "01/UBND-VP",
        "Ủy ban nhân dân tỉnh Kiên Giang",
        "000.00.00.H33",
        "Công văn",
        "Nguyễn Chủ Tịch",
    )
    assert hooked["exchange"] == [lines["exchange"].pk]
    assert hooked["status"] == [(incoming.pk, "01")]
    assert list(exchange_queue()) == [lines["exchange"]]
    with pytest.raises(services.DocumentError) as error:
        services.distribute(document=document, actor=org["clerk"].user)
    assert error.value.message_dict == {"recipients": ["Văn bản đã được gửi đến mọi nơi nhận."]}
    assert IncomingDocument.objects.count() == 1


def test_distribution_needs_an_issued_document_and_the_clerk(org):
    from tinhso.documents.tests.conftest import signed

    document = signed(org)
    with pytest.raises(IllegalTransition):
        services.distribute(document=document, actor=org["clerk"].user)
    document = services.issue(document=document, actor=org["clerk"].user)
    with pytest.raises(PermissionError):
        services.distribute(document=document, actor=org["drafter"].user)
    assert not IncomingDocument.objects.exists()
    assert set(document.recipients.values_list("status", flat=True)) == {"pending"}


def test_the_incoming_path_reports_every_status(
    org, clock, hooked, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = distributed(org)
    incoming = IncomingDocument.objects.get()
    line = incoming.origin_recipient
    people = org
    clock.at(2020, 11, 3, 14, 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.register_incoming(incoming=incoming, actor=people["justice_clerk"].user)
    incoming.refresh_from_db()
    assert (incoming.number, incoming.state, incoming.status_code) == (1, "registered", "03")
    assert (incoming.register.kind, incoming.register.organ) == ("incoming", org["justice"])
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(
            incoming=incoming,
            actor=people["justice_leader"].user,
            assignee=people["justice_specialist"],
            deadline_days=2,
        )
    incoming.refresh_from_db()
    # Tuesday 14:00 + 2 working days → Thursday 14:00
    assert incoming.handling_deadline == datetime(2020, 11, 5, 14, 0, tzinfo=VN)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_handling(incoming=incoming, actor=people["justice_specialist"].user)
        services.complete(
            incoming=incoming, actor=people["justice_specialist"].user, note="Đã triển khai"
        )
    incoming.refresh_from_db()
    line.refresh_from_db()
    assert (incoming.state, incoming.status_code, incoming.result_note) == (
        "completed",
        "06",
        "Đã triển khai",
    )
    assert line.status_code == "06"
    assert [code for _pk, code in hooked["status"]] == ["01", "03", "04", "05", "06"]
    assert list(incoming.events.values_list("action", "to_state")) == [
        ("arrive", "arrived"),
        ("register", "registered"),
        ("assign", "assigned"),
        ("start", "in_handling"),
        ("complete", "completed"),
    ]
    assert AuditEntry.objects.filter(object_type="documents.incomingdocument").count() == 5
    assert document.state == "issued"


def test_out_of_order_and_wrong_people_are_refused(org):
    distributed(org)
    incoming = IncomingDocument.objects.get()
    with pytest.raises(IllegalTransition) as error:
        services.assign(
            incoming=incoming, actor=org["justice_leader"].user, assignee=org["justice_specialist"]
        )
    assert error.value.allowed == ["refuse", "register"]
    with pytest.raises(IllegalTransition):
        services.complete(incoming=incoming, actor=org["justice_specialist"].user)
    for who in ("clerk", "justice_specialist", "justice_leader"):
        with pytest.raises(PermissionError):
            services.register_incoming(incoming=incoming, actor=org[who].user)
    services.register_incoming(incoming=incoming, actor=org["justice_clerk"].user)
    with pytest.raises(PermissionError):
        services.assign(
            incoming=incoming, actor=org["justice_clerk"].user, assignee=org["justice_specialist"]
        )
    with pytest.raises(services.DocumentError) as error:
        services.assign(
            incoming=incoming,
            actor=org["justice_leader"].user,
            assignee=org["handler"],
            deadline_days=0,
        )
    assert set(error.value.message_dict) == {"assignee", "deadline_days"}
    services.assign(
        incoming=incoming, actor=org["justice_leader"].user, assignee=org["justice_specialist"]
    )
    with pytest.raises(PermissionError):
        services.start_handling(incoming=incoming, actor=org["justice_clerk"].user)
    incoming.refresh_from_db()
    assert (incoming.state, incoming.handling_deadline) == ("assigned", None)
    assert Register.objects.get(kind="incoming").last == 1


def test_refusal_needs_a_reason(org, clock):
    distributed(org)
    incoming = IncomingDocument.objects.get()
    with pytest.raises(services.DocumentError) as error:
        services.refuse(incoming=incoming, actor=org["justice_clerk"].user, reason="  ")
    assert error.value.message_dict == {"reason": ["Cần ghi rõ lý do từ chối."]}
    services.refuse(incoming=incoming, actor=org["justice_clerk"].user, reason="Gửi nhầm cơ quan")
    incoming.refresh_from_db()
    assert (incoming.state, incoming.status_code, incoming.refusal_reason, incoming.number) == (
        "refused",
        "02",
        "Gửi nhầm cơ quan",
        None,
    )
    assert incoming.origin_recipient.status_code == "02"
    with pytest.raises(IllegalTransition) as error:
        services.register_incoming(incoming=incoming, actor=org["justice_clerk"].user)
    assert error.value.allowed == []


def test_reply_is_a_draft_linked_to_its_origin(org):
    distributed(org)
    incoming = IncomingDocument.objects.get()
    services.register_incoming(incoming=incoming, actor=org["justice_clerk"].user)
    services.assign(
        incoming=incoming,
        actor=org["justice_leader"].user,
        assignee=org["justice_specialist"],
        deadline_days=5,
    )
    answer = services.reply(
        incoming=incoming,
        actor=org["justice_specialist"].user,
        doc_type="report",
        summary="Báo cáo kết quả triển khai",
        upload=("bao-cao.pdf", PDF),
    )
    incoming.refresh_from_db()
    assert incoming.state == "in_handling"
    assert (answer.organ, answer.in_reply_to, answer.state) == (org["justice"], incoming, "draft")
    assert list(incoming.replies.all()) == [answer]
    line = answer.recipients.get()
    assert (line.channel, line.organ) == ("internal", org["province"])


def test_exchange_receipt_is_idempotent_and_refuses_classified(org, clock):
    kwargs = {
        "organ": org["justice"],
        "exchange_ref": "pkg-2020-0001",
        "sender_name": "Bộ Tư pháp",
        "sender_identifier": "000.00.00.G11",
        "sender_notation": "42/2022/NĐ-CP",
        "summary": "Nghị định về ...",
        "urgency": "urgent",
        "files": [("nghi-dinh.pdf", PDF)],
    }
    first, created = services.receive_from_exchange(**kwargs)
    again, created_again = services.receive_from_exchange(**kwargs)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert (first.source, first.state, first.files.get().kind) == (
        "exchange",
        "arrived",
        "received",
    )
    with pytest.raises(services.DocumentError) as error:
        services.receive_from_exchange(
            **{**kwargs, "exchange_ref": "x", "confidentiality": "confidential"}
        )
    assert list(error.value.message_dict) == ["confidentiality"]
    assert IncomingDocument.objects.count() == 1


def test_paper_arrival_registers_at_once_and_classified_keeps_only_the_entry(org):
    paper = services.receive_paper(
        organ=org["province"],
        actor=org["clerk"].user,
        sender_name="Công an tỉnh",
        sender_notation="15/CAT-PV01",
        summary="Đề nghị phối hợp",
        files=[("scan.pdf", PDF)],
    )
    secret = services.receive_paper(
        organ=org["province"],
        actor=org["clerk"].user,
        sender_name="Bộ Quốc phòng",
        summary="Văn bản mật",
        confidentiality="top_secret",
    )
    assert (paper.number, paper.register.classified, paper.state) == (1, False, "registered")
    assert (secret.number, secret.register.classified, secret.files.count()) == (1, True, 0)
    with pytest.raises(services.DocumentError) as error:
        services.receive_paper(
            organ=org["province"],
            actor=org["clerk"].user,
            sender_name="Bộ Quốc phòng",
            summary="Văn bản mật",
            confidentiality="secret",
            files=[("mat.pdf", PDF)],
        )
    assert list(error.value.message_dict) == ["files"]
    assert IncomingDocument.objects.count() == 2
    assert sorted(Register.objects.values_list("classified", "last")) == [(False, 1), (True, 1)]


def test_exchange_reports_on_outside_recipients(org):
    distributed(org)
    line = exchange_queue().get()
    services.recipient_mark_failed(recipient=line, error="timeout")
    line.refresh_from_db()
    assert (line.status, line.error) == ("failed", "timeout")
    services.recipient_mark_sent(recipient=line, exchange_ref="msg-1")
    services.recipient_status_update(recipient=line, code="03")
    line.refresh_from_db()
    assert (line.status, line.exchange_ref, line.status_code, line.error) == (
        "sent",
        "msg-1",
        "03",
        "",
    )
    assert not exchange_queue().exists()
    with pytest.raises(services.DocumentError):
        services.recipient_status_update(recipient=line, code="99")


def test_the_exchange_outcomes_of_a_batch_are_written_in_the_order_told(org):
    """The outbox tells a batch at once: a line told twice (failed, then sent) ends sent,
    with both audit entries; a line that does not wait is left; the ids written."""
    distributed(org)
    distributed(org)
    first, second = exchange_queue().order_by("pk")
    paper = first.document.recipients.get(channel="paper")
    written = services.recipients_delivered(
        [
            (first.pk, "", False, "HTTP 503"),
            (second.pk, "m-2", True, ""),
            (paper.pk, "m-3", True, ""),
            (first.pk, "m-1", True, ""),
        ]
    )
    assert sorted(written) == sorted([first.pk, second.pk])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.exchange_ref, first.error) == ("sent", "m-1", "")
    assert (second.status, second.exchange_ref) == ("sent", "m-2")
    actions = AuditEntry.objects.filter(
        object_type="documents.recipient", object_id=str(first.pk)
    ).values_list("action", flat=True)
    assert sorted(actions) == ["document.recipient_failed", "document.recipient_sent"]
    paper.refresh_from_db()
    assert (paper.status, paper.exchange_ref) == ("paper", "")


def test_the_exchange_outcome_is_written_once_on_a_waiting_line_only(org):
    distributed(org)
    line = exchange_queue().get()
    paper = line.document.recipients.get(channel="paper")
    failed = services.recipient_delivered(
        recipient_id=line.pk, exchange_ref="", ok=False, error="HTTP 503"
    )
    assert failed is True
    line.refresh_from_db()
    assert (line.status, line.error) == ("failed", "HTTP 503")
    sent = services.recipient_delivered(recipient_id=line.pk, exchange_ref="m-1", ok=True, error="")
    assert sent is True
    line.refresh_from_db()
    assert (line.status, line.exchange_ref, line.error) == ("sent", "m-1", "")
    assert line.status_at is not None
    # A line no longer waiting, one of another channel and a missing one: nothing written.
    assert not services.recipient_delivered(
        recipient_id=line.pk, exchange_ref="m-2", ok=True, error=""
    )
    assert not services.recipient_delivered(
        recipient_id=paper.pk, exchange_ref="m-3", ok=True, error=""
    )
    assert not services.recipient_delivered(
        recipient_id=10**9, exchange_ref="m-4", ok=True, error=""
    )
    line.refresh_from_db()
    paper.refresh_from_db()
    assert (line.exchange_ref, paper.status, paper.exchange_ref) == ("m-1", "paper", "")
    actions = list(
        AuditEntry.objects.filter(object_id=str(line.pk), action__startswith="document.recipient_")
        .order_by("id")
        .values_list("action", "actor_label")
    )
    assert actions == [
        ("document.recipient_failed", "system"),
        ("document.recipient_sent", "exchange"),
    ]
    # The clerk-facing services refuse what no longer waits, and a line of another channel.
    with pytest.raises(services.DocumentError, match="không chờ gửi"):
        services.recipient_mark_sent(recipient=line, exchange_ref="m-5")
    with pytest.raises(services.DocumentError, match="trục liên thông"):
        services.recipient_mark_failed(recipient=paper, error="x")


@pytest.mark.parametrize("register", [True, False])
def test_an_arrival_writes_its_search_entry_once_with_the_files_text(org, register):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tinhso.documents.models import SearchEntry
    from tinhso.documents.search import indexing

    with CaptureQueriesContext(connection) as ctx:
        paper = services.receive_paper(
            organ=org["province"],
            actor=org["clerk"].user,
            sender_name="Công an tỉnh",
            summary="Đề nghị phối hợp",
            files=[("scan.pdf", PDF), ("phu-luc.pdf", PDF + b"%2\n")],
            register=register,
        )
        received, _new = services.receive_from_exchange(
            organ=org["justice"],
            exchange_ref="pkg-once",
            sender_name="Bộ Tư pháp",
            summary="Nghị định về ...",
            files=[("nghi-dinh.pdf", PDF)],
        )
    table = SearchEntry._meta.db_table
    writes = [q for q in ctx.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"')]
    assert len(writes) == 2  # one per document, whatever its files and steps
    for incoming in (paper, received):  # and what it wrote is the whole entry
        entry = SearchEntry.objects.get(incoming=incoming)
        expected = indexing.incoming_values(IncomingDocument.objects.get(pk=incoming.pk))
        expected.pop("indexed_at")
        assert {k: getattr(entry, k) for k in expected} == expected
