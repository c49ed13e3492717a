"""The back-office page of the service gateway (platform operators) and `/metrics`."""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tinhso.core.gateway import catalogue, metrics
from tinhso.core.models import ApiClient
from tinhso.core.ratelimit import client_ip

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@never_cache
@login_required
@require_GET
def services(request: HttpRequest) -> HttpResponse:
    """The catalogue of services offered and consumed, and the API clients, for platform
    operators (superusers): the addresses of outside systems are shown here only."""
    if not request.user.is_superuser:
        raise PermissionDenied(_("Chỉ quản trị viên hệ thống được xem cổng kết nối."))
    return render(
        request,
        "core/gateway_services.html",
        {
            "offered": catalogue.offered(),
            "consumed": catalogue.consumed(),
            "clients": ApiClient.objects.prefetch_related("keys"),
            "default_limit": settings.GATEWAY_RATE_LIMIT_PER_MINUTE,
        },
    )


def metrics_allowed(request: HttpRequest) -> bool:
    """A scraper presents `Authorization: Bearer <METRICS_TOKEN>` when a token is set, or calls
    from one of METRICS_ALLOWED_ADDRESSES."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[7:].strip().encode(), token.encode())
    return client_ip(request) in settings.METRICS_ALLOWED_ADDRESSES


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text exposition of the request counters and the queue gauges."""
    if not metrics_allowed(request):
        return HttpResponse(_("Không có quyền.\n"), status=403, content_type=CONTENT_TYPE)
    try:
        metrics.flush()
    except Exception:  # the rows already shared are still answered
        logger.exception("flushing request metrics failed")
    return HttpResponse(metrics.render(), content_type=CONTENT_TYPE)
