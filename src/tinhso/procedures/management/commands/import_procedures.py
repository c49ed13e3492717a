"""Import or export the procedure catalogue (JSON or Excel), all-or-nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tinhso.procedures import catalogue_io, services


class Command(BaseCommand):
    help = "Import a catalogue file (.json or .xlsx); with --export, write the catalogue to it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--export", action="store_true", help="write instead of read")

    def handle(self, *args: Any, path: Path, export: bool, **options: Any) -> None:
        try:
            if export:
                kind = services.file_format(path.name)
                exported = services.catalogue_export_file(kind=kind, actor=None)
                path.write_bytes(exported.content)
                self.stdout.write(f"{path}: {exported.procedures} procedures")
                return
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            result = services.catalogue_import_file(
                filename=path.name, content=path.read_bytes(), actor=None
            )
        except catalogue_io.CatalogueError as error:
            raise CommandError(f"{path.name}: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"{path.name}: {result}"))
