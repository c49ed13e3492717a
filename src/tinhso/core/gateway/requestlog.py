"""The request log: one row per API request of an authenticated client, written with one
INSERT after the answer is ready (no transaction, no read), and pruned daily."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from tinhso.core.models import ApiKey, ApiRequestLog

_CONVERTER = re.compile(r"<(?:[^>:]+:)?([^>]+)>")
UNMATCHED = "(unmatched)"


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered, as OpenAPI writes it (`/api/v1/applicants/{identifier}`),
    never the raw path with its identifiers; "(unmatched)" when no pattern matched."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return UNMATCHED
    return "/" + _CONVERTER.sub(r"{\1}", match.route).lstrip("^").rstrip("$")


def response_bytes(response: HttpResponseBase) -> int:
    if getattr(response, "streaming", False):
        return int(response.get("Content-Length") or 0)
    return len(getattr(response, "content", b""))


def record(
    *, request: HttpRequest, response: HttpResponseBase, key: ApiKey, seconds: float
) -> None:
    """Append the request of `key`'s client. Call it once the response is made."""
    ApiRequestLog.objects.create(
        at=timezone.now(),
        client_id=key.client_id,
        key_id=key.pk,
        method=(request.method or "")[:10],
        route=route_of(request)[:200],
        status=response.status_code,
        duration_ms=round(seconds * 1000, 3),
        bytes=response_bytes(response),
    )


def prune(*, now: object = None) -> int:
    """Delete entries older than GATEWAY_LOG_RETENTION_DAYS; returns how many."""
    moment = now if now is not None else timezone.now()
    cutoff = moment - timedelta(days=settings.GATEWAY_LOG_RETENTION_DAYS)  # type: ignore[operator]
    deleted, _ = ApiRequestLog.objects.filter(at__lt=cutoff).delete()
    return deleted
