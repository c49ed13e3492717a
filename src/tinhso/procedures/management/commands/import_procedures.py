"""Import or export the procedure catalogue (JSON or Excel), all-or-nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tinhso.procedures import catalogue_io, catalogue_xlsx


class Command(BaseCommand):
    help = "Import a catalogue file (.json or .xlsx); with --export, write the catalogue to it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--export", action="store_true", help="write instead of read")

    def handle(self, *args: Any, path: Path, export: bool, **options: Any) -> None:
        excel = path.suffix.lower() == ".xlsx"
        if export:
            document = catalogue_io.export_catalogue()
            if excel:
                path.write_bytes(catalogue_xlsx.to_xlsx(document))
            else:
                path.write_text(catalogue_io.dumps(document), encoding="utf-8")
            self.stdout.write(f"{path}: {len(document['procedures'])} procedures")
            return
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            document = (
                catalogue_xlsx.from_xlsx(path.read_bytes())
                if excel
                else catalogue_io.loads(path.read_text(encoding="utf-8"))
            )
            result = catalogue_io.import_catalogue(document)
        except catalogue_io.CatalogueError as error:
            raise CommandError(f"{path.name}: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"{path.name}: {result}"))
