"""The daily job `core.gateway_prune`: the request log past GATEWAY_LOG_RETENTION_DAYS and the
rate counters of minutes that ended. Idempotent."""

from __future__ import annotations

from tinhso.core.gateway import ratelimit, requestlog


def prune_summary() -> str:
    entries = requestlog.prune()
    counters = ratelimit.prune()
    return f"{entries} request log entries, {counters} rate counters deleted"
