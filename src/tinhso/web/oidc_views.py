"""The OpenID Connect views, answered only when a provider is configured."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from tinhso.directory.oidc import oidc_enabled


def _gated(view: Any) -> Any:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not oidc_enabled():
            raise Http404("OpenID Connect is not configured")
        return view(request, *args, **kwargs)

    return wrapped


authenticate = _gated(OIDCAuthenticationRequestView.as_view())
callback = _gated(OIDCAuthenticationCallbackView.as_view())
