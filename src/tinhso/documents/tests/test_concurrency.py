"""Issuing and registering at once: every number taken once, none skipped.

Real threads, each with its own database connection, on SQLite (a file database in WAL mode
with IMMEDIATE transactions) and PostgreSQL (row locks on the register). One issue fails inside
its transaction (its organ signature cannot be made): its number must come back."""

import threading

import pytest
from django.db import connection

from tinhso.documents import services
from tinhso.documents.models import Document, IncomingDocument, Register
from tinhso.documents.tests.conftest import signed

THREADS, EACH = 6, 4


class BrokenSigner:
    """A signing backend whose organ signature always fails (a token unplugged)."""

    def sign_as_organ(self, **kwargs):
        raise RuntimeError("token unplugged")


def run_threads(work):
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        try:
            start.wait()
            work(index)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_issue_gives_gapless_unique_numbers(org):
    documents = [signed(org, summary=f"V/v việc số {i}") for i in range(THREADS * EACH)]
    doomed = signed(org, summary="V/v không phát hành được")
    failures: list[str] = []

    def work(index: int) -> None:
        mine = documents[index * EACH : (index + 1) * EACH]
        for position, document in enumerate(mine):
            if index == 0 and position == 1:
                try:
                    services.issue(document=doomed, actor=org["clerk"].user, backend=BrokenSigner())
                except RuntimeError as error:
                    failures.append(str(error))
            services.issue(document=document, actor=org["clerk"].user)

    run_threads(work)
    issued = Document.objects.filter(state="issued")
    numbers = sorted(issued.values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * EACH + 1))
    assert len(set(issued.values_list("notation", flat=True))) == THREADS * EACH
    assert Register.objects.get().last == THREADS * EACH
    assert failures == ["token unplugged"]
    doomed.refresh_from_db()
    assert (doomed.state, doomed.number, doomed.notation) == ("signed", None, "")
    assert not doomed.files.filter(kind="issued").exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_registration_gives_gapless_incoming_numbers(org):
    arrived = [
        services.receive_paper(
            organ=org["province"],
            actor=org["clerk"].user,
            sender_name="Sở Nội vụ",
            summary=f"Văn bản {i}",
            register=False,
        )
        for i in range(THREADS * EACH)
    ]

    def work(index: int) -> None:
        for incoming in arrived[index * EACH : (index + 1) * EACH]:
            services.register_incoming(incoming=incoming, actor=org["clerk"].user)

    run_threads(work)
    numbers = sorted(IncomingDocument.objects.values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * EACH + 1))
    assert Register.objects.get(kind="incoming").last == THREADS * EACH
