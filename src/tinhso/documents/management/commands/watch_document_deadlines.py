"""`tinhso watch_document_deadlines`: remind assignees of incoming documents due soon or
overdue, now. `tinhso periodic` runs it every 15 minutes (job `documents.watch_deadlines`);
from cron instead:

    */15 * * * * cd /srv/tinhso && .venv/bin/tinhso watch_document_deadlines --quiet

`--enqueue` hands the run to the task worker instead of running it in this process.
"""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tinhso.documents.deadlines import watch_deadlines
from tinhso.documents.tasks import watch_document_deadlines_task


class Command(BaseCommand):
    help = (
        "Remind officials of incoming documents whose handling deadline is due soon or past. "
        "Idempotent; meant for cron every 15 minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--at",
            help="Run as of this moment (ISO 8601, e.g. 2020-11-16T09:00+07:00); default now.",
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Enqueue the run for the task worker."
        )
        parser.add_argument("--quiet", action="store_true", help="Print nothing on success.")

    def handle(
        self, *args: Any, at: str | None, enqueue: bool, quiet: bool, **options: Any
    ) -> None:
        moment = None
        if at:
            try:
                moment = datetime.fromisoformat(at)
            except ValueError as error:
                raise CommandError(f"--at: not an ISO 8601 moment: {at!r}") from error
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        if enqueue:
            result = watch_document_deadlines_task.enqueue(moment.isoformat() if moment else None)
            if not quiet:
                self.stdout.write(f"Enqueued document deadline watch {result.id}.")
            return
        report = watch_deadlines(moment)
        if not quiet:
            self.stdout.write(report.summary().capitalize() + ".")
