"""`tinhso apiclient create|list|revoke|rotate`: API clients of the service gateway and their
keys. A key is printed once, when it is made; only its hash is kept."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tinhso.core.gateway import catalogue
from tinhso.core.models import ApiClient
from tinhso.core.services import (
    api_client_create,
    api_client_revoke,
    api_client_rotate,
    api_key_create,
)


def _expiry(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--expires {value!r}: write YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment <= timezone.now():
        raise CommandError("--expires must be in the future")
    return moment


class Command(BaseCommand):
    help = "API clients of the service gateway: create, list, revoke, rotate their keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="register a client and print its first key")
        create.add_argument("--organisation", required=True)
        create.add_argument("--contact", default="")
        create.add_argument("--scope", action="append", required=True, help="repeatable")
        create.add_argument("--rate-limit", type=int, default=None, help="requests per minute")
        create.add_argument("--expires", default=None, help="key expiry, YYYY-MM-DD[THH:MM]")
        sub.add_parser("list", help="list clients and their keys (never the keys themselves)")
        revoke = sub.add_parser("revoke", help="deactivate a client and revoke all its keys")
        revoke.add_argument("organisation")
        rotate = sub.add_parser("rotate", help="print a new key and end the client's old ones")
        rotate.add_argument("organisation")
        rotate.add_argument(
            "--grace-hours", type=float, default=0, help="old keys keep working this long"
        )
        rotate.add_argument("--expires", default=None, help="new key's expiry")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list()
        elif action == "revoke":
            revoked = api_client_revoke(client=self._client(options["organisation"]), actor=None)
            self.stdout.write(f"{options['organisation']}: deactivated, {revoked} key(s) revoked")
        else:
            client = self._client(options["organisation"])
            try:
                key, raw = api_client_rotate(
                    client=client,
                    grace=timedelta(hours=options["grace_hours"]),
                    expires_at=_expiry(options["expires"]),
                )
            except ValueError as error:
                reason = {"inactive": "the client is deactivated", "scopes": "no live key"}
                raise CommandError(reason.get(str(error), str(error))) from None
            self._print_key(client, key.prefix, raw)

    def _create(self, options: dict[str, Any]) -> None:
        known = set(catalogue.known_scopes())
        unknown = sorted(set(options["scope"]) - known)
        if unknown:
            raise CommandError(
                f"unknown scope(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        expires_at = _expiry(options["expires"])
        try:
            client = api_client_create(
                organisation=options["organisation"],
                contact=options["contact"],
                rate_limit_per_minute=options["rate_limit"],
            )
        except ValueError as error:
            reason = {
                "organisation": "--organisation is empty or already registered",
                "rate_limit": "--rate-limit must be at least 1",
            }
            raise CommandError(reason[str(error)]) from None
        key, raw = api_key_create(
            name=client.organisation, scopes=options["scope"], client=client, expires_at=expires_at
        )
        self._print_key(client, key.prefix, raw)

    def _print_key(self, client: ApiClient, prefix: str, raw: str) -> None:
        self.stdout.write(f"{client.organisation} (key {prefix}): {raw}")
        self.stdout.write("Store it now: only its hash is kept.")

    def _client(self, organisation: str) -> ApiClient:
        client = ApiClient.objects.filter(organisation=organisation.strip()).first()
        if client is None:
            raise CommandError(f"no client {organisation!r}")
        return client

    def _list(self) -> None:
        now = timezone.now()
        for client in ApiClient.objects.prefetch_related("keys"):
            limit = client.rate_limit_per_minute or "default"
            state = "active" if client.active else "deactivated"
            self.stdout.write(f"{client.organisation}\t{state}\t{limit}/min\t{client.contact}")
            for key in client.keys.all():
                if key.revoked_at:
                    status = "revoked"
                elif key.expires_at and key.expires_at <= now:
                    status = "expired"
                elif key.expires_at:
                    status = f"until {timezone.localtime(key.expires_at):%Y-%m-%d %H:%M}"
                else:
                    status = "live"
                self.stdout.write(f"  {key.prefix}\t{','.join(key.scopes)}\t{status}")
