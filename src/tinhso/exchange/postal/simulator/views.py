"""PostalSimulator over HTTP: the JSON API of `postal/protocol.py` and a page where the demo
moves shipments along. Only mounted when POSTAL_SIMULATOR is on."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.exchange.postal import protocol
from tinhso.exchange.postal.base import NEXT, PostalStatus
from tinhso.exchange.postal.models import SimulatedShipment
from tinhso.exchange.postal.simulator import service
from tinhso.exchange.postal.simulator.service import Refused


def _enabled() -> None:
    if not settings.POSTAL_SIMULATOR:
        raise PermissionDenied("postal simulator is disabled")


def _api(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    """Token check and the API's error shape around an API view."""

    @csrf_exempt
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        _enabled()
        token = request.headers.get(protocol.TOKEN_HEADER, "")
        try:
            if not constant_time_compare(token, settings.POSTAL_API_KEY):
                raise Refused(401, "UNAUTHORIZED", "Token không hợp lệ.")
            return view(request, *args, **kwargs)
        except Refused as error:
            return JsonResponse(
                error.body(), status=error.status, json_dumps_params={"ensure_ascii": False}
            )

    return wrapped


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


@_api
@require_http_methods(["POST"])
def shipments(request: HttpRequest) -> JsonResponse:
    try:
        body = json.loads(request.body)
    except ValueError as error:
        raise Refused(400, "INVALID_INPUT", "Dữ liệu không phải JSON.") from error
    shipment, created = service.create(body)
    return _json(service.answer(shipment), 201 if created else 200)


@_api
@require_http_methods(["GET"])
def shipment(request: HttpRequest, number: str) -> JsonResponse:
    return _json(service.answer(service.get(number)))


@_api
@require_http_methods(["POST"])
def cancel(request: HttpRequest, number: str) -> JsonResponse:
    found = service.get(number)
    if found.status == PostalStatus.CANCELLED:
        return _json(service.answer(found))
    if found.status != PostalStatus.ACCEPTED:
        raise Refused(409, "NOT_CANCELLABLE", "Bưu gửi đã được chuyển đi, không hủy được.")
    return _json(service.answer(service.advance(found, PostalStatus.CANCELLED)))


def page(request: HttpRequest) -> HttpResponse:
    """The simulator's counter: every shipment with buttons to move it along."""
    _enabled()
    rows = [
        (
            s,
            service.recipient_line(s),
            sorted(p.value for p in NEXT[PostalStatus(s.status)]),
        )
        for s in SimulatedShipment.objects.all()[:200]
    ]
    return render(request, "exchange/postal/simulator.html", {"rows": rows})


@csrf_exempt  # a simulator page, not the platform: it takes no one's session
@require_POST
def move(request: HttpRequest, number: str) -> HttpResponse:
    _enabled()
    try:
        to = PostalStatus(request.POST.get("status", ""))
        service.advance(service.get(number), to)
    except (ValueError, Refused) as error:
        return HttpResponseBadRequest(str(error))
    return redirect("postal_simulator:page")
