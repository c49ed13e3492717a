"""`tinhso seed --scale small|full`: load the demo province (idempotent)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from tinhso.core.seeding import SCALES, seeders


class Command(BaseCommand):
    help = "Load the demo province: small (fast) or full (the seed report's figures)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=SCALES, default="small")
        parser.add_argument("--no-progress", action="store_true", help="hide progress bars")

    def handle(self, *args: Any, scale: str, no_progress: bool, **options: Any) -> None:
        started = time.monotonic()

        def progress(iterable: Any, *, total: int | None = None, desc: str = "") -> Any:
            return tqdm(iterable, total=total, desc=desc, disable=no_progress, unit="", leave=False)

        for seeder in seeders():
            self.stdout.write(f"· {seeder.name} ({scale})")
            for line in seeder.load(scale=scale, progress=progress):
                self.stdout.write(f"  {line}")
        self.stdout.write(
            self.style.SUCCESS(f"Demo province loaded in {time.monotonic() - started:.1f} s.")
        )
