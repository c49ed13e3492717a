"""`core.tasks.enqueue_on_commit`: with the database backend the task's row is written in the
caller's transaction (and rolled back with it); with another backend it waits for the
commit."""

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from tinhso.core.tasks import enqueue_on_commit

RAN: list[int] = []


@task()
def remember(n: int) -> int:
    RAN.append(n)
    return n


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_row_shares_the_transaction():
    with override_settings(TASKS=DB_TASKS):
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_on_commit(remember, 1)
            assert DBTaskResult.objects.count() == 1  # written now, in the transaction
            raise RuntimeError("the caller fails")
        assert DBTaskResult.objects.count() == 0  # rolled back with it
        with transaction.atomic():
            enqueue_on_commit(remember, 2)
        assert list(DBTaskResult.objects.values_list("args_kwargs", flat=True)) == [
            {"args": [2], "kwargs": {}}
        ]


def test_with_another_backend_it_waits_for_the_commit(db, django_capture_on_commit_callbacks):
    RAN.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(remember, 3)
        assert RAN == []  # not before the commit
    assert len(callbacks) == 1 and RAN == [3]
