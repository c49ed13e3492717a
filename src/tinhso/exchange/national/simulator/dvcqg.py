"""DvcqgSimulator: a fake national public-service portal speaking the push protocol of
`national/protocol.py` over HTTP, for the demo and the tests. Enabled by NATIONAL_SIMULATORS.

- `POST oauth/token`: client credentials (HTTP Basic with NATIONAL_PORTAL_CLIENT_ID/SECRET)
  → a bearer token signed by the simulator, valid 10 minutes.
- `POST api/DongBoHoSoMC`, `POST api/CapNhatTienDoHoSoMC`: checks the token, the envelope and
  the fields (bad dates, unknown status codes: 400 with the portal's error shape), then
  stores the push once per message id: a repeat is acknowledged with `duplicate: true` and
  applies nothing.
- `POST su-co`: the next `count` pushes answer 503 (a portal outage, for the demo and tests).
- `GET /simulators/dvcqg/`: the dossiers the simulated portal holds, with their progress.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from tinhso.exchange.national import protocol
from tinhso.exchange.national.models import SimulatedPortalDossier, SimulatedPortalMessage
from tinhso.exchange.national.simulator import require_enabled

TOKEN_SECONDS = 600
_outage = {"remaining": 0}
_outage_lock = threading.Lock()


def _error(
    status: int, code: int, message: str, errors: list[protocol.Problem] | None = None
) -> JsonResponse:
    body: dict[str, Any] = {"error_code": code, "message": message}
    if errors:
        body["errors"] = [{"field": p.field, "message": p.message} for p in errors]
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _sign(payload: str) -> str:
    key = settings.NATIONAL_PORTAL_CLIENT_SECRET.encode()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def _token_ok(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return False
    try:
        payload_b64, signature = header[7:].split(".", 1)
        payload = base64.urlsafe_b64decode(payload_b64.encode()).decode()
        client_id, expires = payload.rsplit("|", 1)
    except (ValueError, UnicodeDecodeError):
        return False
    return (
        hmac.compare_digest(signature, _sign(payload))
        and client_id == settings.NATIONAL_PORTAL_CLIENT_ID
        and float(expires) > time.time()
    )


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    require_enabled()
    try:
        kind, value = request.headers.get("Authorization", "").split(" ", 1)
        client_id, secret = base64.b64decode(value).decode().split(":", 1)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "invalid_client"}, status=401)
    if (
        kind != "Basic"
        or request.POST.get("grant_type") != "client_credentials"
        or client_id != settings.NATIONAL_PORTAL_CLIENT_ID
        or not hmac.compare_digest(secret, settings.NATIONAL_PORTAL_CLIENT_SECRET)
    ):
        return JsonResponse({"error": "invalid_client"}, status=401)
    payload = f"{client_id}|{time.time() + TOKEN_SECONDS:.0f}"
    value = base64.urlsafe_b64encode(payload.encode()).decode()
    return JsonResponse(
        {
            "access_token": f"{value}.{_sign(payload)}",
            "token_type": "Bearer",
            "expires_in": TOKEN_SECONDS,
        }
    )


@csrf_exempt
@require_POST
def outage(request: HttpRequest) -> JsonResponse:
    """Make the next `count` pushes fail with 503 (the portal is down)."""
    require_enabled()
    with _outage_lock:
        _outage["remaining"] = max(0, int(request.POST.get("count") or 1))
    return JsonResponse({"remaining": _outage["remaining"]})


def _down() -> bool:
    with _outage_lock:
        if _outage["remaining"] > 0:
            _outage["remaining"] -= 1
            return True
    return False


def _apply(service: str, message_id: uuid.UUID, data: dict[str, Any]) -> JsonResponse:
    code = str(data["MaHoSo"])
    with transaction.atomic():
        if service == protocol.PROGRESS_SERVICE:
            dossier = SimulatedPortalDossier.objects.select_for_update().filter(code=code).first()
            if dossier is None:
                return _error(404, protocol.UNKNOWN_DOSSIER, f"Không có hồ sơ {code} trên Cổng.")
            dossier.status = int(data["TrangThai"])
            dossier.save(update_fields=["status", "updated_at"])
        else:
            SimulatedPortalDossier.objects.update_or_create(
                code=code, defaults={"data": data, "status": int(data["TrangThaiHoSo"])}
            )
        SimulatedPortalMessage.objects.create(
            message_id=message_id, service=service, code=code, data=data
        )
    body = {"error_code": 0, "message": "Thành công", "MaThongDiep": str(message_id)}
    return JsonResponse({**body, "duplicate": False})


def _duplicate(message_id: uuid.UUID) -> JsonResponse:
    body = {"error_code": 0, "message": "Đã nhận trước đó", "MaThongDiep": str(message_id)}
    return JsonResponse({**body, "duplicate": True})


@csrf_exempt
@require_POST
def push(request: HttpRequest, service: str) -> JsonResponse:
    require_enabled()
    if not _token_ok(request):
        return _error(401, protocol.UNAUTHORISED, "Token không hợp lệ hoặc đã hết hạn.")
    if _down():
        return _error(503, protocol.SYSTEM_ERROR, "Hệ thống đang bận, vui lòng thử lại sau.")
    try:
        envelope = json.loads(request.body)
        message_id = uuid.UUID(str(envelope["MaThongDiep"]))
        data = envelope["data"]
    except (ValueError, KeyError, TypeError):
        return _error(
            400,
            protocol.INVALID,
            "Thông điệp không đúng dạng.",
            [protocol.Problem("MaThongDiep", "Cần MaThongDiep (UUID) và data.")],
        )
    if envelope.get("service") != service or service not in protocol.SERVICES:
        return _error(
            400,
            protocol.INVALID,
            "Sai dịch vụ.",
            [protocol.Problem("service", f"Dịch vụ không hỗ trợ: {service}.")],
        )
    seen = SimulatedPortalMessage.objects.filter(message_id=message_id).first()
    if seen is not None:
        return _duplicate(message_id)
    problems = protocol.validate(service, data)
    if problems:
        return _error(400, protocol.INVALID, "Dữ liệu không hợp lệ.", problems)
    try:
        return _apply(service, message_id, data)
    except IntegrityError:  # the same message id at the same moment: the other one applied it
        return _duplicate(message_id)


@require_GET
def dossiers(request: HttpRequest) -> HttpResponse:
    require_enabled()
    rows = SimulatedPortalDossier.objects.all()[:200]
    return render(
        request,
        "exchange/national/dossiers.html",
        {
            "dossiers": [(d, protocol.STATUS_CODES.get(d.status, "")) for d in rows],
            "total": SimulatedPortalDossier.objects.count(),
        },
    )


@require_GET
def dossier(request: HttpRequest, code: str) -> HttpResponse:
    require_enabled()
    held = SimulatedPortalDossier.objects.filter(code=code).first()
    if held is None:
        raise Http404(code)
    messages = SimulatedPortalMessage.objects.filter(code=code)
    progress = [
        (m, protocol.STATUS_CODES.get(int(m.data.get("TrangThai") or 0), ""))
        for m in messages
        if m.service == protocol.PROGRESS_SERVICE
    ]
    return render(
        request,
        "exchange/national/dossier.html",
        {
            "dossier": held,
            "status_label": protocol.STATUS_CODES.get(held.status, ""),
            "fields": sorted((k, v) for k, v in held.data.items() if not isinstance(v, list)),
            "lists": sorted((k, v) for k, v in held.data.items() if isinstance(v, list)),
            "progress": progress,
            "pushes": messages.count(),
        },
    )
