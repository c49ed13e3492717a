"""Payments settled at once at one organ: every receipt gets a number, all distinct and
gapless. Real threads, each with its own connection, on SQLite and PostgreSQL."""

import threading

import pytest
from django.db import connection

from tinhso.payments import services
from tinhso.payments.models import Receipt
from tinhso.payments.tests.test_notifications import card_params, start

THREADS, EACH = 4, 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_settlements_give_gapless_unique_receipt_numbers(
    make_request, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    batches = [[start(make_request()) for _ in range(EACH)] for _ in range(THREADS)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def worker(payments) -> None:
        try:
            barrier.wait()
            for payment in payments:
                outcome, _answer = services.notification_receive(
                    gateway="card", params=card_params(payment, txn_no=payment.txn_ref[-6:])
                )
                assert outcome == "accepted"
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    numbers = sorted(Receipt.objects.values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * EACH + 1))
    # each signed (or, without a key here, stored unsigned and marked so) after its commit
    assert set(Receipt.objects.values_list("sign_state", flat=True)) == {"no_key"}
