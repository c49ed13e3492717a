"""Concurrent intake at one organ: every dossier gets a code, all codes distinct and gapless.

Runs real threads, each with its own database connection, on both SQLite (a file database in
WAL mode with IMMEDIATE transactions) and PostgreSQL (row locks on the daily counter)."""

import threading

import pytest
from django.db import connection

from tinhso.dossiers.codes import parse_code
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.services import dossier_receive_at_counter
from tinhso.dossiers.tests.conftest import FORM

THREADS, EACH = 6, 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_gives_gapless_unique_codes(office):
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(EACH):
                dossier_receive_at_counter(
                    procedure=office["procedure"],
                    applicant=office["applicant"],
                    organ=office["organ"],
                    form_data=FORM,
                    officer=office["one_stop_officer"].user,
                )
        except BaseException as error:  # reported below, with the thread's traceback lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    numbers = sorted(parse_code(code)[2] for code in Dossier.objects.values_list("code", flat=True))
    assert numbers == list(range(1, THREADS * EACH + 1))
