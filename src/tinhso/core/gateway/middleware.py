"""Measures every request for the metrics and logs the API requests of authenticated clients.

Place it right after SecurityMiddleware so that it times the whole stack. The log entry is one
INSERT after the response is made; the metrics cost a dictionary update (metrics.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from tinhso.core.gateway import metrics, requestlog

logger = logging.getLogger(__name__)


class GatewayMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        route = requestlog.route_of(request)
        metrics.observe(request.method or "", route, response.status_code, seconds)
        key = getattr(request, "api_key", None)
        if key is not None and settings.GATEWAY_REQUEST_LOG:
            try:
                requestlog.record(request=request, response=response, key=key, seconds=seconds)
            except Exception:  # the client's answer must not fail because the log did
                logger.exception("writing the API request log failed")
        return response
