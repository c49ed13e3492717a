"""The node's inbox, `POST /api/v1/exchange/inbox`: the signed edXML package is the body, the
calling peer's key is in X-API-Key. Thin: `inbox.receive` decides; this maps its answer to
HTTP (JSON with the LGSP code; problem details with the code for refusals).

`POST /api/v1/exchange/inbox/batch` takes several packages at once from a Tỉnh Số peer
(multipart/form-data, one `package` part each; `inbox.receive_many`) and answers each in its
order with what the single inbox would have answered it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Router, Schema
from ninja.security import APIKeyHeader

from tinhso.core.api import PROBLEM_BASE, PROBLEM_CONTENT_TYPE
from tinhso.exchange import edxml
from tinhso.exchange.edxml import ErrorCode
from tinhso.exchange.inbox import Answer, authenticate, receive, receive_many, refuse_unread
from tinhso.exchange.models import BATCH_MAX_PACKAGES, Peer

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


class BatchItemOut(Schema):
    """One package of a batch, in its order: code 0 with the fields of the single inbox's
    answer, or a refusal's LGSP code, title, detail and element."""

    code: int
    title: str
    message_id: str | None = None
    state: str | None = None
    duplicate: bool | None = None
    result: dict[str, Any] | None = None
    detail: str | None = None
    element: str | None = None


class BatchOut(Schema):
    results: list[BatchItemOut]


class PeerRefused(Exception):
    def __init__(self, answer: Answer, status: int | None = None) -> None:
        super().__init__(answer.message)
        self.answer, self.status = answer, status


def accepted_body(answer: Answer) -> dict[str, Any]:
    """What the inbox answers for a package accepted (or accepted before: `duplicate`)."""
    return {
        "code": 0,
        "title": answer.title,
        "message_id": answer.body.get("message_id", ""),
        "state": answer.body.get("state", ""),
        "duplicate": answer.duplicate,
        "result": {k: v for k, v in answer.body.items() if k not in ("message_id", "state")},
    }


def item_body(answer: Answer) -> dict[str, Any]:
    """One answer of a batch: accepted as `accepted_body`, or the refusal's code, title,
    detail and element (what `refusal_response` also writes)."""
    if answer.code == ErrorCode.OK:
        return accepted_body(answer)
    body: dict[str, Any] = {"code": int(answer.code), "title": answer.title}
    if answer.message:
        body["detail"] = answer.message
    if answer.element:
        body["element"] = answer.element
    return body


def refusal_response(
    request: HttpRequest, answer: Answer, status: int | None = None
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + f"exchange-{int(answer.code)}",
        "status": status or HTTP_STATUS.get(answer.code, 400),
        "instance": request.get_full_path(),
        **item_body(answer),
    }
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


def _announced_size_fits(request: HttpRequest) -> Peer:
    """The calling peer, once the body's announced size is within the package limit (413
    otherwise, logged unread)."""
    peer: Peer = request.auth  # type: ignore[attr-defined]
    length = int(request.headers.get("Content-Length") or 0)
    if length > edxml.LIMITS.max_package_bytes:
        raise PeerRefused(refuse_unread(peer=peer, size=length), 413)
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
    peer = _announced_size_fits(request)
    # Read the stream, not request.body: DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) is for forms.
    data = request.read(edxml.LIMITS.max_package_bytes + 1)
    if len(data) > edxml.LIMITS.max_package_bytes:
        raise PeerRefused(refuse_unread(peer=peer, size=len(data)), 413)
    answer = receive(data=data, peer=peer)
    if answer.code != ErrorCode.OK:
        raise PeerRefused(answer)
    return accepted_body(answer)


BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["package"],
                    "properties": {
                        "package": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "maxItems": BATCH_MAX_PACKAGES,
                        }
                    },
                }
            }
        },
        "description": (
            f"1 to {BATCH_MAX_PACKAGES} signed edXML packages, one `package` part each, "
            "at most 64 MiB in all."
        ),
    }
}


def _batch_refused(message: str) -> PeerRefused:
    return PeerRefused(Answer(ErrorCode.INVALID_FILE, message, "package"), 400)


@router.post(
    "/exchange/inbox/batch",
    auth=PeerKey(),
    response={
        200: BatchOut,
        400: InboxProblemOut,
        401: InboxProblemOut,
        413: InboxProblemOut,
    },
    summary="Nhận nhiều gói tin edXML trong một yêu cầu (giữa các nút Tỉnh Số)",
    openapi_extra=BATCH_BODY,
)
def inbox_batch(request: HttpRequest) -> Any:
    """Receive several packages from a Tỉnh Số peer node in one request. Each is checked and
    answered as the single inbox would answer it, in the order of the parts: `results[i]` is
    code 0 for a package accepted (or a repeat), otherwise its LGSP refusal code. The
    request as a whole is refused (code 10) when it is not multipart/form-data with 1 to
    50 `package` parts, or over 64 MiB (413); then nothing of it is kept."""
    peer = _announced_size_fits(request)
    if request.content_type != "multipart/form-data":
        raise _batch_refused("expected multipart/form-data with one `package` part each")
    try:
        parts = request.FILES.getlist("package")
    except (MultiPartParserError, TooManyFilesSent, RequestDataTooBig) as error:
        raise _batch_refused(f"unreadable multipart body: {error}") from None
    if not parts or len(parts) > BATCH_MAX_PACKAGES:
        raise _batch_refused(f"{len(parts)} packages: from 1 to {BATCH_MAX_PACKAGES} a batch")
    answers = receive_many([part.read() for part in parts], peer=peer)
    return {"results": [item_body(answer) for answer in answers]}
