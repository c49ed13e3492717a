"""`tinhso sweep_files`: list, and with `--delete` remove, stored files no model references.

    tinhso sweep_files                      # dry run: the orphans older than 24 h, and totals
    tinhso sweep_files --older-than 2d      # another grace period (s, m, h, d; a number is hours)
    tinhso sweep_files --delete             # remove them
    tinhso sweep_files --list-fields        # the registered file fields and their folders

Only the folders that apps register (`core.filesweep.register`) are walked; see that module
for what is never touched. `tinhso periodic` runs the deletion once a day.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tinhso.core import filesweep


class Command(BaseCommand):
    help = (
        "List stored files that no registered model field references and that are older than "
        "the grace period; delete them with --delete (a dry run by default)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            default="24h",
            help="grace period: only files last modified before it are orphans (default 24h)",
        )
        parser.add_argument("--delete", action="store_true", help="delete the orphans")
        parser.add_argument(
            "--force",
            action="store_true",
            help="delete even when the orphans outnumber the referenced files",
        )
        parser.add_argument(
            "--list-fields", action="store_true", help="list the registered file fields and exit"
        )

    def handle(
        self,
        *args: Any,
        older_than: str,
        delete: bool,
        force: bool,
        list_fields: bool,
        verbosity: int,
        **options: Any,
    ) -> None:
        if list_fields:
            for reference in filesweep.registered():
                self.stdout.write(f"{reference.model}.{reference.field}\t{reference.prefix}")
            return
        try:
            grace = filesweep.parse_duration(older_than)
        except ValueError as error:
            raise CommandError(str(error)) from error

        def listed(name: str, size: int, modified: datetime) -> None:
            if verbosity >= 1:
                stamp = timezone.localtime(modified).strftime("%Y-%m-%d %H:%M")
                self.stdout.write(f"orphan\t{size}\t{stamp}\t{name}")

        result = filesweep.sweep(older_than=grace, delete=delete, force=force, on_orphan=listed)
        if verbosity >= 2:
            for name in result.skipped:
                self.stdout.write(f"skipped\t{name}")
        if result.refused:
            raise CommandError(result.summary())
        self.stdout.write(result.summary())
