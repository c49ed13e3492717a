"""The shape of a deadline-watch command (`tinhso watch_deadlines`,
`tinhso watch_document_deadlines`): run the watch now or as of `--at`, or enqueue it for the
task worker; each app's command names its watch, its task and what it watches."""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class WatchCommand(BaseCommand):
    label = "deadline watch"  # "Enqueued <label> <id>."

    def watch(self, moment: datetime | None) -> Any:
        """Run the watch as of `moment` (None: now); its report has `summary()`."""
        raise NotImplementedError

    def task(self) -> Any:
        """The task running the watch in the worker (its `enqueue(moment_iso)`)."""
        raise NotImplementedError

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
            result = self.task().enqueue(moment.isoformat() if moment else None)
            if not quiet:
                self.stdout.write(f"Enqueued {self.label} {result.id}.")
            return
        report = self.watch(moment)
        if not quiet:
            self.stdout.write(report.summary().capitalize() + ".")
