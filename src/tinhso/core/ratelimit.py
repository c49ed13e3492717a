"""A fixed-window rate limit on Django's cache (per process with the default local-memory
cache; shared once CACHES points to Redis)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    # Behind a reverse proxy, configure it to set REMOTE_ADDR (never trust X-Forwarded-For here).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(scope: str, who: str, *, limit: int, window: int) -> bool:
    """Count one hit of `who` in `scope`; False once `limit` hits fell in the current window."""
    bucket = int(time.time() // window)
    key = f"rl:{scope}:{who}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        hits = 1
    return hits <= limit
