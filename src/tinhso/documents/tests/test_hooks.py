"""The signing hook points (the signatures app plugs in here) and the queue order.

The backend below is a test double that marks the bytes it is given: it proves what the
services hand to a real PAdES signer and what they keep, not any signature."""

import hashlib
from datetime import datetime

import pytest

from tinhso.documents import hooks, services
from tinhso.documents.models import IncomingDocument
from tinhso.documents.selectors import by_urgency
from tinhso.documents.tests.conftest import PDF, VN, approved, signed

pytestmark = pytest.mark.django_db


class MarkingBackend:
    def __init__(self, *, valid: bool = True) -> None:
        self.valid = valid
        self.calls: list[tuple] = []

    def sign_as_signer(self, *, document, pdf, user, passphrase):
        self.calls.append(("signer", document.pk, user.pk))
        return pdf + b"%signer\n"

    def verify_signer(self, *, document, pdf, user):
        self.calls.append(("verify", document.pk, user.pk))
        if not self.valid:
            raise ValueError("Chữ ký số không hợp lệ.")

    def sign_as_organ(self, *, document, pdf, facts, actor, passphrase):
        self.calls.append(("organ", facts))
        return pdf + f"%organ {facts.notation}\n".encode()


def test_sign_and_issue_through_the_backend(org, clock):
    backend = MarkingBackend()
    document = approved(org)
    services.sign(document=document, actor=org["chairman"].user, backend=backend)
    clock.at(2020, 11, 3, 9, 0)
    services.issue(document=document, actor=org["clerk"].user, backend=backend)
    document.refresh_from_db()
    assert document.signature_kind == "pades"
    kinds = {f.kind: f for f in document.files.all()}
    assert sorted(kinds) == ["draft", "issued", "signed"]
    assert kinds["signed"].file.read() == PDF + b"%signer\n"
    assert kinds["issued"].file.read() == PDF + b"%signer\n%organ 01/UBND-VP\n"
    assert kinds["issued"].original_name == "01-UBND-VP.pdf"
    assert (
        kinds["issued"].sha256 == hashlib.sha256(PDF + b"%signer\n%organ 01/UBND-VP\n").hexdigest()
    )
    facts = backend.calls[-1][1]
    assert (facts.number, facts.notation, facts.issued_on.isoformat(), facts.place_date_line) == (
        1,
        "01/UBND-VP",
        "2020-11-03",
        "Kiên Giang, ngày 03 tháng 11 năm 2020",
    )
    assert facts.issued_at == datetime(2020, 11, 3, 9, 0, tzinfo=VN)


def test_the_registered_backend_is_used(org):
    backend = MarkingBackend()
    hooks.register_signing_backend(backend)
    document = signed(org)  # the conftest puts the registered backend back afterwards
    assert backend.calls == [("signer", document.pk, org["chairman"].user.pk)]


def test_a_signed_pdf_needs_a_backend_that_verifies_it(org):
    document = approved(org)
    with pytest.raises(services.DocumentError) as error:
        services.sign(document=document, actor=org["chairman"].user, signed_pdf=PDF)
    assert error.value.message_dict == {"signed_pdf": ["Chưa cấu hình dịch vụ kiểm tra chữ ký số."]}
    with pytest.raises(services.DocumentError) as error:
        services.sign(
            document=document,
            actor=org["chairman"].user,
            signed_pdf=PDF,
            backend=MarkingBackend(valid=False),
        )
    assert error.value.message_dict == {"signed_pdf": ["Chữ ký số không hợp lệ."]}
    document.refresh_from_db()
    assert (document.state, document.files.count()) == ("approved", 1)
    services.sign(
        document=document,
        actor=org["chairman"].user,
        signed_pdf=PDF + b"%token\n",
        backend=MarkingBackend(),
    )
    document.refresh_from_db()
    assert (document.state, document.signature_kind) == ("signed", "pades")
    assert document.files.get(kind="signed").file.read() == PDF + b"%token\n"


def test_queue_order_is_urgency_then_deadline_then_arrival(org, clock):
    for urgency, deadline_day in (
        ("normal", 3),
        ("normal", 2),
        ("urgent", None),
        ("express", 9),
        ("urgent", 1),
    ):
        incoming = services.receive_paper(
            organ=org["province"],
            actor=org["clerk"].user,
            sender_name="Sở Nội vụ",
            summary=f"{urgency} {deadline_day}",
            urgency=urgency,
        )
        if deadline_day:
            IncomingDocument.objects.filter(pk=incoming.pk).update(
                handling_deadline=datetime(2020, 11, deadline_day, 17, 0, tzinfo=VN)
            )
    order = [i.summary for i in by_urgency(IncomingDocument.objects.all())]
    assert order == ["express 9", "urgent 1", "urgent None", "normal 2", "normal 3"]
