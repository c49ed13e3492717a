"""Writes of the core primitives: audit entries, API clients and their keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tinhso.core import sql
from tinhso.core.models import ApiClient, ApiKey, AuditEntry

KEY_PREFIX = "ts"
# A key in use is touched at most this often, so that reads do not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def audit_entry(
    *, action: str, obj: Any, actor: Any = None, actor_label: str = "", data: dict | None = None
) -> AuditEntry:
    """The audit entry `audit_record` writes, unsaved: for a service that writes many in one
    `AuditEntry.objects.bulk_create` (in its transaction, like `audit_record`)."""
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label or (str(actor) if actor is not None else "system"),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )


def audit_record(
    *, action: str, obj: Any, actor: Any = None, actor_label: str = "", data: dict | None = None
) -> AuditEntry:
    """Append an audit entry for `obj`. Call it inside the service's transaction. The entry
    is inserted by one fixed statement (every service writes one), its id not read back."""
    entry = audit_entry(action=action, obj=obj, actor=actor, actor_label=actor_label, data=data)
    sql.insert([entry])
    return entry


def hash_key(raw_key: str) -> str:
    """SHA-256 of a key. Keys carry 256 random bits, so a slow hash adds nothing."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *,
    name: str,
    scopes: Iterable[str],
    actor: Any = None,
    expires_at: Any = None,
    client: ApiClient | None = None,
) -> tuple[ApiKey, str]:
    """Create a key (of `client` when given); return it with the raw key, which is shown once
    and never stored. A key without a client is limited and logged on its own."""
    scopes = sorted(set(scopes))
    if not name.strip():
        raise ValueError("name")
    prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        client=client,
        name=name.strip(),
        prefix=prefix,
        key_hash=hash_key(raw),
        scopes=scopes,
        expires_at=expires_at,
    )
    audit_record(action="api_key.create", obj=key, actor=actor, data={"scopes": scopes})
    return key, raw


@transaction.atomic
def api_client_create(
    *,
    organisation: str,
    contact: str = "",
    rate_limit_per_minute: int | None = None,
    actor: Any = None,
) -> ApiClient:
    """Register a client organisation's system. Raises ValueError("organisation") when the name
    is empty or already registered, ValueError("rate_limit") when the limit is below 1."""
    organisation = organisation.strip()
    if not organisation or ApiClient.objects.filter(organisation=organisation).exists():
        raise ValueError("organisation")
    if rate_limit_per_minute is not None and rate_limit_per_minute < 1:
        raise ValueError("rate_limit")
    client = ApiClient.objects.create(
        organisation=organisation,
        contact=contact.strip(),
        rate_limit_per_minute=rate_limit_per_minute,
    )
    audit_record(
        action="api_client.create",
        obj=client,
        actor=actor,
        data={"rate_limit_per_minute": rate_limit_per_minute},
    )
    return client


def _live_keys(client: ApiClient) -> Any:
    now = timezone.now()
    return (
        ApiKey.objects.select_for_update()
        .filter(client=client, revoked_at__isnull=True)
        .exclude(expires_at__lte=now)
        .order_by("-created_at", "-pk")
    )


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor: Any = None) -> int:
    """Deactivate a client and revoke every key it holds, at once; returns the keys revoked.
    A deactivated client's keys authenticate nothing."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    now = timezone.now()
    revoked = ApiKey.objects.filter(client=client, revoked_at__isnull=True).update(revoked_at=now)
    client.active = False
    client.save(update_fields=["active"])
    audit_record(action="api_client.revoke", obj=client, actor=actor, data={"keys": revoked})
    return revoked


@transaction.atomic
def api_client_rotate(
    *,
    client: ApiClient,
    grace: timedelta = timedelta(0),
    scopes: Iterable[str] | None = None,
    expires_at: Any = None,
    actor: Any = None,
) -> tuple[ApiKey, str]:
    """Give the client a new key with the scopes of its newest live key (or `scopes`), and end
    its other live keys: revoked now, or expiring after `grace` so that its systems can switch
    over. Raises ValueError("inactive") for a deactivated client, ValueError("scopes") when it
    has no live key and no scopes are given."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if not client.active:
        raise ValueError("inactive")
    old = list(_live_keys(client))
    if scopes is None:
        if not old:
            raise ValueError("scopes")
        scopes = old[0].scopes
    now = timezone.now()
    for key in old:
        if grace > timedelta(0):
            end = now + grace
            key.expires_at = min(key.expires_at, end) if key.expires_at else end
            key.save(update_fields=["expires_at"])
        else:
            key.revoked_at = now
            key.save(update_fields=["revoked_at"])
    new, raw = api_key_create(
        name=client.organisation, scopes=scopes, client=client, expires_at=expires_at, actor=actor
    )
    audit_record(
        action="api_client.rotate",
        obj=client,
        actor=actor,
        data={"new_key": new.prefix, "ended": [k.prefix for k in old], "grace": str(grace)},
    )
    return new, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: Any = None) -> ApiKey:
    """Revoke a key at once; a revoked key authenticates nothing."""
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    audit_record(action="api_key.revoke", obj=key, actor=actor)
    return key


def api_key_authenticate(raw_key: str) -> ApiKey | None:
    """The live key that `raw_key` is, with its client, or None (unknown, malformed, revoked,
    expired, or its client deactivated)."""
    parts = raw_key.strip().split("_")
    if len(parts) < 3 or parts[0] != KEY_PREFIX:
        return None
    key = ApiKey.objects.select_related("client").filter(prefix=parts[1]).first()
    if key is None or not hmac.compare_digest(key.key_hash, hash_key(raw_key.strip())):
        return None
    now = timezone.now()
    if key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= now):
        return None
    if key.client is not None and not key.client.active:
        return None
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
