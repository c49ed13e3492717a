"""Import administrative units, successions or organs from CSV files (all-or-nothing)."""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tinhso.directory import imports


class Command(BaseCommand):
    help = (
        "Import a units file (code,name,level,parent_code,valid_from,valid_to), a succession "
        "file (--successions) or an organs file (--organs --units-on YYYY-MM-DD). A file with "
        "a bad line writes nothing and names the line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        kind = parser.add_mutually_exclusive_group()
        kind.add_argument("--successions", action="store_true")
        kind.add_argument("--organs", action="store_true")
        parser.add_argument("--province", help="import only this province and its units")
        parser.add_argument("--units-on", type=date.fromisoformat, help="date of organ units")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            if options["successions"]:
                result = imports.import_successions(path)
            elif options["organs"]:
                if options["units_on"] is None:
                    raise CommandError("--organs needs --units-on YYYY-MM-DD")
                result = imports.import_organs(path, units_on=options["units_on"])
            else:
                result = imports.import_units(path, province=options["province"])
        except imports.DataImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"{path.name}: {result}"))
