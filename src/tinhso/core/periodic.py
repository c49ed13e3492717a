"""Registry of periodic jobs and the loop that runs them (`tinhso periodic`).

Apps register their jobs in `AppConfig.ready` (the deadline watch, notification retries…), so
the scheduler in core never imports an app above it. Every job must be idempotent: a job run
twice (two schedulers, a restart, cron and the loop together) changes nothing the second time.
The loop keeps its schedule in memory; after a restart every job runs once at start.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: int
    run: Callable[[], str]  # returns a one-line summary


_JOBS: dict[str, Job] = {}


def register(*, name: str, every_seconds: int, run: Callable[[], str]) -> None:
    if every_seconds < 1:
        raise ValueError("every_seconds must be at least 1")
    _JOBS[name] = Job(name, every_seconds, run)


def jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda j: j.name)


def run_job(job: Job) -> tuple[bool, str]:
    """Run one job; a failure is logged and reported, never raised (the next jobs still run)."""
    try:
        return True, job.run()
    except Exception as error:  # a failing job must not stop the scheduler
        logger.exception("periodic job %s failed", job.name)
        return False, f"{type(error).__name__}: {error}"


def run_due(last: dict[str, float], now: float, report: Callable[[Job, bool, str], None]) -> float:
    """Run the jobs due at `now` (never run, or `every_seconds` since their last start),
    recording their start in `last`; returns the seconds until the next one is due."""
    for job in jobs():
        started = last.get(job.name)
        if started is None or now - started >= job.every_seconds:
            last[job.name] = now
            report(job, *run_job(job))
    waits = [last[j.name] + j.every_seconds - now for j in jobs()]
    return max(0.0, min(waits, default=60.0))


def run_forever(
    report: Callable[[Job, bool, str], None],
    *,
    stop: threading.Event,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Run the jobs on their schedule until `stop` is set. Database connections are dropped
    between rounds when broken or past CONN_MAX_AGE, as at the end of a request."""
    last: dict[str, float] = {}
    while not stop.is_set():
        close_old_connections()
        wait = run_due(last, clock(), report)
        close_old_connections()
        stop.wait(min(wait, 60.0))
