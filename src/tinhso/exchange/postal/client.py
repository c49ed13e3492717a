"""HTTP/JSON client of the VNPost-like postal API (`protocol.py`), configured by
POSTAL_API_URL and POSTAL_API_KEY (sent in the token header)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote

from django.conf import settings

from tinhso.exchange.postal import protocol
from tinhso.exchange.postal.base import (
    NotFound,
    PostalError,
    PostalRefused,
    PostalService,
    PostalUnavailable,
    Shipment,
    ShipmentRequest,
)


class PostalClient(PostalService):
    def __init__(self, *, base_url: str, token: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Shipment:
        if not self.base_url:
            raise PostalUnavailable("POSTAL_API_URL is not set")
        data = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None
        req = urllib.request.Request(  # noqa: S310 (the configured http(s) URL)
            f"{self.base_url}{path}",
            data=data,
            method=method,
            headers={
                protocol.TOKEN_HEADER: self.token,
                "Accept": "application/json",
                **({"Content-Type": "application/json"} if data else {}),
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:  # noqa: S310
                body = json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise self._error(error) from error
        except (OSError, TimeoutError) as error:  # URLError, refused, timeout
            raise PostalUnavailable(f"{method} {path}: {error}") from error
        except ValueError as error:
            raise PostalError(f"{method} {path}: the answer is not JSON") from error
        try:
            return protocol.shipment_of(body)
        except (KeyError, ValueError, TypeError) as error:
            raise PostalError(f"{method} {path}: unexpected answer {body!r}") from error

    @staticmethod
    def _error(error: urllib.error.HTTPError) -> PostalError:
        if error.code >= 500:
            return PostalUnavailable(f"HTTP {error.code}")
        try:
            body = json.loads(error.read())
        except ValueError:
            body = {}
        message = str(body.get("message") or f"HTTP {error.code}")
        if error.code == 404:
            return NotFound(message)
        fields = {
            protocol.OUR_FIELD.get(str(e.get("field")), str(e.get("field"))): str(e.get("message"))
            for e in body.get("errors") or []
            if isinstance(e, dict)
        }
        if error.code in (400, 409, 422):
            return PostalRefused(message, fields)
        return PostalError(f"HTTP {error.code}: {message}")  # 401/403: our configuration

    def create_shipment(self, request: ShipmentRequest) -> Shipment:
        return self._call("POST", "/shipments", protocol.request_body(request))

    def get_status(self, tracking_number: str) -> Shipment:
        return self._call("GET", f"/shipments/{quote(tracking_number)}")

    def cancel(self, tracking_number: str) -> Shipment:
        return self._call("POST", f"/shipments/{quote(tracking_number)}/cancel", {})


def get_service() -> PostalService:
    """The postal service configured in settings."""
    return PostalClient(
        base_url=settings.POSTAL_API_URL,
        token=settings.POSTAL_API_KEY,
        timeout=settings.POSTAL_TIMEOUT,
    )
