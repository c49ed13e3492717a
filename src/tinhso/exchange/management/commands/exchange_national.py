"""`tinhso exchange_national send|status|replay`: the queue of pushes to the national
public-service portal from the command line."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from tinhso.exchange.national import queue
from tinhso.exchange.national.models import NationalPush
from tinhso.exchange.national.portal import portal


def _push(message_id: str) -> NationalPush:
    try:
        push = NationalPush.objects.filter(message_id=uuid.UUID(message_id)).first()
    except ValueError:
        push = None
    if push is None:
        raise CommandError(f"no push {message_id}")
    return push


class Command(BaseCommand):
    help = "Pushes to the national public-service portal: send due ones, show, replay."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="attempt every due push once")
        send.add_argument("--limit", type=int, default=500)
        status = sub.add_parser("status", help="counts by state, or one push with its id")
        status.add_argument("message_id", nargs="?")
        status.add_argument("--dossier", help="the pushes of one dossier code")
        replay = sub.add_parser("replay", help="queue a dead or failed push again")
        replay.add_argument("message_id")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "send":
            if portal() is None:
                raise CommandError("NATIONAL_PORTAL_URL is not set")
            counts = queue.send_due(limit=options["limit"])
            self.stdout.write(", ".join(f"{n} {state}" for state, n in counts.items()))
        elif action == "replay":
            try:
                push = queue.replay(push=_push(options["message_id"]), actor="cli")
            except ValueError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"{push.message_id} queued again")
        elif options["message_id"]:
            self.stdout.write(json.dumps(self._describe(_push(options["message_id"])), indent=2))
        elif options["dossier"]:
            pushes = NationalPush.objects.filter(dossier_code=options["dossier"]).order_by("pk")
            for push in pushes:
                self.stdout.write(
                    f"{push.message_id} {push.kind} {push.state} attempts={push.attempts}"
                )
        else:
            rows = NationalPush.objects.values("kind", "state").annotate(n=Count("pk"))
            for row in rows.order_by("kind", "state"):
                self.stdout.write(f"{row['kind']} {row['state']}: {row['n']}")

    def _describe(self, push: NationalPush) -> dict[str, Any]:
        return {
            "message_id": str(push.message_id),
            "kind": push.kind,
            "dossier_code": push.dossier_code,
            "state": push.state,
            "attempts": push.attempts,
            "next_attempt_at": str(push.next_attempt_at or ""),
            "last_error": push.last_error,
            "answer": push.answer,
            "sent_at": str(push.sent_at or ""),
            "body": push.body,
        }
