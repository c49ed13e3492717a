"""`tinhso postal_simulator step|move`: move the postal simulator's shipments along (demo)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tinhso.exchange.postal.base import PostalStatus
from tinhso.exchange.postal.simulator import service


class Command(BaseCommand):
    help = "Move PostalSimulator shipments on and push their status callbacks (demo only)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True)
        step = sub.add_parser("step", help="every shipment on the usual path moves one status on")
        step.add_argument("--older-than", type=int, default=0, help="seconds untouched")
        move = sub.add_parser("move", help="move one shipment to a status")
        move.add_argument("tracking_number")
        move.add_argument("status", choices=[s.value for s in PostalStatus])

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.POSTAL_SIMULATOR:
            raise CommandError("POSTAL_SIMULATOR is off.")
        if options["command"] == "step":
            self.stdout.write(service.step_all(older_than_seconds=options["older_than"]))
            return
        try:
            shipment = service.advance(
                service.get(options["tracking_number"]), PostalStatus(options["status"])
            )
        except service.Refused as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{shipment.tracking_number}: {shipment.status}")
