"""The node's inbox, `POST /api/v1/exchange/inbox`: the signed edXML package is the body, the
calling peer's key is in X-API-Key. Thin: `inbox.receive` decides; this maps its answer to
HTTP (JSON with the LGSP code; problem details with the code for refusals)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Router, Schema
from ninja.security import APIKeyHeader

from tinhso.core.api import PROBLEM_BASE, PROBLEM_CONTENT_TYPE
from tinhso.exchange import edxml
from tinhso.exchange.edxml import ErrorCode
from tinhso.exchange.inbox import Answer, authenticate, receive, refuse_unread
from tinhso.exchange.models import Peer

router = Router()

HTTP_STATUS = {
    ErrorCode.INVALID_FILE: 400,
    ErrorCode.BAD_CREDENTIALS: 401,
    ErrorCode.UNKNOWN_RECEIVER: 422,
    ErrorCode.SENDER_NOT_REGISTERED: 403,
    ErrorCode.SYSTEM_ERROR: 500,
    ErrorCode.FILE_PROCESSING: 422,
    ErrorCode.NOT_CONFORMANT: 422,
    ErrorCode.RECEIVER_LOCKED: 423,
}


class InboxOut(Schema):
    """The package was accepted (or had been: `duplicate`): verified, logged and stored, to
    be applied by the node's worker. `state` is its inbox row's state now (accepted, then
    applied, refused, failed or dead); `result` the handler's result once applied."""

    code: int
    title: str
    message_id: str
    state: str
    duplicate: bool
    result: dict[str, Any]


class InboxProblemOut(Schema):
    """A refusal: RFC 9457 problem details with the LGSP error code."""

    type: str
    title: str
    status: int
    instance: str
    code: int
    detail: str | None = None
    element: str | None = None


class PeerRefused(Exception):
    def __init__(self, answer: Answer, status: int | None = None) -> None:
        super().__init__(answer.message)
        self.answer, self.status = answer, status


def refusal_response(
    request: HttpRequest, answer: Answer, status: int | None = None
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + f"exchange-{int(answer.code)}",
        "title": answer.title,
        "status": status or HTTP_STATUS.get(answer.code, 400),
        "instance": request.get_full_path(),
        "code": int(answer.code),
    }
    if answer.message:
        body["detail"] = answer.message
    if answer.element:
        body["element"] = answer.element
    return JsonResponse(
        body,
        status=body["status"],
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def install_exchange_handlers(api: NinjaAPI) -> None:
    """Answer the inbox's refusals (also of authentication) with their LGSP code."""

    @api.exception_handler(PeerRefused)
    def on_refused(request: HttpRequest, exc: PeerRefused) -> HttpResponse:
        return refusal_response(request, exc.answer, exc.status)


class PeerKey(APIKeyHeader):
    """A peer node, by the API key it was given (hashed at rest on its Peer row)."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Peer:
        peer = authenticate(key)
        if peer is None:
            raise PeerRefused(Answer(ErrorCode.BAD_CREDENTIALS, "unknown or missing peer key"))
        return peer


XML_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}},
        "description": "A signed edXML package (QCVN 102:2016), at most 64 MiB.",
    }
}


@router.post(
    "/exchange/inbox",
    auth=PeerKey(),
    response={
        200: InboxOut,
        400: InboxProblemOut,
        401: InboxProblemOut,
        403: InboxProblemOut,
        413: InboxProblemOut,
        422: InboxProblemOut,
        423: InboxProblemOut,
        500: InboxProblemOut,
    },
    summary="Nhận gói tin edXML từ nút liên thông khác",
    openapi_extra=XML_BODY,
)
def inbox(request: HttpRequest) -> Any:
    """Receive a document or status package from a peer node. Answers code 0 once it is
    verified and durably stored (accepted; the node applies it afterwards and tells a document's
    sender by status packages: 01 received, or 02 refused), also for a repeat, which is never
    accepted twice; otherwise the LGSP code: 10 invalid file,
    15 bad credentials or signature, 18 unknown receiving organ, 19 sending organ not served by
    this peer, 20 system error, 21 attachment error, 22 not conformant edXML."""
    peer: Peer = request.auth  # type: ignore[attr-defined]
    length = int(request.headers.get("Content-Length") or 0)
    if length > edxml.LIMITS.max_package_bytes:
        raise PeerRefused(refuse_unread(peer=peer, size=length), 413)
    # Read the stream, not request.body: DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) is for forms.
    data = request.read(edxml.LIMITS.max_package_bytes + 1)
    if len(data) > edxml.LIMITS.max_package_bytes:
        raise PeerRefused(refuse_unread(peer=peer, size=len(data)), 413)
    answer = receive(data=data, peer=peer)
    if answer.code != ErrorCode.OK:
        raise PeerRefused(answer)
    return {
        "code": 0,
        "title": answer.title,
        "message_id": answer.body.get("message_id", ""),
        "state": answer.body.get("state", ""),
        "duplicate": answer.duplicate,
        "result": {k: v for k, v in answer.body.items() if k not in ("message_id", "state")},
    }
