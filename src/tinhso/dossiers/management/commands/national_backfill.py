"""`tinhso national_backfill [--limit N]`: queue the national portal's pushes of dossiers it
was never told of (the demo's bulk-loaded dossiers, dossiers received before the adapter);
`tinhso exchange_national send` or `tinhso periodic` then sends them. Idempotent."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tinhso.dossiers.national_glue import backfill


class Command(BaseCommand):
    help = "Queue dossier and progress pushes to the national portal for dossiers never pushed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        count = backfill(limit=options["limit"])
        self.stdout.write(f"{count} dossiers queued for the national portal")
