"""Queueing background tasks (the Django Tasks API) from inside a service's transaction."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Queue `task(*args)` to run once the caller's transaction has committed.

    With a backend that keeps its queue in the same database (django-tasks-db's), the task's
    row is written now, inside the transaction: it commits or rolls back with the caller's
    writes (no task lost between the commit and the enqueue) and costs no commit of its own.
    With any other backend (the immediate one of the tests) the enqueue waits for the commit,
    and a failure to enqueue is logged: the caller's periodic job is then the safety net.
    """
    if isinstance(task.get_backend(), DatabaseBackend):  # its rows: the default database
        task.enqueue(*args)
        return

    def enqueue() -> None:
        try:
            task.enqueue(*args)
        except Exception:
            logger.exception("could not enqueue %s%r", task.name, args)

    transaction.on_commit(enqueue)
