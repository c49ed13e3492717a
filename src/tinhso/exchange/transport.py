"""Posting packages to a peer's inbox over HTTP(S): one package a request (what every LGSP
peer accepts), or, to a Tỉnh Số peer whose `batch_size` is over 1, several a request to
`/inbox/batch` (multipart/form-data, answered package by package). Never inside a
transaction: nothing is locked over the network. `outbox` decides what to post and records
the outcomes.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from tinhso.exchange import node
from tinhso.exchange.edxml import ErrorCode
from tinhso.exchange.models import OutboxMessage, Peer

INBOX_PATH = "/api/v1/exchange/inbox"
BATCH_PATH = INBOX_PATH + "/batch"
KEY_HEADER = "X-API-Key"
# A batch stops growing at this many bytes of packages; a larger package goes on its own.
BATCH_MAX_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Attempt:
    ok: bool
    code: int
    error: str = ""
    answer: dict[str, Any] | None = None


class NoBatchInbox(Exception):
    """The peer has no batch inbox (an older node, or not Tỉnh Số): post one by one."""


def _bad_url(peer: Peer) -> Attempt | None:
    if peer.base_url.startswith(("https://", "http://")):  # never file: or custom schemes
        return None
    return Attempt(False, int(ErrorCode.SYSTEM_ERROR), f"bad peer URL {peer.base_url!r}")


def _exchange(peer: Peer, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    """POST `body` to the peer's `path`; the HTTP status and the JSON answer ({} if none).
    Raises OSError or ValueError when no answer came (refused, reset, timeout, TLS, bad JSON)."""
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked by the caller)
        peer.base_url.rstrip("/") + path,
        data=body,
        method="POST",
        headers={KEY_HEADER: node.peer_key(peer), **headers},
    )
    try:
        timeout = settings.EXCHANGE_HTTP_TIMEOUT
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            answer = json.loads(error.read() or b"{}")
        except ValueError:
            answer = {}
        return error.code, answer if isinstance(answer, dict) else {}


def _answered(status: int, answer: Any) -> Attempt:
    """An inbox's answer to one package (the single inbox's body, or one item of a batch's)."""
    if not isinstance(answer, dict):
        return Attempt(False, int(ErrorCode.SYSTEM_ERROR), f"HTTP {status}: not an answer")
    code = int(answer.get("code", ErrorCode.SYSTEM_ERROR if status >= 400 else 0))
    if status < 400 and code == 0:
        return Attempt(True, 0, answer=answer)
    detail = answer.get("detail") or answer.get("title") or f"HTTP {status}"
    return Attempt(False, code, f"HTTP {status}, {code}: {detail}", answer)


def _unanswered(error: Exception) -> Attempt:
    return Attempt(False, int(ErrorCode.SYSTEM_ERROR), f"{type(error).__name__}: {error}")


def post_one(message: OutboxMessage) -> Attempt:
    """POST `message`'s package to its peer's inbox."""
    peer = message.peer
    assert peer is not None
    if (bad := _bad_url(peer)) is not None:
        return bad
    headers = {"Content-Type": "application/xml", "X-Message-Id": str(message.message_id)}
    try:
        return _answered(*_exchange(peer, INBOX_PATH, bytes(message.data), headers))
    except (OSError, ValueError) as error:
        return _unanswered(error)


def multipart(packages: Sequence[bytes]) -> tuple[bytes, str]:
    """A multipart/form-data body with one `package` part for each of `packages`, and its
    content type. The boundary is random and checked absent from every package."""
    while True:
        boundary = uuid.uuid4().hex
        if not any(boundary.encode() in data for data in packages):
            break
    chunks = []
    for index, data in enumerate(packages):
        chunks.append(
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="package"; filename="{index}.xml"\r\n'
            "Content-Type: application/xml\r\n\r\n".encode()
        )
        chunks.extend((data, b"\r\n"))
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def post_batch(peer: Peer, messages: Sequence[OutboxMessage]) -> list[Attempt]:
    """POST `messages`' packages to `peer`'s batch inbox in one request; an attempt for each,
    in their order. A failure of the request as a whole (no answer, a refusal of the batch,
    an answer that does not fit) fails every one of them. Raises NoBatchInbox when the peer
    has no batch inbox (404 or 405): the caller posts them one by one."""
    if (bad := _bad_url(peer)) is not None:
        return [bad] * len(messages)
    body, content_type = multipart([bytes(message.data) for message in messages])
    try:
        status, answer = _exchange(peer, BATCH_PATH, body, {"Content-Type": content_type})
    except (OSError, ValueError) as error:
        return [_unanswered(error)] * len(messages)
    if status in (404, 405):
        raise NoBatchInbox(f"HTTP {status} from {peer.base_url}{BATCH_PATH}")
    results = answer.get("results") if status < 400 else None
    if not isinstance(results, list) or len(results) != len(messages):
        whole = _answered(status, answer)
        if whole.ok:  # a 2xx without one result per package
            whole = Attempt(False, int(ErrorCode.SYSTEM_ERROR), f"HTTP {status}: bad batch answer")
        return [whole] * len(messages)
    return [_answered(status, item) for item in results]
