"""`tinhso create_api_key --name "LGSP" --scope applicants:read`: print a new key once."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tinhso.core.gateway import catalogue
from tinhso.core.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for an integration client; the key is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--scope", action="append", required=True, choices=catalogue.known_scopes()
        )

    def handle(self, *args: Any, name: str, scope: list[str], **options: Any) -> None:
        try:
            key, raw = api_key_create(name=name, scopes=scope)
        except ValueError as error:
            raise CommandError("--name must not be empty") from error
        self.stdout.write(f"{key.name}: {raw}")
        self.stdout.write("Store it now: only its hash is kept.")
