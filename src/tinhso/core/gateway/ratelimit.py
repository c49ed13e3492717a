"""Per-client rate limits, counted in the database so that every gunicorn worker (and every
node sharing the database) sees the same count: one upsert per request.

The project configures no shared cache (CACHES is Django's per-process local memory, which
would give each worker its own allowance), so the database is the one store all workers share
(ADR 0016). A client's requests in a minute since the epoch are one row; a fixed window.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from tinhso.core.models import ApiKey, ApiRateCounter

WINDOW_SECONDS = 60
clock = time.time  # tests fix it, so that a window never ends in the middle of one


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    hits: int
    retry_after: int  # seconds until the window ends


def bucket_of(key: ApiKey) -> str:
    return f"client:{key.client_id}" if key.client_id else f"key:{key.pk}"


def limit_of(key: ApiKey) -> int:
    client = key.client
    if client is not None and client.rate_limit_per_minute:
        return client.rate_limit_per_minute
    return int(settings.GATEWAY_RATE_LIMIT_PER_MINUTE)


def _hit(bucket: str, minute: int) -> int:
    table = connection.ops.quote_name(ApiRateCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (bucket, minute, hits) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (bucket, minute) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [bucket, minute],
        )
        row = cursor.fetchone()
    return int(row[0])


def consume(key: ApiKey, *, now: float | None = None) -> Verdict:
    """Count one request of the key's client in the current minute and say whether it is
    within the client's limit (GATEWAY_RATE_LIMIT_PER_MINUTE unless the client has its own;
    0 turns limits off)."""
    limit = limit_of(key)
    now = clock() if now is None else now
    if limit <= 0:
        return Verdict(True, 0, 0, 0)
    minute = int(now // WINDOW_SECONDS)
    hits = _hit(bucket_of(key), minute)
    retry_after = max(1, math.ceil((minute + 1) * WINDOW_SECONDS - now))
    return Verdict(hits <= limit, limit, hits, retry_after)


def prune(*, now: float | None = None) -> int:
    """Delete the counters of minutes that ended; returns how many."""
    now = clock() if now is None else now
    deleted, _ = ApiRateCounter.objects.filter(minute__lt=int(now // WINDOW_SECONDS)).delete()
    return deleted
