"""The national public-service portal (DVCQG) adapter: one interface, one HTTP/JSON client.

The client authenticates as the portal's LGSP clients do, with an OAuth 2.0 client-credentials
token (`POST <base>/oauth/token`, form `grant_type=client_credentials`, HTTP Basic with the
client id and secret) sent as `Authorization: Bearer`; a token is cached until shortly before
it expires, and fetched again once when the portal answers 401. Pushes are
`POST <base>/api/<service>` with the JSON envelope of `protocol.envelope`.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

from tinhso.exchange.national import protocol


@dataclass(frozen=True)
class PushResult:
    """The outcome of one push: `ok` (accepted, possibly as a duplicate), `retry` (worth trying
    again: network, 5xx, a token problem), else a refusal no retry can change."""

    ok: bool
    retry: bool = False
    error: str = ""
    answer: dict[str, Any] = field(default_factory=dict)


class Portal(Protocol):
    def push(self, service: str, message_id: uuid.UUID, data: Mapping[str, Any]) -> PushResult:
        """Send one push (dossier or progress). Never raises for network or portal errors."""
        ...


class HttpPortal:
    """The portal over HTTP/JSON (the real one, or the simulator under /simulators/dvcqg/)."""

    def __init__(
        self, *, base_url: str, client_id: str, client_secret: str, timeout: float = 15.0
    ) -> None:
        if not base_url.startswith(("https://", "http://")):
            raise ValueError(f"bad portal URL {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.client_id, self.client_secret, self.timeout = client_id, client_secret, timeout
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def _token_value(self, *, fresh: bool = False) -> str:
        with self._lock:
            if not fresh and self._token and self._token[1] > time.monotonic():
                return self._token[0]
            basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
            request = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
                f"{self.base_url}/oauth/token",
                data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
                headers={
                    "Authorization": f"Basic {basic}",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read())
            token = str(answer["access_token"])
            lifetime = float(answer.get("expires_in", 300))
            self._token = (token, time.monotonic() + max(lifetime - 30, 1))
            return token

    def _post(self, service: str, body: bytes, token: str) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            f"{self.base_url}/api/{service}",
            data=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            answer: dict[str, Any] = json.loads(response.read() or b"{}")
            return answer

    def push(self, service: str, message_id: uuid.UUID, data: Mapping[str, Any]) -> PushResult:
        body = json.dumps(protocol.envelope(service, message_id, data)).encode()
        try:
            try:
                answer = self._post(service, body, self._token_value())
            except urllib.error.HTTPError as error:
                if error.code != 401:
                    raise
                answer = self._post(service, body, self._token_value(fresh=True))
        except urllib.error.HTTPError as error:
            try:
                answer = json.loads(error.read() or b"{}")
            except ValueError:
                answer = {}
            detail = answer.get("message") or str(error)
            retry = error.code >= 500 or error.code in (401, 408, 429)
            return PushResult(False, retry, f"HTTP {error.code}: {detail}", answer)
        except (OSError, ValueError, KeyError) as error:  # refused, reset, timeout, bad JSON
            return PushResult(False, True, f"{type(error).__name__}: {error}")
        if int(answer.get("error_code", protocol.SYSTEM_ERROR)) != protocol.OK:
            return PushResult(False, False, str(answer.get("message", "")), answer)
        return PushResult(True, answer=answer)


_CLIENT: tuple[tuple[str, str, str, float], HttpPortal] | None = None


def portal() -> Portal | None:
    """The portal client built from settings (kept per process, so its token is reused), or
    None when `NATIONAL_PORTAL_URL` is empty (pushes then wait in the queue)."""
    global _CLIENT
    config = (
        settings.NATIONAL_PORTAL_URL,
        settings.NATIONAL_PORTAL_CLIENT_ID,
        settings.NATIONAL_PORTAL_CLIENT_SECRET,
        settings.NATIONAL_PORTAL_TIMEOUT,
    )
    if not config[0]:
        return None
    if _CLIENT is None or _CLIENT[0] != config:
        client = HttpPortal(
            base_url=config[0], client_id=config[1], client_secret=config[2], timeout=config[3]
        )
        _CLIENT = (config, client)
    return _CLIENT[1]
