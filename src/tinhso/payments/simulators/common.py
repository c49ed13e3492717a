"""Shared plumbing of the gateway simulators: sending a notification over HTTP."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings
from django.core.exceptions import PermissionDenied

logger = logging.getLogger(__name__)


def require_enabled() -> None:
    if not settings.PAYMENT_SIMULATORS:
        raise PermissionDenied("payment simulators are disabled")


def send(url: str, *, body: dict[str, str] | None = None) -> str:
    """GET `url` (or POST `body` as JSON) as the gateway's server would; the reply's text,
    or "" when the platform could not be reached (the simulator does not retry)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(  # noqa: S310 (the platform's own URL)
        url, data=data, headers={"Content-Type": "application/json"} if data else {}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310
            return response.read().decode()
    except OSError as error:
        logger.warning("simulator could not notify %s: %s", url, error)
        return ""
