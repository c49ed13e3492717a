"""Writes of the core primitives: audit entries and API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tinhso.core.models import ApiKey, AuditEntry

KEY_PREFIX = "ts"
# A key in use is touched at most this often, so that reads do not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def audit_record(
    *, action: str, obj: Any, actor: Any = None, actor_label: str = "", data: dict | None = None
) -> AuditEntry:
    """Append an audit entry for `obj`. Call it inside the service's transaction."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label or (str(actor) if actor is not None else "system"),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )


def hash_key(raw_key: str) -> str:
    """SHA-256 of a key. Keys carry 256 random bits, so a slow hash adds nothing."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, name: str, scopes: Iterable[str], actor: Any = None, expires_at: Any = None
) -> tuple[ApiKey, str]:
    """Create a key; return it with the raw key, which is shown once and never stored."""
    scopes = sorted(set(scopes))
    if not name.strip():
        raise ValueError("name")
    prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        name=name.strip(),
        prefix=prefix,
        key_hash=hash_key(raw),
        scopes=scopes,
        expires_at=expires_at,
    )
    audit_record(action="api_key.create", obj=key, actor=actor, data={"scopes": scopes})
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: Any = None) -> ApiKey:
    """Revoke a key at once; a revoked key authenticates nothing."""
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    audit_record(action="api_key.revoke", obj=key, actor=actor)
    return key


def api_key_authenticate(raw_key: str) -> ApiKey | None:
    """The live key that `raw_key` is, or None (unknown, malformed, revoked, expired)."""
    parts = raw_key.strip().split("_")
    if len(parts) < 3 or parts[0] != KEY_PREFIX:
        return None
    key = ApiKey.objects.filter(prefix=parts[1]).first()
    if key is None or not hmac.compare_digest(key.key_hash, hash_key(raw_key.strip())):
        return None
    now = timezone.now()
    if key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= now):
        return None
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
