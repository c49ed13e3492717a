"""`tinhso periodic`: run the registered periodic jobs on their schedule (`make run` starts it).

    tinhso periodic            # loop until stopped (SIGINT/SIGTERM)
    tinhso periodic --once     # every job once, then exit: for cron or a systemd timer
    tinhso periodic --list     # the jobs and their intervals

In production run one loop beside the task worker (a systemd service), or `--once` from cron
every 15 minutes; the jobs are idempotent, so an overlap does no harm.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tinhso.core import periodic


class Command(BaseCommand):
    help = "Run the periodic jobs (deadline watch, notification retries…) on their schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")
        parser.add_argument("--list", action="store_true", help="List the jobs and exit.")

    def _report(self, job: periodic.Job, ok: bool, summary: str) -> None:
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        line = f"{stamp} {job.name}: {summary}"
        self.stdout.write(line) if ok else self.stderr.write(f"{line} (FAILED)")
        self.stdout.flush()

    def handle(self, *args: Any, once: bool, list: bool, **options: Any) -> None:
        if list:
            for job in periodic.jobs():
                self.stdout.write(f"{job.name}\tevery {job.every_seconds} s")
            return
        if once:
            failed = [j.name for j in periodic.jobs() if not self._run(j)]
            if failed:
                raise CommandError(f"failed: {', '.join(failed)}")
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        names = ", ".join(f"{j.name} ({j.every_seconds} s)" for j in periodic.jobs())
        self.stdout.write(f"Periodic jobs: {names}. Stop with Ctrl+C.")
        periodic.run_forever(self._report, stop=stop)

    def _run(self, job: periodic.Job) -> bool:
        ok, summary = periodic.run_job(job)
        self._report(job, ok, summary)
        return ok
